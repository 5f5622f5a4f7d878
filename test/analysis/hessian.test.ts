/**
 * hessian.*: Lanczos / power iteration against the dense float64 Hessian (p ≈ 1000), Hutchinson
 * trace/diagonal and SLQ against exact values within their stated standard errors, and the
 * dense-Hessian oracles themselves (symmetric, exact trace).
 */
import { strict as assert } from "node:assert";
import { nn, data, hessian, objective, modelObjective, tensor, linalg, type Model, type Dataset } from "../../src/index";
import type { DenseResult } from "../../src/analysis/hessian";

const ds = data.gaussianMixture({ classes: 3, dim: 10, n: 40, seed: 0 });
const configs = [
  { activation: "tanh", loss: "ce" },
  { activation: "relu", loss: "ce" },
  { activation: "tanh", loss: "mse" },
  { activation: "relu", loss: "mse" },
] as const;
// [10, 40, 12, 3]: p = 10·40+40 + 40·12+12 + 12·3+3 = 971.
const netOf = (activation: "tanh" | "relu") => nn.mlp([10, 40, 12, 3], { activation, seed: 1 });

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("hessian.topEigen vs hessian.dense (MLPs, p = 971)", function () {
  const dense = new Map<string, DenseResult>();
  before(async function () {
    for (const c of configs) {
      const key = `${c.activation}/${c.loss}`;
      dense.set(key, await hessian.dense(netOf(c.activation), ds, { loss: c.loss, matrix: key === "tanh/ce" }));
    }
  });

  it("dense: p HVPs, symmetric to rounding, trace = Σ eigenvalues", () => {
    for (const [key, D] of dense) {
      assert.equal(D.p, 971);
      assert.equal(D.hvps, 971, key);
      assert.ok(D.asymmetry < 1e-12, `${key}: asymmetry ${D.asymmetry}`);
      const s = D.eigenvalues.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(s - D.trace) < 1e-10 * (1 + Math.abs(D.trace)), `${key}: Σλ ${s} vs tr ${D.trace}`);
      for (let i = 1; i < D.p; i++) assert.ok(D.eigenvalues[i] >= D.eigenvalues[i - 1]);
    }
  });

  for (const c of configs) {
    const key = `${c.activation}/${c.loss}`;
    it(`${key}: the 10 largest and 10 smallest equal dense to ≤ 1e-6 relative, converged, HVPs counted`, async () => {
      const D = dense.get(key) as DenseResult;
      const ev = D.eigenvalues;
      const p = ev.length;
      const obj = modelObjective(netOf(c.activation), ds, { loss: c.loss });
      const top = await hessian.topEigen(obj, { k: 10, which: "largest" });
      const bottom = await hessian.topEigen(netOf(c.activation), ds, { loss: c.loss, k: 10, which: "smallest", seed: 5 });
      for (let i = 0; i < 10; i++) {
        assert.ok(rel(top.eigenvalues[i], ev[p - 1 - i]) <= 1e-6, `${key} λ_top${i}: ${top.eigenvalues[i]} vs ${ev[p - 1 - i]}`);
        assert.ok(rel(bottom.eigenvalues[i], ev[i]) <= 1e-6, `${key} λ_bottom${i}: ${bottom.eigenvalues[i]} vs ${ev[i]}`);
      }
      assert.deepEqual(top.converged, new Array(10).fill(true));
      assert.deepEqual(bottom.converged, new Array(10).fill(true));
      // The reported count is the objective's own HVP counter, and far below dense's p.
      assert.equal(top.hvps, obj.hvps);
      assert.ok(top.hvps > 10 && top.hvps < p / 2, `hvps ${top.hvps}`);
      assert.ok(bottom.hvps > 10 && bottom.hvps < p / 2);
      assert.ok(top.toleranceReached !== null && top.toleranceReached <= 1e-6);
      for (const r of [top, bottom]) assert.equal(r.method, "lanczos");
    });
  }

  it("which: 'both' returns both ends with eigenvectors satisfying ‖Hv − λv‖ = reported residual", async () => {
    const D = dense.get("tanh/ce") as DenseResult;
    const H = D.matrix as Float64Array;
    const p = D.p;
    const r = await hessian.topEigen(netOf("tanh"), ds, { loss: "ce", k: 3, which: "both", vectors: true });
    assert.deepEqual(r.end, ["largest", "largest", "largest", "smallest", "smallest", "smallest"]);
    assert.deepEqual(r.largest, r.eigenvalues.slice(0, 3));
    const vs = r.eigenvectors as number[][];
    vs.forEach((v, j) => {
      let nv = 0;
      let res = 0;
      for (let i = 0; i < p; i++) {
        let s = 0;
        for (let t = 0; t < p; t++) s += H[i * p + t] * v[t];
        res += (s - r.eigenvalues[j] * v[i]) ** 2;
        nv += v[i] * v[i];
      }
      assert.ok(Math.abs(nv - 1) < 1e-10, `‖v${j}‖² = ${nv}`);
      assert.ok(Math.sqrt(res) < 1e-6 * Math.abs(D.eigenvalues[p - 1]), `pair ${j}: ‖Hv − λv‖ = ${Math.sqrt(res)}`);
    });
  });

  it("power iteration with deflation (PyHessian) agrees on the top 3 (largest |λ|)", async () => {
    for (const key of ["tanh/ce", "relu/mse"]) {
      const D = dense.get(key) as DenseResult;
      const byMag = D.eigenvalues.slice().sort((a, b) => Math.abs(b) - Math.abs(a));
      const [act, loss] = key.split("/") as ["tanh" | "relu", "ce" | "mse"];
      const r = await hessian.topEigen(netOf(act), ds, { loss, k: 3, method: "power", tol: 1e-10, maxIter: 5000 });
      assert.equal(r.method, "power");
      for (let i = 0; i < 3; i++) assert.ok(rel(r.eigenvalues[i], byMag[i]) < 1e-6, `${key} power λ${i}: ${r.eigenvalues[i]} vs ${byMag[i]}`);
      assert.deepEqual(r.converged, [true, true, true]);
      assert.equal(r.hvps, r.steps.reduce((a, b) => a + b, 0));
      // PyHessian defaults (tol 1e-3 on the relative change, maxIter 100): top eigenvalue to ~1e-2.
      const loose = await hessian.topEigen(netOf(act), ds, { loss, k: 1, method: "power" });
      assert.ok(rel(loose.eigenvalues[0], byMag[0]) < 1e-2, `${key} default power: ${loose.eigenvalues[0]} vs ${byMag[0]}`);
    }
  });

  it("Hutchinson trace within 3 SE of the exact trace; SE matches the exact estimator variance 2(‖H‖F² − Σ H_ii²)", async () => {
    const D = dense.get("tanh/ce") as DenseResult;
    const H = D.matrix as Float64Array;
    const p = D.p;
    let fro = 0;
    let dsq = 0;
    for (let i = 0; i < p * p; i++) fro += H[i] * H[i];
    for (let i = 0; i < p; i++) dsq += H[i * p + i] ** 2;
    const sdExact = Math.sqrt((2 * (fro - dsq)) / 100);
    for (const seed of [1, 2]) {
      const T = await hessian.trace(netOf("tanh"), ds, { loss: "ce", probes: 100, seed });
      assert.equal(T.hvps, 100);
      assert.ok(Math.abs(T.trace - D.trace) <= 3 * T.stdError, `seed ${seed}: ${T.trace} ± ${T.stdError} vs ${D.trace}`);
      assert.ok(T.stdError / sdExact > 0.6 && T.stdError / sdExact < 1.6, `SE ${T.stdError} vs exact ${sdExact}`);
    }
  });

  it("Hutch++ trace within 3 SE of the exact trace, spending exactly its budget", async () => {
    const D = dense.get("tanh/ce") as DenseResult;
    const hpp = await hessian.trace(netOf("tanh"), ds, { loss: "ce", probes: 150, method: "hutch++", seed: 4 });
    assert.equal(hpp.hvps, 150);
    assert.equal(hpp.sketchRank, 50);
    assert.equal(hpp.probes, 50);
    assert.ok(Math.abs(hpp.trace - D.trace) <= 3 * hpp.stdError, `${hpp.trace} ± ${hpp.stdError} vs ${D.trace}`);
  });

  it("Hutchinson diagonal: ≥ 97% of entries within 3 SE of diag(H); SEs match √(Σ_{j≠i} H_ij² / N)", async () => {
    const D = dense.get("tanh/ce") as DenseResult;
    const H = D.matrix as Float64Array;
    const p = D.p;
    const N = 100;
    const r = await hessian.diagonal(netOf("tanh"), ds, { loss: "ce", probes: N, seed: 3 });
    assert.equal(r.hvps, N);
    let within = 0;
    const ratios: number[] = [];
    for (let i = 0; i < p; i++) {
      const err = Math.abs(r.diagonal[i] - H[i * p + i]);
      if (err <= 3 * r.stdError[i] + 1e-12) within++;
      let off = 0;
      for (let j = 0; j < p; j++) if (j !== i) off += H[i * p + j] ** 2;
      if (off > 0) ratios.push(r.stdError[i] / Math.sqrt(off / N));
    }
    assert.ok(within / p >= 0.97, `within 3 SE: ${within}/${p}`);
    ratios.sort((a, b) => a - b);
    const median = ratios[ratios.length >> 1];
    assert.ok(median > 0.85 && median < 1.15, `median SE ratio ${median}`);
    assert.ok(Math.abs(r.trace - r.diagonal.reduce((a, b) => a + b, 0)) < 1e-9);
  });

  it("SLQ density integrates to 1 ± 1e-6, its mean is within 3 SE of tr(H)/p, nodes inside [λmin, λmax]", async () => {
    const D = dense.get("relu/ce") as DenseResult;
    const p = D.p;
    // 24 probes: the SE itself is estimated from the probes, so too few make the 3-SE test fragile.
    const S = await hessian.density(netOf("relu"), ds, { loss: "ce", probes: 24, steps: 30, seed: 2 });
    assert.equal(S.method, "slq");
    assert.equal(S.hvps, 24 * 30);
    const integrate = (g: number[], f: number[]) => g.slice(1).reduce((s, _, i) => s + 0.5 * (f[i] + f[i + 1]) * (g[i + 1] - g[i]), 0);
    assert.ok(Math.abs(integrate(S.grid, S.density) - 1) <= 1e-6, `∫φ = ${integrate(S.grid, S.density)}`);
    assert.ok(Math.abs(S.mean - D.trace / p) <= 3 * S.meanStdError, `${S.mean} ± ${S.meanStdError} vs ${D.trace / p}`);
    const lo = D.eigenvalues[0];
    const hi = D.eigenvalues[p - 1];
    for (const row of S.nodes) for (const t of row) assert.ok(t >= lo - 1e-9 && t <= hi + 1e-9, `node ${t} outside [${lo}, ${hi}]`);
    for (const w of S.weights) assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    // The extreme nodes converge to the extreme eigenvalues (Lanczos finds the ends first).
    assert.ok(rel(Math.max(...S.nodes[0]), hi) < 1e-6);
    // Re-smoothing from cached nodes: no products, still a probability density, mean preserved.
    const re = hessian.smooth(S, { sigma: S.sigma * 3, grid: 2000 });
    assert.ok(Math.abs(integrate(re.grid, re.density) - 1) <= 1e-6);
    const meanOf = (g: number[], f: number[]) => integrate(g, g.map((x, i) => x * f[i]));
    assert.ok(Math.abs(meanOf(re.grid, re.density) - S.mean) < 1e-6 * (1 + Math.abs(S.mean)));
  });

  it("perLayer: block traces sum to the total estimate and match exact diagonal-block traces; block λ_max = λ_max(H_bb)", async () => {
    const D = dense.get("tanh/ce") as DenseResult;
    const H = D.matrix as Float64Array;
    const p = D.p;
    const r = await hessian.perLayer(netOf("tanh"), ds, { loss: "ce", k: 1, probes: 100, seed: 6 });
    assert.deepEqual(r.blocks.map((b) => b.name), ["[0].W", "[0].b", "[1].W", "[1].b", "[2].W", "[2].b"]);
    const sum = r.blocks.reduce((s, b) => s + b.trace, 0);
    assert.ok(Math.abs(sum - r.trace) < 1e-9 * (1 + Math.abs(r.trace)));
    assert.ok(Math.abs(r.trace - D.trace) <= 3 * r.traceStdError);
    let offset = 0;
    for (const b of r.blocks) {
      let exact = 0;
      for (let i = offset; i < offset + b.size; i++) exact += H[i * p + i];
      assert.ok(Math.abs(b.trace - exact) <= 3 * b.stdError + 1e-12, `${b.name}: ${b.trace} ± ${b.stdError} vs ${exact}`);
      const sub = new Float64Array(b.size * b.size);
      for (let i = 0; i < b.size; i++) for (let j = 0; j < b.size; j++) sub[i * b.size + j] = H[(offset + i) * p + offset + j];
      const ev = linalg.symEigQL(sub, b.size, { vectors: false }).values;
      assert.ok(rel(b.eigenvalues[0], ev[b.size - 1]) < 1e-6, `${b.name}: ${b.eigenvalues[0]} vs ${ev[b.size - 1]}`);
      assert.ok(b.converged[0]);
      offset += b.size;
    }
  });

  it("yields to the event loop while it works (setImmediate callbacks run during dense)", async () => {
    let ticks = 0;
    let on = true;
    const spin = () => {
      ticks++;
      if (on) setImmediate(spin);
    };
    setImmediate(spin);
    const before = ticks;
    await hessian.dense(netOf("relu"), ds, { loss: "ce" });
    on = false;
    assert.ok(ticks - before >= 5, `only ${ticks - before} event-loop turns during dense`);
  });
});

