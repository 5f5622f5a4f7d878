/**
 * Landscapes: slices of a quadratic equal the closed form, filter normalization matches filter
 * norms, interpolation barriers (identical params, a convex problem, permuted hidden units with a
 * closed-form midpoint), Hessian-eigenvector directions, and named errors.
 */
import assert from "node:assert/strict";
import { landscape, nn, data, objective, modelObjective, tensor, matmul, mul, sum, flatValues, OptlabError, Rng, Tensor } from "../../src/index";

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: got ${a}, expected ${b} (tol ${tol})`);

/** A random symmetric H (p×p) and the objective ½θᵀHθ over θ = { w: [p, 1] }. */
function quadratic(p: number, seed: number) {
  const rng = new Rng(seed);
  const B = Array.from({ length: p }, () => Array.from({ length: p }, () => rng.normal()));
  const H = B.map((_, i) => B.map((_, j) => B.reduce((s, row) => s + row[i] * row[j], 0) / p - (i === j ? 0.3 : 0))); // indefinite
  const theta = Array.from({ length: p }, () => [rng.normal()]);
  const Ht = tensor(H);
  const obj = objective((q: { w: Tensor }) => mul(sum(mul(q.w, matmul(Ht, q.w))), 0.5), { w: tensor(theta) });
  // Closed form ½ vᵀHv by float64 loops.
  const f = (v: number[]) => 0.5 * v.reduce((s, vi, i) => s + vi * H[i].reduce((t, h, j) => t + h * v[j], 0), 0);
  return { obj, f, H, theta: theta.map((r) => r[0]), rng };
}

describe("landscape.slice1d / slice2d on a quadratic", () => {
  const p = 7;
  const { obj, f, H, theta, rng } = quadratic(p, 3);
  const d1 = Float64Array.from({ length: p }, () => rng.normal());
  const d2 = Float64Array.from({ length: p }, () => rng.normal());

  it("1-D values equal ½(θ+αd)ᵀH(θ+αd)", () => {
    const s = landscape.slice1d(obj, { directions: [d1], range: [-2, 3], steps: 11 });
    assert.equal(s.alphas.length, 11);
    close(s.alphas[2], -1, 1e-15, "grid");
    s.alphas.forEach((a, i) => {
      const ref = f(theta.map((t, k) => t + a * d1[k]));
      close(s.losses[i], ref, 1e-12 * Math.max(1, Math.abs(ref)), `α = ${a}`);
    });
    close(s.centerLoss, f(theta), 1e-12, "centre");
    assert.equal(s.directions[0].kind, "given");
    assert.equal(s.directions[0].normalization, "none");
  });

  it("2-D values equal ½(θ+αd₁+βd₂)ᵀH(θ+αd₁+βd₂) on the grid", () => {
    const s = landscape.slice2d(obj, { directions: [d1, d2], alphas: [-1, 0, 0.5, 2], betas: [-0.5, 0, 1] });
    assert.equal(s.losses.length, 4);
    assert.equal(s.losses[0].length, 3);
    s.alphas.forEach((a, i) =>
      s.betas.forEach((b, j) => {
        const ref = f(theta.map((t, k) => t + a * d1[k] + b * d2[k]));
        close(s.losses[i][j], ref, 1e-12 * Math.max(1, Math.abs(ref)), `(${a}, ${b})`);
      }),
    );
    const cos = d1.reduce((s2, v, k) => s2 + v * d2[k], 0) / (Math.hypot(...d1) * Math.hypot(...d2));
    close(s.cosine, cos, 1e-14, "cosine");
    assert.equal(s.evaluations, 13);
  });

  it("along a Hessian eigenvector the slice is ½θᵀHθ + α vᵀHθ + ½λα²", async () => {
    const e = await landscape.hessianDirections(obj, { k: 2 });
    const v = e.vectors[0];
    const lam = e.eigenvalues[0];
    // Ritz pair check against H by hand: ‖Hv − λv‖ small (p = 7 ≤ the Lanczos steps: exact).
    const res = Math.hypot(...H.map((row, i) => row.reduce((t, h, j) => t + h * v[j], 0) - lam * v[i]));
    assert.ok(res < 1e-10, `‖Hv − λv‖ = ${res}`);
    const s = landscape.slice1d(obj, { directions: [v], alphas: [-1, 0.5, 2] });
    const vHt = v.reduce((t, vi, i) => t + vi * H[i].reduce((u, h, j) => u + h * theta[j], 0), 0);
    s.alphas.forEach((a, i) => close(s.losses[i], f(theta) + a * vHt + 0.5 * lam * a * a, 1e-10, `α = ${a}`));
    assert.ok(e.eigenvalues[0] >= e.eigenvalues[1]);
    assert.ok(e.residuals[0] < 1e-8, `residual ${e.residuals[0]}`);
  });
});

describe("landscape.randomDirection: filter normalization", () => {
  const model = nn.mlp([4, 6, 5, 3], { seed: 2, biasStd: 0.5 });
  const ds = data.dataset(tensor([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]]), [0, 1, 2]);
  const obj = modelObjective(model, ds);
  const colNorms = (v: ArrayLike<number>, off: number, rows: number, cols: number) =>
    Array.from({ length: cols }, (_, j) => Math.sqrt(Array.from({ length: rows }, (_, i) => v[off + i * cols + j] ** 2).reduce((a, b) => a + b, 0)));

  it("each output-neuron column of each W has the weight's column norm; biases are zeroed", () => {
    const d = landscape.randomDirection(obj, { seed: 9 });
    const theta = obj.center();
    let off = 0;
    for (const layer of model.params) {
      const [rows, cols] = layer.W.shape;
      const dn = colNorms(d.vector, off, rows, cols);
      const tn = colNorms(theta, off, rows, cols);
      dn.forEach((n, j) => close(n, tn[j], 1e-12 * tn[j], `column ${j} at offset ${off}`));
      off += layer.W.size;
      for (let i = 0; i < layer.b!.size; i++) assert.equal(d.vector[off + i], 0);
      off += layer.b!.size;
    }
    assert.equal(off, obj.p);
    assert.equal(d.info.blocks[0].filters, 6);
    assert.equal(d.info.normalization, "filter");
    assert.equal(d.info.seed, 9);
  });

  it("bias 'copy' sets d_b = θ_b; 'layer' matches whole-leaf norms; seeds give different directions", () => {
    const theta = obj.center();
    const d = landscape.randomDirection(obj, { seed: 1, bias: "copy", normalization: "layer" });
    for (const b of obj.blocks) {
      if (b.shape.length === 1) for (let i = 0; i < b.size; i++) assert.equal(d.vector[b.offset + i], theta[b.offset + i]);
      else {
        const dn = Math.hypot(...d.vector.subarray(b.offset, b.offset + b.size));
        const tn = Math.hypot(...theta.subarray(b.offset, b.offset + b.size));
        close(dn, tn, 1e-12 * tn, b.path);
      }
    }
    const e = landscape.randomDirection(obj, { seed: 2 });
    assert.notDeepEqual(Array.from(e.vector), Array.from(landscape.randomDirection(obj, { seed: 1 }).vector));
  });

  it("a random-direction slice of a model uses the filter-normalized direction", () => {
    const s = landscape.slice1d(model, ds, { seed: 4, alphas: [0, 0.3] });
    const d = landscape.randomDirection(obj, { seed: 4 });
    close(s.losses[0], obj.value(), 1e-14, "α = 0");
    close(s.losses[1], obj.value(Float64Array.from(obj.center(), (t, i) => t + 0.3 * d.vector[i])), 1e-14, "α = 0.3");
    const s2 = landscape.slice2d(model, ds, { seed: 4, steps: 3 });
    assert.deepEqual(s2.directions.map((x) => x.seed), [4, 5]);
    assert.deepEqual(s2.alphas, [-1, 0, 1]);
  });
});

describe("landscape.interpolate: barriers", () => {
  it("identical endpoints have zero barrier and a constant loss", () => {
    const model = nn.mlp([3, 5, 2], { activation: "tanh", seed: 1 });
    const ds = data.dataset(tensor([[1, 2, 3], [0, 1, 0], [2, 0, 1]]), [0, 1, 1]);
    const r = landscape.interpolate(model, ds, model.params, model.params, { steps: 7, perLayer: true });
    assert.equal(r.barrier, 0);
    r.losses.forEach((l) => assert.equal(l, r.lossA));
    assert.equal(r.distance, 0);
    assert.equal(r.layers!.length, 2);
    r.layers!.forEach((l) => assert.equal(l.barrier, 0));
  });

  it("a convex problem (linear model, MSE) has zero barrier, and the path is the closed-form parabola", () => {
    // Linear model f(x) = xW + b: L is a convex quadratic in (W, b), so L(a) ≤ (1−a)L_A + aL_B.
    const model = nn.mlp([3, 2], { seed: 1 });
    const rng = new Rng(5);
    const X = Array.from({ length: 10 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const Y = Array.from({ length: 10 }, () => [rng.normal(), rng.normal()]);
    const ds = data.dataset(tensor(X), tensor(Y));
    const A = Float64Array.from({ length: 8 }, () => rng.normal());
    const B = Float64Array.from({ length: 8 }, () => rng.normal());
    const r = landscape.interpolate(model, ds, A, B, { steps: 21, perLayer: true });
    assert.ok(r.barrier <= 1e-12 && r.barrier >= 0, `barrier ${r.barrier}`);
    assert.ok(r.lossA !== r.lossB);
    // L(θ) = (1/10) Σ ½‖x W + b − y‖², W = θ[0..6) as [3, 2] row-major, b = θ[6..8), by hand.
    const L = (t: ArrayLike<number>) =>
      X.reduce((s, x, n) => s + 0.5 * [0, 1].reduce((u, c) => u + (x[0] * t[c] + x[1] * t[2 + c] + x[2] * t[4 + c] + t[6 + c] - Y[n][c]) ** 2, 0), 0) / 10;
    r.alphas.forEach((a, i) => close(r.losses[i], L(A.map((x, k) => (1 - a) * x + a * B[k])), 1e-12, `α = ${a}`));
    assert.deepEqual(r.layers!.map((l) => l.layer), ["[0]"]);
    assert.deepEqual(r.layers![0].paths, ["[0].W", "[0].b"]);
  });

  it("permuted hidden units of a 2-layer net: positive barrier equal to the closed-form midpoint loss", () => {
    // Teacher f_A(x) = relu(w₁·x) − relu(w₂·x) labels the data, so L_A = 0; θ_B swaps the two hidden
    // units (same function, L_B = 0). At a = ½ both hidden units become (w₁ + w₂)/2 and the output
    // weights (1 − 2a)(1, −1) vanish, so f ≡ 0 and L(½) = ½ mean y².
    const w1 = [1, -0.5, 0.25];
    const w2 = [-0.3, 0.8, 0.6];
    const model = nn.mlp([3, 2, 1], { bias: false, seed: 0 });
    const paramsA = [{ W: tensor(w1.map((v, i) => [v, w2[i]])) }, { W: tensor([[1], [-1]]) }];
    const paramsB = [{ W: tensor(w1.map((v, i) => [w2[i], v])) }, { W: tensor([[-1], [1]]) }];
    const rng = new Rng(8);
    const X = Array.from({ length: 20 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const relu = (v: number) => Math.max(0, v);
    const dotp = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
    const y = X.map((x) => relu(dotp(w1, x)) - relu(dotp(w2, x)));
    const ds = data.dataset(tensor(X), tensor(y.map((v) => [v])));
    const meanY2 = y.reduce((s, v) => s + v * v, 0) / y.length;
    const r = landscape.interpolate(model, ds, paramsA, paramsB, { steps: 11, perLayer: true });
    close(r.lossA, 0, 1e-30, "L_A");
    close(r.lossB, 0, 1e-30, "L_B");
    close(r.losses[5], 0.5 * meanY2, 1e-15, "L(½)");
    assert.ok(r.barrier >= 0.5 * meanY2 && r.barrier > 0.05, `barrier ${r.barrier}`);
    // Per layer: moving only the output layer gives f = (1 − 2a) f_A, L(a) = ½ mean((2a)² y²) = 2a² mean y²,
    // below its chord to L(1) = 2 mean y²: zero barrier. Moving only the hidden layer keeps the output
    // weights (1, −1): f = relu(u₁·x) − relu(u₂·x) with u₁, u₂ swapping: f ≡ 0 at a = ½ and f = −f_A at a = 1.
    const out = r.layers!.find((l) => l.layer === "[1]")!;
    r.alphas.forEach((a, i) => close(out.losses[i], 2 * a * a * meanY2, 1e-14, `output layer, α = ${a}`));
    assert.equal(out.barrier, 0);
    const hid = r.layers!.find((l) => l.layer === "[0]")!;
    close(hid.losses[5], 0.5 * meanY2, 1e-15, "hidden layer L(½)");
    close(hid.losses[10], 2 * meanY2, 1e-14, "hidden layer L(1): f = −f_A");
    // The model's own parameters are untouched.
    assert.deepEqual(Array.from(flatValues(model.params)), Array.from(flatValues(nn.mlp([3, 2, 1], { bias: false, seed: 0 }).params)));
  });
});

describe("landscape: named errors", () => {
  const err = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof OptlabError && re.test((e as Error).message));
  const model = nn.mlp([2, 3, 1], { seed: 0 });
  const ds = data.dataset(tensor([[0, 1], [1, 0]]), tensor([[1], [0]]));
  const obj = modelObjective(model, ds);
  it("direction of the wrong length", () => err(() => landscape.slice1d(obj, { directions: [new Float64Array(3)] }), /directions\[0\]: expected 13 parameters, got 3/));
  it("non-finite direction", () => err(() => landscape.slice1d(obj, { directions: [new Float64Array(13).fill(NaN)] }), /directions\[0\]: non-finite value NaN at index 0/));
  it("wrong number of directions", () => err(() => landscape.slice2d(obj, { directions: [new Float64Array(13)] }), /directions: expected 2 directions, got 1/));
  it("bad range", () => err(() => landscape.slice1d(obj, { range: [1, -1] }), /range: expected \[lo, hi\] with finite lo < hi/));
  it("too few steps", () => err(() => landscape.slice1d(obj, { steps: 1 }), /steps: expected an integer ≥ 2, got 1/));
  it("non-finite alphas", () => err(() => landscape.slice1d(obj, { alphas: [0, Infinity] }), /alphas: expected a non-empty array of finite numbers/));
  it("betas on a 1-D slice", () => err(() => landscape.slice1d(obj, { betas: [0] }), /betas: a 1-D slice has no second axis/));
  it("unknown normalization", () => err(() => landscape.randomDirection(obj, { normalization: "unit" as never }), /normalization: expected "filter", "layer" or "none"/));
  it("unknown bias rule", () => err(() => landscape.randomDirection(obj, { bias: "keep" as never }), /bias: expected "zero" or "copy"/));
  it("unknown option", () => err(() => landscape.slice2d(model, ds, { step: 3 } as never), /unknown option "step"/));
  it("model without data", () => err(() => landscape.slice1d(model), /data: expected a Dataset {x, y, labels, …} after the model, got undefined/));
  it("interpolate: params of the wrong size", () => err(() => landscape.interpolate(model, ds, model.params, new Float64Array(5)), /paramsB: expected 13 parameters, got 5/));
  it("interpolate: non-finite params", () => err(() => landscape.interpolate(model, ds, new Float64Array(13).fill(NaN), model.params), /paramsA: non-finite value NaN at index 0/));
  it("interpolate: steps < 2", () => err(() => landscape.interpolate(model, ds, model.params, model.params, { steps: 1 }), /steps: expected an integer ≥ 2, got 1/));
  it("hessianDirections: k out of range", () => assert.rejects(() => landscape.hessianDirections(obj, { k: 14 }), /k: expected an integer in \[1, 13\], got 14/));
});
