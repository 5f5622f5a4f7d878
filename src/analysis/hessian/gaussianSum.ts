/**
 * The one spectral-density smoother, shared by `hessian.density`/`smooth` and the widgets (live
 * view and static SVG; the σ slider recomputes it in the browser): the SLQ quadrature
 * φ(t) = (1/probes) Σ_j w_j 𝒩(t; θ_j, σ²) over the Ritz nodes θ_j of all probes, each probe's
 * weights summing to 1, so φ integrates to 1. Dependency-free on purpose, so a browser bundle can
 * import this file alone.
 */

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * φ on `grid` (ascending points, eigenvalue units) for broadening σ > 0, from the flattened nodes
 * and weights of `probes` probes. Nodes farther than 8σ from a grid point contribute < 1e-14 of
 * their weight there and are skipped; non-finite or non-positive weights are ignored.
 */
export function smoothDensity(nodes: ArrayLike<number>, weights: ArrayLike<number>, probes: number, sigma: number, grid: ArrayLike<number>): Float64Array {
  const out = new Float64Array(grid.length);
  if (!(sigma > 0) || probes <= 0 || nodes.length === 0) return out;
  const norm = INV_SQRT_2PI / (sigma * probes);
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