describe("hessian on any user function (objective)", () => {
  it("topEigen, trace and dense of f(θ) = ½θᵀAθ + ¼Σθ⁴ at θ = 0 return the eigenvalues of A exactly", async () => {
    const lam = [5, 3, 2, 1, 0.5, -1, -4];
    const n = lam.length;
    // A = Q diag(λ) Qᵀ with Q a Householder reflection (I − 2uuᵀ), built by hand.
    const u = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const nu = Math.hypot(...u);
    const Q = (i: number, j: number) => (i === j ? 1 : 0) - (2 * u[i] * u[j]) / (nu * nu);
    const A: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A.push(lam.reduce((s, l, k) => s + l * Q(i, k) * Q(j, k), 0));
    const At = tensor(A, [n, n]);
    const f = (theta: ReturnType<typeof tensor>) => {
      const v = theta.reshape([n, 1]);
      return v.transpose().matmul(At).matmul(v).sum().mul(0.5).add(theta.pow(4).sum().mul(0.25));
    };
    const obj = objective(f, tensor(new Array(n).fill(0)));
    const r = await hessian.topEigen(obj, { k: 2, which: "both" });
    assert.ok(rel(r.eigenvalues[0], 5) < 1e-12 && rel(r.eigenvalues[1], 3) < 1e-12 && rel(r.eigenvalues[2], -4) < 1e-12 && rel(r.eigenvalues[3], -1) < 1e-12, String(r.eigenvalues));
    const D = await hessian.dense(obj);
    D.eigenvalues.forEach((e, i) => assert.ok(Math.abs(e - lam.slice().sort((a, b) => a - b)[i]) < 1e-12));
    assert.equal(D.seed, null);
    assert.equal(D.backend, "cpu");
    assert.equal(D.dtype, "f64");
    assert.equal(D.curvature, "hessian");
  });
});

