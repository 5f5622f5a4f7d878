/**
 * Gauss–Newton and Fisher operators against hand-built float64 dense matrices on a tiny model:
 * J from autodiff.jacobian of the flat-parameter forward, H_out and softmax covariances by closed
 * form, per-example gradients from one-row objectives.
 */
import { strict as assert } from "node:assert";
import { nn, data, hessian, objective, modelObjective, jacobian, unflatten, flatten, tensor, gather, type Tensor } from "../../src/index";

const ds = data.gaussianMixture({ classes: 3, dim: 3, n: 6, seed: 2 });
const net = nn.mlp([3, 4, 3], { activation: "tanh", seed: 3 });
const n = 6;
const C = 3;

/** Output Jacobian J [n·C, p] (row i·C + c = ∂f_c(x_i)/∂θ). */
function outputJacobian(model: typeof net, x: Tensor): { J: Float64Array; p: number; f: Float64Array } {
  const theta = flatten(model.params);
  const g = (t: Tensor) => model.apply(unflatten(t, model.params), x);
  const J = jacobian(g)(theta);
  return { J: J.data as Float64Array, p: theta.size, f: g(theta).data as Float64Array };
}

/** AᵀBA for A [m, p] and B [m, m]. */
function sandwich(A: Float64Array, B: Float64Array, m: number, p: number): Float64Array {
  const BA = new Float64Array(m * p);
  for (let i = 0; i < m; i++) for (let k = 0; k < m; k++) {
    const b = B[i * m + k];
    if (b !== 0) for (let j = 0; j < p; j++) BA[i * p + j] += b * A[k * p + j];
  }
  const out = new Float64Array(p * p);
  for (let i = 0; i < m; i++) for (let r = 0; r < p; r++) {
    const a = A[i * p + r];
    if (a !== 0) for (let c = 0; c < p; c++) out[r * p + c] += a * BA[i * p + c];
  }
  return out;
}

function softmaxRows(f: Float64Array): Float64Array {
  const P = new Float64Array(n * C);
  for (let i = 0; i < n; i++) {
    const m = Math.max(f[i * C], f[i * C + 1], f[i * C + 2]);
    let s = 0;
    for (let c = 0; c < C; c++) s += (P[i * C + c] = Math.exp(f[i * C + c] - m));
    for (let c = 0; c < C; c++) P[i * C + c] /= s;
  }
  return P;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** Per-example gradient of crossEntropy at (x_i, label) as a flat vector. */
function exampleGradient(i: number, label: number): Float64Array {
  const xi = gather(ds.x, [i]);
  const f = (ps: typeof net.params) => nn.crossEntropy(net.apply(ps, xi), Int32Array.of(label));
  return objective(f, net.params).grad();
}

function outerMean(gs: Float64Array[], p: number, denom: number): Float64Array {
  const F = new Float64Array(p * p);
  for (const g of gs) for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) F[r * p + c] += (g[r] * g[c]) / denom;
  return F;
}

