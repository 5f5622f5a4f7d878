import type { CurvatureKind, CurvatureOperator } from "./operator";
import { backendName } from "./util";

/** What every hessian analysis result records about its run (plain, JSON-serialisable). */
export interface RunRecord {
  /** Algorithm, e.g. "lanczos", "power", "hutchinson", "hutch++", "slq", "dense". */
  method: string;
  /** Which curvature matrix was analysed. */
  curvature: CurvatureKind;
  /** Number of parameters. */
  p: number;
  /** Examples the loss averaged over (null for a user function). */
  n: number | null;
  /** Mini-batch size when drawn with `batch`, else null. */
  batch: number | null;
  /** Curvature–vector products used (HVPs for the Hessian). */
  hvps: number;
  /** Iterations of the method (Krylov steps, power iterations, probes). */
  iterations: number;
  /** Requested tolerance (null when the method has none). */
  tolerance: number | null;
  /** Tolerance reached, in the same units as `tolerance` (null when not applicable). */
  toleranceReached: number | null;
  backend: string;
  dtype: "f64" | "f32";
  /** Seed of every random draw (probes, start vectors, batches, Fisher labels); null if none. */
  seed: number | null;
  wallTimeMs: number;
}

export function runRecord(
  op: CurvatureOperator,
  fields: { method: string; hvps: number; iterations: number; tolerance: number | null; toleranceReached: number | null; seed: number | null; t0: number },
): RunRecord {
  return {
    method: fields.method,
    curvature: op.curvature,
    p: op.p,
    n: op.examples,
    batch: op.batch,
    hvps: fields.hvps,
    iterations: fields.iterations,
    tolerance: fields.tolerance,
    toleranceReached: fields.toleranceReached,
    backend: backendName(op.dtype),
    dtype: op.dtype,
    seed: fields.seed,
    wallTimeMs: performance.now() - fields.t0,
  };
}
