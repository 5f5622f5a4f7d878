import { Tensor } from "../../tensor/Tensor";
import { symEig } from "../../linalg/symEig";
import { OptlabError, checkOptions } from "../../util/errors";
import { checkPositive as positiveNumber } from "../hessian/util";

export interface GdQuadraticResult {
  method: "gd-linear-stability";
  lr: number;
  lambdaMax: number;
  lambdaMin: number;
  /** 2/λ_max: GD converges iff λ_min ≥ 0 and lr < threshold. */
  threshold: number;
  /** Per-mode error factors 1 − ηλ_i (e_{t+1,i} = (1 − ηλ_i) e_{t,i}), in the order given. */
  factors: number[];
  /** max |1 − ηλ_i| over the modes with λ_i ≠ 0: the asymptotic contraction (< 1) or growth (> 1) per step. */
  spectralRadius: number;
  /** True iff GD converges to a minimiser from every start: λ_min ≥ 0 and η < 2/λ_max. */
  converges: boolean;
}

/**
 * Linear stability of gradient descent θ ← θ − η H(θ − θ*) on a quadratic ½(θ−θ*)ᵀH(θ−θ*) with
 * Hessian eigenvalues `eigenvalues`: in the eigenbasis each error mode is multiplied by 1 − ηλ_i
 * per step, so GD converges iff every non-zero mode has |1 − ηλ_i| < 1, i.e. λ_min ≥ 0 and
 * η < 2/λ_max (Wu & Su: for GD the stability bound is on λ_max only). Zero modes do not move.
 *
 * @throws OptlabError for empty/non-finite eigenvalues, no positive eigenvalue, or lr ≤ 0.
 */
export function gdQuadratic(eigenvalues: ArrayLike<number>, lr: number): GdQuadraticResult {
  const where = "stability.gdQuadratic";
  if (!eigenvalues || typeof eigenvalues.length !== "number" || eigenvalues.length === 0) {
    throw new OptlabError(`${where}: eigenvalues: expected a non-empty array of Hessian eigenvalues`);
  }
  const lam = Array.from(eigenvalues);
  lam.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new OptlabError(`${where}: eigenvalues: non-finite value ${v} at index ${i}`);
  });
  positiveNumber(lr, "lr", where);
  const lambdaMax = Math.max(...lam);
  const lambdaMin = Math.min(...lam);
  if (!(lambdaMax > 0)) throw new OptlabError(`${where}: eigenvalues: expected at least one positive eigenvalue, got max ${lambdaMax}`);
  const factors = lam.map((l) => 1 - lr * l);
  const spectralRadius = Math.max(...lam.filter((l) => l !== 0).map((l) => Math.abs(1 - lr * l)));
  return {
    method: "gd-linear-stability",
    lr,
    lambdaMax,
    lambdaMin,
    threshold: 2 / lambdaMax,
    factors,
    spectralRadius,
    converges: lambdaMin >= 0 && spectralRadius < 1,
  };
}

export interface SgdInterpolatingOptions {
  /** Also locate the exact threshold η* (bisection on ρ(T(η)) = 1; default true). */
  threshold?: boolean;
  /** Relative bisection tolerance on η* (default 1e-12). */
  tol?: number;
}

export interface SgdInterpolatingResult {
  method: "sgd-mean-square-stability";
  lr: number;
  n: number;
  d: number;
  /** Rank r of X (the dynamics live on the row space; null-space error never moves). */
  rank: number;
  /** tr(H), H = XᵀX/n. */
  traceH: number;
  lambdaMaxH: number;
  /** Squared row norms ‖x_i‖². */
  rowNormsSquared: number[];
  /** All rows have equal norm (to 1e-12 relative): then η* = 2/tr(H) exactly. */
  equalNorms: boolean;
  /** ρ(T), T = (1/n) Σ_i (I − η x_i x_iᵀ) ⊗ (I − η x_i x_iᵀ) on the row space: E[eeᵀ] ← T(E[eeᵀ]). */
  spectralRadius: number;
  /** ρ(T) ≤ 1 (+1e-12): the second moment stays bounded (T is symmetric, hence diagonalisable). */
  meanSquareStable: boolean;
  /** ρ(T) < 1 − 1e-12: E‖θ_t − θ*‖² → 0 geometrically at rate ρ(T) per step. */
  converges: boolean;
  /** Wu & Su's trace criterion 2/tr(H) and whether lr ≤ it. */
  traceBound: number;
  traceCriterion: boolean;
  /** GD's threshold 2/λ_max(H) (η* ≤ it: a diverging mean forces a diverging second moment). */
  gdThreshold: number;
  /** Exact mean-square threshold η* = sup{η : ρ(T(η)) ≤ 1}, or null when not requested. */
  threshold: number | null;
  /** Symmetric eigen-decompositions of T done (operator dimension r²). */
  eigensolves: number;
  wallTimeMs: number;
}

