import { check } from "../util/errors";
import { toRng, type Rng } from "../random/Rng";
import { checkInteger } from "./validators";

/**
 * Hutchinson's estimator of the Hessian diagonal (Bekas, Kokiopoulou & Saad, 2007; used by
 * AdaHessian): diag(H) ≈ (1/k)·Σ_j z_j ⊙ (H z_j) with Rademacher probes z_j ∈ {±1}ᵖ.
 * Unbiased; exact with a single probe when H is diagonal (z ⊙ Dz = D z² = D).
 *
 * `hvp` computes H·v for a flat v of length p. Returns the estimate (length p).
 */
export function hutchinsonDiagonal(hvp: (v: Float64Array) => ArrayLike<number>, p: number, opts: { probes?: number; seed?: number | Rng } = {}): Float64Array {
  const where = "hutchinsonDiagonal";
  check(typeof hvp === "function", `${where}: hvp`, "expected a function v ↦ H·v");
  checkInteger(p, "p", where, 1);
  const probes = opts.probes ?? 1;
  checkInteger(probes, "probes", where, 1);
  const rng = toRng(opts.seed, 0);
  const diag = new Float64Array(p);
  for (let k = 0; k < probes; k++) {
    const z = new Float64Array(p);
    for (let i = 0; i < p; i++) z[i] = rng.rademacher();
    const hz = hvp(z);
    check(hz.length === p, `${where}: hvp`, `returned ${hz.length} values, expected ${p}`);
    for (let i = 0; i < p; i++) diag[i] += (z[i] * hz[i]) / probes;
  }
  return diag;
}
