/**
 * The cpu backend's specialized elementwise loops (per-op, per-broadcast-layout) give exactly what
 * the scalar definitions give, element by element, including NaN, ±Infinity and -0: the oracle
 * here walks the broadcast by explicit multi-index arithmetic and applies Math.* / the operator.
 */
import { strict as assert } from "node:assert";
import { BINARY, cpu } from "../../src/backend/cpu";
import { accumulateInto } from "../../src/backend/elementwise";
import type { BinaryKernel, UnaryKernel } from "../../src/backend/Backend";
import { Tensor } from "../../src/tensor/Tensor";
import * as ops from "../../src/tensor/ops";

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-310, -2.5, 3];

function values(len: number, seed: number, Arr: Float64ArrayConstructor | Float32ArrayConstructor = Float64Array) {
  const x = new Arr(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = i % 7 === 2 ? SPECIALS[(s >>> 4) % SPECIALS.length] : ((s / 2 ** 32) * 2 - 1) * 4;
  }
  return x;
}

const strides = (shape: number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));

/** Strides of an operand of shape `sh` (same rank as out, 1 = broadcast) over the output. */
const bstrides = (sh: number[]) => strides(sh).map((st, i) => (sh[i] === 1 ? 0 : st));

const OPS: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // Not specialized: the table path in the same layouts, against its own scalar definition.
  maximum: BINARY.maximum,
  // Fused activation derivatives (specialized for equal shapes, the table elsewhere).
  tanhGrad: (g, y) => g * (1 - y * y),
  sigmoidGrad: (g, y) => g * (y * (1 - y)),
  sigmoidGradY: (u, y) => u * (1 - 2 * y),
  mulNeg2: (u, w) => -(u * (w * 2)),
  reluGrad: (g, x) => g * (x > 0 ? 1 : 0),
};

function expected(op: string, a: ArrayLike<number>, aSh: number[], b: ArrayLike<number>, bSh: number[], out: number[]): number[] {
  const total = out.reduce((p, d) => p * d, 1);
  const r: number[] = [];
  for (let o = 0; o < total; o++) {
    let rest = o;
    let ai = 0;
    let bi = 0;
    for (let d = 0; d < out.length; d++) {
      const below = out.slice(d + 1).reduce((p, x) => p * x, 1);
      const id = Math.floor(rest / below);
      rest %= below;
      ai += (aSh[d] === 1 ? 0 : id) * strides(aSh)[d];
      bi += (bSh[d] === 1 ? 0 : id) * strides(bSh)[d];
    }
    r.push(OPS[op](a[ai], b[bi]));
  }
  return r;
}

// [a shape, b shape, out shape] covering every layout: same, scalar either side, row and column
// broadcasts either side, and one general case (both broadcast).
const CASES: [number[], number[], number[]][] = [
  [[7, 5], [7, 5], [7, 5]],
  [[7, 5], [1, 1], [7, 5]],
  [[1, 1], [7, 5], [7, 5]],
  [[7, 5], [1, 5], [7, 5]],
  [[1, 5], [7, 5], [7, 5]],
  [[7, 5], [7, 1], [7, 5]],
  [[7, 1], [7, 5], [7, 5]],
  [[3, 4, 5], [1, 4, 5], [3, 4, 5]],
  [[3, 4, 5], [3, 4, 1], [3, 4, 5]],
  [[7, 1], [1, 5], [7, 5]],
  // Per-channel ("mid") broadcasts of [N, C, H, W]-like maps, either side, and with unit axes.
  [[3, 4, 5], [1, 4, 1], [3, 4, 5]],
  [[1, 4, 1], [3, 4, 5], [3, 4, 5]],
  [[2, 3, 2, 5], [1, 3, 2, 1], [2, 3, 2, 5]],
  [[2, 1, 3, 4], [1, 1, 3, 1], [2, 1, 3, 4]],
  // Long enough (≥ 2048) for float64 equal-shape kernels to run in the native addon when it loaded.
  [[64, 65], [64, 65], [64, 65]],
];

