import { strict as assert } from "node:assert";
import { Tensor } from "../../src/tensor/Tensor";
import * as ops from "../../src/tensor/ops";
import { grad, noGrad, flatten, unflatten, leaves, withLeaves, type Params } from "../../src/autodiff";
import * as nn from "../../src/nn";
import { Rng } from "../../src/random/Rng";
import { expectGradMatchesFD, randnT, uniformT, gridT, distinctT, relErr } from "./fd";

/*
 * Acceptance: the gradient of every differentiable op and every model matches central finite
 * differences in float64 to relative error ≤ 1e-6, broadcasting included; and grad-of-grad matches
 * finite differences of the (autodiff) first derivative, which is what exact HVPs rest on.
 *
 * Each op case is a non-scalar map xs ↦ op(xs); the checked scalar is sum(op(xs) ⊙ w) for a fixed
 * random w. Inputs are drawn away from kinks (relu/abs/maximum), ties (max/min) and domain edges
 * (log/sqrt/pow/div), so the central difference is a valid oracle there.
 */

const TOL = 1e-6;

interface OpCase {
  name: string;
  inputs: (rng: Rng) => Tensor[];
  op: (xs: Tensor[]) => Tensor;
  /** FD step (default 1e-5). */
  h?: number;
}

/** The scalar test function sum(op(xs) ⊙ w), w ~ N(0, 1) fixed by the output shape and a seed. */
function weighted(op: (xs: Tensor[]) => Tensor, inputs: Tensor[], seed: number): (xs: Tensor[]) => Tensor {
  const shape = noGrad(() => op(inputs)).shape;
  const w = randnT(shape, new Rng(seed));
  return (xs) => ops.sum(ops.mul(op(xs), w));
}

const g = (...shapes: number[][]) => (rng: Rng) => shapes.map((s) => randnT(s, rng));
const pos = (...shapes: number[][]) => (rng: Rng) => shapes.map((s) => uniformT(s, rng, 0.5, 2));
const away = (...shapes: number[][]) => (rng: Rng) => shapes.map((s) => gridT(s, rng, 0.15));

const UNARY: [string, (x: Tensor) => Tensor, (rng: Rng) => Tensor[]][] = [
  ["neg", ops.neg, g([3, 4])],
  ["exp", ops.exp, g([3, 4])],
  ["log", ops.log, pos([3, 4])],
  ["log1p", ops.log1p, (r) => [uniformT([3, 4], r, -0.5, 2)]],
  ["tanh", ops.tanh, g([3, 4])],
  ["sigmoid", ops.sigmoid, (r) => [randnT([3, 4], r, 3)]],
  ["relu", ops.relu, away([3, 4])],
  ["sqrt", ops.sqrt, pos([3, 4])],
  ["abs", ops.abs, away([3, 4])],
  ["erf", ops.erf, g([3, 4])],
  ["square", ops.square, g([3, 4])],
  ["softplus", ops.softplus, (r) => [randnT([3, 4], r, 3)]],
  ["reciprocal", ops.reciprocal, away([3, 4])],
  ["cos", ops.cos, g([3, 4])],
  ["sin", ops.sin, g([3, 4])],
  ["gelu", ops.gelu, (r) => [randnT([3, 4], r, 2)]],
];

/** Broadcasting shape pairs: [3,1,4]⊕[2,4], [5]⊕[3,5], scalars, outer-product style, equal shapes. */
const BCAST: [number[], number[]][] = [
  [[3, 4], [3, 4]],
  [[3, 1, 4], [2, 4]],
  [[5], [3, 5]],
  [[3, 5], [5]],
  [[], [3, 4]],
  [[2, 3], []],
  [[4, 1], [1, 3]],
  [[2, 1, 3], [4, 1]],
];

