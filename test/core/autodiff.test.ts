import { strict as assert } from "node:assert";
import { Tensor } from "../../src/tensor/Tensor";
import * as ops from "../../src/tensor/ops";
import {
  grad, valueAndGrad, vjp, jvp, hvp, jacobian, noGrad, isGradEnabled,
  flatten, unflatten, flatValues, fromFlatValues, leaves, leafPaths, numParams, type Params,
} from "../../src/autodiff";
import { Rng } from "../../src/random/Rng";
import { randnT, relErr, fdGradient, expectGradMatchesFD } from "./fd";

/*
 * The transformations themselves (jacobian, jvp, vjp, nesting, parameter trees, errors), against
 * finite differences, closed forms and hand-built expectations.
 */

const TOL = 1e-6;

/** A smooth non-linear map ℝ^[2,3] → ℝ^[4] mixing all inputs. */
function F(x: Tensor): Tensor {
  const A = new Tensor(Float64Array.from([0.3, -1.2, 0.7, 0.5, 1.1, -0.4, 0.2, 0.9, -0.6, 1.5, 0.1, -0.8]), [3, 4]);
  const z = ops.matmul(ops.tanh(x), A); // [2, 4]
  return ops.add(ops.sum(ops.mul(z, z), 0), ops.reshape(ops.exp(ops.mul(ops.slice(z, [1]), 0.5)), [4]));
}

/** Jacobian of f at x by central differences: [out.size, x.size]. */
function fdJacobian(f: (x: Tensor) => Tensor, x: Tensor, h = 1e-5): Float64Array {
  const m = noGrad(() => f(x)).size;
  const J = new Float64Array(m * x.size);
  for (let k = 0; k < x.size; k++) {
    const p = Float64Array.from(x.data);
    const q = Float64Array.from(x.data);
    p[k] += h;
    q[k] -= h;
    const fp = noGrad(() => f(new Tensor(p, x.shape))).data;
    const fq = noGrad(() => f(new Tensor(q, x.shape))).data;
    for (let i = 0; i < m; i++) J[i * x.size + k] = (fp[i] - fq[i]) / (2 * h);
  }
  return J;
}

describe("autodiff: jacobian", () => {
  const x = randnT([2, 3], new Rng(1));

  it("matches central differences, shape [outputs, inputs]", () => {
    const J = jacobian(F)(x);
    assert.deepEqual([...J.shape], [4, 6]);
    const e = relErr(J.data, fdJacobian(F, x), 0);
    assert.ok(e <= TOL, `jacobian vs FD: ${e}`);
  });

  it("row i equals the vjp with the i-th unit cotangent", () => {
    const J = jacobian(F)(x);
    const { vjp: pull } = vjp(F, x);
    for (let i = 0; i < 4; i++) {
      const e = new Float64Array(4);
      e[i] = 1;
      const row = pull(new Tensor(e, [4]));
      assert.deepEqual([...row.shape], [2, 3]);
      assert.ok(relErr(J.data.subarray(i * 6, (i + 1) * 6), row.data, 0) <= 1e-14, `row ${i}`);
    }
  });

  it("rows option computes only the requested rows, in the requested order", () => {
    const J = jacobian(F)(x);
    const R = jacobian(F, { rows: [3, 1, 3] })(x);
    assert.deepEqual([...R.shape], [3, 6]);
    [3, 1, 3].forEach((i, r) => assert.deepEqual(Array.from(R.data.subarray(r * 6, (r + 1) * 6)), Array.from(J.data.subarray(i * 6, (i + 1) * 6))));
    assert.throws(() => jacobian(F, { rows: [0, 4] })(x), /rows: index 4 at position 1 is out of range \[0, 4\)/);
  });

  it("is zero for outputs that do not depend on x (a constant row)", () => {
    const c = new Tensor(Float64Array.from([5]), [1]);
    const J = jacobian((x: Tensor) => ops.concat([ops.reshape(ops.sum(ops.square(x)), [1]), c], 0))(x);
    assert.deepEqual([...J.shape], [2, 6]);
    assert.equal(J.data.length, 12);
    assert.ok(J.data.subarray(6).every((v) => v === 0), `constant row: ${Array.from(J.data.subarray(6))}`);
    assert.ok(relErr(J.data.subarray(0, 6), Array.from(x.data, (v) => 2 * v)) <= 1e-15);
  });
});