describe("hessian.trace: Hutch++ on a low-rank operator", () => {
  it("is exact (zero residual variance) once the sketch spans the range, where Hutchinson is not", async () => {
    // f(θ) = ½ Σ_k λ_k (u_kᵀθ)² with 4 fixed directions in ℝ⁴⁰: H = Σ λ_k u_k u_kᵀ, tr H = Σ λ_k ‖u_k‖².
    const p = 40;
    const us = [1, 2, 3, 4].map((k) => Array.from({ length: p }, (_, i) => Math.cos(k * i + 0.3 * k)));
    const lam = [4, 2, -1, 0.5];
    const exact = lam.reduce((s, l, k) => s + l * us[k].reduce((a, x) => a + x * x, 0), 0);
    const U = tensor(us.flat(), [4, p]);
    const L = tensor(lam);
    const obj = objective((t: ReturnType<typeof tensor>) => U.matmul(t.reshape([p, 1])).reshape([4]).square().mul(L).sum().mul(0.5), tensor(new Array(p).fill(0.1)));
    const hpp = await hessian.trace(obj, { probes: 30, method: "hutch++", seed: 1 });
    assert.equal(hpp.sketchRank, 4);
    assert.ok(Math.abs(hpp.trace - exact) < 1e-10 * Math.abs(exact), `${hpp.trace} vs ${exact}`);
    assert.ok(hpp.stdError < 1e-10, `SE ${hpp.stdError}`);
    const hut = await hessian.trace(obj, { probes: 30, seed: 1 });
    assert.ok(hut.stdError > 1e-3, `Hutchinson SE ${hut.stdError}`);
    assert.ok(Math.abs(hut.trace - exact) <= 3 * hut.stdError);
  });
});