const BINARY: [string, (a: Tensor, b: Tensor) => Tensor, (rng: Rng, sa: number[], sb: number[]) => Tensor[]][] = [
  ["add", ops.add, (r, a, b) => [randnT(a, r), randnT(b, r)]],
  ["sub", ops.sub, (r, a, b) => [randnT(a, r), randnT(b, r)]],
  ["mul", ops.mul, (r, a, b) => [randnT(a, r), randnT(b, r)]],
  ["div", ops.div, (r, a, b) => [randnT(a, r), gridT(b, r, 0.15)]],
  ["pow", ops.pow, (r, a, b) => [uniformT(a, r, 0.5, 2), randnT(b, r)]],
  ["maximum", ops.maximum, (r, a, b) => [gridT(a, r, 0), gridT(b, r, 0.15)]],
  ["minimum", ops.minimum, (r, a, b) => [gridT(a, r, 0), gridT(b, r, 0.15)]],
  // The fused activation-derivative rules (b plays the activation's output y).
  ["tanhGrad", ops.tanhGrad, (r, a, b) => [randnT(a, r), uniformT(b, r, -0.9, 0.9)]],
  ["sigmoidGrad", ops.sigmoidGrad, (r, a, b) => [randnT(a, r), uniformT(b, r, 0.05, 0.95)]],
  ["sigmoidGradY", ops.sigmoidGradY, (r, a, b) => [randnT(a, r), uniformT(b, r, 0.05, 0.95)]],
  ["mulNeg2", ops.mulNeg2, (r, a, b) => [randnT(a, r), randnT(b, r)]],
  ["reluGrad", ops.reluGrad, (r, a, b) => [randnT(a, r), gridT(b, r, 0.15)]],
];

