/** The async train loop: batching, callbacks, history, early stops, yielding, determinism. */
import { strict as assert } from "node:assert";
import { nn, optim, data, flatValues, requestInterrupt, hessian, InterruptedError, leaves, leafPaths, sum, sqrt, mul, type Tensor } from "../../src/index";

const mixture = (seed = 0) => data.gaussianMixture({ classes: 3, dim: 4, n: 60, seed });

describe("optim.train", () => {
  it("full-batch GD lowers the loss and records one step per epoch", async () => {
    const ds = mixture();
    const net = nn.mlp([4, 16, 3], { seed: 0 });
    const r = await optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.2 }), epochs: 40 });
    assert.equal(r.steps, 40);
    assert.equal(r.history.step.loss.length, 40);
    assert.equal(r.history.epoch.loss.length, 40);
    assert.ok(r.history.epoch.loss[39] < 0.5 * r.history.step.loss[0], `loss ${r.history.step.loss[0]} → ${r.history.epoch.loss[39]}`);
    assert.ok((r.history.epoch.accuracy[39] ?? 0) > 0.9);
    assert.equal(r.stopReason, "completed");
    // The step loss is the loss *before* each update: the first one equals the loss at init.
    const fresh = nn.mlp([4, 16, 3], { seed: 0 });
    assert.equal(r.history.step.loss[0], nn.crossEntropy(fresh.apply(fresh.params, ds.x), ds.labels!).item());
  });

  it("mini-batches: ⌈n/B⌉ steps per epoch, the last one short", async () => {
    const ds = mixture();
    const net = nn.mlp([4, 8, 3], { seed: 0 });
    const seen: number[] = [];
    const sizes: number[] = [];
    const r = await optim.train(net, ds, {
      optimizer: optim.sgd({ lr: 0.05 }),
      loss: (out, y, o) => {
        if (out.requiresGrad) sizes.push(out.shape[0]); // training batches (not the epoch evaluation)
        return nn.crossEntropy(out, y, o);
      },
      epochs: 3,
      batchSize: 16,
      seed: 7,
      onStep: ({ epoch }) => void seen.push(epoch),
    });
    assert.equal(r.steps, 3 * Math.ceil(60 / 16));
    assert.deepEqual(seen, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    assert.deepEqual(sizes, [16, 16, 16, 12, 16, 16, 16, 12, 16, 16, 16, 12]);
  });

  it("same seed ⇒ bit-identical parameters; a different shuffling seed differs", async () => {
    const run = async (seed: number) => {
      const net = nn.mlp([4, 8, 3], { seed: 1 });
      await optim.train(net, mixture(), { optimizer: optim.adam({ lr: 0.01 }), epochs: 3, batchSize: 8, seed });
      return flatValues(net.params) as Float64Array;
    };
    const a = await run(3);
    const b = await run(3);
    const c = await run(4);
    assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer));
    assert.notDeepEqual(Buffer.from(a.buffer), Buffer.from(c.buffer));
    const d1 = flatValues(nn.mlp([4, 8, 3], { seed: 1 }).params);
    const d2 = flatValues(nn.mlp([4, 8, 3], { seed: 2 }).params);
    assert.notDeepEqual(Array.from(d1), Array.from(d2));
  });

  it("stops on a non-finite loss with a message naming the step and the lr", async () => {
    const ds = data.linearRegression({ n: 20, dim: 5, seed: 0 });
    const net = nn.mlp([5, 1], { seed: 0 });
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => void warnings.push(m);
    try {
      const r = await optim.train(net, ds, { optimizer: optim.sgd({ lr: 1e3 }), epochs: 200 });
      assert.equal(r.stopReason, "non-finite");
      assert.ok(r.steps < 200);
      assert.match(r.message ?? "", /step \d+.*(Infinity|NaN).*learning rate/);
      assert.equal(warnings.length, 1);
    } finally {
      console.warn = warn;
    }
  });

  it("a callback returning false stops training; an aborted signal stops it", async () => {
    const ds = mixture();
    const net = nn.mlp([4, 8, 3], { seed: 0 });
    const r = await optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.1 }), epochs: 10, onEpoch: ({ epoch }) => epoch < 2 });
    assert.equal(r.stopReason, "callback");
    assert.equal(r.epochs, 3);
    const ac = new AbortController();
    const r2 = await optim.train(net, ds, {
      optimizer: optim.sgd({ lr: 0.1 }),
      epochs: 10,
      signal: ac.signal,
      onStep: ({ step }) => void (step === 4 && ac.abort()),
    });
    assert.equal(r2.stopReason, "aborted");
    assert.equal(r2.steps, 5);
  });

  it("yields to the event loop while training, so timers and I/O run", async () => {
    const ds = mixture();
    const net = nn.mlp([4, 32, 3], { seed: 0 });
    let ticks = 0;
    let stepsAtFirstTick = -1;
    let steps = 0;
    const timer = setInterval(() => {
      if (ticks++ === 0) stepsAtFirstTick = steps;
    }, 0);
    try {
      await optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.01 }), epochs: 200, yieldEveryMs: 0, onStep: () => void steps++ });
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 5, `a 0-ms interval fired ${ticks} times during training`);
    assert.ok(stepsAtFirstTick >= 0 && stepsAtFirstTick < 200, "it fired before training ended");
  });

  it("extra metrics are evaluated per epoch; the default loss follows the task", async () => {
    const ds = data.linearRegression({ n: 30, dim: 3, seed: 1 });
    const net = nn.mlp([3, 1], { seed: 0 });
    const r = await optim.train(net, ds, {
      optimizer: optim.sgd({ lr: 0.1 }),
      epochs: 5,
      metrics: { wNorm: (m) => Math.hypot(...flatValues(m.params)) },
    });
    assert.equal(r.history.epoch.extra.wNorm.length, 5);
    assert.equal(r.history.epoch.accuracy[0], null, "regression has no accuracy");
    const out = net.apply(net.params, ds.x);
    assert.equal(r.finalLoss, nn.mse(out, ds.y).item(), "mse is the regression default");
  });
});

