/** The spectral-density smoother is core's (one implementation for core, live view and static SVG). */
export { smoothDensity } from "@optlab/core/dist/analysis/hessian/gaussianSum";

/** `n` evenly spaced points from `lo` to `hi` inclusive. */
export function linspace(lo: number, hi: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = lo;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = lo + ((hi - lo) * i) / (n - 1);
  return out;
}

/** Histogram bin: [x0, x1) except the last, which is closed. `density` = count / (n · width). */
export interface Bin {
  x0: number;
  x1: number;
  count: number;
  density: number;
}

/** `bins` equal-width bins over [lo, hi] of the values inside it. */
export function histogram(values: ArrayLike<number>, bins: number, lo: number, hi: number): Bin[] {
  const k = Math.max(1, Math.floor(bins));
  const width = hi > lo ? (hi - lo) / k : 1;
  const counts = new Array<number>(k).fill(0);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) continue;
    const b = Math.min(k - 1, Math.floor((v - lo) / width));
    counts[b]++;
    total++;
  }
  return counts.map((count, b) => ({
    x0: lo + b * width,
    x1: lo + (b + 1) * width,
    count,
    density: total > 0 ? count / (total * width) : 0,
  }));
}