function opCases(): OpCase[] {
  const cases: OpCase[] = [];
  for (const [name, fn, inputs] of UNARY) cases.push({ name, inputs, op: ([x]) => fn(x) });
  for (const [name, fn, inputs] of BINARY) {
    for (const [sa, sb] of BCAST) {
      cases.push({ name: `${name} [${sa}]⊕[${sb}]`, inputs: (r) => inputs(r, sa, sb), op: ([a, b]) => fn(a, b) });
    }
  }
  // Binary ops with a plain-number operand (only the tensor side is differentiated).
  cases.push(
    { name: "add(x, 2)", inputs: g([3, 4]), op: ([x]) => ops.add(x, 2) },
    { name: "sub(2, x)", inputs: g([3, 4]), op: ([x]) => ops.sub(2, x) },
    { name: "mul(x, -3)", inputs: g([3, 4]), op: ([x]) => ops.mul(x, -3) },
    { name: "div(1.5, x)", inputs: away([3, 4]), op: ([x]) => ops.div(1.5, x) },
    { name: "pow(x, 3)", inputs: g([3, 4]), op: ([x]) => ops.pow(x, 3) },
    { name: "pow(x, 0.5)", inputs: pos([3, 4]), op: ([x]) => ops.pow(x, 0.5) },
    { name: "pow(2, x)", inputs: g([3, 4]), op: ([x]) => ops.pow(2, x) },
    { name: "maximum(x, 0.05)", inputs: away([3, 4]), op: ([x]) => ops.maximum(x, 0.05) },
    { name: "a·a (same tensor twice)", inputs: g([3, 4]), op: ([x]) => ops.mul(x, x) },
  );
  // where: cond carries no gradient; a and b broadcast against it and each other.
  const cond = (shape: number[], seed: number) => {
    const r = new Rng(seed);
    const n = shape.reduce((a, b) => a * b, 1);
    return new Tensor(Float64Array.from({ length: n }, () => (r.uniform() < 0.5 ? 1 : 0)), shape);
  };
  cases.push(
    { name: "where [3,4] a[3,4] b[3,4]", inputs: g([3, 4], [3, 4]), op: ([a, b]) => ops.where(cond([3, 4], 1), a, b) },
    { name: "where [3,4] a[3,1] b[4]", inputs: g([3, 1], [4]), op: ([a, b]) => ops.where(cond([3, 4], 2), a, b) },
    { name: "where [2,1,4] a[3,1] b[]", inputs: g([3, 1], []), op: ([a, b]) => ops.where(cond([2, 1, 4], 3), a, b) },
    { name: "where cond, a, number", inputs: g([3, 4]), op: ([a]) => ops.where(cond([3, 4], 4), a, 0.5) },
    { name: "where cond, number, b", inputs: g([4]), op: ([b]) => ops.where(cond([3, 4], 5), -1, b) },
  );
  // Reductions over various axes, with and without keepDims.
  const AXES: [number | number[] | undefined, boolean][] = [
    [undefined, false], [undefined, true], [0, false], [1, true], [-1, false], [[0, 2], false], [[0, 2], true], [[1, 2], false],
  ];
  for (const [axes, keep] of AXES) {
    const tag = `axes=${JSON.stringify(axes)} keepDims=${keep}`;
    cases.push(
      { name: `sum ${tag}`, inputs: g([2, 3, 4]), op: ([x]) => ops.sum(x, axes, keep) },
      { name: `mean ${tag}`, inputs: g([2, 3, 4]), op: ([x]) => ops.mean(x, axes, keep) },
      { name: `max ${tag}`, inputs: (r) => [distinctT([2, 3, 4], r)], op: ([x]) => ops.max(x, axes, keep) },
      { name: `min ${tag}`, inputs: (r) => [distinctT([2, 3, 4], r)], op: ([x]) => ops.min(x, axes, keep) },
      { name: `logsumexp ${tag}`, inputs: (r) => [randnT([2, 3, 4], r, 2)], op: ([x]) => ops.logsumexp(x, axes, keep) },
    );
  }
  cases.push({ name: "logsumexp of large values (shifted)", inputs: (r) => [uniformT([3, 4], r, 700, 705)], op: ([x]) => ops.logsumexp(x, 1) });
  for (const axis of [0, 1, -1]) {
    cases.push(
      { name: `softmax axis=${axis}`, inputs: (r) => [randnT([3, 4, 2], r, 2)], op: ([x]) => ops.softmax(x, axis) },
      { name: `logSoftmax axis=${axis}`, inputs: (r) => [randnT([3, 4, 2], r, 2)], op: ([x]) => ops.logSoftmax(x, axis) },
    );
  }
  // Shape ops.
  cases.push(
    { name: "reshape [2,3,4]→[6,4]", inputs: g([2, 3, 4]), op: ([x]) => ops.reshape(x, [6, 4]) },
    { name: "reshape [2,3,4]→[-1]", inputs: g([2, 3, 4]), op: ([x]) => ops.reshape(x, [-1]) },
    { name: "reshape [2,3,4]→[4,1,6]", inputs: g([2, 3, 4]), op: ([x]) => ops.reshape(x, [4, 1, 6]) },
    { name: "transpose (default)", inputs: g([3, 5]), op: ([x]) => ops.transpose(x) },
    { name: "transpose [2,3,4] (default reverse)", inputs: g([2, 3, 4]), op: ([x]) => ops.transpose(x) },
    { name: "transpose perm [1,2,0]", inputs: g([2, 3, 4]), op: ([x]) => ops.transpose(x, [1, 2, 0]) },
    { name: "transpose perm [2,0,1]", inputs: g([2, 3, 4]), op: ([x]) => ops.transpose(x, [2, 0, 1]) },
    { name: "transpose perm [0,2,1,3]", inputs: g([2, 3, 2, 2]), op: ([x]) => ops.transpose(x, [0, 2, 1, 3]) },
    { name: "slice [1:3, :, 1:]", inputs: g([4, 3, 5]), op: ([x]) => ops.slice(x, [1, 0, 1], [3, 3, 5]) },
    { name: "slice negative [-3:-1]", inputs: g([6, 2]), op: ([x]) => ops.slice(x, [-3], [-1]) },
    { name: "slice starts only", inputs: g([4, 5]), op: ([x]) => ops.slice(x, [2, 1]) },
    { name: "concat axis 0", inputs: g([2, 3], [1, 3], [4, 3]), op: (xs) => ops.concat(xs, 0) },
    { name: "concat axis 1", inputs: g([2, 3, 2], [2, 1, 2], [2, 2, 2]), op: (xs) => ops.concat(xs, 1) },
    { name: "concat axis -1", inputs: g([3, 2], [3, 4]), op: (xs) => ops.concat(xs, -1) },
    { name: "stack axis 0", inputs: g([2, 3], [2, 3], [2, 3]), op: (xs) => ops.stack(xs, 0) },
    { name: "stack axis 1", inputs: g([2, 3], [2, 3]), op: (xs) => ops.stack(xs, 1) },
    { name: "stack axis -1", inputs: g([2, 3], [2, 3]), op: (xs) => ops.stack(xs, -1) },
    { name: "gather axis 0 repeated indices", inputs: g([4, 3]), op: ([x]) => ops.gather(x, [2, 0, 2, 3, 2], 0) },
    { name: "gather axis 1 repeated indices", inputs: g([2, 5, 3]), op: ([x]) => ops.gather(x, Int32Array.from([4, 4, 1, 0, 4, 1]), 1) },
    { name: "gather axis -1", inputs: g([3, 4]), op: ([x]) => ops.gather(x, [3, 3, 3], -1) },
    { name: "scatterAdd axis 0 repeated indices", inputs: g([5, 3]), op: ([x]) => ops.scatterAdd(x, [1, 3, 1, 0, 1], 4, 0) },
    { name: "expandDims 0", inputs: g([3, 4]), op: ([x]) => ops.expandDims(x, 0) },
    { name: "expandDims -1", inputs: g([3, 4]), op: ([x]) => ops.expandDims(x, -1) },
    { name: "squeeze all", inputs: g([1, 3, 1, 4]), op: ([x]) => ops.squeeze(x) },
    { name: "squeeze axis 2", inputs: g([1, 3, 1, 4]), op: ([x]) => ops.squeeze(x, 2) },
    { name: "broadcastTo [3,1]→[2,3,4]", inputs: g([3, 1]), op: ([x]) => ops.broadcastTo(x, [2, 3, 4]) },
    { name: "broadcastTo []→[2,3]", inputs: g([]), op: ([x]) => ops.broadcastTo(x, [2, 3]) },
    { name: "broadcastTo [4]→[3,4]", inputs: g([4]), op: ([x]) => ops.broadcastTo(x, [3, 4]) },
    { name: "sumTo [2,3,4]→[3,1]", inputs: g([2, 3, 4]), op: ([x]) => ops.sumTo(x, [3, 1]) },
    { name: "astype f64→f64", inputs: g([3, 4]), op: ([x]) => ops.astype(x, "f64") },
  );
  // matmul: every transA/transB combination, batched, batch-broadcast both ways, 1-D operands.
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const A = (m: number, k: number) => (transA ? [k, m] : [m, k]);
      const B = (k: number, n: number) => (transB ? [n, k] : [k, n]);
      const opts = { transA, transB };
      const tag = `transA=${transA} transB=${transB}`;
      cases.push(
        { name: `matmul 2-D ${tag}`, inputs: g(A(3, 4), B(4, 5)), op: ([a, b]) => ops.matmul(a, b, opts) },
        { name: `matmul batched ${tag}`, inputs: g([2, ...A(3, 4)], [2, ...B(4, 5)]), op: ([a, b]) => ops.matmul(a, b, opts) },
        { name: `matmul batch [2,…]·shared ${tag}`, inputs: g([2, ...A(3, 4)], B(4, 5)), op: ([a, b]) => ops.matmul(a, b, opts) },
        { name: `matmul shared·batch [2,2,…] ${tag}`, inputs: g(A(3, 4), [2, 2, ...B(4, 5)]), op: ([a, b]) => ops.matmul(a, b, opts) },
      );
    }
  }
  cases.push(
    { name: "matmul vector·matrix [4]·[4,5]", inputs: g([4], [4, 5]), op: ([a, b]) => ops.matmul(a, b) },
    { name: "matmul matrix·vector [3,4]·[4]", inputs: g([3, 4], [4]), op: ([a, b]) => ops.matmul(a, b) },
    { name: "matmul vector·vector [4]·[4]", inputs: g([4], [4]), op: ([a, b]) => ops.matmul(a, b) },
    { name: "matmul vector·matrixᵀ [4]·[5,4]ᵀ", inputs: g([4], [5, 4]), op: ([a, b]) => ops.matmul(a, b, { transB: true }) },
    { name: "matmul matrixᵀ·vector [4,3]ᵀ·[4]", inputs: g([4, 3], [4]), op: ([a, b]) => ops.matmul(a, b, { transA: true }) },
    { name: "matmul batched·vector [2,3,4]·[4]", inputs: g([2, 3, 4], [4]), op: ([a, b]) => ops.matmul(a, b) },
    { name: "matmul vector·batched [4]·[2,4,5]", inputs: g([4], [2, 4, 5]), op: ([a, b]) => ops.matmul(a, b) },
    { name: "matmul x·x (same operand) [3,3]", inputs: g([3, 3]), op: ([a]) => ops.matmul(a, a) },
    { name: "matmul x·xᵀ (same operand, transB) [3,4]", inputs: g([3, 4]), op: ([a]) => ops.matmul(a, a, { transB: true }) },
    { name: "gram [5,3]", inputs: g([5, 3]), op: ([x]) => ops.gram(x) },
  );
  // im2col/col2im (the convolution and pooling primitives): stride, padding, dilation, pad value.
  const WIN: [string, number[], ops.WindowSpec][] = [
    ["k3", [2, 2, 5, 5], { kernel: [3, 3] }],
    ["k[2,3] stride [2,1] padding [1,2] dilation [1,2]", [1, 3, 5, 4], { kernel: [2, 3], stride: [2, 1], padding: [1, 2], dilation: [1, 2] }],
    ["k2 stride 2 padValue −3", [2, 1, 4, 4], { kernel: [2, 2], stride: [2, 2], padding: [1, 1], padValue: -3 }],
  ];
  for (const [tag, shape, spec] of WIN) {
    cases.push({ name: `im2col ${tag}`, inputs: g(shape), op: ([x]) => ops.im2col(x, spec) });
    const colShape = noGrad(() => ops.im2col(randnT(shape, new Rng(0)), spec)).shape;
    cases.push({ name: `col2im ${tag}`, inputs: g([...colShape]), op: ([c]) => ops.col2im(c, shape, spec) });
  }
  return cases;
}