/** Run `fn` with console.warn captured; returns its result and the warnings. */
async function capturingWarnings<T>(fn: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (m: string) => void warnings.push(m);
  try {
    return { result: await fn(), warnings };
  } finally {
    console.warn = warn;
  }
}

describe("optim.train stops on non-finite values with stopReason 'non-finite', never a throw", () => {
  it("NaN in the inputs x: no step is taken, the example and feature are named", async () => {
    const ds = mixture();
    ds.x.data[4 * 13 + 2] = NaN; // example 13, feature 2 (dim 4)
    const net = nn.mlp([4, 8, 3], { seed: 0 });
    const before = Array.from(flatValues(net.params));
    const { result: r, warnings } = await capturingWarnings(() =>
      optim.train(net, ds, { optimizer: optim.adam({ lr: 0.01 }), epochs: 3, batchSize: 16 }),
    );
    assert.equal(r.stopReason, "non-finite");
    assert.equal(r.steps, 0);
    assert.deepEqual(r.nonFinite, { step: 0, epoch: 0, what: "data.x", block: null, index: 4 * 13 + 2, value: NaN });
    assert.match(r.message ?? "", /data\.x has the non-finite value NaN at example 13, entry 2/);
    assert.deepEqual(Array.from(flatValues(net.params)), before, "parameters untouched");
    assert.ok(Number.isNaN(r.finalLoss));
    assert.equal(warnings.length, 1);
  });

  it("Infinity in regression targets y is named as data.y", async () => {
    const ds = data.linearRegression({ n: 20, dim: 3, seed: 0 });
    ds.y.data[7] = -Infinity;
    const net = nn.mlp([3, 1], { seed: 0 });
    const { result: r } = await capturingWarnings(() => optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.1 }), epochs: 2 }));
    assert.equal(r.stopReason, "non-finite");
    assert.equal(r.steps, 0);
    assert.equal(r.nonFinite?.what, "data.y");
    assert.equal(r.nonFinite?.index, 7);
    assert.equal(r.nonFinite?.value, -Infinity);
    assert.match(r.message ?? "", /data\.y has the non-finite value -Infinity at example 7/);
  });

  it("a finite loss with a non-finite gradient stops before the update, naming the parameter block", async () => {
    const ds = mixture();
    const net = nn.mlp([4, 8, 3], { seed: 0 });
    const before = Array.from(flatValues(net.params));
    // √(0·out) is 0 (finite), but its derivative 0·(1/(2√0)) = 0·∞ is NaN.
    const sqrtOfZero = (out: Tensor) => sum(sqrt(mul(out, 0)));
    const { result: r } = await capturingWarnings(() => optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.1 }), loss: sqrtOfZero, epochs: 2 }));
    assert.equal(r.stopReason, "non-finite");
    assert.equal(r.steps, 0);
    assert.equal(r.nonFinite?.what, "gradient");
    assert.ok(leafPaths(net.params).includes(r.nonFinite!.block!), `block ${r.nonFinite?.block} is a parameter leaf`);
    assert.ok(Number.isNaN(r.nonFinite!.value));
    assert.match(r.message ?? "", new RegExp(`gradient of ${r.nonFinite!.block!.replace(/[.[\]]/g, "\\$&")} has the non-finite value NaN`));
    assert.deepEqual(Array.from(flatValues(net.params)), before, "no update was applied");
  });

  it("divergence under a huge lr stops at the step where the loss, gradient or parameters first overflow", async () => {
    const ds = data.linearRegression({ n: 20, dim: 5, seed: 0 });
    const net = nn.mlp([5, 1], { seed: 0 });
    const { result: r } = await capturingWarnings(() => optim.train(net, ds, { optimizer: optim.sgd({ lr: 1e6 }), epochs: 500 }));
    assert.equal(r.stopReason, "non-finite");
    const nf = r.nonFinite!;
    assert.ok(nf.step > 0 && nf.step < 500, `stopped at step ${nf.step}`);
    assert.ok(!Number.isFinite(nf.value));
    // every recorded step before it had a finite loss, and the report agrees with the model it left
    assert.ok(r.history.step.loss.every(Number.isFinite));
    if (nf.what === "params") {
      assert.equal(r.steps, nf.step, "the overflowing update is not counted as a completed step");
      const leaf = leaves(net.params)[leafPaths(net.params).indexOf(nf.block!)];
      assert.ok(Object.is(leaf.data[nf.index!], nf.value), "the named parameter entry holds the reported value");
    } else {
      assert.ok(nf.what === "loss" || nf.what === "gradient", nf.what);
      assert.equal(r.steps, nf.step);
      assert.ok(leaves(net.params).every((t) => t.data.every(Number.isFinite)), "no non-finite update was applied");
    }
    assert.match(r.message ?? "", new RegExp(`step ${nf.step} .*Lower the learning rate`));
  });
});

