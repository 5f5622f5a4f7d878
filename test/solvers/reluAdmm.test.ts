import { strict as assert } from "node:assert";
import { Rng } from "../../src/random/Rng";
import { reluAdmm, reluNetworkLoss, type DenseMatrix } from "../../src/solvers/index";

/** Plain gradient descent on the non-convex weight-decayed two-layer ReLU objective (independent of the ADMM code). */
function trainNonconvex(X: DenseMatrix, y: Float64Array, beta: number, hidden: number, seed: number, steps: number): { W1: Float64Array; w2: Float64Array } {
  const { rows: n, cols: d, data } = X;
  const g = new Rng(seed);
  const W = g.normals(hidden * d).map((v) => 0.5 * v);
  const a = g.normals(hidden).map((v) => 0.5 * v);
  const lr = 0.01;
  const h = new Float64Array(hidden);
  for (let it = 0; it < steps; it++) {
    const gW = new Float64Array(hidden * d);
    const ga = new Float64Array(hidden);
    for (let i = 0; i < n; i++) {
      let f = 0;
      for (let j = 0; j < hidden; j++) {
        let t = 0;
        for (let c = 0; c < d; c++) t += data[i * d + c] * W[j * d + c];
        h[j] = Math.max(0, t);
        f += a[j] * h[j];
      }
      const e = f - y[i];
      for (let j = 0; j < hidden; j++) {
        ga[j] += e * h[j];
        if (h[j] > 0) for (let c = 0; c < d; c++) gW[j * d + c] += e * a[j] * data[i * d + c];
      }
    }
    for (let j = 0; j < hidden; j++) {
      a[j] -= lr * (ga[j] + beta * a[j]);
      for (let c = 0; c < d; c++) W[j * d + c] -= lr * (gW[j * d + c] + beta * W[j * d + c]);
    }
  }
  return { W1: W, w2: a };
}

describe("solvers: ADMM on the convex reformulation of two-layer ReLU training (Pilanci & Ergen)", () => {
  // 1-D inputs with a bias column: every activation pattern is a threshold set, so we can list all of them.
  const n = 8;
  const rng = new Rng(61);
  const xs = Array.from({ length: n }, () => 2 * rng.uniform() - 1);
  const X: DenseMatrix = { rows: n, cols: 2, data: new Float64Array(2 * n) };
  xs.forEach((v, i) => { X.data[2 * i] = v; X.data[2 * i + 1] = 1; });
  const y = Float64Array.from(xs.map((v) => Math.sin(3 * v)));
  const beta = 0.05;
  const order = xs.map((_, i) => i).sort((i, j) => xs[i] - xs[j]);
  const all: Uint8Array[] = [];
  for (let k = 1; k <= n; k++) {
    const up = new Uint8Array(n);
    const down = new Uint8Array(n);
    for (let r = 0; r < k; r++) { up[order[n - 1 - r]] = 1; down[order[r]] = 1; }
    all.push(up);
    if (k < n) all.push(down);
  }

  let res: ReturnType<typeof reluAdmm>;
  before(() => {
    res = reluAdmm(X, y, { beta, patterns: all });
  });

  it("with every activation pattern: reaches the convex optimum (KKT), which lower-bounds and matches non-convex GD", () => {
    assert.equal(res.patterns.length, 2 * n - 1);
    assert.equal(res.converged, true);
    assert.ok(res.kkt.stationarity < 1e-6, `stationarity ${res.kkt.stationarity}`);
    assert.ok(res.kkt.subgradient < 1e-8 && res.kkt.dualSign < 1e-12 && res.kkt.complementarity < 1e-8, JSON.stringify(res.kkt));
    assert.ok(res.constraintViolation < 1e-7);
    // The recovered network's regularized training loss equals the convex objective.
    assert.ok(Math.abs(res.networkLoss - res.objective) < 1e-6, `network ${res.networkLoss} vs convex ${res.objective}`);
    assert.ok(Math.abs(reluNetworkLoss(res.network, X, y, beta) - res.networkLoss) < 1e-12);
    assert.ok(res.network.hidden >= 1 && res.network.hidden <= 2 * (2 * n - 1));
    // With all patterns the convex program is exact: no network (here GD from random starts) does better,
    // and GD gets close to it.
    let best = Infinity;
    for (const seed of [1, 2]) {
      const net = trainNonconvex(X, y, beta, 20, seed, 20000);
      const loss = reluNetworkLoss({ ...net, hidden: 20 }, X, y, beta);
      assert.ok(res.objective <= loss + 1e-7, `convex ${res.objective} > GD ${loss}`);
      best = Math.min(best, loss);
    }
    assert.ok(best - res.objective < 2e-3 * res.objective, `GD ${best} vs convex ${res.objective}`);
    // ADMM's objective settles (sampled every 10 iterations).
    const oh = res.objectiveHistory;
    assert.ok(Math.abs(oh[oh.length - 1] - res.objective) < 1e-6);
  });

  it("with sampled patterns D_i = diag(1[Xg_i ≥ 0]) the objective is an upper bound on the all-pattern optimum", () => {
    const exact = res;
    const sampled = reluAdmm(X, y, { beta, samples: 30, seed: 3 });
    assert.ok(sampled.patterns.length <= 2 * n - 1);
    for (const p of sampled.patterns) assert.ok(all.some((q) => q.every((v, i) => v === p[i])), "sampled pattern is a threshold set");
    assert.ok(sampled.objective >= exact.objective - 1e-7);
    assert.ok(Math.abs(sampled.networkLoss - sampled.objective) < 1e-6);
  });

  it("bad input → named errors", () => {
    assert.throws(() => reluAdmm(X, y, { beta: 0 }), /reluAdmm: beta: expected a finite number > 0, got 0/);
    assert.throws(() => reluAdmm(X, y.subarray(0, 3), { beta }), /reluAdmm: y: expected length 8, got 3/);
    assert.throws(() => reluAdmm(X, y.map((v, i) => (i === 2 ? NaN : v)), { beta }), /reluAdmm: y: non-finite value NaN at index 2/);
    assert.throws(() => reluAdmm(X, y, { beta, patterns: [new Uint8Array(3)] }), /reluAdmm: patterns\[0\]: expected a 0\/1 Uint8Array of length 8/);
    assert.throws(() => reluAdmm(X, y, { beta, rho: -1 }), /reluAdmm: rho: expected a finite number > 0/);
  });
});
