import { strict as assert } from "node:assert";
import {
  Tensor, tensor, nn, data, hessian, stability, landscape, optim, ravel, linearize, hvp, grad, leaves, relu, sum, mul, pow,
  objective, modelObjective, functionsObjective, NonFiniteError, OptlabError, Rng, hessianOf, jacobian, matmul,
} from "../../src/index";
import { randnT, relErr } from "./fd";

/*
 * The θ-space core (issue 15): one `ravel`, one `Objective` whose methods take θ, and
 * `linearize(θ)` answering HVPs from a gradient graph recorded once. Oracles: plain loops for the
 * flat layout, the double-backward `hvp` transform and central differences of gradients.
 */

function mlpSetup(activation: "relu" | "tanh", loss: "ce" | "mse", seed: number) {
  const model = nn.mlp([6, 10, 8, 3], { activation, seed, biasStd: 0.1 });
  const x = randnT([40, 6], new Rng(seed + 1));
  const r = new Rng(seed + 2);
  const labels = Int32Array.from({ length: 40 }, () => r.int(3));
  const L = loss === "ce" ? nn.crossEntropy : nn.mse;
  const y = loss === "ce" ? labels : randnT([40, 3], new Rng(seed + 3));
  const f = (p: typeof model.params) => L(model.apply(p, x), y);
  return { model, x, labels, f };
}

