import { OptlabError, checkOptions } from "../../util/errors";
import { modelObjective, type ModelObjectiveOptions } from "../../objective";
import type { Model } from "../../nn/Model";
import type { Params } from "../../autodiff/params";
import type { Dataset } from "../../data/Dataset";
import type { EpochInfo, StepInfo } from "../../optim/train";
import type { Optimizer } from "../../optim/Optimizer";
import { sharpness, hessianTrace, type SharpnessResult } from "./sharpness";
import { checkPositiveInt as positiveInt } from "../hessian/util";

export interface StabilityTrackOptions extends ModelObjectiveOptions {
  /** Record every `every` epochs (unit "epoch", default) or steps (unit "step"). Default 1. */
  every?: number;
  unit?: "epoch" | "step";
  /** The learning rate η for the 2/η reference; or give `optimizer` to read its last lr (schedules). */
  lr?: number;
  optimizer?: Optimizer;
  /** Sharpness method (default "lanczos") and Lanczos steps (default min(p, 20)). */
  method?: "lanczos" | "power";
  steps?: number;
  tol?: number;
  /** Hutchinson probes for tr(H) per record (default 10; 0 = skip the trace). */
  probes?: number;
  seed?: number;
}

/** λ_max, tr(H) and 2/η vs training time (parallel arrays). */
export interface StabilityHistory {
  unit: "epoch" | "step";
  /** Epochs or steps completed at each record (0 for a `record()` before training). */
  t: number[];
  /** Training loss reported by `train` (NaN for manual records). */
  loss: number[];
  lambdaMax: number[];
  /** Ritz/power residual of each λ_max. */
  residual: number[];
  /** Hutchinson tr(H) and its standard error (NaN when probes = 0). */
  trace: number[];
  traceStdErr: number[];
  /** η at each record and the GD stability reference 2/η (NaN when no lr is known). */
  lr: number[];
  twoOverLr: number[];
  hvps: number[];
}

export interface StabilityTracker {
  onEpoch: (info: EpochInfo) => Promise<void>;
  onStep: (info: StepInfo) => Promise<void>;
  /** Record now under label `t` (e.g. 0 before training). */
  record(t?: number, loss?: number, lr?: number): Promise<SharpnessResult>;
  readonly history: StabilityHistory;
  /** Total HVPs spent by the tracker. */
  hvps: number;
  wallTimeMs: number;
}

const OPTIONS = ["every", "unit", "lr", "optimizer", "method", "steps", "tol", "probes", "seed", "loss", "indices"] as const;

/**
 * Training callbacks recording the sharpness λ_max (Lanczos/power on exact HVPs, warm-started
 * from the previous top eigenvector) and Hutchinson tr(H) of the full-data loss, next to the GD
 * stability reference 2/η — the edge-of-stability figure (under full-batch GD the sharpness rises
 * to ≈ 2/η and hovers there; Cohen et al.; papers.md). Pass `onEpoch` (unit "epoch") or `onStep`
 * (unit "step") to `optim.train`; the other callback does nothing.
 *
 * @throws OptlabError for bad every/unit/lr/probes options or a model without data.
 */
export function track<P extends Params>(model: Model<P>, data: Dataset, opts: StabilityTrackOptions = {}): StabilityTracker {
  const where = "stability.track";
  checkOptions(opts, OPTIONS, where);
  if (!model || typeof model.apply !== "function") throw new OptlabError(`${where}: model: expected an optlab Model`);
  if (!data || !data.x) throw new OptlabError(`${where}: data: expected a Dataset`);
  const every = positiveInt(opts.every ?? 1, "every", where);
  const unit = opts.unit ?? "epoch";
  if (unit !== "epoch" && unit !== "step") throw new OptlabError(`${where}: unit: expected "epoch" or "step", got ${String(unit)}`);
  if (opts.lr !== undefined && !(typeof opts.lr === "number" && opts.lr > 0 && Number.isFinite(opts.lr))) {
    throw new OptlabError(`${where}: lr: expected a finite number > 0, got ${String(opts.lr)}`);
  }
  const probes = opts.probes ?? 10;
  if (!Number.isInteger(probes) || probes < 0) throw new OptlabError(`${where}: probes: expected an integer ≥ 0, got ${String(probes)}`);
  const seed = opts.seed ?? 0;
  const history: StabilityHistory = { unit, t: [], loss: [], lambdaMax: [], residual: [], trace: [], traceStdErr: [], lr: [], twoOverLr: [], hvps: [] };
  let warm: Float64Array | undefined;
  const currentLr = (given?: number) => given ?? opts.lr ?? (opts.optimizer ? opts.optimizer.lastLr() : NaN);
  const tracker: StabilityTracker = {
    history,
    hvps: 0,
    wallTimeMs: 0,
    async record(t = 0, loss = NaN, lr?: number) {
      const t0 = performance.now();
      // A fresh objective at the current parameters (optimizers update them in place).
      const obj = modelObjective(model, data, { loss: opts.loss, indices: opts.indices });
      const s = await sharpness(obj, {
        method: opts.method,
        steps: opts.steps ?? Math.min(obj.p, 20),
        tol: opts.tol,
        seed,
        start: warm,
      });
      warm = s.vector;
      const tr = probes > 0 ? await hessianTrace(obj, { probes, seed: seed + history.t.length + 1 }) : null;
      const eta = currentLr(lr);
      history.t.push(t);
      history.loss.push(loss);
      history.lambdaMax.push(s.lambdaMax);
      history.residual.push(s.residual);
      history.trace.push(tr ? tr.trace : NaN);
      history.traceStdErr.push(tr ? tr.stdErr : NaN);
      history.lr.push(eta);
      history.twoOverLr.push(2 / eta);
      history.hvps.push(obj.hvps);
      tracker.hvps += obj.hvps;
      tracker.wallTimeMs += performance.now() - t0;
      return s;
    },
    async onEpoch(info) {
      if (unit === "epoch" && (info.epoch + 1) % every === 0) await tracker.record(info.epoch + 1, info.loss);
    },
    async onStep(info) {
      if (unit === "step" && (info.step + 1) % every === 0) await tracker.record(info.step + 1, info.loss, info.lr);
    },
  };
  return tracker;
}
