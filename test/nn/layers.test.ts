import { strict as assert } from "node:assert";
import { Tensor } from "../../src/tensor/Tensor";
import * as ops from "../../src/tensor/ops";
import { grad, leaves, withLeaves, noGrad, type Params } from "../../src/autodiff";
import * as nn from "../../src/nn";
import { Rng } from "../../src/random/Rng";
import { expectGradMatchesFD, randnT, distinctT, relErr } from "../core/fd";

/*
 * Every layer's gradient (in θ and in x) matches central finite differences in float64 to ≤ 1e-6
 * relative, and the gradient of ⟨∇f, w⟩ (what exact HVPs rest on) matches finite differences of the
 * autodiff gradient. The scalar is Σ layer(θ, x) ⊙ w for a fixed random w.
 */

const TOL = 1e-6;

interface Case {
  name: string;
  layer: nn.Layer;
  x: (rng: Rng) => Tensor;
  /** Differentiate in x too (not for token ids). */
  dx?: boolean;
  opts?: nn.ForwardOptions;
}

function scalarOf(c: Case, params: Params, x: Tensor): { f: (xs: Tensor[]) => Tensor; inputs: Tensor[] } {
  const nP = leaves(params).length;
  const state = c.opts?.state ?? new Map<string, Tensor>();
  const run = (p: Params, xx: Tensor) => c.layer.apply(p, xx, new nn.ForwardContext({ ...c.opts, state }));
  const shape = noGrad(() => run(params, x)).shape;
  const w = randnT(shape, new Rng(99));
  const f = (xs: Tensor[]) => ops.sum(ops.mul(run(withLeaves(params, xs.slice(0, nP)), c.dx === false ? x : xs[nP]), w));
  return { f, inputs: c.dx === false ? leaves(params) : [...leaves(params), x] };
}

const img = (...s: number[]) => (r: Rng) => randnT(s, r);