/**
 * Mean-square linear stability of SGD with batch size 1 on interpolating least squares
 * L(θ) = (1/n) Σ_i ½(x_iᵀθ − y_i)² with y = Xθ* (so every per-example loss vanishes at θ*).
 *
 * With e_t = θ_t − θ* and i_t uniform, e_{t+1} = (I − η x_i x_iᵀ) e_t, so the second moment
 * S_t = E[e_t e_tᵀ] evolves EXACTLY linearly: S_{t+1} = T(S_t) = (1/n) Σ_i A_i S_t A_i with
 * A_i = I − η x_i x_iᵀ. As a matrix on vec(S), T = (1/n) Σ_i A_i ⊗ A_i is symmetric, maps the
 * PSD cone into itself, so ρ(T) = λ_max(T) (Krein–Rutman) is convex in η with ρ(T(0)) = 1: the
 * stable set {η : ρ(T) ≤ 1} is an interval [0, η*]. We build T on the row space of X
 * (dimension r², r = rank X) and return ρ(T) from a symmetric eigensolve, and η* by bisection.
 *
 * Wu & Su (Implicit Regularization of Dynamical Stability in SGD; papers.md): a minimum that is
 * linearly stable for SGD has tr(H) ≤ 2/η, whereas GD only needs λ_max ≤ 2/η. With unit-norm
 * rows the criterion is exact — "mean-square stable iff η ≤ 2/tr(H)" — because then
 * E‖e_{t+1}‖² = ‖e_t‖² − η(2 − η‖x‖²) e_tᵀ H e_t and tr(H) = ‖x‖² = 1: the expected squared
 * error is non-increasing iff η ≤ 2 = 2/tr(H) (each step even reflects the error component along
 * x_i when η = 2, keeping ‖e‖). More generally with equal row norms r², η* = 2/r² = 2/tr(H).
 * For unequal norms this function's η* is the exact threshold.
 *
 * @param X rows x_i: a Tensor [n, d] or an array of n rows of length d (d ≤ 24).
 * @throws OptlabError for a malformed X, non-finite or all-zero rows, lr ≤ 0, or d > 24.
 */
