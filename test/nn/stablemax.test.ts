/**
 * StableMax (Prieto et al., "Grokking at the edge of numerical stability") and the float32 softmax
 * collapse it avoids. Oracles: central finite differences in float64, finite differences of the
 * autodiff gradient (grad-of-grad), a scalar reference of the definition, and the closed-form
 * collapse margin 24·ln 2 + ln(C − 1) of float32 rounding.
 */
import { strict as assert } from "node:assert";
import { Tensor } from "../../src/tensor/Tensor";
import * as ops from "../../src/tensor/ops";
import { tensor } from "../../src/tensor/create";
import { grad } from "../../src/autodiff";
import * as nn from "../../src/nn";
import * as data from "../../src/data";
import { modelObjective } from "../../src/objective";
import { Rng } from "../../src/random/Rng";
import { expectGradMatchesFD, randnT, relErr } from "../core/fd";

const s = (x: number) => (x >= 0 ? x + 1 : 1 / (1 - x));

/** Logits [n, C] spread over both branches of s, none within 0.05 of the kink at 0. */
function logits(n: number, C: number, seed: number): Tensor {
  const r = new Rng(seed);
  const d = Float64Array.from({ length: n * C }, () => {
    const v = 2.5 * r.normal();
    return Math.abs(v) < 0.05 ? v + Math.sign(v || 1) * 0.1 : v;
  });
  return new Tensor(d, [n, C]);
}

describe("StableMax cross-entropy: values, gradients, grad-of-grad", () => {
  const y = new Int32Array([0, 3, 2, 4, 1, 3]);

  it("probabilities s(z_i)/Σ_j s(z_j) sum to 1 and the loss is −log of the true-class one (scalar reference)", () => {
    const z = logits(6, 5, 1);
    const lossRows = nn.stablemaxCrossEntropy(z, y, { reduction: "none" }).data;
    for (let i = 0; i < 6; i++) {
      const row = Array.from(z.data.subarray(i * 5, i * 5 + 5));
      const tot = row.reduce((a, v) => a + s(v), 0);
      const probs = row.map((v) => s(v) / tot);
      assert.ok(Math.abs(probs.reduce((a, b) => a + b) - 1) < 1e-15);
      assert.ok(Math.abs(lossRows[i] + Math.log(probs[y[i]])) < 1e-14, `row ${i}`);
    }
  });

  it("gradient in the logits matches central finite differences (f64, ≤ 1e-6), each reduction", () => {
    const z = logits(6, 5, 2);
    assert.ok(z.data.some((v) => v < 0) && z.data.some((v) => v > 0), "both branches of s are exercised");
    for (const reduction of ["mean", "sum"] as const) {
      expectGradMatchesFD(([t]) => nn.stablemaxCrossEntropy(t, y, { reduction }), [z], { name: `stablemaxCE ${reduction}` });
    }
    const w = randnT([6], new Rng(3));
    expectGradMatchesFD(([t]) => ops.sum(ops.mul(nn.stablemaxCrossEntropy(t, y, { reduction: "none" }), w)), [z], { name: "stablemaxCE none" });
  });

  it("grad-of-grad: the gradient of ⟨∇ℓ, v⟩ matches finite differences of the autodiff gradient (≤ 1e-6)", () => {
    const z = logits(6, 5, 4);
    const v = randnT([6, 5], new Rng(5));
    const g = (t: Tensor) => grad((u: Tensor) => nn.stablemaxCrossEntropy(u, y))(t);
    // ∇_z ⟨∇ℓ(z), v⟩ = H v; FD of the gradient along v gives the same vector.
    const hv = grad((t: Tensor) => ops.sum(ops.mul(g(t), v)))(z);
    const h = 1e-5;
    const plus = g(new Tensor(Float64Array.from(z.data, (a, k) => a + h * v.data[k]), z.shape)).data;
    const minus = g(new Tensor(Float64Array.from(z.data, (a, k) => a - h * v.data[k]), z.shape)).data;
    const fd = Float64Array.from(plus, (a, k) => (a - minus[k]) / (2 * h));
    const e = relErr(hv.data, fd);
    assert.ok(e <= 1e-6, `H·v relative error ${e}`);
    // And the generic helper: differentiate a gradient component as a function.
    expectGradMatchesFD(([t]) => ops.sum(ops.mul(g(t), v)), [z], { name: "⟨∇ℓ, v⟩" });
  });

  it("s is C¹ at 0 (both one-sided slopes are 1), so the gradient has no jump there", () => {
    const at = (x: number) => grad((t: Tensor) => ops.sum(nn.stablemax(t)))(tensor([x])).data[0];
    assert.equal(at(0), 1);
    assert.ok(Math.abs(at(-1e-9) - 1) < 1e-8 && Math.abs(at(1e-9) - 1) < 1e-15);
    assert.equal(at(-1), 1 / 4); // d/dx 1/(1−x) = 1/(1−x)²
    assert.equal(at(2), 1);
  });

  it("is a loss option wherever softmax CE is: getLoss('stablemax') and modelObjective({ loss: 'stablemax' })", () => {
    assert.equal(nn.getLoss("stablemax"), nn.stablemaxCrossEntropy);
    const split = data.modularArithmetic({ p: 7, fraction: 0.5, seed: 0 });
    const net = nn.mlp([14, 8, 7], { seed: 1 });
    const obj = modelObjective(net, split.train, { loss: "stablemax" });
    const direct = nn.stablemaxCrossEntropy(net.apply(net.params, split.train.x), split.train.labels!).item();
    assert.ok(Math.abs(obj.value() - direct) < 1e-14 * Math.abs(direct), `${obj.value()} vs ${direct}`);
    const ce = modelObjective(net, split.train, { loss: "ce" }).value();
    assert.ok(Math.abs(ce - direct) > 1e-3, "a different loss than softmax CE");
  });
});

