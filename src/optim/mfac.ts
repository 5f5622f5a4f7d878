import { check, checkOptions, OptlabError } from "../util/errors";
import { dot } from "../linalg/vector";
import { cholesky, choleskySolve } from "../solvers/denseLinalg";
import { checkLearningRate, lrRecord, type LearningRate } from "./learningRate";
import { checkInteger, checkNonNegative, checkOptionsObject, checkPositive, checkUnitInterval } from "./validators";
import { defineOptimizer } from "./defineOptimizer";
import type { Optimizer } from "./Optimizer";

/**
 * Inverse-Hessian-vector products for the empirical-Fisher approximation of M-FAC (Frantar,
 * Kurtic & Alistarh, 2021, "M-FAC: Efficient Matrix-Free Approximations of Second-Order
 * Information"):
 *
 *     F = λ·I + (1/m)·Σ_{i=1..m} g_i g_iᵀ,      F⁻¹x = (x − Gᵀ(mλ·I + GGᵀ)⁻¹G·x)/λ
 *
 * by the Woodbury identity, with G the m×d matrix of the gradients in the window. The Gram matrix
 * GGᵀ is kept up to date incrementally (O(dm) per added gradient: one row of dot products), its
 * m×m Cholesky factor is formed when needed (O(m³), cached until the window changes), and each
 * IHVP costs O(dm + m²). The window slides: `add` beyond `capacity` overwrites the oldest
 * gradient, `removeOldest` drops it. m is the number of gradients currently held.
 * (The paper's own algorithms reach the same products with a recursive O(dm²) setup; this is the
 * same operator, checked against a dense solve.)
 */
export class MfacWindow {
  readonly d: number;
  readonly capacity: number;
  readonly damping: number;
  /** Gradients, capacity × d, ring buffer (row `slot`). */
  readonly grads: Float64Array;
  /** Gram matrix over ring slots, capacity × capacity. */
  readonly gram: Float64Array;
  /** [count, head]: number held, and the ring slot of the oldest. */
  readonly meta: Float64Array;
  private factor: { L: Float64Array; order: number[] } | null = null;

  constructor(d: number, capacity: number, damping: number, storage?: { grads: Float64Array; gram: Float64Array; meta: Float64Array }) {
    checkInteger(d, "d", "MfacWindow", 1);
    checkInteger(capacity, "capacity", "MfacWindow", 1);
    checkPositive(damping, "damping", "MfacWindow");
    this.d = d;
    this.capacity = capacity;
    this.damping = damping;
    this.grads = storage?.grads ?? new Float64Array(capacity * d);
    this.gram = storage?.gram ?? new Float64Array(capacity * capacity);
    this.meta = storage?.meta ?? new Float64Array(2);
    check(this.grads.length === capacity * d && this.gram.length === capacity * capacity && this.meta.length === 2, "MfacWindow: storage", "buffers have the wrong sizes");
  }

  /** Number of gradients in the window. */
  get count(): number {
    return this.meta[0];
  }

  /** Ring slots from oldest to newest. */
  private order(): number[] {
    const [count, head] = this.meta;
    return Array.from({ length: count }, (_, i) => (head + i) % this.capacity);
  }

  /** Add a gradient (length d); when full, the oldest is replaced. O(dm). */
  add(g: ArrayLike<number>): void {
    check(g.length === this.d, "MfacWindow.add: g", `expected length ${this.d}, got ${g.length}`);
    for (let j = 0; j < g.length; j++) check(Number.isFinite(g[j]), "MfacWindow.add: g", `non-finite value at index ${j}`);
    let [count, head] = this.meta;
    let slot: number;
    if (count < this.capacity) {
      slot = (head + count) % this.capacity;
      count++;
    } else {
      slot = head;
      head = (head + 1) % this.capacity;
    }
    const row = this.grads.subarray(slot * this.d, (slot + 1) * this.d);
    for (let j = 0; j < this.d; j++) row[j] = g[j];
    this.meta[0] = count;
    this.meta[1] = head;
    const m = this.capacity;
    for (const s of this.order()) {
      const v = dot(row, this.grads.subarray(s * this.d, (s + 1) * this.d));
      this.gram[slot * m + s] = v;
      this.gram[s * m + slot] = v;
    }
    this.factor = null;
  }

  /** Drop the oldest gradient. */
  removeOldest(): void {
    check(this.count > 0, "MfacWindow.removeOldest", "the window is empty");
    this.meta[0] -= 1;
    this.meta[1] = (this.meta[1] + 1) % this.capacity;
    this.factor = null;
  }