describe("autodiff: jvp and vjp", () => {
  const x = randnT([2, 3], new Rng(2));

  it("jvp equals the directional central difference (f(x + h t) − f(x − h t)) / 2h and J·t", () => {
    const r = new Rng(3);
    for (let trial = 0; trial < 3; trial++) {
      const t = randnT([2, 3], r);
      const { out, tangent } = jvp(F, x, t);
      assert.deepEqual([...tangent.shape], [4]);
      assert.deepEqual(Array.from(out.data), Array.from(noGrad(() => F(x)).data));
      const h = 1e-6;
      const fp = F(new Tensor(Float64Array.from(x.data, (v, i) => v + h * t.data[i]), [2, 3])).data;
      const fm = F(new Tensor(Float64Array.from(x.data, (v, i) => v - h * t.data[i]), [2, 3])).data;
      const fd = Float64Array.from(fp, (a, i) => (a - fm[i]) / (2 * h));
      assert.ok(relErr(tangent.data, fd, 0) <= TOL, `jvp vs FD: ${relErr(tangent.data, fd, 0)}`);
      const J = fdJacobian(F, x);
      const Jt = new Float64Array(4);
      for (let i = 0; i < 4; i++) for (let k = 0; k < 6; k++) Jt[i] += J[i * 6 + k] * t.data[k];
      assert.ok(relErr(tangent.data, Jt, 0) <= TOL);
    }
  });

  it("jvp on a parameter tree sums the contributions of every leaf", () => {
    const p = { a: randnT([3], new Rng(4)), b: [randnT([2, 2], new Rng(5))] };
    const f = (q: typeof p) => ops.mul(ops.sin(q.a), ops.sum(ops.exp(q.b[0])));
    const t = { a: randnT([3], new Rng(6)), b: [randnT([2, 2], new Rng(7))] };
    const { tangent } = jvp(f, p, t);
    const h = 1e-6;
    const shift = (s: number) => ({ a: ops.add(p.a, ops.mul(t.a, s * h)), b: [ops.add(p.b[0], ops.mul(t.b[0], s * h))] });
    const fd = Float64Array.from(f(shift(1)).data, (v, i) => (v - f(shift(-1)).data[i]) / (2 * h));
    assert.ok(relErr(tangent.data, fd, 0) <= TOL);
  });

  it("vjp with a non-scalar output: uᵀJ equals the FD gradient of ⟨f(x), u⟩, and the pullback is reusable", () => {
    const { out, vjp: pull } = vjp(F, x);
    assert.deepEqual([...out.shape], [4]);
    const r = new Rng(8);
    for (let trial = 0; trial < 3; trial++) {
      const u = randnT([4], r);
      const uJ = pull(u);
      const [fd] = fdGradient(([y]) => ops.sum(ops.mul(F(y), u)), [x]);
      assert.ok(relErr(uJ.data, fd, 0) <= TOL, `trial ${trial}: ${relErr(uJ.data, fd, 0)}`);
    }
    // Linearity of the pullback in u.
    const u1 = randnT([4], r);
    const u2 = randnT([4], r);
    const lin = pull(ops.add(ops.mul(u1, 2), u2)).data;
    const sep = Float64Array.from(pull(u1).data, (v, i) => 2 * v + pull(u2).data[i]);
    assert.ok(relErr(lin, sep, 0) <= 1e-14);
  });

  it("vjp with a matrix-valued output and a structured primal", () => {
    const p = { W: randnT([3, 2], new Rng(9)), b: randnT([2], new Rng(10)) };
    const xin = randnT([4, 3], new Rng(11));
    const f = (q: typeof p) => ops.tanh(ops.add(ops.matmul(xin, q.W), q.b)); // [4, 2]
    const u = randnT([4, 2], new Rng(12));
    const g = vjp(f, p).vjp(u);
    expectGradMatchesFD(([W, b]) => ops.sum(ops.mul(f({ W, b }), u)), [p.W, p.b], { name: "vjp oracle" });
    const ref = grad((q: typeof p) => ops.sum(ops.mul(f(q), u)))(p);
    assert.ok(relErr(g.W.data, ref.W.data, 0) <= 1e-14 && relErr(g.b.data, ref.b.data, 0) <= 1e-14);
    const [fdW, fdb] = fdGradient(([W, b]) => ops.sum(ops.mul(f({ W, b }), u)), [p.W, p.b]);
    assert.ok(relErr(g.W.data, fdW, 0) <= TOL && relErr(g.b.data, fdb, 0) <= TOL);
  });
});