describe("cpu elementwise loops are bit-identical to the scalar definitions", () => {
  for (const op of Object.keys(OPS)) {
    for (const [aSh, bSh, oSh] of CASES) {
      it(`${op} [${aSh}] ∘ [${bSh}] → [${oSh}]`, () => {
        for (const Arr of [Float64Array, Float32Array]) {
          const len = (s: number[]) => s.reduce((p, d) => p * d, 1);
          const a = values(len(aSh), 3 + aSh.length, Arr);
          const b = values(len(bSh), 5 + bSh.length, Arr);
          const out = new Arr(len(oSh));
          cpu.binary!(op as BinaryKernel, a, b, { outShape: oSh, aStrides: bstrides(aSh), bStrides: bstrides(bSh) }, out);
          const want = Arr.from(expected(op, a, aSh, b, bSh, oSh));
          want.forEach((v, i) => assert.ok(Object.is(out[i], v), `${Arr.name} [${i}]: ${out[i]} vs ${v}`));
        }
      });
    }
  }

  const UN: [UnaryKernel, (x: number) => number][] = [
    ["neg", (x) => -x], ["square", (x) => x * x], ["tanh", Math.tanh], ["exp", Math.exp], ["log", Math.log],
    ["sqrt", Math.sqrt], ["abs", Math.abs], ["reciprocal", (x) => 1 / x],
  ];
  for (const [op, f] of UN) {
    it(`unary ${op}`, () => {
      for (const Arr of [Float64Array, Float32Array]) {
        const x = values(301, 9, Arr);
        const out = new Arr(301);
        cpu.unary!(op, x, out);
        const want = Arr.from(x, f);
        want.forEach((v, i) => assert.ok(Object.is(out[i], v), `${Arr.name} ${op}(${x[i]}): ${out[i]} vs ${v}`));
      }
    });
  }

  it("reduceSum (native from 2048 elements) sums each output in increasing index order, bit for bit", () => {
    for (const [outer, len, inner] of [[1, 1000, 100], [3, 700, 1], [2, 50, 41], [4, 3, 5]]) {
      // Finite values of mixed sign and magnitude (specials would make every sum NaN).
      const x = Float64Array.from({ length: outer * len * inner }, (_, i) => Math.sin(i * 1.37) * 10 ** ((i % 9) - 4));
      const out = new Float64Array(outer * inner).fill(NaN);
      cpu.reduceSum!(x, { outer, len, inner }, out);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          let s = 0;
          for (let r = 0; r < len; r++) s += x[(o * len + r) * inner + i];
          assert.ok(Object.is(out[o * inner + i], s), `[${outer},${len},${inner}] (${o}, ${i}): ${out[o * inner + i]} vs ${s}`);
        }
      }
    }
  });

  it("accumulateInto (the sweep's in-place p += x, native from 2048 elements) is bit-identical to the scalar sum", () => {
    for (const len of [100, 5000]) {
      for (const Arr of [Float64Array, Float32Array]) {
        const p = values(len, 21, Arr);
        const x = values(len, 23, Arr);
        const want = Arr.from(p, (v, i) => v + x[i]);
        accumulateInto(p, x);
        want.forEach((v, i) => assert.ok(Object.is(p[i], v), `${Arr.name} len ${len} [${i}]: ${p[i]} vs ${v}`));
      }
    }
  });

  it("f64: the fused tanh/sigmoid derivatives equal the unfused op compositions bit for bit", () => {
    const g = new Tensor(values(501, 11, Float64Array), [501]);
    const y = ops.tanh(new Tensor(values(501, 13, Float64Array), [501]));
    const same = (a: Tensor, b: Tensor, what: string) =>
      a.data.forEach((v, i) => assert.ok(Object.is(v, b.data[i]), `${what} [${i}]: ${v} vs ${b.data[i]}`));
    same(ops.tanhGrad(g, y), ops.mul(g, ops.sub(1, ops.square(y))), "tanhGrad");
    same(ops.sigmoidGrad(g, y), ops.mul(g, ops.mul(y, ops.sub(1, y))), "sigmoidGrad");
    same(ops.mulNeg2(g, y), ops.mul(ops.neg(g), ops.mul(y, 2)), "mulNeg2");
    const x = new Tensor(values(501, 17, Float64Array), [501]);
    same(ops.reluGrad(g, x), ops.mul(g, ops.step(x)), "reluGrad");
  });
});
