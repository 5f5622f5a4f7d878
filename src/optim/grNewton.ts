import { Tensor } from "../tensor/Tensor";
import { check, checkOptions, OptlabError } from "../util/errors";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { checkInteger, checkOptionsObject, checkPositive } from "./validators";
import type { LossClosure } from "./closure";
import { closureOptimizer, type ClosureOptimizer } from "./closureOptimizer";
import { norm2 } from "../linalg/vector";

/** Solve the dense n×n system A x = b (row-major; Gaussian elimination with partial pivoting). */
export function solveDense(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const M = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[piv * n + c])) piv = r;
    if (M[piv * n + c] === 0) throw new OptlabError(`solveDense: the matrix is singular (column ${c})`);
    if (piv !== c) {
      for (let k = 0; k < n; k++) [M[c * n + k], M[piv * n + k]] = [M[piv * n + k], M[c * n + k]];
      [x[c], x[piv]] = [x[piv], x[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / M[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= M[r * n + k] * x[k];
    x[r] = s / M[r * n + r];
  }
  return x;
}

/** The dense Hessian p×p (row-major) from p exact HVPs of the closure. */
export function denseHessian(closure: LossClosure, theta: Float64Array): Float64Array {
  const p = theta.length;
  if (!closure.hvp || closure.hasHvp === false) throw new OptlabError("denseHessian: closure: needs hvp (pass an autodiff Objective such as objective(f, params))");
  const H = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    const e = new Float64Array(p);
    e[i] = 1;
    const col = closure.hvp(theta, e);
    for (let r = 0; r < p; r++) H[r * p + i] = col[r];
  }
  // Symmetrize away the round-off of double backward.
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) H[i * p + j] = H[j * p + i] = (H[i * p + j] + H[j * p + i]) / 2;
  return H;
}

/**
 * Gauss–Newton matrix of mean cross-entropy for softmax (k ≥ 2 classes) or logistic (k = 1,
 * sigmoid) regression with logits z = x·W (+ b): G = (1/n)·Σ_n J_nᵀ Λ_n J_n with
 * Λ = diag(p) − ppᵀ (softmax) or σ(1 − σ) (logistic). For these canonical-link models the
 * Gauss–Newton matrix, the (true) Fisher information and the Hessian coincide.
 *
 * Parameter layout (flat θ): W [d, k] row-major (index i·k + c), then b [k] when `bias`.
 * Returns θ ↦ G (p×p row-major, p = d·k (+ k)).
 */
export function softmaxGaussNewton(x: Tensor, k: number, opts: { bias?: boolean } = {}): (theta: Float64Array) => Float64Array {
  const where = "softmaxGaussNewton";
  check(x instanceof Tensor && x.rank === 2, `${where}: x`, "expected a matrix [n, d]");
  checkInteger(k, "k", where, 1);
  const bias = opts.bias ?? true;
  const [n, d] = x.shape;
  const pw = d * k;
  const p = pw + (bias ? k : 0);
  return (theta) => {
    check(theta.length === p, `${where}: theta`, `expected length ${p}, got ${theta.length}`);
    const G = new Float64Array(p * p);
    const z = new Float64Array(k);
    const pr = new Float64Array(k);
    // feature vector of example r extended with 1 for the bias: φ = [x_r, 1]
    const dd = d + (bias ? 1 : 0);
    const phi = new Float64Array(dd);
    const idx = (i: number, c: number) => (i < d ? i * k + c : pw + c);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < d; i++) phi[i] = x.data[r * d + i];
      if (bias) phi[d] = 1;
      for (let c = 0; c < k; c++) {
        let s = bias ? theta[pw + c] : 0;
        for (let i = 0; i < d; i++) s += phi[i] * theta[i * k + c];
        z[c] = s;
      }
      if (k === 1) pr[0] = 1 / (1 + Math.exp(-z[0]));
      else {
        const mx = Math.max(...z);
        let sum = 0;
        for (let c = 0; c < k; c++) sum += (pr[c] = Math.exp(z[c] - mx));
        for (let c = 0; c < k; c++) pr[c] /= sum;
      }
      for (let c = 0; c < k; c++) {
        for (let e = 0; e < k; e++) {
          const lam = k === 1 ? pr[0] * (1 - pr[0]) : (c === e ? pr[c] : 0) - pr[c] * pr[e];
          if (lam === 0) continue;
          for (let i = 0; i < dd; i++) {
            const a = (lam * phi[i]) / n;
            const row = idx(i, c) * p;
            for (let j = 0; j < dd; j++) G[row + idx(j, e)] += a * phi[j];
          }
        }
      }
    }
    return G;
  };
}

export interface GrNewtonOptions {
  /** Step multiplier (default 1: the full regularized Newton step). */
  lr?: LearningRate;
  /** Hessian Lipschitz constant estimate H > 0 in the regularizer √(H‖∇f‖) (default 1). */
  lipschitz?: number;
  /**
   * Curvature matrix: "hessian" (dense exact Hessian from p HVPs; default) or a function θ ↦ p×p
   * matrix, e.g. `softmaxGaussNewton(x, k)` (Gauss–Newton / Fisher).
   */
  curvature?: "hessian" | ((theta: Float64Array) => ArrayLike<number>);
}

/**
 * Gradient-regularized Newton (Mishchenko, 2023, "Regularized Newton Method with Global
 * O(1/k²) Convergence"; Doikov & Nesterov, 2024):
 *
 *     θ ← θ − lr·(C(θ) + √(H·‖∇f(θ)‖)·I)⁻¹ ∇f(θ)
 *
 * with C the Hessian or a Gauss–Newton / Fisher matrix. The regularizer vanishes as the gradient
 * does, so the method becomes Newton near a solution. Dense: for small p (teaching problems,
 * logistic/softmax regression).
 */
export function grNewton(opts?: GrNewtonOptions): ClosureOptimizer {
  const where = "grNewton";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["lr", "lipschitz", "curvature"], where);
  const { lr = 1, lipschitz = 1, curvature = "hessian" } = opts ?? {};
  checkLearningRate(lr, where);
  checkPositive(lipschitz, "lipschitz", where);
  check(curvature === "hessian" || typeof curvature === "function", `${where}: curvature`, `expected "hessian" or a function θ ↦ p×p matrix`);
  const hyper = { lr: lrRecord(lr), lipschitz, curvature: curvature === "hessian" ? "hessian" : curvature.name || "custom" };
  return closureOptimizer(where, hyper, lr, {
    needsHvp: curvature === "hessian",
    update(theta, closure, _slots, { lr: eta }) {
      const p = theta.length;
      const { value, grad } = closure.valueAndGrad(theta);
      const C = curvature === "hessian" ? denseHessian(closure, theta) : Float64Array.from(curvature(theta));
      if (C.length !== p * p) throw new OptlabError(`${where}: curvature: returned ${C.length} values, expected ${p}×${p}`);
      const reg = Math.sqrt(lipschitz * norm2(grad));
      for (let i = 0; i < p; i++) C[i * p + i] += reg;
      const step = solveDense(C, grad, p);
      for (let j = 0; j < p; j++) theta[j] -= eta * step[j];
      return value;
    },
  });
}