describe("autodiff: higher order and nesting", () => {
  it("d/dx x³ = 3x², d²/dx² = 6x, d³/dx³ = 6 (closed forms), at several points", () => {
    const cube = (x: Tensor) => ops.mul(ops.mul(x, x), x);
    const d1 = grad(cube);
    const d2 = grad((x: Tensor) => d1(x));
    const d3 = grad((x: Tensor) => d2(x));
    for (const v of [-1.7, 0, 0.5, 2]) {
      const x = new Tensor(Float64Array.from([v]), []);
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-14 * Math.max(1, Math.abs(b));
      assert.ok(close(d1(x).item(), 3 * v * v), `d1 at ${v}: ${d1(x).item()}`);
      assert.ok(close(d2(x).item(), 6 * v), `d2 at ${v}: ${d2(x).item()}`);
      assert.ok(close(d3(x).item(), 6), `d3 at ${v}: ${d3(x).item()}`);
    }
    // Also through pow with a constant exponent.
    const d3pow = grad((x: Tensor) => grad((y: Tensor) => grad((z: Tensor) => ops.pow(z, 3))(y))(x));
    assert.ok(Math.abs(d3pow(new Tensor(Float64Array.from([1.3]), [])).item() - 6) <= 1e-12);
  });

  it("fourth derivative of sin is sin (closed form)", () => {
    let d: (x: Tensor) => Tensor = ops.sin;
    for (let k = 0; k < 4; k++) d = grad(d);
    for (const v of [-2, 0.3, 1.1]) {
      const x = new Tensor(Float64Array.from([v]), []);
      assert.ok(Math.abs(d(x).item() - Math.sin(v)) <= 1e-14, `at ${v}: ${d(x).item()} vs ${Math.sin(v)}`);
    }
  });

  it("nested grad has no perturbation confusion: d/dx [x · d/dy (x + y)] = 1", () => {
    const f = (x: Tensor) => ops.mul(x, grad((y: Tensor) => ops.add(x, y))(new Tensor(Float64Array.from([3]), [])));
    for (const v of [0.5, -2]) {
      assert.equal(grad(f)(new Tensor(Float64Array.from([v]), [])).item(), 1);
    }
    // Siskind & Pearlmutter's example: d/dx [x · (d/dy x·y)|_{y=2}] = d/dx x² = 2x.
    const g = (x: Tensor) => ops.mul(x, grad((y: Tensor) => ops.mul(x, y))(new Tensor(Float64Array.from([2]), [])));
    assert.equal(grad(g)(new Tensor(Float64Array.from([1.5]), [])).item(), 3);
  });

  it("valueAndGrad returns the value and the gradient of one evaluation", () => {
    const x = randnT([5], new Rng(13));
    const { value, grad: gx } = valueAndGrad((x: Tensor) => ops.sum(ops.square(x)))(x);
    const expect = Array.from(x.data).reduce((s, v) => s + v * v, 0);
    assert.ok(Math.abs(value.item() - expect) <= 1e-14 * expect);
    assert.deepEqual(Array.from(gx.data), Array.from(x.data, (v) => 2 * v));
    assert.equal(value.node, null, "a top-level value carries no graph");
  });

  it("hvp of a quadratic ½xᵀAx is A_sym·v exactly", () => {
    const A = randnT([4, 4], new Rng(14));
    const x = randnT([4], new Rng(15));
    const v = randnT([4], new Rng(16));
    const f = (x: Tensor) => ops.mul(ops.matmul(x, ops.matmul(A, x)), 0.5);
    const hv = hvp(f, x, v).data;
    const expected = Float64Array.from({ length: 4 }, (_, i) => {
      let s = 0;
      for (let j = 0; j < 4; j++) s += 0.5 * (A.data[i * 4 + j] + A.data[j * 4 + i]) * v.data[j];
      return s;
    });
    assert.ok(relErr(hv, expected, 0) <= 1e-14);
  });

  it("grad of a function that ignores an input gives zeros of that input's shape and dtype", () => {
    const p = { used: randnT([3], new Rng(17)), unused: randnT([2, 2], new Rng(18)), unused32: ops.astype(randnT([2], new Rng(19)), "f32") };
    const gp = grad((q: typeof p) => ops.sum(ops.exp(q.used)))(p);
    assert.deepEqual([...gp.unused.shape], [2, 2]);
    assert.deepEqual(Array.from(gp.unused.data), [0, 0, 0, 0]);
    assert.equal(gp.unused32.dtype, "f32");
    assert.deepEqual(Array.from(gp.unused32.data), [0, 0]);
    assert.ok(relErr(gp.used.data, Array.from(p.used.data, Math.exp)) <= 1e-15);
    // A function that ignores its only input entirely (a constant).
    const g0 = grad((_x: Tensor) => new Tensor(Float64Array.from([4]), []))(randnT([3], new Rng(20)));
    assert.deepEqual(Array.from(g0.data), [0, 0, 0]);
    // hvp of a function linear in x is zero.
    const hv = hvp((x: Tensor) => ops.sum(ops.mul(x, 3)), randnT([3], new Rng(21)), randnT([3], new Rng(22)));
    assert.deepEqual(Array.from(hv.data), [0, 0, 0]);
  });
});