  /** F⁻¹·x with F = λI + (1/m)Σ g_i g_iᵀ over the window (x/λ when empty). */
  ihvp(x: ArrayLike<number>): Float64Array {
    check(x.length === this.d, "MfacWindow.ihvp: x", `expected length ${this.d}, got ${x.length}`);
    const lam = this.damping;
    const out = Float64Array.from(x);
    const count = this.count;
    if (count > 0) {
      if (!this.factor) {
        const order = this.order();
        const S = new Float64Array(count * count);
        const m = this.capacity;
        for (let a = 0; a < count; a++) {
          for (let b = 0; b < count; b++) S[a * count + b] = this.gram[order[a] * m + order[b]];
          S[a * count + a] += count * lam;
        }
        this.factor = { L: cholesky(S, count, "mfac: the m×m system mλI + GGᵀ (is damping > 0?)"), order };
      }
      const { L, order } = this.factor;
      const c = new Float64Array(count);
      order.forEach((s, a) => (c[a] = dot(this.grads.subarray(s * this.d, (s + 1) * this.d), x)));
      const y = choleskySolve(L, c, count);
      order.forEach((s, a) => {
        const row = this.grads.subarray(s * this.d, (s + 1) * this.d);
        for (let j = 0; j < this.d; j++) out[j] -= y[a] * row[j];
      });
    }
    for (let j = 0; j < this.d; j++) out[j] /= lam;
    return out;
  }

  /** The gradients held, oldest first (copies). */
  held(): Float64Array[] {
    return this.order().map((s) => this.grads.slice(s * this.d, (s + 1) * this.d));
  }
}

/**
 * Static M-FAC: the IHVP operator x ↦ F⁻¹x for F = λI + (1/m)Σ g_i g_iᵀ of a fixed list of m
 * gradients (each of length d). Setup O(dm² + m³), each product O(dm + m²).
 */
export function mfacInverse(grads: readonly ArrayLike<number>[], opts: { damping: number }): { ihvp: (x: ArrayLike<number>) => Float64Array; m: number; d: number; damping: number } {
  const where = "mfacInverse";
  check(Array.isArray(grads) && grads.length >= 1, `${where}: grads`, "expected a non-empty array of gradients");
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["damping"], where);
  checkPositive(opts.damping, "damping", where);
  const d = grads[0].length;
  grads.forEach((g, i) => check(g.length === d, `${where}: grads[${i}]`, `expected length ${d}, got ${g.length}`));
  const w = new MfacWindow(d, grads.length, opts.damping);
  for (const g of grads) w.add(g);
  return { ihvp: (x) => w.ihvp(x), m: grads.length, d, damping: opts.damping };
}

export interface MfacSgdOptions {
  /** Learning rate (required). */
  lr: LearningRate;
  /** Number m of recent gradients in the sliding window (default 32). */
  windowSize?: number;
  /** Damping λ > 0 (default 1e-4). */
  damping?: number;
  /** Momentum μ in [0, 1) on the preconditioned direction (default 0). */
  momentum?: number;
  /** Coupled L2 penalty added to the gradient before preconditioning (default 0). */
  weightDecay?: number;
}

/**
 * M-FAC-preconditioned SGD (Frantar et al., 2021): each step adds the gradient to the sliding
 * window (`MfacWindow`), preconditions it with F⁻¹ and takes an SGD(-momentum) step:
 *
 *     g ← g + wd·θ;  window.add(g);  d ← F⁻¹g;  b ← μ·b + d;  θ ← θ − lr·b
 *
 * State slots: the window's gradients, Gram matrix and [count, head], and the momentum buffer.
 */
export function mfacSgd(opts: MfacSgdOptions): Optimizer {
  const where = "mfacSgd";
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["lr", "windowSize", "damping", "momentum", "weightDecay"], where);
  const { lr, windowSize = 32, damping = 1e-4, momentum = 0, weightDecay = 0 } = opts;
  checkLearningRate(lr, where);
  checkInteger(windowSize, "windowSize", where, 1);
  checkPositive(damping, "damping", where);
  checkUnitInterval(momentum, "momentum", where);
  checkNonNegative(weightDecay, "weightDecay", where);
  const sizes: Record<string, (p: number) => number> = {
    windowGrads: (p) => windowSize * p,
    windowGram: () => windowSize * windowSize,
    windowMeta: () => 2,
    momentumBuffer: (p) => p,
  };
  return defineOptimizer(where, { lr: lrRecord(lr), windowSize, damping, momentum, weightDecay }, lr, {
    slots: ["windowGrads", "windowGram", "windowMeta", "momentumBuffer"],
    initSlot: (slot, p) => new Float64Array(sizes[slot](p)),
    apply(theta, g, [grads, gram, meta, b], { lr: eta }) {
      const d = theta.length;
      const window = new MfacWindow(d, windowSize, damping, { grads, gram, meta });
      const gw = new Float64Array(d);
      for (let j = 0; j < d; j++) gw[j] = g[j] + weightDecay * theta[j];
      window.add(gw);
      const dir = window.ihvp(gw);
      for (let j = 0; j < d; j++) {
        b[j] = momentum * b[j] + dir[j];
        theta[j] -= eta * b[j];
      }
    },
  });
}
