import type { Tensor } from "../tensor/Tensor";
import { gather } from "../tensor/ops";
import { valueAndGrad } from "../autodiff/transforms";
import { leaves, type Params } from "../autodiff/params";
import { noGrad } from "../autodiff/graph";
import { toRng, type Rng } from "../random/Rng";
import { checkOptions, OptlabError } from "../util/errors";
import { interruptEpoch } from "../util/interrupt";
import type { Model } from "../nn/Model";
import type { Network } from "../nn/network";
import { getLoss, accuracy, type Loss, type LossName } from "../nn/losses";
import type { Dataset } from "../data/Dataset";
import type { Optimizer } from "./Optimizer";
import { checkInteger } from "./validators";
import { firstNonFinite, firstNonFiniteLeaf, type NonFiniteReport } from "./nonFinite";

/** What a per-step callback sees. */
export interface StepInfo {
  step: number;
  epoch: number;
  /** Mini-batch loss before the update. */
  loss: number;
  lr: number;
  /** Euclidean norm of the mini-batch gradient. */
  gradNorm: number;
}

/** What a per-epoch callback sees (full-data metrics after the epoch). */
export interface EpochInfo {
  epoch: number;
  step: number;
  loss: number;
  accuracy: number | null;
  extra: Record<string, number>;
}

/** A callback may return `false` (or a promise of it) to stop training early. */
export type Callback<T> = (info: T) => void | boolean | Promise<void | boolean>;

export interface TrainOptions {
  optimizer: Optimizer;
  /** Loss by name or function; default "ce" for classification, "mse" for regression. */
  loss?: LossName | Loss;
  /** Number of passes over the data (default 1). */
  epochs?: number;
  /** Mini-batch size; default (or 0) = full batch. */
  batchSize?: number;
  /** Seed or Rng for the mini-batch shuffling (default 0). */
  seed?: number | Rng;
  /** Reshuffle every epoch (default true); false keeps one seeded order. */
  shuffle?: boolean;
  onStep?: Callback<StepInfo>;
  onEpoch?: Callback<EpochInfo>;
  /** Extra per-epoch metrics, each computed on the full data at the current parameters. */
  metrics?: Record<string, (model: Model<Params>, data: Dataset) => number>;
  /** Yield to the event loop at least this often (ms; default 30), so a kernel stays responsive. */
  yieldEveryMs?: number;
  /** Abort between steps. */
  signal?: AbortSignal;
}

export interface TrainResult {
  steps: number;
  epochs: number;
  /**
   * Why training ended: "completed", "callback", "aborted" (signal), "interrupted" (a kernel
   * interrupt, see util/interrupt) or "non-finite".
   */
  stopReason: "completed" | "callback" | "aborted" | "interrupted" | "non-finite";
  /** Human-readable explanation when training stopped early. */
  message: string | null;
  /** With stopReason "non-finite": the step, what was non-finite, the parameter block and index. */
  nonFinite: NonFiniteReport | null;
  history: {
    step: { step: number[]; loss: number[]; lr: number[]; gradNorm: number[] };
    epoch: { epoch: number[]; loss: number[]; accuracy: (number | null)[]; extra: Record<string, number[]> };
  };
  finalLoss: number;
  wallTimeMs: number;
  seed: number;
}

const OPTIONS = ["optimizer", "loss", "epochs", "batchSize", "seed", "shuffle", "onStep", "onEpoch", "metrics", "yieldEveryMs", "signal"] as const;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Train `model` on `data` in place with `opts.optimizer`: full-batch or seeded mini-batch SGD-style
 * loop, callbacks per step and per epoch, a metrics history, and an early stop with a clear message
 * on a non-finite loss. Async: it yields to the event loop regularly so a notebook kernel can
 * stream progress and accept interrupts.
 */