function cases(): Case[] {
  const bnState = new Map<string, Tensor>([
    ["running_mean", randnT([3], new Rng(5))],
    ["running_var", new Tensor(Float64Array.from([0.5, 1.7, 2.2]), [3])],
  ]);
  return [
    { name: "linear [2,5]→3", layer: nn.linear(5, 3), x: img(2, 5) },
    { name: "linear on [2,4,5] (shared over tokens)", layer: nn.linear(5, 3), x: img(2, 4, 5) },
    { name: "conv2d 3×3", layer: nn.conv2d(2, 3, 3), x: img(2, 2, 5, 5) },
    { name: "conv2d stride 2 padding 1", layer: nn.conv2d(2, 3, 3, { stride: 2, padding: 1 }), x: img(2, 2, 6, 5) },
    { name: "conv2d dilation 2 padding 2, no bias", layer: nn.conv2d(2, 2, 3, { dilation: 2, padding: 2, bias: false }), x: img(1, 2, 5, 6) },
    { name: "conv2d groups 2, kernel [2,3], stride [1,2]", layer: nn.conv2d(4, 6, [2, 3], { groups: 2, stride: [1, 2], padding: [1, 0] }), x: img(2, 4, 4, 5) },
    { name: "conv2d depthwise (groups = channels)", layer: nn.conv2d(3, 3, 3, { groups: 3, padding: 1 }), x: img(1, 3, 4, 4) },
    { name: "maxPool2d 2", layer: nn.maxPool2d(2), x: (r) => distinctT([2, 2, 4, 6], r) },
    { name: "maxPool2d 3 stride 2 padding 1", layer: nn.maxPool2d(3, { stride: 2, padding: 1 }), x: (r) => distinctT([1, 2, 5, 5], r) },
    { name: "avgPool2d 2", layer: nn.avgPool2d(2), x: img(2, 2, 4, 4) },
    { name: "avgPool2d 3 stride 1 padding 1", layer: nn.avgPool2d(3, { stride: 1, padding: 1 }), x: img(1, 2, 4, 5) },
    { name: "globalAvgPool2d", layer: nn.globalAvgPool2d(), x: img(2, 3, 3, 4) },
    { name: "batchNorm 2-D train", layer: nn.batchNorm(3), x: img(2, 3, 3, 2), opts: { training: true } },
    { name: "batchNorm 1-D train", layer: nn.batchNorm(3), x: img(5, 3), opts: { training: true } },
    { name: "batchNorm 2-D eval (running stats)", layer: nn.batchNorm(3), x: img(2, 3, 2, 2), opts: { training: false, state: bnState } },
    { name: "layerNorm", layer: nn.layerNorm(5), x: img(2, 3, 5) },
    { name: "dropout train (seeded mask)", layer: nn.dropout(0.4), x: img(3, 6), opts: { training: true, seed: 7 } },
    { name: "embedding", layer: nn.embedding(7, 4), x: () => new Tensor(Float64Array.from([0, 3, 3, 6, 1, 0]), [2, 3]), dx: false },
    { name: "positionalEmbedding", layer: nn.positionalEmbedding(5, 4), x: img(2, 3, 4) },
    { name: "multiHeadAttention 2 heads", layer: nn.multiHeadAttention(4, 2), x: img(2, 3, 4) },
    { name: "multiHeadAttention causal 2 heads", layer: nn.multiHeadAttention(6, 2, { causal: true }), x: img(2, 4, 6) },
    { name: "residual(linear∘tanh) identity shortcut", layer: nn.residual(nn.sequential([nn.linear(4, 4), nn.act("tanh")])), x: img(3, 4) },
    {
      name: "residual conv-bn block with 1×1 stride-2 shortcut (train)",
      layer: nn.residual(
        nn.sequential({ conv1: nn.conv2d(2, 3, 3, { stride: 2, padding: 1, bias: false }), bn1: nn.batchNorm(3), relu: nn.act("tanh") }),
        nn.sequential([nn.conv2d(2, 3, 1, { stride: 2, bias: false }), nn.batchNorm(3)]),
      ),
      x: img(2, 2, 4, 4),
      opts: { training: true },
    },
    { name: "flatten", layer: nn.flatten(), x: img(2, 3, 2, 2) },
    { name: "tokenPool last", layer: nn.tokenPool("last"), x: img(2, 3, 4) },
    { name: "tokenPool mean", layer: nn.tokenPool("mean"), x: img(2, 3, 4) },
    { name: "toTokens", layer: nn.toTokens(), x: img(2, 3, 2, 2) },
  ];
}

describe("nn layers: gradient vs central finite differences (float64, rel ≤ 1e-6)", () => {
  cases().forEach((c, i) => {
    it(c.name, () => {
      const rng = new Rng(100 + i);
      // Jitter parameter-free initial values (γ = 1, β = 0, zero biases) so every entry matters.
      const params = jitter(c.layer.init(rng, "f64"), rng);
      const { f, inputs } = scalarOf(c, params, c.x(rng));
      assert.ok(inputs.length > 0);
      expectGradMatchesFD(f, inputs, { tol: TOL, name: c.name });
    });
  });
});

describe("nn layers: grad of ⟨grad, w⟩ vs finite differences of the gradient", () => {
  cases().forEach((c, i) => {
    it(c.name, () => {
      const rng = new Rng(100 + i);
      const params = jitter(c.layer.init(rng, "f64"), rng);
      const { f, inputs } = scalarOf(c, params, c.x(rng));
      const r = new Rng(300 + i);
      const w2 = inputs.map((t) => randnT(t.shape, r));
      const f2 = (ys: Tensor[]) => grad(f)(ys).map((gi, k) => ops.sum(ops.mul(gi, w2[k]))).reduce((a, b) => ops.add(a, b));
      expectGradMatchesFD(f2, inputs, { tol: TOL, name: `∇⟨∇f, w⟩ ${c.name}` });
    });
  });
});

function jitter(p: Params, rng: Rng): Params {
  return withLeaves(p, leaves(p).map((t) => ops.add(t, randnT(t.shape, rng, 0.3))));
}

