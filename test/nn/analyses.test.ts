/**
 * Every analysis runs on a small convnet (conv → batch norm (eval, non-trivial running stats) →
 * tanh → max pool → flatten → linear → tanh → linear) and agrees with float64 oracles built only
 * from forward passes and autodiff first derivatives: the Hessian by central differences of the
 * gradient, the output Jacobian by central differences of the forward pass.
 */
import { strict as assert } from "node:assert";
import { Tensor } from "../../src/tensor/Tensor";
import { nn, data, optim, hessian, ntk, collapse, landscape, stability, linalg, flatten, unflatten, grad, noGrad } from "../../src/index";
import { Rng } from "../../src/random/Rng";

const rng = new Rng(11);
const n = 12;
const C = 3;
const x = new Tensor(rng.normals(n * 36), [n, 36]);
const y = Int32Array.from({ length: n }, (_, i) => i % C);
const ds = data.dataset(x, Array.from(y), { task: "classification" } as never);

function tinyConvnet() {
  const net = nn.network(
    nn.sequential({
      conv: nn.conv2d(1, 2, 3),
      bn: nn.batchNorm(2),
      act1: nn.act("tanh"),
      pool: nn.maxPool2d(2),
      flatten: nn.flatten(),
      fc1: nn.linear(8, 4),
      act2: nn.act("tanh"),
      fc2: nn.linear(4, C),
    }),
    { inputShape: [1, 6, 6], seed: 3 },
  );
  net.state.set("bn.running_mean", new Tensor(Float64Array.from([0.2, -0.1]), [2]));
  net.state.set("bn.running_var", new Tensor(Float64Array.from([0.7, 1.6]), [2]));
  return net;
}

const net = tinyConvnet();
const theta0 = flatten(net.params);
const p = theta0.size;
const loss = (t: Tensor) => nn.crossEntropy(net.apply(unflatten(t, net.params) as never, x), y);

/** Dense Hessian by central differences of the autodiff gradient, symmetrised. */
function fdHessian(): Float64Array {
  const H = new Float64Array(p * p);
  const h = 1e-5;
  const g = (t: Tensor) => noGrad(() => grad(loss)(t)).data;
  for (let j = 0; j < p; j++) {
    const a = Float64Array.from(theta0.data);
    const b = Float64Array.from(theta0.data);
    a[j] += h;
    b[j] -= h;
    const ga = g(new Tensor(a, [p]));
    const gb = g(new Tensor(b, [p]));
    for (let i = 0; i < p; i++) H[i * p + j] = (ga[i] - gb[i]) / (2 * h);
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) H[i * p + j] = H[j * p + i] = (H[i * p + j] + H[j * p + i]) / 2;
  return H;
}

