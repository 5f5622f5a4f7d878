/**
 * Spectral density from cached SLQ Ritz nodes, recomputed in the browser when the σ slider moves
 * (schema.ts SPECTRUM): φ(t) = (1/probes) Σ_j w_j N(t; θ_j, σ²), summed over the nodes of all
 * probes; each probe's weights sum to 1, so φ integrates to 1.
 */

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** φ on `grid` (ascending points, eigenvalue units) for broadening σ > 0. */
export function smoothDensity(nodes: ArrayLike<number>, weights: ArrayLike<number>, probes: number, sigma: number, grid: ArrayLike<number>): Float64Array {
  const out = new Float64Array(grid.length);
  if (!(sigma > 0) || probes <= 0 || nodes.length === 0) return out;
  const norm = INV_SQRT_2PI / (sigma * probes);
  // Nodes farther than 8σ contribute < 1e-14 relative; skip them.
  const cut = 8 * sigma;
  for (let j = 0; j < nodes.length; j++) {
    const theta = nodes[j];
    const w = weights[j] * norm;
    if (!(w > 0) || !Number.isFinite(theta)) continue;
    for (let g = 0; g < grid.length; g++) {
      const d = grid[g] - theta;
      if (d < -cut || d > cut) continue;
      const z = d / sigma;
      out[g] += w * Math.exp(-0.5 * z * z);
    }
  }
  return out;
}

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