describe("nn layers: semantics", () => {
  it("batchNorm follows PyTorch's formulas on a hand-computed case (train, running stats, eval)", () => {
    // Channel 0: [1, 2, 3, 6] → mean 3, biased var 14/4 = 3.5, unbiased 14/3.
    // Channel 1: [0, 0, 4, 4] → mean 2, biased var 4, unbiased 16/3.
    const x = new Tensor(Float64Array.from([1, 0, 2, 0, 3, 4, 6, 4]), [4, 2]);
    const bn = nn.batchNorm(2);
    const p = { weight: new Tensor(Float64Array.from([2, 1]), [2]), bias: new Tensor(Float64Array.from([0.5, -1]), [2]) };
    const state = new Map<string, Tensor>();
    const y = bn.apply(p, x, new nn.ForwardContext({ training: true, updateState: true, state }));
    const s0 = Math.sqrt(3.5 + 1e-5);
    const s1 = Math.sqrt(4 + 1e-5);
    const expected = [(1 - 3) / s0 * 2 + 0.5, (0 - 2) / s1 - 1, (2 - 3) / s0 * 2 + 0.5, (0 - 2) / s1 - 1, 0.5, (4 - 2) / s1 - 1, (6 - 3) / s0 * 2 + 0.5, (4 - 2) / s1 - 1];
    assert.ok(relErr(y.data, expected) < 1e-14, `train output ${Array.from(y.data)}`);
    const rm = state.get("running_mean")!;
    const rv = state.get("running_var")!;
    assert.ok(relErr(rm.data, [0.1 * 3, 0.1 * 2]) < 1e-15, `running_mean ${Array.from(rm.data)}`);
    assert.ok(relErr(rv.data, [0.9 + 0.1 * 14 / 3, 0.9 + 0.1 * 16 / 3]) < 1e-15, `running_var ${Array.from(rv.data)}`);
    assert.equal(state.get("num_batches_tracked")!.item(), 1);
    // Eval: normalise by the running statistics.
    const ye = bn.apply(p, x, new nn.ForwardContext({ training: false, state }));
    const e = [0, 1, 2, 3].flatMap((i) => [
      (x.data[2 * i] - 0.3) / Math.sqrt(rv.data[0] + 1e-5) * 2 + 0.5,
      (x.data[2 * i + 1] - 0.2) / Math.sqrt(rv.data[1] + 1e-5) - 1,
    ]);
    assert.ok(relErr(ye.data, e) < 1e-14, `eval output ${Array.from(ye.data)}`);
    // Without updateState the buffers stay as they are.
    bn.apply(p, x, new nn.ForwardContext({ training: true, state }));
    assert.equal(state.get("num_batches_tracked")!.item(), 1);
  });

  it("conv2d equals a direct loop over the definition (stride, padding, dilation, groups)", () => {
    const layer = nn.conv2d(4, 2, [2, 3], { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 });
    const rng = new Rng(3);
    const p = layer.init(rng, "f64");
    const x = randnT([2, 4, 5, 4], rng);
    const y = layer.apply(p, x, new nn.ForwardContext());
    const [N, C, H, W] = x.shape;
    const [O, Cg, kh, kw] = p.weight.shape;
    const OH = Math.floor((H + 2 - 1 - 1) / 2) + 1;
    const OW = Math.floor((W + 4 - 2 * 2 - 1) / 1) + 1;
    assert.deepEqual([...y.shape], [N, O, OH, OW]);
    const ref: number[] = [];
    for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let a = 0; a < OH; a++) for (let b = 0; b < OW; b++) {
      let s = p.bias!.data[o];
      const g = Math.floor(o / (O / 2));
      for (let c = 0; c < Cg; c++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
        const h = a * 2 - 1 + i;
        const w = b - 2 + 2 * j;
        if (h >= 0 && h < H && w >= 0 && w < W) s += p.weight.data[((o * Cg + c) * kh + i) * kw + j] * x.data[((n * C + g * Cg + c) * H + h) * W + w];
      }
      ref.push(s);
    }
    assert.ok(relErr(y.data, ref) < 1e-14);
  });

  it("maxPool2d pads with −∞ and causal attention ignores the future", () => {
    const x = new Tensor(Float64Array.from([-5, -4, -3, -2]), [1, 1, 2, 2]);
    const y = nn.maxPool2d(2, { stride: 1, padding: 1 }).apply({}, x, new nn.ForwardContext());
    assert.deepEqual(Array.from(y.data), [-5, -4, -4, -3, -2, -2, -3, -2, -2]);
    const att = nn.multiHeadAttention(4, 2, { causal: true });
    const p = att.init(new Rng(1), "f64");
    const a = randnT([1, 3, 4], new Rng(2));
    const b = ops.concat([ops.slice(a, [0, 0, 0], [1, 2, 4]), randnT([1, 1, 4], new Rng(3))], 1);
    const ya = att.apply(p, a, new nn.ForwardContext());
    const yb = att.apply(p, b, new nn.ForwardContext());
    assert.deepEqual(Array.from(ya.data.slice(0, 8)), Array.from(yb.data.slice(0, 8)));
    assert.notDeepEqual(Array.from(ya.data.slice(8)), Array.from(yb.data.slice(8)));
  });

  it("dropout: same seed same mask, another seed another mask, identity in eval, keep-scale 1/(1−p)", () => {
    const d = nn.dropout(0.5);
    const x = ops.add(ops.mul(randnT([20, 20], new Rng(1)), 0), 1);
    const run = (o: nn.ForwardOptions) => d.apply({}, x, new nn.ForwardContext(o)).data;
    assert.deepEqual(Array.from(run({ training: true, seed: 1 })), Array.from(run({ training: true, seed: 1 })));
    assert.notDeepEqual(Array.from(run({ training: true, seed: 1 })), Array.from(run({ training: true, seed: 2 })));
    assert.deepEqual(Array.from(run({ training: false })), Array.from(x.data));
    const m = run({ training: true, seed: 3 });
    assert.ok(Array.from(m).every((v) => v === 0 || v === 2));
    const kept = Array.from(m).filter((v) => v === 2).length / m.length;
    assert.ok(kept > 0.4 && kept < 0.6, `kept fraction ${kept}`);
  });

  it("a user-defined layer composes with built-in ones inside nn.network (params in θ, gradient exact)", () => {
    const scale: nn.Layer<{ s: Tensor }> = {
      kind: "scale",
      init: (rng, dtype) => ({ s: nn.gaussian([1], 1, rng, dtype) }),
      apply: (p, x) => ops.mul(x, p.s),
    };
    const net = nn.network(nn.sequential({ fc: nn.linear(3, 4), scale: scale as nn.Layer, act: nn.act("tanh"), out: nn.linear(4, 2) }), { inputShape: [3], seed: 1 });
    assert.deepEqual(leaves(net.params).map((t) => [...t.shape]), [[4, 3], [4], [1], [2, 4], [2]]);
    assert.equal(net.outputDim, 2);
    assert.equal(net.numHidden, 3);
    const x = randnT([5, 3], new Rng(2));
    const w = randnT([5, 2], new Rng(3));
    expectGradMatchesFD((xs) => ops.sum(ops.mul(net.apply(withLeaves(net.params, xs), x), w)), leaves(net.params), { tol: TOL, name: "user layer" });
    assert.deepEqual([...nn.features(net, x, 2).shape], [5, 4]);
  });

  it("bad arguments throw naming the argument", () => {
    assert.throws(() => nn.conv2d(3, 4, 3, { groups: 2 }), /groups/);
    assert.throws(() => nn.conv2d(3, 4, 3).apply(nn.conv2d(3, 4, 3).init(new Rng(1), "f64"), randnT([1, 2, 5, 5], new Rng(1)), new nn.ForwardContext()), /conv2d: x: expected \[N, 3, H, W\]/);
    assert.throws(() => nn.dropout(1), /dropout: p/);
    assert.throws(() => nn.multiHeadAttention(6, 4), /heads/);
    assert.throws(() => nn.embedding(3, 2).apply(nn.embedding(3, 2).init(new Rng(1), "f64"), new Tensor(Float64Array.from([3]), [1]), new nn.ForwardContext()), /embedding: x: expected integer ids in \[0, 3\)/);
    assert.throws(() => nn.sequential([]), /sequential: layers/);
  });
});
