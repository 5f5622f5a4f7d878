/**
 * The pure core: `update(g, state, θ) → { theta, state }` (and `update(closure, state, θ)` for
 * closure optimizers) against the in-place sugar `step`, for every optimizer in the registry.
 */
import { strict as assert } from "node:assert";
import { Tensor } from "../../src/tensor/Tensor";
import { Rng } from "../../src/random/Rng";
import { add, matmul, mean, square, sub, tanh } from "../../src/tensor/ops";
import { grad } from "../../src/autodiff";
import { flatValues, fromFlatValues } from "../../src/autodiff/ravel";
import type { Params } from "../../src/autodiff/params";
import {
  adam, averaged, chain, clipByGlobalNorm, flatBlocks, fromOptimizer, applyUpdates, get, initTree, isClosureOptimizer,
  lossClosure, names, sgd, updateTree, type ClosureOptimizer, type Optimizer, type OptimizerState,
} from "../../src/optim";

/** A small two-layer regression model with leaves of several shapes (matrices for Muon/AdamP). */
type Net = {
  W: Tensor;
  b: Tensor;
  V: Tensor;
};

const rng = new Rng(11);
const X = new Tensor(Float64Array.from(rng.normals(8 * 3)), [8, 3]);
const Y = new Tensor(Float64Array.from(rng.normals(8 * 2)), [8, 2]);
/** Positive entries, so exponentiated gradient (positive weights only) runs too. */
const start = (): Net => {
  const r = new Rng(5);
  const pos = (n: number) => Float64Array.from({ length: n }, () => 0.1 + 0.9 * r.uniform());
  return { W: new Tensor(pos(12), [3, 4]), b: new Tensor(pos(4), [4]), V: new Tensor(pos(8), [4, 2]) };
};
const loss = (p: Net) => mean(square(sub(matmul(tanh(add(matmul(X, p.W), p.b)), p.V), Y)));
const gradOf = grad(loss);

/** Options that make every registered optimizer valid and small-stepped on this model. */
function make(name: string): Optimizer | ClosureOptimizer {
  const opts: Record<string, object> = {
    sam: { base: sgd({ lr: 0.05, momentum: 0.9 }), rho: 0.05 },
    cbo: { particles: 8, lr: 0.05, seed: 3 },
    zerothOrder: { lr: 0.01, seed: 4 },
    adahessian: { lr: 0.01, seed: 5 },
    grNewton: { lr: 0.5 },
    lbfgs: { history: 4 },
    lionKappa: { lr: 1e-3, kappaGrad: (c: Float64Array) => c.map(Math.tanh) },
    mfacSgd: { lr: 0.01, windowSize: 3, damping: 1e-2, momentum: 0.5 },
  };
  return get(name, opts[name] ?? { lr: 0.01 });
}

const STEPS = 20;

/** Every element of a and b has the same bits (Object.is: NaN equals NaN, +0 differs from −0). */
function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

function sameState(a: OptimizerState, b: OptimizerState, what: string): void {
  assert.equal(a.name, b.name, what);
  assert.equal(a.stepCount, b.stepCount, what);
  assert.ok(Object.is(a.lastLr, b.lastLr), `${what}: lastLr`);
  assert.deepEqual(Object.keys(a.slots).sort(), Object.keys(b.slots).sort(), `${what}: slot names`);
  for (const k of Object.keys(a.slots)) {
    assert.equal(a.slots[k].length, b.slots[k].length, `${what}: ${k}`);
    a.slots[k].forEach((buf, i) => sameBits(buf, b.slots[k][i], `${what}: ${k}`));
  }
}

/** A deep copy of a state (for checking that nothing was written into it). */
function copyState(s: OptimizerState): OptimizerState {
  return { ...s, slots: Object.fromEntries(Object.entries(s.slots).map(([k, v]) => [k, v.map((b) => b.slice())])) };
}