describe("hessian: mini-batch Hessians (Granziol et al.)", () => {
  it("mean over draws of λ_max(H_B) exceeds the full-batch λ_max by more than 3 standard errors (Jensen)", async () => {
    const net = nn.mlp([10, 16, 3], { activation: "tanh", seed: 2 });
    const r = await hessian.minibatch(net, ds, { loss: "ce", batch: 4, draws: 12, seed: 1 });
    assert.equal(r.draws.length, 12);
    assert.ok(r.draws.every((d) => d.indices.length === 4 && new Set(d.indices).size === 4));
    assert.notDeepEqual(r.draws[0].indices, r.draws[1].indices);
    const full = (r.full as number[])[0];
    assert.ok(r.mean[0] - full > 3 * r.stdError[0], `E λ_max(H_B) = ${r.mean[0]} ± ${r.stdError[0]} vs λ_max(H) = ${full}`);
    // Each draw equals topEigen on the same rows given as indices.
    const again = await hessian.topEigen(net, ds, { loss: "ce", indices: r.draws[3].indices });
    assert.ok(rel(again.eigenvalues[0], r.draws[3].eigenvalues[0]) < 1e-8);
  });
});

describe("hessian: bad input → named errors", () => {
  const net = nn.mlp([10, 4, 3], { seed: 0 });
  const p = 10 * 4 + 4 + 4 * 3 + 3;
  it("k > p", async () => {
    await assert.rejects(hessian.topEigen(net, ds, { k: p + 1 }), /topEigen: k: expected at most p = 59, got 60/);
  });
  it("negative or zero steps / probes", async () => {
    await assert.rejects(hessian.density(net, ds, { steps: -3 }), /density: steps: expected a positive integer, got -3/);
    await assert.rejects(hessian.trace(net, ds, { probes: 0 }), /trace: probes: expected a positive integer, got 0/);
    await assert.rejects(hessian.density(net, ds, { steps: p + 1 }), /density: steps: expected at most 59, got 60/);
  });
  it("unknown method", async () => {
    await assert.rejects(hessian.topEigen(net, ds, { method: "arnoldi" as never }), /topEigen: method: expected "lanczos" or "power", got "arnoldi"/);
    await assert.rejects(hessian.trace(net, ds, { method: "xtrace" as never }), /trace: method: expected "hutchinson" or "hutch\+\+", got "xtrace"/);
  });
  it("unknown option", async () => {
    await assert.rejects(hessian.topEigen(net, ds, { top_n: 5 } as never), /topEigen: unknown option "top_n"/);
    await assert.rejects(hessian.density(net, ds, { iter: 5 } as never), /density: unknown option "iter"/);
    assert.throws(() => hessian.smooth({ nodes: [[1]], weights: [[1]] }, { bins: 3 } as never), /smooth: unknown option "bins"/);
  });
  it("wrong-length vectors", () => {
    const op = hessian.operator(net, ds, {});
    assert.throws(() => op.apply(new Float64Array(p - 1)), /v: expected a Float64Array of length 59, got length 58/);
    const g = hessian.operator(net, ds, { curvature: "ggn" });
    assert.throws(() => g.apply(new Float64Array(p + 2)), /v: expected a Float64Array of length 59, got length 61/);
  });
  it("unknown which / curvature, power with which 'smallest'", async () => {
    await assert.rejects(hessian.topEigen(net, ds, { which: "middle" as never }), /topEigen: which: expected "largest", "smallest" or "both"/);
    await assert.rejects(hessian.dense(net, ds, { curvature: "hessianish" as never }), /dense: curvature: expected one of hessian, ggn, fisher, empiricalFisher, residual/);
    await assert.rejects(hessian.topEigen(net, ds, { method: "power", which: "smallest" }), /topEigen: which: method "power" finds the largest-\|λ\|/);
  });
  it("GGN/Fisher on a bare Objective, true Fisher with a custom loss", async () => {
    const obj = modelObjective(net, ds, {});
    await assert.rejects(hessian.trace(obj, { curvature: "ggn" }), /trace: curvature: "ggn" needs \(model, data\)/);
    await assert.rejects(hessian.trace(obj, { loss: "mse" }), /trace: loss: only meaningful for \(model, data\)/);
    const custom = nn.getLoss("ce");
    const wrapped: typeof custom = (o, t, opts) => custom(o, t, opts);
    await assert.rejects(hessian.trace(net, ds, { loss: wrapped, curvature: "fisher" }), /trace: curvature: "fisher" needs a likelihood loss/);
  });
  it("batch larger than the data, bad target, bad smooth input", async () => {
    await assert.rejects(hessian.trace(net, ds, { batch: 41 }), /trace: batch: expected at most 40, got 41/);
    await assert.rejects(hessian.trace({} as never), /trace: target: expected \(model, data, opts\) or \(objective, opts\)/);
    assert.throws(() => hessian.smooth({ nodes: [[1, 2]], weights: [[1]] }), /smooth: result: nodes\[0\] and weights\[0\] differ in length/);
    assert.throws(() => hessian.smooth({ nodes: [[1]], weights: [[1]] }, { sigma: -1 }), /smooth: sigma: expected a finite number > 0, got -1/);
  });
  it("dense refuses p above maxParams", async () => {
    await assert.rejects(hessian.dense(net, ds, { maxParams: 50 }), /dense: p = 59 parameters exceeds maxParams = 50/);
  });
});

export type { Model, Dataset };
