import { checkOptions, check } from "../util/errors";
import { checkLearningRate, lrAt, lrRecord, type LearningRate } from "./learningRate";
import { checkBoolean, checkInteger, checkNonNegative, checkOptionsObject, checkPositive, checkUnitInterval } from "./validators";
import { defineOptimizer } from "./defineOptimizer";
import { leafViews } from "./layout";
import type { Optimizer } from "./Optimizer";
import { MUON_COEFFICIENTS, newtonSchulzArray } from "./newtonSchulz";
import type { BackendChoice } from "../backend/registry";

export interface MuonOptions {
  /** Learning rate of the orthogonalized matrix updates (default 0.02). */
  lr?: LearningRate;
  /** Momentum μ in [0, 1) (default 0.95). */
  momentum?: number;
  /** Nesterov-style lookahead u = g + μ·b (default true); false uses u = b. */
  nesterov?: boolean;
  /** Newton–Schulz iterations (default 5). */
  nsSteps?: number;
  /** Decoupled weight decay on matrix parameters, θ ← θ(1 − lr·wd) (default 0). */
  weightDecay?: number;
  /** Dtype of the Newton–Schulz products (default "f64"; "f32" routes them to the accelerated backends). */
  nsDtype?: "f64" | "f32";
  /** Backend for the Newton–Schulz products (default: the global choice). */
  backend?: BackendChoice;
  /**
   * Which leaves are "matrix parameters" updated by Muon (default: rank ≥ 2 with both the first
   * axis and the product of the others > 1). The others get AdamW.
   */
  isMatrix?: (path: string, shape: readonly number[]) => boolean;
  /** AdamW for the other leaves: lr (default 3e-4), betas (0.9, 0.95), eps (1e-8), decoupled decay (0). */
  adamLr?: LearningRate;
  adamBeta1?: number;
  adamBeta2?: number;
  adamEps?: number;
  adamWeightDecay?: number;
}

const MUON_OPTIONS = [
  "lr", "momentum", "nesterov", "nsSteps", "weightDecay", "nsDtype", "backend", "isMatrix",
  "adamLr", "adamBeta1", "adamBeta2", "adamEps", "adamWeightDecay",
] as const;

function defaultIsMatrix(_path: string, shape: readonly number[]): boolean {
  if (shape.length < 2) return false;
  const rest = shape.slice(1).reduce((a, b) => a * b, 1);
  return shape[0] > 1 && rest > 1;
}

/**
 * Muon (Jordan et al., 2024, "Muon: an optimizer for hidden layers"): SGD-momentum whose update
 * on each matrix parameter is orthogonalized by Newton–Schulz (`newtonSchulz`, coefficients
 * 3.4445, −4.7750, 2.0315, five steps). For a leaf W of shape [d_in, rest] (optlab's [in, out]
 * layout; higher ranks are viewed as [shape[0], rest]):
 *
 *     b ← μ·b + g
 *     u ← g + μ·b  (nesterov)   or   u ← b
 *     O ← NewtonSchulz(u)
 *     W ← W·(1 − lr·wd) − lr·√max(1, d_out/d_in)·O
 *
 * Leaves that are not matrices (biases, gains; see `isMatrix`) are updated by AdamW with its own
 * lr (`adamLr`, PyTorch's formula with decoupled decay `adamWeightDecay`).
 */
export function muon(opts?: MuonOptions): Optimizer {
  const where = "muon";
  checkOptionsObject(opts, where, false);
  checkOptions(opts, MUON_OPTIONS, where);
  const o = opts ?? {};
  const {
    lr = 0.02, momentum = 0.95, nesterov = true, nsSteps = 5, weightDecay = 0, nsDtype = "f64", backend,
    isMatrix = defaultIsMatrix, adamLr = 3e-4, adamBeta1 = 0.9, adamBeta2 = 0.95, adamEps = 1e-8, adamWeightDecay = 0,
  } = o;
  checkLearningRate(lr, where);
  checkUnitInterval(momentum, "momentum", where);
  checkBoolean(nesterov, "nesterov", where);
  checkInteger(nsSteps, "nsSteps", where, 0);
  checkNonNegative(weightDecay, "weightDecay", where);
  check(nsDtype === "f64" || nsDtype === "f32", `${where}: nsDtype`, `expected "f64" or "f32", got ${String(nsDtype)}`);
  check(typeof isMatrix === "function", `${where}: isMatrix`, "expected a function (path, shape) => boolean");
  checkLearningRate(adamLr, where, "adamLr");
  checkUnitInterval(adamBeta1, "adamBeta1", where);
  checkUnitInterval(adamBeta2, "adamBeta2", where);
  checkPositive(adamEps, "adamEps", where);
  checkNonNegative(adamWeightDecay, "adamWeightDecay", where);
  const hyper = {
    lr: lrRecord(lr), momentum, nesterov, nsSteps, weightDecay, nsDtype, coefficients: [...MUON_COEFFICIENTS],
    adamLr: lrRecord(adamLr), adamBeta1, adamBeta2, adamEps, adamWeightDecay,
  };
  return defineOptimizer(where, hyper, lr, {
    slots: ["momentumBuffer", "expAvg", "expAvgSq"],
    apply(thetaAll, gAll, slots, { t, lr: eta, blocks }) {
      for (const block of blocks) {
        const [theta, g, buf, m, v] = leafViews(block, thetaAll, gAll, ...slots);
        muonLeaf(theta, g, buf, m, v, t, eta, block.path, block.shape);
      }
    },
  });

  /** One leaf: Newton–Schulz on matrices, AdamW on the rest. */
  function muonLeaf(theta: Float64Array, g: Float64Array, buf: Float64Array, m: Float64Array, v: Float64Array, t: number, eta: number, path: string, shape: readonly number[]): void {
    const n = theta.length;
    if (isMatrix(path, shape)) {
      const rows = shape[0];
      const cols = n / rows;
      const u = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        buf[j] = momentum * buf[j] + g[j];
        u[j] = nesterov ? g[j] + momentum * buf[j] : buf[j];
      }
      const O = newtonSchulzArray(u, rows, cols, { steps: nsSteps, dtype: nsDtype, backend });
      const scale = Math.sqrt(Math.max(1, cols / rows));
      const shrink = 1 - eta * weightDecay;
      for (let j = 0; j < n; j++) theta[j] = theta[j] * shrink - eta * scale * O[j];
      return;
    }
    const a = lrAt(adamLr, t - 1, `${where}: adamLr`);
    const bc1 = 1 - Math.pow(adamBeta1, t);
    const sqrtBc2 = Math.sqrt(1 - Math.pow(adamBeta2, t));
    for (let j = 0; j < n; j++) {
      m[j] = adamBeta1 * m[j] + (1 - adamBeta1) * g[j];
      v[j] = adamBeta2 * v[j] + (1 - adamBeta2) * g[j] * g[j];
      const th = theta[j] * (1 - a * adamWeightDecay);
      theta[j] = th - ((a / bc1) * m[j]) / (Math.sqrt(v[j]) / sqrtBc2 + adamEps);
    }
  }
}
