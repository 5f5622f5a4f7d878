import { OptlabError, checkOptions } from "../../util/errors";
import type { Dataset } from "../../data/Dataset";
import type { ModelObjectiveOptions } from "../../objective";
import type { Target } from "../../objective/target";
import { topEigenOf } from "../hessian/topEigen";
import { traceOf } from "../hessian/trace";
import { buildOperator, splitArgs } from "../hessian/operator";
import { checkPositive, checkPositiveInt, checkSeed } from "../hessian/util";

/** What a stability analysis runs on: an Objective, or a model (followed by its data). */
export type StabilityTarget = Target;

export interface SharpnessOptions {
  /** "lanczos" (default; largest algebraic eigenvalue) or "power" (PyHessian-style; largest in magnitude). */
  method?: "lanczos" | "power";
  /** Lanczos steps (default min(p, 30)). */
  steps?: number;
  /** Power iterations at most (default 200). */
  maxIter?: number;
  /** Relative tolerance: power stops when |Δλ| ≤ tol·|λ|; `converged` means residual ≤ tol·|λ| (default 1e-6). */
  tol?: number;
  /** Seed of the starting vector (default 0). */
  seed?: number;
  /** Starting vector (e.g. the previous top eigenvector, for warm starts during training). */
  start?: Float64Array;
}

export interface SharpnessResult {
  method: "lanczos" | "power";
  /** λ_max(H), the sharpness. */
  lambdaMax: number;
  /** Unit eigenvector estimate [p]. */
  vector: Float64Array;
  /** ‖H v − λ v‖. */
  residual: number;
  /** residual ≤ tol·|λ|. */
  converged: boolean;
  tolerance: number;
  /** Lanczos steps or power iterations. */
  iterations: number;
  hvps: number;
  p: number;
  seed: number;
  dtype: "f64" | "f32";
  backend: string;
  wallTimeMs: number;
}

const OPTIONS = ["method", "steps", "maxIter", "tol", "seed", "start"] as const;
const MODEL_OPTIONS = ["loss", "indices"] as const;

/** Split (target, data?, opts?) and check the option names (the model form also takes loss/indices). */
function resolve<O extends object>(where: string, target: unknown, data: unknown, options: unknown, allowed: readonly string[]) {
  const { target: t, opts } = splitArgs<O & ModelObjectiveOptions>(where, target, data, options);
  checkOptions(opts, "model" in t ? [...allowed, ...MODEL_OPTIONS] : allowed, where);
  return { op: buildOperator(where, t, { loss: opts.loss, indices: opts.indices }), opts };
}

/**
 * Sharpness λ_max of the Hessian of a loss: `sharpness(objective, opts)` or `sharpness(model,
 * data, {loss, indices, ...})`. It is `hessian.topEigen` with k = 1 (one implementation of the
 * eigensolvers), reported in the stability vocabulary. Lanczos (full reorthogonalization, default)
 * returns the largest algebraic eigenvalue; power iteration converges to the eigenvalue of largest
 * magnitude (equal to λ_max when λ_max ≥ |λ_min|, the usual case near minima).
 *
 * @throws OptlabError naming the option for a bad method, steps, maxIter, tol, seed or start.
 */
export async function sharpness(target: StabilityTarget, data?: Dataset | SharpnessOptions, options?: SharpnessOptions & ModelObjectiveOptions): Promise<SharpnessResult> {
  const where = "stability.sharpness";
  const { op, opts } = resolve<SharpnessOptions>(where, target, data, options, OPTIONS);
  const method = opts.method ?? "lanczos";
  if (method !== "lanczos" && method !== "power") throw new OptlabError(`${where}: method: expected "lanczos" or "power", got ${String(method)}`);
  const tol = checkPositive(opts.tol ?? 1e-6, "tol", where);
  const seed = checkSeed(opts.seed, where);
  if (method === "power" && opts.steps !== undefined) throw new OptlabError(`${where}: steps: applies to method "lanczos"; power iteration takes maxIter`);
  if (method === "lanczos" && opts.maxIter !== undefined) throw new OptlabError(`${where}: maxIter: applies to method "power"; Lanczos takes steps`);
  const steps = opts.steps === undefined ? undefined : checkPositiveInt(opts.steps, "steps", where);
  if (steps !== undefined && steps > op.p) throw new OptlabError(`${where}: steps: expected at most p = ${op.p}, got ${steps}`);
  const maxIter = opts.maxIter === undefined ? 200 : checkPositiveInt(opts.maxIter, "maxIter", where);
  const r = await topEigenOf(op, {
    k: 1, method, tol, seed, vectors: true, start: opts.start,
    ...(method === "lanczos" ? (steps !== undefined ? { maxSteps: Math.max(steps, 1) } : {}) : { maxIter }),
  });
  const lambda = r.eigenvalues[0];
  return {
    method,
    lambdaMax: lambda,
    vector: Float64Array.from((r.eigenvectors as number[][])[0]),
    residual: r.residuals[0],
    converged: r.residuals[0] <= tol * Math.abs(lambda),
    tolerance: tol,
    iterations: r.steps[0],
    hvps: r.hvps,
    p: r.p,
    seed,
    dtype: r.dtype,
    backend: r.backend,
    wallTimeMs: r.wallTimeMs,
  };
}

export interface TraceOptions {
  /** Rademacher probes (default 20). */
  probes?: number;
  seed?: number;
}

export interface TraceResult {
  method: "hutchinson";
  /** Mean of zᵀHz over the probes, an unbiased estimate of tr(H). */
  trace: number;
  /** Standard error: sample std of zᵀHz / √probes (NaN for one probe). */
  stdErr: number;
  probes: number;
  hvps: number;
  p: number;
  seed: number;
  dtype: "f64" | "f32";
  backend: string;
  wallTimeMs: number;
}

/**
 * Hutchinson's estimate of tr(H) with Rademacher probes z (E[zᵀHz] = tr H), with its standard
 * error: `hessianTrace(objective, opts)` or `hessianTrace(model, data, opts)` — `hessian.trace`
 * with method "hutchinson", in the stability vocabulary.
 */
export async function hessianTrace(target: StabilityTarget, data?: Dataset | TraceOptions, options?: TraceOptions & ModelObjectiveOptions): Promise<TraceResult> {
  const where = "stability.hessianTrace";
  const { op, opts } = resolve<TraceOptions>(where, target, data, options, ["probes", "seed"]);
  const probes = checkPositiveInt(opts.probes ?? 20, "probes", where);
  const seed = checkSeed(opts.seed, where);
  const r = await traceOf(op, { method: "hutchinson", probes, seed });
  return {
    method: "hutchinson",
    trace: r.trace,
    stdErr: probes > 1 ? r.stdError : NaN,
    probes,
    hvps: r.hvps,
    p: r.p,
    seed,
    dtype: r.dtype,
    backend: r.backend,
    wallTimeMs: r.wallTimeMs,
  };
}