export function sgdInterpolating(X: Tensor | readonly (readonly number[])[], lr: number, opts: SgdInterpolatingOptions = {}): SgdInterpolatingResult {
  const where = "stability.sgdInterpolating";
  const t0 = performance.now();
  checkOptions(opts, ["threshold", "tol"], where);
  const { rows, n, d } = readRows(X, where);
  positiveNumber(lr, "lr", where);
  const tol = positiveNumber(opts.tol ?? 1e-12, "tol", where);
  // H = XᵀX/n and an orthonormal basis of its range (the row space of X).
  const H = new Float64Array(d * d);
  for (const x of rows) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) H[a * d + b] += (x[a] * x[b]) / n;
  const eh = symEig(H, d);
  const lambdaMaxH = eh.values[d - 1];
  const basis: number[] = [];
  for (let j = 0; j < d; j++) if (eh.values[j] > 1e-12 * lambdaMaxH) basis.push(j);
  const r = basis.length;
  // Rows in the basis coordinates a_i = Uᵀ x_i ∈ ℝʳ.
  const A = rows.map((x) => basis.map((j) => x.reduce((s, v, k) => s + v * eh.vectors[k * d + j], 0)));
  const norms2 = rows.map((x) => x.reduce((s, v) => s + v * v, 0));
  const traceH = norms2.reduce((s, v) => s + v, 0) / n;
  let eigensolves = 0;
  const rho = (eta: number): number => {
    eigensolves++;
    const m = r * r;
    const T = new Float64Array(m * m);
    const M = new Float64Array(r * r);
    for (const a of A) {
      for (let p = 0; p < r; p++) for (let q = 0; q < r; q++) M[p * r + q] = (p === q ? 1 : 0) - eta * a[p] * a[q];
      // (M ⊗ M)[(p,q),(s,t)] = M_ps M_qt, so vec(M S M) = (M ⊗ M) vec(S) for symmetric M.
      for (let p = 0; p < r; p++) {
        for (let q = 0; q < r; q++) {
          const row = (p * r + q) * m;
          for (let s = 0; s < r; s++) {
            const mps = M[p * r + s] / n;
            if (mps === 0) continue;
            for (let t = 0; t < r; t++) T[row + s * r + t] += mps * M[q * r + t];
          }
        }
      }
    }
    const e = symEig(T, m);
    return Math.max(Math.abs(e.values[0]), Math.abs(e.values[m - 1]));
  };
  const spectralRadius = rho(lr);
  let threshold: number | null = null;
  if (opts.threshold ?? true) {
    // ρ(T(η)) − 1 is ≤ 0 on [0, η*] and > 0 beyond; η* ≤ 2/λ_max(H).
    let lo = 0;
    let hi = (2 / lambdaMaxH) * (1 + 1e-9);
    while (rho(hi) <= 1 + 1e-13) hi *= 2; // defensive: never taken when the bound holds
    while (hi - lo > tol * hi) {
      const mid = 0.5 * (lo + hi);
      if (rho(mid) <= 1 + 1e-13) lo = mid;
      else hi = mid;
    }
    threshold = 0.5 * (lo + hi);
  }
  const maxN = Math.max(...norms2);
  const minN = Math.min(...norms2);
  return {
    method: "sgd-mean-square-stability",
    lr,
    n,
    d,
    rank: r,
    traceH,
    lambdaMaxH,
    rowNormsSquared: norms2,
    equalNorms: maxN - minN <= 1e-12 * maxN,
    spectralRadius,
    meanSquareStable: spectralRadius <= 1 + 1e-12,
    converges: spectralRadius < 1 - 1e-12,
    traceBound: 2 / traceH,
    traceCriterion: lr <= 2 / traceH,
    gdThreshold: 2 / lambdaMaxH,
    threshold,
    eigensolves,
    wallTimeMs: performance.now() - t0,
  };
}

function readRows(X: Tensor | readonly (readonly number[])[], where: string): { rows: number[][]; n: number; d: number } {
  let rows: number[][];
  if (X instanceof Tensor) {
    if (X.rank !== 2) throw new OptlabError(`${where}: X: expected a Tensor [n, d], got [${X.shape}]`);
    const [n, d] = X.shape;
    rows = Array.from({ length: n }, (_, i) => Array.from(X.data.subarray(i * d, (i + 1) * d)));
  } else if (Array.isArray(X) && X.length > 0 && X.every((r) => Array.isArray(r))) {
    const d = X[0].length;
    X.forEach((r, i) => {
      if (r.length !== d) throw new OptlabError(`${where}: X: row ${i} has length ${r.length}, expected ${d}`);
    });
    rows = X.map((r) => [...r]);
  } else throw new OptlabError(`${where}: X: expected a Tensor [n, d] or an array of rows`);
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  if (n === 0 || d === 0) throw new OptlabError(`${where}: X: expected at least one row and one column`);
  if (d > 24) throw new OptlabError(`${where}: X: d = ${d} is too large for the dense second-moment operator (d² × d²); expected d ≤ 24`);
  rows.forEach((r, i) =>
    r.forEach((v, k) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new OptlabError(`${where}: X: non-finite value ${v} at row ${i}, column ${k}`);
    }),
  );
  rows.forEach((r, i) => {
    if (r.every((v) => v === 0)) throw new OptlabError(`${where}: X: row ${i} is zero`);
  });
  return { rows, n, d };
}
