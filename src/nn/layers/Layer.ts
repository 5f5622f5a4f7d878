import type { Tensor } from "../../tensor/Tensor";
import type { DType } from "../../tensor/dtype";
import type { Params } from "../../autodiff/params";
import { Rng } from "../../random/Rng";
import { OptlabError } from "../../util/errors";

/**
 * A composable layer: a pure function of explicit parameters θ (a plain tree of tensors, so
 * `ravel`, `grad` and every analysis see them) plus a forward context that carries everything
 * that is *not* θ — train/eval mode, buffers such as batch-norm running statistics, and the
 * dropout seed.
 *
 * A user-defined layer is any object with `kind`, `init` and `apply`:
 * ```ts
 * const scale: Layer<{ s: Tensor }> = {
 *   kind: "scale",
 *   init: (rng, dtype) => ({ s: nn.gaussian([1], 1, rng, dtype) }),
 *   apply: (p, x) => ops.mul(x, p.s),
 * };
 * ```
 */
export interface Layer<P extends Params = Params> {
  /** Short description, e.g. "conv2d(3→16, k3, s1, p1)". */
  readonly kind: string;
  /** Fresh parameters drawn from `rng` (a record with no tensors for parameter-free layers). */
  init(rng: Rng, dtype: DType): P;
  /** Forward pass, differentiable in `params` and `x` (shapes are documented per layer). */
  apply(params: P, x: Tensor, ctx: ForwardContext): Tensor;
}

/** Options of a forward pass (the non-θ inputs of a network). */
export interface ForwardOptions {
  /** Training mode: batch norm uses batch statistics, dropout drops (default false). */
  training?: boolean;
  /** Write updated running statistics into `state` (only meaningful with training; default false). */
  updateState?: boolean;
  /** Buffers by dotted path, e.g. "layer1.0.bn1.running_mean"; missing ones are created at their initial value. */
  state?: Map<string, Tensor>;
  /** Dropout seed: the same seed gives the same masks, so a training-mode forward is a fixed function of θ. */
  seed?: number;
}

/**
 * Context of one forward pass, scoped to a layer's dotted path (PyTorch's module naming:
 * children of a sequential are "0", "1", … or their record keys).
 */
export class ForwardContext {
  readonly training: boolean;
  readonly updateState: boolean;
  readonly state: Map<string, Tensor>;
  readonly seed: number;
  readonly path: string;

  constructor(opts: ForwardOptions = {}, path = "") {
    this.training = opts.training ?? false;
    this.updateState = opts.updateState ?? false;
    this.state = opts.state ?? new Map();
    this.seed = opts.seed ?? 0;
    if (!Number.isInteger(this.seed)) throw new OptlabError(`seed: expected an integer dropout seed, got ${this.seed}`);
    this.path = path;
  }

  /** The context of a child layer named `name`. */
  child(name: string | number): ForwardContext {
    const p = this.path ? `${this.path}.${name}` : String(name);
    return new ForwardContext({ training: this.training, updateState: this.updateState, state: this.state, seed: this.seed }, p);
  }

  /** The buffer `name` of this layer, created with `init()` the first time it is read. */
  buffer(name: string, init: () => Tensor): Tensor {
    const key = this.key(name);
    let t = this.state.get(key);
    if (!t) {
      t = init();
      this.state.set(key, t);
    }
    return t;
  }

  /** Replace buffer `name` (no-op unless `updateState`). */
  setBuffer(name: string, value: Tensor): void {
    if (this.updateState) this.state.set(this.key(name), value.detach());
  }

  /** A generator fixed by (seed, path): the dropout mask of one layer for one seed. */
  rng(): Rng {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.path.length; i++) h = Math.imul(h ^ this.path.charCodeAt(i), 0x01000193);
    return new Rng(((h >>> 0) ^ Math.imul(this.seed, 0x9e3779b1)) >>> 0);
  }

  private key(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }
}

/** Throw unless `x` has rank `rank` (and, where given, size `size` on `axis`). */
export function expectShape(layer: string, x: Tensor, rank: number, what: string, axis?: number, size?: number): void {
  if (x.rank !== rank || (axis !== undefined && x.shape[axis] !== size)) {
    throw new OptlabError(`${layer}: x: expected ${what}, got shape [${x.shape.join(", ")}]`);
  }
}

/** Check an integer hyper-parameter ≥ min. */
export function checkInt(layer: string, name: string, v: unknown, min = 1): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new OptlabError(`${layer}: ${name}: expected an integer ≥ ${min}, got ${String(v)}`);
  return v;
}
