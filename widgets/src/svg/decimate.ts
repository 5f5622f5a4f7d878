/**
 * Drawing long curves: keep at most ~2 points per horizontal pixel (the min and the max of each
 * bucket, in x order), so spikes survive and a 10⁶-point run draws as fast as a 10³-point one.
 * Used by the curves chart, live and static alike.
 */

/** Indices of the points to draw: all when n ≤ 2·buckets, else per bucket its first, min, max and last. */
export function minMaxIndices(x: ArrayLike<number>, y: ArrayLike<number>, buckets: number): number[] {
  const n = Math.min(x.length, y.length);
  const b = Math.max(1, Math.floor(buckets));
  if (n <= 2 * b) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = 0; k < b; k++) {
    const lo = Math.floor((k * n) / b);
    const hi = Math.floor(((k + 1) * n) / b); // exclusive
    if (hi <= lo) continue;
    let iMin = -1;
    let iMax = -1;
    for (let i = lo; i < hi; i++) {
      const v = y[i];
      if (!Number.isFinite(v)) continue;
      if (iMin < 0 || v < y[iMin]) iMin = i;
      if (iMax < 0 || v > y[iMax]) iMax = i;
    }
    const keep = [lo, iMin, iMax, hi - 1].filter((i) => i >= 0);
    for (const i of Array.from(new Set(keep)).sort((a, c) => a - c)) out.push(i);
  }
  return out;
}