/** Ops without a gradient by design (indicators, indices, integer results). */
const NON_DIFFERENTIABLE = ["step", "sign", "eq", "ge", "gt", "le", "lt", "argmax", "oneHot"];

describe("gradcheck: every op vs central finite differences (float64, rel ≤ 1e-6)", () => {
  const cases = opCases();

  it("covers every function exported from src/tensor/ops (a new op needs a case here)", () => {
    const exported = Object.keys(ops).filter((k) => typeof (ops as Record<string, unknown>)[k] === "function");
    const names = cases.map((c) => c.name);
    const missing = exported.filter((k) => !NON_DIFFERENTIABLE.includes(k) && !names.some((n) => n === k || n.startsWith(`${k} `) || n.startsWith(`${k}(`)));
    assert.deepEqual(missing, [], `ops without a gradient check: ${missing.join(", ")}`);
  });

  it("max/min at ties share the gradient equally (documented subgradient; FD is no oracle there)", () => {
    const x = new Tensor(Float64Array.from([1, 3, 3, -2, 0, -2]), [2, 3]);
    assert.deepEqual(Array.from(grad((x: Tensor) => ops.sum(ops.max(x, 1)))(x).data), [0, 0.5, 0.5, 0, 1, 0]);
    assert.deepEqual(Array.from(grad((x: Tensor) => ops.sum(ops.min(x, 1)))(x).data), [1, 0, 0, 0.5, 0, 0.5]);
  });

  it("non-differentiable ops pass no gradient (step, sign, comparisons)", () => {
    const x = gridT([3, 4], new Rng(1), 0.15);
    const y = gridT([3, 4], new Rng(2), 0);
    const f = ([a, b]: Tensor[]) =>
      [ops.step(a), ops.sign(a), ops.eq(a, b), ops.ge(a, b), ops.gt(a, b), ops.le(a, b), ops.lt(a, b)]
        .map((t) => ops.sum(t))
        .reduce((s, t) => ops.add(s, t));
    const [ga, gb] = grad(f)([x, y]);
    assert.ok(ga.data.every((v) => v === 0) && gb.data.every((v) => v === 0));
    expectGradMatchesFD(f, [x, y], { name: "indicators" }); // FD of a locally constant function is 0 too
  });
  cases.forEach((c, i) => {
    it(c.name, () => {
      const xs = c.inputs(new Rng(1000 + i));
      expectGradMatchesFD(weighted(c.op, xs, 2000 + i), xs, { h: c.h, tol: TOL, name: c.name });
    });
  });

  it("astype f64→f32→f64: the cotangent is cast back (gradient = w in f32 precision)", () => {
    // FD cannot resolve 1e-6 through an f32 round trip, so the oracle is the closed form:
    // d/dx Σ w·cast(x) = w, carried through the f32 leg (w rounded to f32).
    const x = randnT([3, 4], new Rng(1));
    const w = randnT([3, 4], new Rng(2));
    const gx = grad((x: Tensor) => ops.sum(ops.mul(ops.astype(ops.astype(x, "f32"), "f64"), w)))(x);
    assert.equal(gx.dtype, "f64");
    assert.deepEqual([...gx.shape], [3, 4]);
    const expected = Float64Array.from(w.data, (v) => Math.fround(v));
    assert.ok(relErr(gx.data, expected, 0) === 0, `astype gradient ${Array.from(gx.data)} ≠ fround(w)`);
    assert.ok(relErr(gx.data, w.data) <= TOL);
    // An f32 leaf's gradient is f32.
    const x32 = ops.astype(x, "f32");
    const g32 = grad((x: Tensor) => ops.sum(ops.mul(ops.astype(x, "f64"), w)))(x32);
    assert.equal(g32.dtype, "f32");
    assert.ok(relErr(g32.data, w.data) <= TOL);
  });
});