describe("autodiff: parameter trees and the flat view", () => {
  const make = (): Params => ({
    layers: [
      { W: new Tensor(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]), b: new Tensor(Float64Array.from([7, 8, 9]), [3]) },
      { W: new Tensor(Float64Array.from([10, 11, 12]), [3, 1]), b: undefined },
    ],
    scale: new Tensor(Float64Array.from([13]), []),
  });

  it("flatten concatenates leaves depth-first (arrays by index, records by key order), skipping undefined", () => {
    const p = make();
    assert.deepEqual(leafPaths(p), ["layers[0].W", "layers[0].b", "layers[1].W", "scale"]);
    assert.deepEqual(Array.from(flatten(p).data), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    assert.equal(numParams(p), 13);
    assert.deepEqual(Array.from(flatValues(p)), Array.from(flatten(p).data));
    // Stable: a tree built with the same keys in the same order flattens identically, every time.
    assert.deepEqual(Array.from(flatten(make()).data), Array.from(flatten(p).data));
    assert.deepEqual(leafPaths({ b: make(), a: new Tensor(Float64Array.from([0]), []) })[4], "a");
  });

  it("unflatten ∘ flatten is the identity (values, shapes, structure), and so is flatten ∘ unflatten", () => {
    const p = make();
    const q = unflatten(flatten(p), p);
    assert.deepEqual(leafPaths(q), leafPaths(p));
    leaves(q).forEach((t, i) => {
      assert.deepEqual([...t.shape], [...leaves(p)[i].shape]);
      assert.deepEqual(Array.from(t.data), Array.from(leaves(p)[i].data));
    });
    const theta = randnT([13], new Rng(23));
    assert.deepEqual(Array.from(flatten(unflatten(theta, p)).data), Array.from(theta.data));
    const r = fromFlatValues(theta.data, p);
    assert.deepEqual(Array.from(flatValues(r)), Array.from(theta.data));
    assert.throws(() => unflatten(randnT([12], new Rng(0)), p), /unflatten: flat: expected a 1-D tensor of length 13, got shape \[12\]/);
  });

  it("gradients flow through flatten and unflatten (f∘unflatten has the flattened tree gradient)", () => {
    const p = make();
    const f = (q: Params) => {
      const ls = leaves(q);
      return ls.map((t, i) => ops.mul(ops.sum(ops.sin(t)), i + 1)).reduce((a, b) => ops.add(a, b));
    };
    const gTree = flatten(grad(f)(p)).data;
    const gFlat = grad((t: Tensor) => f(unflatten(t, p)))(flatten(p)).data;
    assert.ok(relErr(gFlat, gTree, 0) <= 1e-15);
    // Closed form: leaf i contributes (i+1)·cos.
    const sizes = leaves(p).map((t) => t.size);
    const expected: number[] = [];
    leaves(p).forEach((t, i) => t.data.forEach((v) => expected.push((i + 1) * Math.cos(v))));
    assert.equal(expected.length, sizes.reduce((a, b) => a + b, 0));
    assert.ok(relErr(gTree, expected, 0) <= 1e-15);
    // And through flatten: d/dleaves Σ w ⊙ flatten(leaves) = w split back.
    const w = randnT([13], new Rng(24));
    const gw = grad((q: Params) => ops.sum(ops.mul(flatten(q), w)))(p);
    assert.deepEqual(Array.from(flatten(gw).data), Array.from(w.data));
  });
});