describe("float32 softmax collapse against its closed form", () => {
  /** The margin beyond which fl32(1 + (C−1)e^{−m}) = 1: (C−1)e^{−m} ≤ 2^{−24} (half an ulp of 1). */
  const collapseMargin = (C: number) => 24 * Math.LN2 + Math.log(C - 1);

  it("naive f32 softmax (Math.fround arithmetic) gives p_y = 1 exactly iff the margin passes 24·ln 2 ≈ 16.64", () => {
    assert.ok(Math.abs(collapseMargin(2) - 16.6355) < 1e-4);
    const naive = (m: number) => {
      const e = Math.fround(Math.exp(Math.fround(-m)));
      return Math.fround(1 / Math.fround(1 + e));
    };
    for (let m = 15; m <= 18.5; m += 0.01) {
      if (Math.abs(m - collapseMargin(2)) < 1e-4) continue; // within f32 exp rounding of the threshold
      assert.equal(naive(m) === 1, m > collapseMargin(2), `margin ${m}`);
    }
  });

  for (const C of [2, 10, 97]) {
    it(`optlab's f32 cross-entropy: the true-class gradient is exactly 0 iff the margin ≥ 24·ln 2 + ln(C − 1) (C = ${C})`, () => {
      const mStar = collapseMargin(C);
      let below = 0;
      let above = 0;
      for (let m = mStar - 1; m <= mStar + 1; m += 1 / 64) {
        const mf = Math.fround(m);
        if (Math.abs(mf - mStar) < 2e-4) continue;
        const row = new Float32Array(C);
        row[0] = mf;
        const z = new Tensor(row, [1, C]);
        const g = grad((t: Tensor) => nn.crossEntropy(t, new Int32Array([0])))(z);
        assert.equal(g.dtype, "f32");
        const collapsed = g.data[0] === 0;
        assert.equal(collapsed, mf > mStar, `C = ${C}, margin ${mf}: true-class gradient ${g.data[0]}`);
        if (collapsed) {
          above++;
          // What is left is the wrong-class part, ≤ 2^-24 in total: below float32 resolution of 1.
          const rest = Array.from(g.data.subarray(1)).reduce((a, v) => a + Math.abs(v), 0);
          assert.ok(rest <= 2 ** -24 * 1.001, `remaining gradient ${rest}`);
          // float64 has a true-class gradient ≈ −(C−1)e^{−m} at the same margin.
          const g64 = grad((t: Tensor) => nn.crossEntropy(t, new Int32Array([0])))(new Tensor(Float64Array.from(row), [1, C]));
          assert.ok(Math.abs(g64.data[0] + (C - 1) * Math.exp(-mf)) < 1e-3 * (C - 1) * Math.exp(-mf), `f64 gradient ${g64.data[0]}`);
          // StableMax keeps an f32 gradient ≈ −(C−1)/((m+1)(m+C)) that is far from 0.
          const gs = grad((t: Tensor) => nn.stablemaxCrossEntropy(t, new Int32Array([0])))(z);
          const expected = -(C - 1) / ((mf + 1) * (mf + C));
          assert.ok(Math.abs(gs.data[0] - expected) < 1e-5 * Math.abs(expected), `StableMax f32 gradient ${gs.data[0]} vs ${expected}`);
        } else below++;
      }
      assert.ok(below > 50 && above > 50, `grid covers both sides (${below} below, ${above} above)`);
    });
  }
});
