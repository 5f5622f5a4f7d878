import { strict as assert } from "node:assert";
import { Tensor } from "../../src/tensor/Tensor";
import * as ops from "../../src/tensor/ops";
import { allocate } from "../../src/tensor/dtype";
import { ones } from "../../src/tensor/create";
import { recycle, withScratch } from "../../src/tensor/scratch";
import { backward, linearize } from "../../src/autodiff";
import { enableGrad } from "../../src/autodiff/graph";
import { Rng } from "../../src/random/Rng";
import * as nn from "../../src/nn";
import { expectGradMatchesFD, randnT, relErr } from "./fd";

/*
 * Buffer reuse inside unrecorded reverse sweeps (src/tensor/scratch.ts, runSweep): the mechanism
 * hands back only dead buffers, zero-filled; and HVPs of a network big enough for its buffers to
 * be recycled (activations 200 × 64 > the 2048-element threshold) still equal an oracle that never
 * recycles (central differences of the recorded, createGraph gradient), keep their results when
 * later HVPs reuse memory, and repeat bit for bit.
 */

describe("scratch buffers: reuse of dead op outputs inside a reverse sweep", () => {
  it("outside a scope allocate is fresh; inside, a recycled dead buffer comes back zero-filled and a live one is never handed out", () => {
    const a = allocate("f64", 4096);
    const b = allocate("f64", 4096);
    assert.notEqual(a, b);
    withScratch((scope) => {
      const dead = allocate("f64", 4096);
      const live = allocate("f64", 4096);
      dead.fill(7);
      live.fill(3);
      assert.equal(scope.owned.length, 2);
      recycle(scope, new Set([live.buffer]));
      assert.deepEqual(scope.owned, [live]);
      const again = allocate("f64", 4096);
      assert.equal(again, dead, "the dead buffer is reused");
      assert.ok(again.every((v) => v === 0), "recycled buffers are zero-filled");
      const other = allocate("f64", 4096);
      assert.notEqual(other, live);
      assert.ok(live.every((v) => v === 3), "a live buffer is untouched");
      const small = allocate("f64", 16);
      assert.ok(!scope.owned.includes(small), "small arrays are not tracked");
    });
  });

  it("a cotangent buffer shared by two inputs (add's vjp) is never accumulated into in place", () => {
    // Reverse order: add(h, k) hands one buffer to h and k; then mul(h, c1) adds into h's entry
    // while k's entry still holds that buffer; k is consumed after. Sizes above the threshold.
    const rng = new Rng(3);
    const x = randnT([100, 40], rng);
    const c1 = randnT([100, 40], rng);
    const c2 = randnT([100, 40], rng);
    const c3 = randnT([100, 40], rng);
    const f = ([w]: Tensor[]) => {
      const a = ops.mul(x, w);
      const k = ops.sigmoid(a);
      const h = ops.tanh(a);
      const first = ops.add(ops.sum(ops.mul(k, c3)), ops.sum(ops.mul(h, c1)));
      return ops.add(first, ops.sum(ops.mul(ops.add(h, k), c2)));
    };
    const w = randnT([100, 40], rng);
    expectGradMatchesFD(f, [w], { tol: 1e-6, name: "shared cotangent" });
  });

  describe("HVPs of a tanh/sigmoid MLP with recycled buffers", () => {
    const rng = new Rng(5);
    const n = 200;
    const x = randnT([n, 30], rng);
    const labels = Int32Array.from({ length: n }, (_, i) => i % 7);
    const params = [randnT([30, 64], rng, 0.3), randnT([64], rng, 0.1), randnT([64, 64], rng, 0.2), randnT([64, 7], rng, 0.2)];
    const f = ([W1, b1, W2, W3]: Tensor[]) => {
      const a1 = ops.matmul(x, W1);
      const h1 = ops.tanh(ops.add(a1, b1));
      const k1 = ops.sigmoid(a1);
      // add's vjp hands one cotangent buffer to both h1 and k1, and each then receives a second
      // contribution: accumulating into that shared buffer in place would corrupt the other.
      const h2 = ops.sigmoid(ops.matmul(ops.add(h1, k1), W2));
      const z = ops.add(ops.add(ops.matmul(ops.mul(h1, h1), W3), ops.matmul(ops.mul(k1, 0.5), W3)), ops.matmul(h2, W3));
      return nn.crossEntropy(z, labels);
    };
    /** ∇f with the sweep recorded (createGraph): that path never recycles. */
    const recordedGrad = (ps: Tensor[]): Float64Array => {
      const xs = ps.map((t) => t.detach().requireGrad());
      const y = enableGrad(() => f(xs));
      const gs = enableGrad(() => backward([y], [ones([])], xs, true));
      return Float64Array.from(gs.flatMap((g) => Array.from((g as Tensor).data)));
    };
    const v = params.map((t) => randnT(t.shape, rng));

    it("equals central differences of the recorded gradient (rel ≤ 1e-6)", () => {
      const h = 1e-5;
      const shift = (s: number) => params.map((t, i) => ops.add(t, ops.mul(v[i], s)));
      const plus = recordedGrad(shift(h));
      const minus = recordedGrad(shift(-h));
      const fd = plus.map((p, i) => (p - minus[i]) / (2 * h));
      const hv = linearize(f, params).hvp(v);
      const got = Float64Array.from(hv.flatMap((t) => Array.from(t.data)));
      assert.ok(relErr(got, fd) <= 1e-6, `rel err ${relErr(got, fd)}`);
    });

    it("results survive later HVPs that reuse memory, and repeat bit for bit", () => {
      const lin = linearize(f, params);
      const first = lin.hvp(v);
      const copy = first.map((t) => Float64Array.from(t.data));
      const w = params.map((t) => randnT(t.shape, new Rng(9)));
      for (let i = 0; i < 3; i++) lin.hvp(w);
      first.forEach((t, i) => assert.ok(t.data.every((val, j) => Object.is(val, copy[i][j])), `leaf ${i} changed`));
      const again = lin.hvp(v);
      again.forEach((t, i) => assert.ok(t.data.every((val, j) => Object.is(val, copy[i][j])), `leaf ${i} differs on repeat`));
    });
  });
});
