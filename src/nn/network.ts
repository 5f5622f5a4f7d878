import { Tensor } from "../tensor/Tensor";
import { allocate, isDType, type DType } from "../tensor/dtype";
import { reshape } from "../tensor/ops";
import { noGrad } from "../autodiff/graph";
import type { Params } from "../autodiff/params";
import { toRng, type Rng } from "../random/Rng";
import { checkOptions, OptlabError } from "../util/errors";
import type { Model } from "./Model";
import { ForwardContext, type Layer, type ForwardOptions } from "./layers/Layer";
import type { Sequential } from "./layers/sequential";

export interface NetworkOptions {
  /** Shape of one example without the batch axis, e.g. [1, 28, 28] or [3] for 3 token ids. */
  inputShape: readonly number[];
  seed?: number | Rng;
  dtype?: DType;
  name?: string;
}

/**
 * A {@link Model} built from a layer (usually a sequential), with the non-θ state of its layers:
 * train/eval mode, buffers (batch-norm running statistics) and the dropout seed.
 *
 * `apply(params, x)` is a pure function of θ for the current mode and state — it never changes
 * buffers — so Hessians, NTKs and landscapes see one fixed function. `optim.train` on a network in
 * training mode does what PyTorch does each step: `forward(params, x, { updateState: true })` (batch
 * statistics update the running statistics) after `nextSeed()` (fresh dropout masks); custom loops
 * can do the same, or call `updateRunningStats(x)`.
 *
 * Inputs: x [n, ...inputShape], or flattened [n, prod(inputShape)] (what analyses pass).
 * `features(params, x, l)` = the output of the first l children of a top-level sequential,
 * flattened to [n, width]; l = −1 is the input of the last child (the penultimate features).
 */
export interface Network<P extends Params = Params> extends Model<P> {
  readonly layer: Layer<P>;
  readonly inputShape: readonly number[];
  /** Buffers by dotted path (e.g. "1.running_mean"). */
  readonly state: Map<string, Tensor>;
  /** Training mode (batch statistics, dropout on); default false (evaluation). */
  training: boolean;
  /** Dropout seed used by `apply` in training mode. */
  seed: number;
  /** Forward with explicit non-θ options (defaults: this network's mode, state and seed). */
  forward(params: P, x: Tensor, opts?: ForwardOptions): Tensor;
  /** One training-mode forward that updates the running statistics (no graph). */
  updateRunningStats(x: Tensor): void;
  /** Advance the dropout seed (fresh masks for the next step). */
  nextSeed(): number;
  train(): this;
  eval(): this;
}

const OPTIONS = ["inputShape", "seed", "dtype", "name"] as const;

/** Wrap a layer as a seeded {@link Network} (a Model every analysis accepts). */
export function network<P extends Params>(layer: Layer<P>, opts: NetworkOptions): Network<P> {
  checkOptions(opts, OPTIONS, "network");
  if (!layer || typeof layer.init !== "function" || typeof layer.apply !== "function") {
    throw new OptlabError("network: layer: expected a layer { kind, init(rng, dtype), apply(params, x, ctx) }");
  }
  const inputShape = opts.inputShape;
  if (!Array.isArray(inputShape) || inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new OptlabError(`network: inputShape: expected positive integers (one example's shape), got ${JSON.stringify(inputShape)}`);
  }
  const dtype = opts.dtype ?? "f64";
  if (!isDType(dtype)) throw new OptlabError(`network: dtype: expected "f64" or "f32", got ${String(dtype)}`);
  const rng = toRng(opts.seed, 0);
  const params = layer.init(rng, dtype);
  const inputDim = inputShape.reduce((a, b) => a * b, 1);
  const seq = (layer as unknown as Sequential).children ? (layer as unknown as Sequential) : null;

  const shapeInput = (x: Tensor): Tensor => {
    if (!(x instanceof Tensor)) throw new OptlabError(`x: expected a Tensor [n, ${inputShape.join(", ")}] or [n, ${inputDim}]`);
    if (x.rank === inputShape.length + 1 && inputShape.every((d, i) => x.shape[i + 1] === d)) return x;
    if (x.rank === 2 && x.shape[1] === inputDim) return inputShape.length === 1 ? x : reshape(x, [x.shape[0], ...inputShape]);
    throw new OptlabError(`x: expected inputs [n, ${inputShape.join(", ")}] or [n, ${inputDim}], got [${x.shape.join(", ")}]`);
  };
  const net: Network<P> = {
    name: opts.name ?? layer.kind,
    layer,
    params,
    inputShape: [...inputShape],
    inputDim,
    outputDim: 0,
    numHidden: seq ? seq.children.length - 1 : 0,
    config: { layer: layer.kind, inputShape: [...inputShape], dtype, seed: rng.seed },
    state: new Map(),
    training: false,
    seed: 0,
    forward(p, x, o = {}) {
      const ctx = new ForwardContext({ training: o.training ?? net.training, updateState: o.updateState ?? false, state: o.state ?? net.state, seed: o.seed ?? net.seed });
      return layer.apply(p, shapeInput(x), ctx);
    },
    apply(p, x) {
      return net.forward(p, x);
    },
    features(p, x, l) {
      if (!seq) throw new OptlabError(`features: the network's layer (${layer.kind}) is not a sequential; features need numbered children`);
      const k = seq.children.length;
      const upTo = l < 0 ? k + l : l;
      if (!Number.isInteger(l) || upTo < 1 || upTo > k - 1) throw new OptlabError(`layer: expected a child index in 1..${k - 1} (or −1..−${k - 1}), got ${l}`);
      const ctx = new ForwardContext({ training: net.training, state: net.state, seed: net.seed });
      const h = seq.applyPrefix(p, shapeInput(x), ctx, upTo);
      return h.rank === 2 ? h : reshape(h, [h.shape[0], -1]);
    },
    updateRunningStats(x) {
      noGrad(() => net.forward(net.params, x, { training: true, updateState: true }));
    },
    nextSeed() {
      return ++net.seed;
    },
    train() {
      net.training = true;
      return net;
    },
    eval() {
      net.training = false;
      return net;
    },
  };
  // Output width from one example of zeros (valid for images and token ids alike).
  const probe = noGrad(() => net.forward(params, new Tensor(allocate(dtype, inputDim), [1, ...inputShape]), { state: new Map() }));
  (net as { outputDim: number }).outputDim = probe.size;
  return net;
}