const H = fdHessian();
const eig = linalg.symEig(H, p);
const desc = Array.from(eig.values).sort((a, b) => b - a);
const trH = Array.from({ length: p }, (_, i) => H[i * p + i]).reduce((a, b) => a + b);
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe("analyses on a convnet with batch norm (p = " + p + ")", () => {
  it("hessian.topEigen: top-3 equal the eigenvalues of the finite-difference Hessian", async () => {
    const r = await hessian.topEigen(net, ds, { k: 3 });
    r.eigenvalues.forEach((v, i) => close(v, desc[i], 1e-6, `λ${i + 1}`));
  });
  it("hessian.trace (exact dense) and Hutchinson within 5 standard errors", async () => {
    close((await hessian.dense(net, ds)).trace, trH, 1e-6, "dense trace");
    const t = await hessian.trace(net, ds, { probes: 200, seed: 1 });
    assert.ok(Math.abs(t.trace - trH) <= 5 * t.stdError + 1e-9, `trace ${t.trace} ± ${t.stdError} vs ${trH}`);
  });
  it("hessian.density: Ritz nodes inside the spectrum, each probe's weights sum to 1, mean ≈ tr(H)/p", async () => {
    const d = await hessian.density(net, ds, { seed: 2, probes: 8 });
    const span = desc[0] - desc[p - 1];
    for (const row of d.nodes) for (const v of row) assert.ok(v >= desc[p - 1] - 1e-6 * span && v <= desc[0] + 1e-6 * span, `node ${v} outside [${desc[p - 1]}, ${desc[0]}]`);
    for (const w of d.weights) close(w.reduce((a, b) => a + b, 0), 1, 1e-8, "probe weight");
    assert.ok(Math.abs(d.mean - trH / p) <= 5 * d.meanStdError + 1e-12, `mean ${d.mean} ± ${d.meanStdError} vs tr/p ${trH / p}`);
  });
  it("hessian.split: H = GGN + R (top eigenvalue of H, traces add up)", async () => {
    const s = await hessian.split(net, ds, { k: 2, probes: 20, seed: 3 });
    close(s.hessian.spectrum.eigenvalues[0], desc[0], 1e-6, "split λ1");
    close(s.ggn.trace.trace + s.residual.trace.trace, s.hessian.trace.trace, 1e-9, "trace sum");
    assert.ok(s.ggn.spectrum.eigenvalues[0] > 0, "GGN top eigenvalue must be positive");
  });
  it("hessian.perLayer: one block per parameter tensor, block traces sum to the estimate", async () => {
    const r = await hessian.perLayer(net, ds, { probes: 10, seed: 4 });
    assert.ok(r.blocks.length >= 4);
    close(r.blocks.reduce((s, b) => s + (b as { trace: number }).trace, 0), r.trace, 1e-10, "Σ block traces");
  });
  it("ntk.empirical equals J Jᵀ from central differences of the outputs", () => {
    const xs = new Tensor(x.data.slice(0, 4 * 36), [4, 36]);
    const K = ntk.empirical(net, xs).kernel;
    const h = 1e-6;
    const J: Float64Array[] = [];
    for (let j = 0; j < p; j++) {
      const a = Float64Array.from(theta0.data);
      const b = Float64Array.from(theta0.data);
      a[j] += h;
      b[j] -= h;
      const fa = noGrad(() => net.apply(unflatten(new Tensor(a, [p]), net.params) as never, xs)).data;
      const fb = noGrad(() => net.apply(unflatten(new Tensor(b, [p]), net.params) as never, xs)).data;
      J.push(Float64Array.from(fa, (v, i) => (v - fb[i]) / (2 * h)));
    }
    for (let i = 0; i < 4; i++) for (let k = 0; k < 4; k++) {
      let s = 0;
      for (let j = 0; j < p; j++) for (let c = 0; c < C; c++) s += J[j][i * C + c] * J[j][k * C + c];
      close(K.data[i * 4 + k], s, 1e-6, `Θ[${i},${k}]`);
    }
  });
  it("collapse.measure on the penultimate features (NC metrics finite; features [n, 4])", () => {
    assert.deepEqual([...nn.features(net, x).shape], [n, 4]);
    assert.deepEqual([...nn.features(net, x, 4).shape], [n, 8]); // after the pool: 2 channels · 2 · 2
    // collapse.classifierOf only knows mlp layouts ({W [d, C]}); a network's last linear layer is
    // already in the classifier layout [C, d], so it is passed explicitly.
    const fc2 = (net.params as { fc2: { weight: Tensor; bias: Tensor } }).fc2;
    const m = collapse.measure(net, ds, { classifier: { W: fc2.weight, b: fc2.bias } });
    assert.ok(m.nc1 > 0 && Number.isFinite(m.nc1), `nc1 ${m.nc1}`);
    for (const [k, v] of Object.entries(m)) if (typeof v === "number") assert.ok(Number.isFinite(v), `${k} = ${v}`);
  });
  it("landscape.slice1d along a given direction equals direct evaluation", () => {
    const d = Float64Array.from(new Rng(5).normals(p));
    const s = landscape.slice1d(net, ds, { directions: [d], alphas: [-0.5, 0, 0.25] });
    s.alphas.forEach((a, i) => {
      const t = new Tensor(Float64Array.from(theta0.data, (v, j) => v + a * d[j]), [p]);
      close(s.losses[i], noGrad(() => loss(t)).item(), 1e-12, `L(θ + ${a} d)`);
    });
  });
  it("stability.sharpness equals λ_max of the finite-difference Hessian", async () => {
    const r = await stability.sharpness(net, ds, { steps: 60 });
    close(r.lambdaMax, desc[0], 1e-6, "λ_max");
  });
  it("stability.track through optim.train records λ_max at each epoch's parameters", async () => {
    const m = tinyConvnet();
    const lr = 0.1;
    const t = stability.track(m, ds, { lr, probes: 3 });
    const seen: number[] = [];
    await optim.train(m, ds, {
      optimizer: optim.sgd({ lr }),
      epochs: 2,
      onEpoch: async (info) => {
        await t.onEpoch(info);
        seen.push((await stability.sharpness(m, ds, { steps: 40 })).lambdaMax);
      },
    });
    assert.equal(t.history.lambdaMax.length, 2);
    t.history.lambdaMax.forEach((v, i) => close(v, seen[i], 1e-6, `λ_max epoch ${i + 1}`));
    assert.notEqual(t.history.lambdaMax[0], desc[0], "training moved θ, so λ_max changed");
  });
});