describe("optim.train on a network in training mode (PyTorch's semantics)", () => {
  // y = BN(x W) with W fixed by the first step's gradient only through BN's output: the running
  // statistics must follow each step's batch statistics of the BN input, x·W at that step.
  const bnNet = () => nn.network(nn.sequential({ fc: nn.linear(4, 3, { bias: false }), bn: nn.batchNorm(3) }), { inputShape: [4], seed: 1 });

  it("each step's batch statistics update the batch-norm running statistics (momentum 0.1, unbiased variance)", async () => {
    const ds = mixture(2);
    const net = bnNet().train();
    const W0 = Float64Array.from((net.params as unknown as { fc: { weight: Tensor } }).fc.weight.data);
    await optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.1 }), loss: "ce", epochs: 1 });
    // Oracle: the BN input at the step (θ before the update) is x·Wᵀ (PyTorch layout [out, in]).
    const n = ds.x.shape[0];
    const h = Array.from({ length: n }, (_, i) => [0, 1, 2].map((o) => [0, 1, 2, 3].reduce((s, k) => s + ds.x.data[i * 4 + k] * W0[o * 4 + k], 0)));
    const mean = [0, 1, 2].map((o) => h.reduce((s, r) => s + r[o], 0) / n);
    const uvar = [0, 1, 2].map((o) => h.reduce((s, r) => s + (r[o] - mean[o]) ** 2, 0) / (n - 1));
    const rm = net.state.get("bn.running_mean")!;
    const rv = net.state.get("bn.running_var")!;
    mean.forEach((m, o) => assert.ok(Math.abs(rm.data[o] - 0.1 * m) < 1e-12, `running_mean[${o}] ${rm.data[o]} vs ${0.1 * m}`));
    uvar.forEach((v, o) => assert.ok(Math.abs(rv.data[o] - (0.9 + 0.1 * v)) < 1e-12, `running_var[${o}] ${rv.data[o]} vs ${0.9 + 0.1 * v}`));
  });

  it("in evaluation mode training leaves the running statistics alone", async () => {
    const net = bnNet();
    await optim.train(net, mixture(2), { optimizer: optim.sgd({ lr: 0.1 }), loss: "ce", epochs: 2 });
    // Still the initial statistics (mean 0, variance 1), however the buffers were materialized.
    assert.deepEqual(Array.from(net.state.get("bn.running_mean")?.data ?? [0, 0, 0]), [0, 0, 0]);
    assert.deepEqual(Array.from(net.state.get("bn.running_var")?.data ?? [1, 1, 1]), [1, 1, 1]);
  });
});

describe("optim.train and hessian analyses stop on a cooperative interrupt", () => {
  it("train returns stopReason 'interrupted' at the next step after requestInterrupt()", async () => {
    const ds = mixture();
    const net = nn.mlp([4, 8, 3], { seed: 0 });
    const r = await optim.train(net, ds, {
      optimizer: optim.sgd({ lr: 0.1 }),
      epochs: 1000,
      onStep: ({ step }) => void (step === 4 && requestInterrupt()),
    });
    assert.equal(r.stopReason, "interrupted");
    assert.equal(r.steps, 5);
    // An interrupt before a run started does not stop the next run.
    const r2 = await optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.1 }), epochs: 3 });
    assert.equal(r2.stopReason, "completed");
  });

  it("a long Hessian analysis rejects with InterruptedError", async () => {
    const ds = mixture();
    // p = 2051: a dense Hessian of that many HVPs lasts far longer than one yield interval.
    const net = nn.mlp([4, 256, 3], { seed: 0 });
    setTimeout(requestInterrupt, 0);
    await assert.rejects(hessian.dense(net, ds), (e: unknown) => e instanceof InterruptedError && /interrupted/.test((e as Error).message));
  });
});