describe("pure optimizer updates", () => {
  it("the registry is covered: gradient and closure optimizers alike", () => {
    const kinds = names().map((n) => isClosureOptimizer(make(n)));
    assert.ok(kinds.filter((k) => !k).length >= 15, "gradient optimizers");
    assert.ok(kinds.filter((k) => k).length >= 5, "closure optimizers");
  });

  for (const name of names()) {
    it(`${name}: update and step give bit-identical trajectories and states over ${STEPS} steps (state cloned midway)`, () => {
      const stepped = make(name);
      const pure = make(name);
      const params = start();
      let theta = flatValues(start()) as Float64Array;
      let state = pure.init(theta, flatBlocks(params));
      for (let k = 0; k < STEPS; k++) {
        if (isClosureOptimizer(stepped)) {
          const info = stepped.step(params, lossClosure(loss, params));
          const r = (pure as ClosureOptimizer).update(lossClosure(loss, params), state, theta);
          assert.deepEqual(r.info, info, `${name}: step ${k} report`);
          ({ theta, state } = r);
        } else {
          const g = gradOf(fromFlatValues(theta, params));
          stepped.step(params, gradOf(params));
          ({ theta, state } = (pure as Optimizer).update(flatValues(g) as Float64Array, state, theta));
        }
        sameBits(flatValues(params), theta, `${name}: θ after step ${k + 1}`);
        // the state is plain data: a structured clone (what postMessage or a widget comm would carry) continues the run
        if (k === STEPS / 2) state = structuredClone(state);
      }
      assert.equal(state.stepCount, STEPS);
      sameState(stepped.state(), state, name);
      // the run moved the parameters (so the comparison was not of two frozen vectors)
      assert.ok(Array.from(theta).some((v, i) => v !== flatValues(start())[i]), `${name}: θ moved`);
    });

    it(`${name}: a pure update writes into none of its inputs (θ, gradient or closure, state)`, () => {
      const opt = make(name);
      const params = start();
      let theta = flatValues(params) as Float64Array;
      let state = opt.init(theta, flatBlocks(params));
      for (let k = 0; k < 3; k++) {
        const thetaBefore = theta.slice();
        const stateBefore = copyState(state);
        let next: { theta: Float64Array; state: OptimizerState };
        if (isClosureOptimizer(opt)) {
          next = opt.update(lossClosure(loss, fromFlatValues(theta, params)), state, theta);
        } else {
          const g = flatValues(gradOf(fromFlatValues(theta, params))) as Float64Array;
          const gBefore = g.slice();
          next = opt.update(g, state, theta);
          sameBits(g, gBefore, `${name}: gradient after update ${k + 1}`);
          // same inputs again ⇒ the same result: the update depends on nothing else
          const again = opt.update(g, state, theta);
          sameBits(again.theta, next.theta, `${name}: repeated update ${k + 1}`);
          sameState(again.state, next.state, `${name}: repeated update ${k + 1}`);
        }
        sameBits(theta, thetaBefore, `${name}: θ after update ${k + 1}`);
        sameState(state, stateBefore, `${name}: state after update ${k + 1}`);
        assert.notEqual(next.theta, theta, "a fresh θ");
        ({ theta, state } = next);
      }
    });
  }

  it("updateTree gives new tensors equal to step (f32 leaves rounded the same way) and leaves its inputs alone", () => {
    for (const dtype of ["f64", "f32"] as const) {
      const cast = (p: Net): Net => ({ W: new Tensor(p.W.toDType(dtype), p.W.shape), b: new Tensor(p.b.toDType(dtype), p.b.shape), V: new Tensor(p.V.toDType(dtype), p.V.shape) });
      const opt = adam({ lr: 0.05 });
      const inPlace = cast(start());
      const pure = adam({ lr: 0.05 });
      let tree = cast(start());
      let state = initTree(pure, tree);
      for (let k = 0; k < 5; k++) {
        const g = gradOf(tree);
        const before = flatValues(tree, "f64");
        opt.step(inPlace, gradOf(inPlace));
        const r = updateTree(pure, g, state, tree);
        sameBits(flatValues(tree, "f64"), before, `${dtype}: input tree`);
        assert.equal(r.params.W.dtype, dtype);
        tree = r.params;
        state = r.state;
        sameBits(flatValues(tree, "f64"), flatValues(inPlace, "f64"), `${dtype}: step ${k + 1}`);
      }
    }
  });

  it("averaged(...) is pure too: its average is the mean of the iterates update returned", () => {
    const opt = averaged(sgd({ lr: 0.1, momentum: 0.5 }));
    const params = start();
    let theta = flatValues(params) as Float64Array;
    let state = opt.init(theta, flatBlocks(params));
    const sum = new Float64Array(theta.length);
    for (let k = 0; k < 6; k++) {
      const g = flatValues(gradOf(fromFlatValues(theta, params))) as Float64Array;
      ({ theta, state } = opt.update(g, state, theta));
      theta.forEach((v, i) => (sum[i] += v));
    }
    assert.equal(state.slots.averageMeta[0][0], 6);
    state.slots.average[0].forEach((v, i) => assert.ok(Math.abs(v - sum[i] / 6) < 1e-14, `average[${i}]`));
  });

  it("update rejects a state of another optimizer, a state without buffers and a wrong-length θ, naming them", () => {
    const theta = flatValues(start()) as Float64Array;
    const g = new Float64Array(theta.length);
    const a = adam();
    const s = a.init(theta);
    assert.throws(() => sgd({ lr: 0.1, momentum: 0.9 }).update(g, s, theta), /sgd.update: state.name: state was saved by "adam"/);
    assert.throws(() => a.update(g, adam().state(), theta), /adam.update: state: it has no buffers yet; start from adam.init/);
    assert.throws(() => a.update(g, s, theta.subarray(1)), /adam.update: theta: expected a Float64Array of length 24/);
    const bad = g.slice();
    bad[13] = NaN;
    assert.throws(() => a.update(bad, s, theta), /adam.update: grads: block 0 \(\) has non-finite value NaN at index 13/);
  });
});

describe("gradient transformations compose with the pure core", () => {
  it("chain(clipByGlobalNorm(c), fromOptimizer(adam)) equals adam on gradients clipped by hand", () => {
    const c = 0.05;
    const t = chain(clipByGlobalNorm(c), fromOptimizer(adam({ lr: 0.02 })));
    const ref = adam({ lr: 0.02 });
    let x = start();
    const y = start();
    let s = t.init(x);
    for (let k = 0; k < 8; k++) {
      const g = gradOf(x);
      const r = t.update(g, s, x);
      x = applyUpdates(x, r.updates);
      s = r.state;
      const gy = flatValues(gradOf(y)) as Float64Array;
      const norm = Math.hypot(...gy);
      const clipped = gy.map((v) => (norm > c ? (v * c) / norm : v));
      ref.step(y, fromFlatValues(clipped, y));
    }
    const a = flatValues(x);
    const b = flatValues(y);
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-14 * Math.max(1, Math.abs(b[i])), `θ[${i}]: ${v} vs ${b[i]}`));
    assert.ok(a.some((v, i) => v !== flatValues(start())[i]), "moved");
  });
});
