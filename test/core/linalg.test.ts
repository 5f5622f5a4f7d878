/** symEig and Lanczos against closed-form spectra; collapse metrics on constructed geometries. */
import { strict as assert } from "node:assert";
import { linalg, solvers, collapse, tensor, Rng } from "../../src/index";
import { symTridiagonalEig } from "../../src/linalg/symTridiagonalEig";
import { lanczosRun } from "../../src/solvers/lanczos";

describe("linalg.symEig", () => {
  it("recovers the spectrum of Q·diag(λ)·Qᵀ and orthonormal eigenvectors", () => {
    const n = 12;
    const rng = new Rng(3);
    const lam = Array.from({ length: n }, (_, i) => (i - 4) * 0.75);
    // Random orthogonal Q by Gram–Schmidt.
    const Q: number[][] = [];
    while (Q.length < n) {
      const v = Array.from({ length: n }, () => rng.normal());
      for (const q of Q) {
        const c = q.reduce((s, qi, i) => s + qi * v[i], 0);
        v.forEach((_, i) => (v[i] -= c * q[i]));
      }
      const nv = Math.hypot(...v);
      Q.push(v.map((x) => x / nv));
    }
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = lam.reduce((s, l, k) => s + l * Q[k][i] * Q[k][j], 0);
    const { values, vectors } = linalg.symEig(A, n);
    lam.forEach((l, i) => assert.ok(Math.abs(values[i] - l) < 1e-12, `λ${i}: ${values[i]} vs ${l}`));
    for (let j = 0; j < n; j++) {
      // A v = λ v
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[i * n + k] * vectors[k * n + j];
        assert.ok(Math.abs(s - values[j] * vectors[i * n + j]) < 1e-12);
      }
    }
  });

  it("rejects non-symmetric and non-finite input naming the entry", () => {
    assert.throws(() => linalg.symEig([1, 2, 3, 4], 2), /not symmetric at \[0, 1\]/);
    assert.throws(() => linalg.symEig([1, NaN, NaN, 4], 2), /non-finite entry NaN at \[0, 1\]/);
  });
});

describe("symTridiagonalEig components", () => {
  it("the first and last eigenvector components equal those of the full decomposition, and T·v = λv holds for the full one", () => {
    const n = 40;
    const rng = new Rng(5);
    const d = Array.from({ length: n }, () => rng.normal());
    const e = Array.from({ length: n - 1 }, () => rng.normal());
    const full = symTridiagonalEig(d, e);
    const part = symTridiagonalEig(d, e, { components: [0, n - 1] });
    assert.deepEqual(Array.from(part.values), Array.from(full.values));
    const V = full.vectors!;
    const C = part.components!;
    for (let j = 0; j < n; j++) {
      assert.ok(Math.abs(C[j] - V[j]) <= 1e-14, `first component of v${j}: ${C[j]} vs ${V[j]}`);
      assert.ok(Math.abs(C[n + j] - V[(n - 1) * n + j]) <= 1e-14, `last component of v${j}`);
      // Independent check of the full vectors: ‖T v − λ v‖ small.
      let r = 0;
      for (let i = 0; i < n; i++) {
        const tv = d[i] * V[i * n + j] + (i > 0 ? e[i - 1] * V[(i - 1) * n + j] : 0) + (i < n - 1 ? e[i] * V[(i + 1) * n + j] : 0);
        r = Math.max(r, Math.abs(tv - full.values[j] * V[i * n + j]));
      }
      assert.ok(r < 1e-12, `residual of v${j}: ${r}`);
    }
    assert.throws(() => symTridiagonalEig(d, e, { components: [n] }), /components: entry 0 is 40, expected an integer in \[0, 40\)/);
  });
});