describe("gradcheck: grad of grad of every op vs finite differences of the first derivative", () => {
  // f2(xs) = Σ_i ⟨∇_i f(xs), w2_i⟩, its gradient is H·w2 by double backward; the reference
  // differentiates the autodiff first derivative ∇f numerically.
  const cases = opCases();
  cases.forEach((c, i) => {
    it(c.name, () => {
      const xs = c.inputs(new Rng(1000 + i));
      const f = weighted(c.op, xs, 2000 + i);
      const r = new Rng(3000 + i);
      const w2 = xs.map((x) => randnT(x.shape, r));
      const f2 = (ys: Tensor[]) => {
        const gs = grad(f)(ys);
        return gs.map((gi, k) => ops.sum(ops.mul(gi, w2[k]))).reduce((a, b) => ops.add(a, b));
      };
      expectGradMatchesFD(f2, xs, { h: c.h, tol: TOL, name: `∇(∇·w2) ${c.name}` });
    });
  });

  it("third derivative of the smooth unary ops vs FD of the second", () => {
    for (const [name, fn, inputs] of UNARY) {
      if (["relu", "abs", "neg"].includes(name)) continue;
      const [x] = inputs(new Rng(7));
      const w = randnT(x.shape, new Rng(8));
      const f = (x: Tensor) => ops.sum(ops.mul(fn(x), w));
      const d2 = ([y]: Tensor[]) => ops.sum(grad((z: Tensor) => ops.sum(grad(f)(z)))(y));
      expectGradMatchesFD(d2, [x], { tol: TOL, name: `d³ ${name}` });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Models × losses: gradient w.r.t. all parameters (leaves and flat view) and w.r.t. the inputs.

type LossName = "mse" | "crossEntropy" | "logistic" | "hinge" | "stablemaxCrossEntropy";
const LOSS: Record<LossName, nn.Loss> = {
  mse: nn.mse,
  crossEntropy: nn.crossEntropy,
  logistic: nn.logistic,
  hinge: nn.hinge,
  stablemaxCrossEntropy: nn.stablemaxCrossEntropy,
};
/** Losses meaningful for C outputs (logistic and binary hinge need C = 1). */
const lossesFor = (C: number): LossName[] =>
  C === 1 ? ["mse", "logistic", "hinge"] : ["mse", "crossEntropy", "hinge", "stablemaxCrossEntropy"];

function labels(n: number, C: number, seed: number): Int32Array {
  const r = new Rng(seed);
  return Int32Array.from({ length: n }, () => r.int(C === 1 ? 2 : C));
}

/** Perturb every parameter so that no symmetry of the init (u = v, zero biases) hides a bug. */
function jitter<P extends Params>(params: P, seed: number, std = 0.3): P {
  const r = new Rng(seed);
  return withLeaves(params, leaves(params).map((t) => {
    const d = Float64Array.from(t.data);
    for (let i = 0; i < d.length; i++) d[i] += std * r.normal();
    return new Tensor(d, t.shape);
  }));
}

function checkModel<P extends Params>(name: string, model: nn.Model<P>, loss: LossName, opts: { n?: number; seed?: number; h?: number; jitterParams?: boolean } = {}) {
  const n = opts.n ?? 6;
  const seed = opts.seed ?? 1;
  const x = randnT([n, model.inputDim], new Rng(seed));
  // Class ids (0/1 for the binary losses); MSE with one output regresses on real-valued targets.
  const y: Tensor | Int32Array = loss === "mse" && model.outputDim === 1 ? randnT([n, 1], new Rng(seed + 1)) : labels(n, model.outputDim, seed + 1);
  const params = opts.jitterParams ? jitter(model.params, seed + 2) : model.params;
  const L = LOSS[loss];
  const label = `${name} / ${loss}`;
  // All parameter leaves.
  const ls = leaves(params);
  expectGradMatchesFD((xs) => L(model.apply(withLeaves(params, xs), x), y), ls, { h: opts.h, tol: TOL, name: `${label}: ∇params` });
  // The flat view θ ∈ ℝᵖ: the same gradient through unflatten, equal to the flattened tree gradient.
  const theta = flatten(params);
  const fFlat = ([t]: Tensor[]) => L(model.apply(unflatten(t, params), x), y);
  expectGradMatchesFD(fFlat, [theta], { h: opts.h, tol: TOL, name: `${label}: ∇θ (flat)` });
  const gTree = flatten(grad((p: P) => L(model.apply(p, x), y))(params));
  const gFlat = grad((t: Tensor) => L(model.apply(unflatten(t, params), x), y))(theta);
  assert.ok(relErr(gTree.data, gFlat.data) <= 1e-12, `${label}: flatten(∇tree) ≠ ∇flat`);
  // The inputs.
  expectGradMatchesFD(([xx]) => L(model.apply(params, xx), y), [x], { h: opts.h, tol: TOL, name: `${label}: ∇x` });
}

describe("gradcheck: every model × loss vs central finite differences (all parameters and inputs)", () => {
  const ACTS = ["relu", "tanh", "gelu", "erf", "sigmoid", "softplus", "identity", "square"] as const;
  const PARAMS = ["standard", "ntk", "mup"] as const;

  for (const activation of ACTS) {
    for (const parametrization of PARAMS) {
      it(`mlp [4,6,5,3] ${activation} ${parametrization} bias, biasStd 0.5 — every loss`, () => {
        const m = nn.mlp([4, 6, 5, 3], { activation, parametrization, bias: true, biasStd: 0.5, seed: 3 });
        for (const loss of lossesFor(3)) checkModel(m.name, m, loss);
      });
    }
  }
  for (const activation of ["relu", "tanh"] as const) {
    it(`mlp ${activation} without bias, outputScale 2.5, one output — mse/logistic/hinge`, () => {
      const m = nn.mlp([3, 7, 1], { activation, bias: false, outputScale: 2.5, seed: 4 });
      for (const loss of lossesFor(1)) checkModel(m.name, m, loss);
    });
    it(`mlp ${activation} mup, outputScale 0.3, orthogonal init, depth 4`, () => {
      const m = nn.mlp([5, 6, 6, 6, 4], { activation, parametrization: "mup", init: "orthogonal", outputScale: 0.3, weightStd: Math.SQRT2, seed: 5 });
      for (const loss of lossesFor(4)) checkModel(m.name, m, loss);
    });
  }
  it("twoLayerRelu (1 and 3 outputs)", () => {
    const m1 = nn.twoLayerRelu(4, 8, 1, { seed: 6 });
    for (const loss of lossesFor(1)) checkModel(m1.name, m1, loss);
    const m3 = nn.twoLayerRelu(4, 8, 3, { seed: 7, bias: false });
    for (const loss of lossesFor(3)) checkModel(m3.name, m3, loss);
  });
  for (const init of ["gaussian", "orthogonal", "balanced"] as const) {
    it(`deepLinear [4,5,5,3] ${init}`, () => {
      const m = nn.deepLinear([4, 5, 5, 3], { init, scale: 1.2, seed: 8 });
      for (const loss of lossesFor(3)) checkModel(m.name, m, loss);
    });
  }
  it("deepLinear depth 2 with one output; alignedDeepLinear", () => {
    const m = nn.deepLinear([3, 4, 1], { init: "balanced", seed: 9 });
    for (const loss of lossesFor(1)) checkModel(m.name, m, loss);
    const a = nn.alignedDeepLinear([2, 3, 3, 2], [[1, 0], [0, 1]], [[0.6, 0.8], [-0.8, 0.6]], [0.5, 0.1], { seed: 10 });
    for (const loss of lossesFor(2)) checkModel(a.name, a, loss);
  });
  for (const bias of [false, true]) {
    it(`unconstrainedFeatures bias=${bias} (∇x is zero: apply ignores x)`, () => {
      const m = nn.unconstrainedFeatures({ classes: 3, perClass: 2, dim: 4, bias, seed: 11 });
      for (const loss of lossesFor(3)) {
        checkModel(m.name, m, loss, { n: 6, jitterParams: true });
        // The model's own labels, the usual UFM setting.
        const f = (xs: Tensor[]) => LOSS[loss](m.apply(withLeaves(m.params, xs), new Tensor(new Float64Array(6), [6, 1])), m.labels);
        expectGradMatchesFD(f, leaves(m.params), { tol: TOL, name: `${m.name} / ${loss} with model.labels` });
      }
    });
  }
  for (const depth of [1, 2, 3]) {
    it(`diagonalLinear depth ${depth} (at init u = v, and perturbed)`, () => {
      const m = nn.diagonalLinear(5, { depth, scale: 0.7 });
      for (const loss of lossesFor(1)) {
        checkModel(m.name, m, loss);
        checkModel(`${m.name} perturbed`, m, loss, { jitterParams: true, seed: 12 });
      }
    });
  }
  it("losses with reduction sum and none (a weighted sum of per-example losses)", () => {
    const m = nn.mlp([3, 5, 3], { activation: "tanh", seed: 13 });
    const x = randnT([5, 3], new Rng(14));
    const y = labels(5, 3, 15);
    const wEx = randnT([5], new Rng(16));
    for (const loss of lossesFor(3)) {
      const L = LOSS[loss];
      expectGradMatchesFD((xs) => L(m.apply(withLeaves(m.params, xs), x), y, { reduction: "sum" }), leaves(m.params), { name: `${loss} sum` });
      expectGradMatchesFD((xs) => ops.sum(ops.mul(L(m.apply(withLeaves(m.params, xs), x), y, { reduction: "none" }), wEx)), leaves(m.params), { name: `${loss} none` });
    }
    // MSE against real-valued targets [n, C].
    const t = randnT([5, 3], new Rng(17));
    expectGradMatchesFD((xs) => nn.mse(m.apply(withLeaves(m.params, xs), x), t), leaves(m.params), { name: "mse real targets" });
  });
  it("stablemax cross-entropy on outputs of both signs (both branches of s)", () => {
    const f = gridT([4, 5], new Rng(18), 0.15).data.map((v) => 3 * v);
    const out = new Tensor(Float64Array.from(f), [4, 5]);
    assert.ok(out.data.some((v) => v > 0) && out.data.some((v) => v < 0));
    const y = labels(4, 5, 19);
    expectGradMatchesFD(([o]) => nn.stablemaxCrossEntropy(o, y), [out], { name: "stablemaxCE(out)" });
    expectGradMatchesFD(([o]) => ops.sum(ops.mul(nn.stablemax(o), randnT([4, 5], new Rng(20)))), [out], { name: "stablemax(out)" });
  });
});