describe("hessian: Gauss–Newton and Fisher (tiny tanh MLP, CE)", () => {
  const { J, p, f } = outputJacobian(net, ds.x);
  const P = softmaxRows(f);
  const labels = ds.labels as Int32Array;

  it("GGN = Jᵀ H_out J with H_out = (1/n) blockdiag(diag(pᵢ) − pᵢpᵢᵀ)", async () => {
    const Hout = new Float64Array(n * C * n * C);
    for (let i = 0; i < n; i++) for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) {
      Hout[(i * C + a) * n * C + i * C + b] = ((a === b ? P[i * C + a] : 0) - P[i * C + a] * P[i * C + b]) / n;
    }
    const oracle = sandwich(J, Hout, n * C, p);
    const G = await hessian.dense(net, ds, { loss: "ce", curvature: "ggn", matrix: true });
    assert.equal(G.curvature, "ggn");
    assert.ok(maxAbsDiff(G.matrix as Float64Array, oracle) < 1e-12 * maxAbs(oracle), `GGN max diff ${maxAbsDiff(G.matrix as Float64Array, oracle)}`);
    // PSD (CE is convex in the outputs); rank ≤ n(C − 1) (softmax is shift-invariant).
    assert.ok(G.eigenvalues[0] > -1e-12 * G.eigenvalues[p - 1]);
    const rank = G.eigenvalues.filter((e) => e > 1e-10 * G.eigenvalues[p - 1]).length;
    assert.ok(rank <= n * (C - 1), `rank ${rank}`);
  });

  it("empirical Fisher = (1/n) Σ ∇ℓᵢ∇ℓᵢᵀ from per-example gradients at the true labels", async () => {
    const oracle = outerMean(Array.from(labels, (y, i) => exampleGradient(i, y)), p, n);
    const F = await hessian.dense(net, ds, { loss: "ce", curvature: "empiricalFisher", matrix: true });
    assert.ok(maxAbsDiff(F.matrix as Float64Array, oracle) < 1e-12 * maxAbs(oracle));
  });

  it("true Fisher = (1/(nS)) Σᵢ Σₛ ∇ℓ(xᵢ, ŷᵢₛ)∇ℓᵀ with the recorded labels sampled from softmax (seeded)", async () => {
    const S = 3;
    const op = hessian.operator(net, ds, { loss: "ce", curvature: "fisher", fisherSamples: S, seed: 11 });
    const sampled = op.sampledTargets as Int32Array[];
    assert.equal(sampled.length, S);
    const gs: Float64Array[] = [];
    for (const ys of sampled) {
      assert.equal(ys.length, n);
      ys.forEach((y, i) => {
        assert.ok(Number.isInteger(y) && y >= 0 && y < C);
        gs.push(exampleGradient(i, y));
      });
    }
    const oracle = outerMean(gs, p, n * S);
    const F = await hessian.dense(net, ds, { loss: "ce", curvature: "fisher", fisherSamples: S, seed: 11, matrix: true });
    assert.ok(maxAbsDiff(F.matrix as Float64Array, oracle) < 1e-12 * maxAbs(oracle));
    const other = hessian.operator(net, ds, { loss: "ce", curvature: "fisher", fisherSamples: S, seed: 12 }).sampledTargets as Int32Array[];
    assert.notDeepEqual(Array.from(other.map((a) => Array.from(a)).flat()), Array.from(sampled.map((a) => Array.from(a)).flat()));
  });

  it("the sampled true Fisher converges to the GGN (its expectation for CE) at the Monte Carlo rate", async () => {
    const G = (await hessian.dense(net, ds, { loss: "ce", curvature: "ggn", matrix: true })).matrix as Float64Array;
    const err = async (S: number) => {
      const F = (await hessian.dense(net, ds, { loss: "ce", curvature: "fisher", fisherSamples: S, seed: 5, matrix: true })).matrix as Float64Array;
      let d = 0;
      let g = 0;
      for (let i = 0; i < G.length; i++) {
        d += (F[i] - G[i]) ** 2;
        g += G[i] ** 2;
      }
      return Math.sqrt(d / g);
    };
    const e4 = await err(4);
    const e400 = await err(400);
    // Expected ratio √100 = 10; demand 3.
    assert.ok(e400 < e4 / 3, `relative error S=4: ${e4}, S=400: ${e400}`);
  });

  it("residual = H − GGN, and split() reports spectra and traces that add up", async () => {
    const H = (await hessian.dense(net, ds, { loss: "ce", matrix: true })).matrix as Float64Array;
    const G = (await hessian.dense(net, ds, { loss: "ce", curvature: "ggn", matrix: true })).matrix as Float64Array;
    const R = await hessian.dense(net, ds, { loss: "ce", curvature: "residual", matrix: true });
    const diff = Float64Array.from(H, (h, i) => h - G[i]);
    assert.ok(maxAbsDiff(R.matrix as Float64Array, diff) < 1e-12 * maxAbs(H));
    assert.ok(maxAbs(diff) > 1e-3 * maxAbs(H), "a tanh network has a non-zero residual");
    const sp = await hessian.split(net, ds, { loss: "ce", k: 2, probes: 20 });
    assert.ok(Math.abs(sp.hessian.trace.trace - sp.ggn.trace.trace - sp.residual.trace.trace) < 1e-10 * (1 + Math.abs(sp.hessian.trace.trace)));
    const top = R.eigenvalues[p - 1];
    assert.ok(Math.abs(sp.residual.spectrum.eigenvalues[0] - top) < 1e-6 * Math.abs(top));
  });
});

describe("hessian: linear model with MSE", () => {
  const lin = nn.mlp([3, 3], { seed: 4 });
  it("GGN equals the Hessian exactly and the residual H − GGN is zero", async () => {
    const H = await hessian.dense(lin, ds, { loss: "mse", matrix: true });
    const G = await hessian.dense(lin, ds, { loss: "mse", curvature: "ggn", matrix: true });
    const R = await hessian.dense(lin, ds, { loss: "mse", curvature: "residual", matrix: true });
    const h = H.matrix as Float64Array;
    assert.ok(maxAbsDiff(h, G.matrix as Float64Array) <= 1e-14 * maxAbs(h), `max |H − GGN| = ${maxAbsDiff(h, G.matrix as Float64Array)}`);
    assert.ok(maxAbs(R.matrix as Float64Array) <= 1e-14 * maxAbs(h));
    // Closed form: H = (1/n) (I_C ⊗ [X 1]ᵀ[X 1]) for W [3, 3] then b [3]; check tr = C·(‖X‖²_F + n)/n.
    const X = ds.x.data;
    const trExact = (C * (Array.from(X).reduce((s, x) => s + x * x, 0) + n)) / n;
    assert.ok(Math.abs(H.trace - trExact) < 1e-12 * trExact, `${H.trace} vs ${trExact}`);
  });
  it("the Monte Carlo true Fisher of MSE (ŷ ~ N(f, I)) is PSD and near the GGN for many samples", async () => {
    const G = (await hessian.dense(lin, ds, { loss: "mse", curvature: "ggn", matrix: true })).matrix as Float64Array;
    const F = await hessian.dense(lin, ds, { loss: "mse", curvature: "fisher", fisherSamples: 2000, seed: 1, matrix: true });
    assert.ok(F.eigenvalues[0] > -1e-12);
    let d = 0;
    let g = 0;
    for (let i = 0; i < G.length; i++) {
      d += ((F.matrix as Float64Array)[i] - G[i]) ** 2;
      g += G[i] ** 2;
    }
    assert.ok(Math.sqrt(d / g) < 0.1, `relative error ${Math.sqrt(d / g)}`);
  });
});

export { modelObjective, tensor };