describe("ravel: the one flat layout of a parameter tree", () => {
  it("concatenates leaves row-major in tree order, with blocks naming each leaf, and unravels back", () => {
    const tree = { a: tensor([[1, 2, 3], [4, 5, 6]]), b: [tensor([7]), tensor([[8], [9]])] };
    const r = ravel(tree);
    assert.deepEqual(Array.from(r.theta), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(r.p, 9);
    assert.deepEqual(r.blocks.map((b) => [b.path, b.offset, b.size]), [["a", 0, 6], ["b[0]", 6, 1], ["b[1]", 7, 2]]);
    const back = r.unravel(Float64Array.from({ length: 9 }, (_, i) => 10 * i));
    assert.deepEqual(back.a.shape, [2, 3]);
    assert.deepEqual(Array.from(back.b[1].data), [70, 80]);
    // θ is a copy: writing it does not touch the tree.
    r.theta[0] = -1;
    assert.equal(tree.a.data[0], 1);
    assert.deepEqual(Array.from(r.ravel(back)), Array.from({ length: 9 }, (_, i) => 10 * i));
  });

  it("unravelView: float64 leaves are views of θ (same values, no copy); unravel's are copies", () => {
    const r = ravel({ a: tensor([[1, 2], [3, 4]]), b: tensor([5]) });
    const theta = Float64Array.from([10, 20, 30, 40, 50]);
    const view = r.unravelView(theta);
    assert.deepEqual(view.a.shape, [2, 2]);
    assert.deepEqual(Array.from(view.a.data), [10, 20, 30, 40]);
    theta[4] = -5;
    assert.equal(view.b.data[0], -5);
    const copy = r.unravel(theta);
    theta[0] = 99;
    assert.equal(copy.a.data[0], 10);
    assert.equal(view.a.data[0], 99);
    assert.throws(() => r.unravelView(new Float64Array(4)), /unravel: theta: expected length 5, got 4/);
  });

  it("refuses a θ of the wrong length and a tree of another layout, naming them", () => {
    const r = ravel({ w: tensor([1, 2, 3]) });
    assert.throws(() => r.unravel(new Float64Array(2)), /unravel: theta: expected length 3, got 2/);
    assert.throws(() => r.ravel({ w: tensor([1, 2]) }), /ravel: tree: leaf w has 2 entries, expected 3/);
    assert.throws(() => ravel({}), /ravel: params: expected a parameter tree with at least one tensor/);
  });
});

describe("linearize: HVPs from one recorded gradient graph", () => {
  for (const activation of ["relu", "tanh"] as const) {
    for (const loss of ["ce", "mse"] as const) {
      it(`${activation}/${loss}: linearize(θ).hvp equals the double-backward hvp to 1e-12, and its gradient equals grad`, () => {
        const { model, f } = mlpSetup(activation, loss, 3);
        const lin = linearize(f, model.params);
        const g = grad(f)(model.params);
        leaves(lin.grad).forEach((t, i) => assert.ok(relErr(t.data, leaves(g)[i].data) <= 1e-14));
        const r = ravel(model.params);
        const rng = new Rng(9);
        for (let k = 0; k < 3; k++) {
          const v = r.unravel(rng.normals(r.p));
          const a = r.ravel(lin.hvp(v));
          const b = r.ravel(hvp(f, model.params, v));
          assert.ok(relErr(a, b) <= 1e-12, `rel err ${relErr(a, b)}`);
        }
      });
    }
  }

  it("matches central differences of the gradient (an oracle independent of the backward rules' second pass)", () => {
    const { model, f } = mlpSetup("tanh", "mse", 5);
    const obj = objective(f, model.params);
    const theta = obj.center();
    const v = new Rng(4).normals(obj.p);
    const h = 1e-5;
    const plus = obj.grad(Float64Array.from(theta, (t, i) => t + h * v[i]));
    const minus = obj.grad(Float64Array.from(theta, (t, i) => t - h * v[i]));
    const fd = Float64Array.from(plus, (x, i) => (x - minus[i]) / (2 * h));
    const hv = obj.linearize().hvp.apply(v);
    assert.ok(relErr(hv, fd) <= 1e-6, `rel err ${relErr(hv, fd)}`);
  });
});

describe("curried transforms over parameter trees: jacobian(f)(θ), hessianOf(f)(θ)", () => {
  it("hessianOf(f)(tree) is the dense Hessian in ravel order: equals HVPs with unit vectors and is symmetric", () => {
    const { model, f } = mlpSetup("tanh", "ce", 12);
    const H = hessianOf(f)(model.params);
    const obj = objective(f, model.params);
    const p = obj.p;
    assert.deepEqual([...H.shape], [p, p]);
    const lin = obj.linearize();
    for (const j of [0, 7, p - 1]) {
      const e = new Float64Array(p);
      e[j] = 1;
      const col = lin.hvp.apply(e);
      for (let i = 0; i < p; i++) assert.ok(Math.abs(H.data[i * p + j] - col[i]) <= 1e-12 * (1 + Math.abs(col[i])));
    }
    for (let i = 0; i < p; i += 5) for (let j = 0; j < i; j += 3) assert.ok(Math.abs(H.data[i * p + j] - H.data[j * p + i]) <= 1e-12);
  });

  it("jacobian(f)(tree) has one column per raveled parameter (closed form for a linear map)", () => {
    // f(W, b) = x·W + b with x fixed: ∂f_j/∂W[k, j'] = x_k δ_{jj'}, ∂f_j/∂b_j' = δ_{jj'}.
    const x = tensor([[2, -1, 3]]);
    const tree = { W: tensor([[1, 2], [3, 4], [5, 6]]), b: tensor([0.5, -0.5]) };
    const J = jacobian((p: typeof tree) => matmul(x, p.W).add(p.b).reshape([2]))(tree);
    assert.deepEqual([...J.shape], [2, 8]);
    const expected = [
      [2, 0, -1, 0, 3, 0, 1, 0],
      [0, 2, 0, -1, 0, 3, 0, 1],
    ];
    assert.deepEqual(Array.from(J.data), expected.flat());
  });
});

describe("Objective: one loss-of-θ type for analyses, solvers and optimizers", () => {
  it("value, grad, valueAndGrad and hvp at θ agree with the tree functions; θ omitted means θ₀", () => {
    const { model, f } = mlpSetup("tanh", "ce", 7);
    const obj = objective(f, model.params);
    const theta = Float64Array.from(obj.center(), (t, i) => t + 0.01 * Math.sin(i));
    const tree = obj.unravel(theta);
    assert.equal(obj.value(theta), f(tree).item());
    const vg = obj.valueAndGrad(theta);
    assert.equal(vg.value, obj.value(theta));
    assert.deepEqual(Array.from(vg.grad), Array.from(ravel(tree).ravel(grad(f)(tree))));
    assert.equal(obj.value(), f(model.params).item());
    const v = new Rng(1).normals(obj.p);
    const ref = ravel(tree).ravel(hvp(f, tree, ravel(tree).unravel(v)));
    assert.ok(relErr(obj.hvp(theta, v), ref) <= 1e-12);
  });

  it("hvp at an unchanged point reuses the linearization; the counter counts every product", () => {
    const { model, f } = mlpSetup("tanh", "mse", 8);
    let forwards = 0;
    const obj = objective((p: typeof model.params) => {
      forwards++;
      return f(p);
    }, model.params);
    const v = new Rng(2).normals(obj.p);
    const a = obj.hvp(undefined, v);
    const b = obj.hvp(undefined, v);
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.equal(forwards, 1, "two HVPs at θ₀ ran the loss once");
    const moved = Float64Array.from(obj.center(), (t) => t + 1e-3);
    obj.hvp(moved, v);
    assert.equal(forwards, 2, "a new θ re-linearizes");
    assert.equal(obj.hvps, 3);
  });

  it("modelObjective: a per-call batch equals the objective built on those rows (indices), and the FD of its value", () => {
    const ds = data.gaussianMixture({ classes: 3, dim: 5, n: 60, seed: 2 });
    const model = nn.mlp([5, 7, 3], { activation: "tanh", seed: 3 });
    const full = modelObjective(model, ds);
    const rows = [3, 17, 17, 40, 59];
    const fixed = modelObjective(model, ds, { indices: rows });
    assert.equal(full.value(undefined, rows), fixed.value());
    assert.deepEqual(Array.from(full.grad(undefined, rows)), Array.from(fixed.grad()));
    const v = new Rng(5).normals(full.p);
    assert.ok(relErr(full.hvp(undefined, v, rows), fixed.hvp(undefined, v)) <= 1e-14);
    assert.throws(() => full.grad(undefined, [0, 60]), /modelObjective: batch: entry 60 at position 1 is out of range \[0, 60\)/);
    assert.throws(() => objective((p: Tensor) => sum(p), tensor([1])).value(undefined, [0]), /batch: only a data objective/);
  });

  it("functionsObjective: plain number functions (Rosenbrock) with the closed-form Hessian", () => {
    const rosen = functionsObjective({
      p: 2,
      theta0: [-1.2, 1],
      value: ([x, y]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
      gradient: ([x, y]) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
      hessian: ([x, y]) => [2 - 400 * (y - 3 * x * x), -400 * x, -400 * x, 200],
    });
    const lin = rosen.linearize();
    assert.ok(Math.abs(lin.value - 24.2) <= 1e-12);
    // H(θ₀)·e₁ = [2 − 400(y − 3x²), −400x] at (−1.2, 1) = [1330, 480].
    const col = lin.hvp.apply(Float64Array.of(1, 0));
    assert.ok(Math.abs(col[0] - 1330) <= 1e-9 && col[1] === 480, `got ${col}`);
    assert.equal(lin.hvp.count, 1);
  });
});

describe("analyses consume the Objective", () => {
  it("stability.sharpness is hessian.topEigen with k = 1 (same eigenvalue, same HVP budget)", async () => {
    const ds = data.gaussianMixture({ classes: 3, dim: 4, n: 50, seed: 1 });
    const model = nn.mlp([4, 6, 3], { activation: "tanh", seed: 2 });
    const s = await stability.sharpness(model, ds, { seed: 3 });
    const t = await hessian.topEigen(model, ds, { k: 1, seed: 3, tol: 1e-6, vectors: true });
    assert.equal(s.lambdaMax, t.eigenvalues[0]);
    assert.equal(s.hvps, t.hvps);
  });

  it("landscape.hessianDirections returns eigenvectors of the dense Hessian", async () => {
    const { model, f } = mlpSetup("tanh", "mse", 11);
    const obj = objective(f, model.params);
    const d = await landscape.hessianDirections(obj, { k: 2 });
    const dense = await hessian.dense(obj);
    assert.ok(Math.abs(d.eigenvalues[0] - dense.eigenvalues[dense.eigenvalues.length - 1]) <= 1e-8 * Math.abs(d.eigenvalues[0]));
    const hv = obj.hvp(undefined, d.vectors[0]);
    const res = Math.hypot(...hv.map((x, i) => x - d.eigenvalues[0] * d.vectors[0][i]));
    assert.ok(res <= 1e-6 * Math.abs(d.eigenvalues[0]));
  });
});

describe("NaN is never swallowed", () => {
  it("relu(NaN) is NaN (as in PyTorch), and relu(-0.5) is still 0", () => {
    const y = relu(tensor([NaN, -0.5, 2]));
    assert.ok(Number.isNaN(y.data[0]));
    assert.deepEqual(Array.from(y.data.subarray(1)), [0, 2]);
  });

  it("topEigen on a model with a NaN weight raises NonFiniteError naming the parameter block and entry", async () => {
    const ds = data.gaussianMixture({ classes: 3, dim: 4, n: 20, seed: 1 });
    const model = nn.mlp([4, 5, 3], { seed: 2 });
    model.params[1].W.data[2 * 3 + 1] = NaN;
    await assert.rejects(hessian.topEigen(model, ds, { k: 1 }), (e: unknown) => {
      assert.ok(e instanceof NonFiniteError);
      assert.match((e as Error).message, /theta: NaN in parameter \[1\]\.W\[2,1\]/);
      assert.equal((e as NonFiniteError).block, "[1].W[2,1]");
      return true;
    });
  });

  it("an analysis on data with Infinity names the row and column before any HVP", async () => {
    const ds = data.gaussianMixture({ classes: 3, dim: 4, n: 20, seed: 1 });
    ds.x.data[7 * 4 + 3] = Infinity;
    const model = nn.mlp([4, 5, 3], { seed: 2 });
    await assert.rejects(stability.sharpness(model, ds), /modelObjective: data\.x: Infinity at row 7, column 3/);
  });

  it("an HVP whose result is non-finite names the parameter block (finite gradient, infinite curvature)", () => {
    // f(w) = Σ w^1.5 at w = (1, 0): ∇f = 1.5·w^0.5 is finite, ∂²f = 0.75·w^-0.5 is +∞ at 0.
    const obj = objective((p: { w: Tensor }) => sum(pow(p.w, 1.5)), { w: tensor([1, 0]) });
    const lin = obj.linearize();
    assert.deepEqual(Array.from(lin.grad), [1.5, 0]);
    assert.throws(() => lin.hvp.apply(Float64Array.of(0, 1)), (e: unknown) => e instanceof NonFiniteError && /Hessian–vector product: (Infinity|NaN) in parameter w\[1\]/.test((e as Error).message));
    assert.throws(() => lin.hvp.apply(Float64Array.of(NaN, 1)), /hvp: v: NaN in parameter w\[0\]/);
  });

  it("optim.train on NaN data stops with stopReason \"non-finite\" instead of throwing", async () => {
    const ds = data.gaussianMixture({ classes: 2, dim: 3, n: 16, seed: 1 });
    ds.x.data[5] = NaN;
    const model = nn.mlp([3, 4, 2], { seed: 2 });
    const r = await optim.train(model, ds, { optimizer: optim.sgd({ lr: 0.1 }), epochs: 2 });
    assert.equal(r.stopReason, "non-finite");
  });

  it("a plain error still names the argument for non-NaN misuse", () => {
    const obj = objective((p: Tensor) => sum(mul(p, p)), tensor([1, 2]));
    assert.throws(() => obj.value(new Float64Array(3)), (e: unknown) => e instanceof OptlabError && /objective: theta: expected length 2, got 3/.test((e as Error).message));
  });
});