describe("solvers.lanczos", () => {
  it("finds the extreme eigenvalues of a diagonal operator with tiny residuals", async () => {
    const p = 400;
    const diag = Float64Array.from({ length: p }, (_, i) => (i < 5 ? 100 - 10 * i : Math.sin(i) * 2));
    const res = await solvers.lanczos((v) => v.map((x, i) => x * diag[i]), p, { steps: 60, seed: 1 });
    const top = Array.from(res.values).reverse().slice(0, 5);
    [100, 90, 80, 70, 60].forEach((l, i) => assert.ok(Math.abs(top[i] - l) < 1e-9 * l, `θ${i} = ${top[i]}`));
    const k = res.values.length;
    for (let j = k - 5; j < k; j++) assert.ok(res.residuals[j] < 1e-8, `residual ${res.residuals[j]}`);
    // The Ritz vector of 100 is ±e_0.
    const y = res.ritzVectors![k - 1];
    assert.ok(Math.abs(Math.abs(y[0]) - 1) < 1e-9);
    assert.equal(res.matvecs, 60);
    // Quadrature weights sum to 1 (they are squared first components of an orthogonal matrix).
    assert.ok(Math.abs(res.weights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  });

  it("stops early on an invariant subspace with exact eigenvalues", async () => {
    const p = 50;
    const res = await solvers.lanczos((v) => v.map((x, i) => x * (i % 3)), p, { steps: 20, seed: 2 });
    assert.equal(res.invariant, true);
    assert.equal(res.values.length, 3);
    [0, 1, 2].forEach((l, i) => assert.ok(Math.abs(res.values[i] - l) < 1e-12));
  });

  it("a run on a released run's recycled basis gives bit-identical results; a released run refuses use", async () => {
    const p = 3000; // 4 MiB blocks of ~174 rows: 200 steps span two blocks
    const diag = Float64Array.from({ length: p }, (_, i) => Math.cos(i) * (1 + (i % 7)));
    const op = (v: Float64Array) => v.map((x, i) => x * diag[i]);
    const first = lanczosRun(op, p, { seed: 3 });
    await first.extend(200);
    const a = first.result(true);
    first.release();
    await assert.rejects(first.extend(201), /this run was released/);
    assert.throws(() => first.result(false), /this run was released/);
    // Dirty the pool's blocks through another run, release it, then repeat the first run.
    const other = lanczosRun((v) => v.map((x, i) => x * (i + 1)), p, { seed: 9 });
    await other.extend(200);
    other.release();
    const again = lanczosRun(op, p, { seed: 3 });
    await again.extend(200);
    const b = again.result(true);
    assert.deepEqual(Array.from(b.values), Array.from(a.values));
    assert.deepEqual(Array.from(b.residuals), Array.from(a.residuals));
    assert.deepEqual(Array.from(b.ritzVectors![b.values.length - 1]), Array.from(a.ritzVectors![a.values.length - 1]));
  });
});

describe("collapse.metrics", () => {
  it("is 0 on a collapsed simplex ETF with an aligned classifier", () => {
    const C = 3;
    // ETF in 2-D: three unit vectors at 120°; every sample sits on its class mean.
    const etf = [0, 1, 2].map((c) => [Math.cos((2 * Math.PI * c) / 3), Math.sin((2 * Math.PI * c) / 3)]);
    const feats = [0, 0, 1, 1, 2, 2].map((c) => etf[c]);
    const labels = [0, 0, 1, 1, 2, 2];
    const m = collapse.metrics(tensor(feats), labels, { W: tensor(etf.map((r) => r.map((v) => 2 * v))) });
    for (const k of ["nc1", "nc2Equinorm", "nc2Equiangular", "nc2MaxAngle", "nc3", "nc4"] as const) {
      assert.ok(Math.abs(m[k] as number) <= 1e-12, `${k} = ${m[k]}`);
    }
    assert.equal(m.classes, C);
  });

  it("NC1 matches a hand computation and is invariant to scaling the features", () => {
    // Two classes on a line: class 0 at {−2, 0} (mean −1), class 1 at {1, 3} (mean 2); 1-D features.
    const feats = [[-2], [0], [1], [3]];
    const labels = [0, 0, 1, 1];
    // μ_G = 0.5; Σ_W = (1+1+1+1)/4 = 1; Σ_B = ((−1.5)² + 1.5²)/2 = 2.25; NC1 = (1/2.25)/2.
    const m = collapse.metrics(tensor(feats), labels);
    assert.ok(Math.abs(m.nc1 - 1 / 4.5) < 1e-14, `nc1 = ${m.nc1}`);
    const scaled = collapse.metrics(tensor(feats.map((r) => [r[0] * 7])), labels);
    assert.ok(Math.abs(scaled.nc1 - m.nc1) < 1e-14);
    assert.throws(() => collapse.metrics(tensor(feats), [0, 0, 1]), /labels: expected 4 labels, got 3/);
  });
});
