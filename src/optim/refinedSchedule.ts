import { check, checkOptions } from "../util/errors";
import { checkNonNegative, checkOptionsObject } from "./validators";
import { makeSchedule, type Schedule } from "./learningRate";

export interface RefinedScheduleOptions {
  /** Width of the median filter applied to the norms first, as a fraction τ of T (default 0: none). */
  smoothing?: number;
  /**
   * "sgd" (default): w_t = ‖g_t‖⁻²·Σ_{s>t} ‖g_s‖⁻²; "adam": the ℓ1-norm variant
   * w_t = ‖g_t‖₁⁻¹·Σ_{s>t} ‖g_s‖₁⁻¹ (pass ℓ1 norms of the Adam-normalized updates).
   */
  variant?: "sgd" | "adam";
}

function medianFilter(x: Float64Array, width: number): Float64Array {
  if (width <= 1) return x.slice();
  const T = x.length;
  const h = Math.floor(width / 2);
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    const win: number[] = [];
    for (let k = t - h; k <= t + h; k++) win.push(x[Math.min(T - 1, Math.max(0, k))]); // nearest padding
    win.sort((a, b) => a - b);
    out[t] = win[Math.floor(win.length / 2)];
  }
  return out;
}

/**
 * Weights of the refined schedule (Defazio, Cutkosky, Mehta & Mishchenko, 2023, "Optimal linear
 * decay learning rate schedules and further refinements"): from the gradient norms G_1..G_T
 * observed in a previous run, w_t = G_t⁻²·Σ_{s=t+1..T} G_s⁻² (SGD), normalized to max 1.
 * Constant norms give w_t ∝ T − t, the linear decay (worst-case optimal for the last iterate);
 * norms that shrink during training produce a warm-up and a faster final anneal on their own.
 */
export function refinedWeights(gradNorms: ArrayLike<number>, opts?: RefinedScheduleOptions): Float64Array {
  const where = "refinedWeights";
  check(gradNorms !== null && typeof gradNorms === "object" && gradNorms.length >= 2, `${where}: gradNorms`, "expected at least 2 gradient norms");
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["smoothing", "variant"], where);
  const { smoothing = 0, variant = "sgd" } = opts ?? {};
  checkNonNegative(smoothing, "smoothing", where);
  check(smoothing <= 1, `${where}: smoothing`, `expected a fraction in [0, 1], got ${smoothing}`);
  check(variant === "sgd" || variant === "adam", `${where}: variant`, `expected "sgd" or "adam", got ${String(variant)}`);
  const T = gradNorms.length;
  const G = Float64Array.from(gradNorms);
  G.forEach((g, t) => check(Number.isFinite(g) && g > 0, `${where}: gradNorms[${t}]`, `expected a finite positive norm, got ${g}`));
  const Gs = medianFilter(G, Math.round(smoothing * T));
  const inv = Gs.map((g) => (variant === "sgd" ? 1 / (g * g) : 1 / g));
  const w = new Float64Array(T);
  let tail = 0;
  for (let t = T - 1; t >= 0; t--) {
    w[t] = inv[t] * tail;
    tail += inv[t];
  }
  const mx = Math.max(...w);
  if (mx > 0) for (let t = 0; t < T; t++) w[t] /= mx;
  return w;
}

/**
 * The refined learning-rate schedule lr(t) = lr·w_t for t < T (see `refinedWeights`), 0 after.
 */
export function refinedSchedule(lr: number, gradNorms: ArrayLike<number>, opts?: RefinedScheduleOptions): Schedule {
  checkNonNegative(lr, "lr", "refinedSchedule");
  const w = refinedWeights(gradNorms, opts);
  const T = w.length;
  return makeSchedule((t) => {
    check(typeof t === "number" && Number.isFinite(t) && t >= 0, "refinedSchedule: step", `expected a finite step count >= 0, got ${String(t)}`);
    return t >= T ? 0 : lr * w[Math.floor(t)];
  }, `refined(${lr}, T=${T}, smoothing=${opts?.smoothing ?? 0}, variant=${opts?.variant ?? "sgd"})`);
}