export async function train<P extends Params>(model: Model<P>, data: Dataset, opts: TrainOptions): Promise<TrainResult> {
  checkOptions(opts, OPTIONS, "train");
  if (!opts || typeof opts.optimizer?.step !== "function") throw new OptlabError("train: optimizer: expected an optimizer (e.g. optim.sgd({ lr: 0.1 }))");
  const loss = getLoss(opts.loss ?? (data.task === "classification" ? "ce" : "mse"));
  const epochs = opts.epochs ?? 1;
  checkInteger(epochs, "epochs", "train", 0);
  const n = data.x.shape[0];
  const batchSize = opts.batchSize || n;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > n) {
    throw new OptlabError(`train: batchSize: expected an integer in [1, ${n}], got ${opts.batchSize}`);
  }
  const rng = toRng(opts.seed, 0);
  const yieldMs = opts.yieldEveryMs ?? 30;
  const target = data.labels ?? data.y;
  const opt = opts.optimizer;
  const start = performance.now();
  let lastYield = start;
  const history: TrainResult["history"] = {
    step: { step: [], loss: [], lr: [], gradNorm: [] },
    epoch: { epoch: [], loss: [], accuracy: [], extra: {} },
  };
  let step = 0;
  let stopReason = "completed" as TrainResult["stopReason"];
  let message: string | null = null;
  let order = rng.permutation(n);
  const fullBatch = batchSize === n;
  const epoch0 = interruptEpoch();
  let nonFinite: NonFiniteReport | null = null;
  /** Stop on a non-finite value: record where, and say so once (also on the console). */
  const stopNonFinite = (report: NonFiniteReport, explanation: string) => {
    nonFinite = report;
    stopReason = "non-finite";
    message = `training stopped at step ${report.step} (epoch ${report.epoch}): ${explanation}`;
    console.warn(`optlab.train: ${message}`);
  };
  const divergence = () => `Lower the learning rate (last lr ${opt.lastLr()}), check the data for extreme values, or use float64.`;
  // Bad data would only show up later as a NaN loss blamed on the learning rate: name it up front.
  const badX = firstNonFinite(data.x.data);
  const badY = data.labels ? null : firstNonFinite(data.y.data);
  if (badX || badY) {
    const [what, t, hit] = badX ? (["data.x", data.x, badX] as const) : (["data.y", data.y, badY!] as const);
    const cols = t.size / t.shape[0];
    stopNonFinite(
      { step: 0, epoch: 0, what, block: null, index: hit.index, value: hit.value },
      `${what} has the non-finite value ${hit.value} at example ${Math.floor(hit.index / cols)}, entry ${hit.index % cols}; no step was taken. Remove or impute that example.`,
    );
  }

  const evaluate = () =>
    noGrad(() => {
      const out = model.apply(model.params, data.x);
      return { loss: loss(out, target).item(), accuracy: data.task === "classification" ? accuracy(out, target) : null };
    });

  const forward = trainingForward(model);
  outer: for (let epoch = 0; epoch < (nonFinite ? 0 : epochs); epoch++) {
    if (epoch > 0 && (opts.shuffle ?? true) && !fullBatch) order = rng.permutation(n);
    for (let start0 = 0; start0 < n; start0 += batchSize) {
      if (opts.signal?.aborted) {
        stopReason = "aborted";
        message = `training aborted at step ${step}`;
        break outer;
      }
      if (interruptEpoch() !== epoch0) {
        stopReason = "interrupted";
        message = `training interrupted at step ${step}`;
        break outer;
      }
      const idx = fullBatch ? null : order.subarray(start0, Math.min(n, start0 + batchSize));
      const xb = idx ? gather(data.x, idx) : data.x;
      const labels = data.labels;
      const yb: Tensor | Int32Array = !idx ? target : labels ? Int32Array.from(idx, (i) => labels[i]) : gather(data.y, idx);
      const { value, grad } = valueAndGrad((p: P) => loss(forward(p, xb), yb))(model.params);
      const l = value.item();
      if (!Number.isFinite(l)) {
        stopNonFinite({ step, epoch, what: "loss", block: null, index: null, value: l }, `the loss became ${l}. ${divergence()}`);
        break outer;
      }
      const badGrad = firstNonFiniteLeaf(grad);
      if (badGrad) {
        stopNonFinite(
          { step, epoch, what: "gradient", ...badGrad },
          `the gradient of ${badGrad.block} has the non-finite value ${badGrad.value} at index ${badGrad.index} (the loss was ${l}). ${divergence()}`,
        );
        break outer;
      }
      let g2 = 0;
      for (const t of leaves(grad)) for (let i = 0; i < t.size; i++) g2 += t.data[i] * t.data[i];
      opt.step(model.params, grad);
      const badParam = firstNonFiniteLeaf(model.params);
      if (badParam) {
        stopNonFinite(
          { step, epoch, what: "params", ...badParam },
          `the update made ${badParam.block} non-finite (${badParam.value} at index ${badParam.index}). ${divergence()}`,
        );
        break outer;
      }
      const info: StepInfo = { step, epoch, loss: l, lr: opt.lastLr(), gradNorm: Math.sqrt(g2) };
      history.step.step.push(step);
      history.step.loss.push(l);
      history.step.lr.push(info.lr);
      history.step.gradNorm.push(info.gradNorm);
      step++;
      if (opts.onStep && (await opts.onStep(info)) === false) {
        stopReason = "callback";
        message = `stopped by onStep at step ${step}`;
        break outer;
      }
      if (performance.now() - lastYield > yieldMs) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    const ev = evaluate();
    const extra: Record<string, number> = {};
    for (const [name, fn] of Object.entries(opts.metrics ?? {})) {
      extra[name] = noGrad(() => fn(model as unknown as Model<Params>, data));
      (history.epoch.extra[name] ??= []).push(extra[name]);
    }
    history.epoch.epoch.push(epoch);
    history.epoch.loss.push(ev.loss);
    history.epoch.accuracy.push(ev.accuracy);
    if (opts.onEpoch && (await opts.onEpoch({ epoch, step, loss: ev.loss, accuracy: ev.accuracy, extra })) === false) {
      stopReason = "callback";
      message = `stopped by onEpoch after epoch ${epoch}`;
      break;
    }
  }
  return {
    steps: step,
    epochs: history.epoch.epoch.length,
    stopReason,
    message,
    nonFinite,
    history,
    finalLoss: stopReason === "non-finite" ? NaN : evaluate().loss,
    wallTimeMs: performance.now() - start,
    seed: rng.seed,
  };
}

/**
 * The forward a training step runs. For a network in training mode (`net.train()`), PyTorch's:
 * each step's batch statistics update the batch-norm running statistics, and each step draws
 * fresh dropout masks. Otherwise `model.apply`, a pure function of θ.
 */
function trainingForward<P extends Params>(model: Model<P>): (p: P, x: Tensor) => Tensor {
  const net = model as Model<P> & Partial<Pick<Network<P>, "training" | "forward" | "nextSeed">>;
  if (net.training === true && typeof net.forward === "function" && typeof net.nextSeed === "function") {
    const { forward, nextSeed } = net as Network<P>;
    return (p, x) => {
      nextSeed.call(net);
      return forward.call(net, p, x, { updateState: true });
    };
  }
  return (p, x) => model.apply(p, x);
}