describe("autodiff: noGrad and errors", () => {
  it("noGrad records no graph, even on tensors that require grad", () => {
    const x = randnT([3], new Rng(25)).requireGrad();
    const y = ops.exp(x);
    assert.ok(y.node !== null, "control: outside noGrad the op is recorded");
    const z = noGrad(() => {
      assert.equal(isGradEnabled(), false);
      return ops.sum(ops.mul(ops.exp(x), x));
    });
    assert.equal(isGradEnabled(), true);
    assert.equal(z.node, null);
    assert.equal(z.requiresGrad, false);
    // Nothing to differentiate: a function computing under noGrad has zero gradient.
    const g0 = grad((x: Tensor) => noGrad(() => ops.sum(ops.square(x))))(randnT([3], new Rng(26)));
    assert.deepEqual(Array.from(g0.data), [0, 0, 0]);
    // isGradEnabled is restored even when fn throws.
    assert.throws(() => noGrad(() => { throw new Error("boom"); }), /boom/);
    assert.equal(isGradEnabled(), true);
  });

  it("grad of a non-scalar output names the shape", () => {
    const x = randnT([2, 3], new Rng(27));
    assert.throws(() => grad((x: Tensor) => ops.exp(x))(x), /grad: the function must return a scalar \(one element\), got shape \[2, 3\]/);
  });

  it("hvp with a mismatched v names the leaf and both shapes", () => {
    const p = { a: randnT([3], new Rng(28)), b: randnT([2, 2], new Rng(29)) };
    const f = (q: typeof p) => ops.add(ops.sum(ops.square(q.a)), ops.sum(ops.square(q.b)));
    const bad = { a: randnT([3], new Rng(30)), b: randnT([4], new Rng(31)) };
    assert.throws(() => hvp(f, p, bad), /hvp: v: leaf 1 has shape \[4\], expected \[2, 2\]/);
    assert.throws(() => hvp(f, p, { a: randnT([3], new Rng(32)) } as unknown as typeof p), /hvp: v: expected 2 tensors, got 1/);
  });

  it("vjp with a wrong cotangent shape and jvp with a wrong tangent shape name the shapes", () => {
    const x = randnT([2, 3], new Rng(33));
    assert.throws(() => vjp(F, x).vjp(randnT([3], new Rng(34))), /vjp: cotangent: expected shape \[4\], got \[3\]/);
    assert.throws(() => jvp(F, x, randnT([3, 2], new Rng(35))), /jvp: tangents: leaf 0 has shape \[3, 2\], expected \[2, 3\]/);
  });
});
