import { strict as assert } from "node:assert";
import { cifarLike, cifarLikeTemplates, type Dataset } from "../../src/data";

/** Nearest-class-mean classifier fitted on `train`, scored on `test` (plain loops, no optlab code). */
function nearestMeanAccuracy(train: Dataset, test: Dataset): number {
  const k = train.numClasses!;
  const d = train.x.size / train.x.shape[0];
  const means = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < train.x.shape[0]; i++) {
    const c = train.labels![i];
    counts[c]++;
    for (let j = 0; j < d; j++) means[c * d + j] += train.x.data[i * d + j];
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] /= counts[c];
  let right = 0;
  for (let i = 0; i < test.x.shape[0]; i++) {
    let best = -1;
    let bestDist = Infinity;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (test.x.data[i * d + j] - means[c * d + j]) ** 2;
      if (s < bestDist) [best, bestDist] = [c, s];
    }
    if (best === test.labels![i]) right++;
  }
  return right / test.x.shape[0];
}

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe("data.cifarLike (synthetic CIFAR-like images)", function () {
  this.timeout(60_000);

  it("shapes: NCHW images by default, flat on request; split sizes; balanced classes", () => {
    const { train, test } = cifarLike({ n: 203, testFraction: 0.25, size: 12, seed: 1 });
    assert.deepEqual(train.x.shape, [152, 3, 12, 12]);
    assert.deepEqual(test.x.shape, [51, 3, 12, 12]);
    assert.deepEqual(train.y.shape, [152]);
    assert.equal(train.numClasses, 10);
    assert.equal(train.task, "classification");
    assert.deepEqual(train.meta.imageShape, [3, 12, 12]);
    assert.equal(train.meta.synthetic, true);
    const counts = new Array(10).fill(0);
    for (const ds of [train, test]) for (const c of ds.labels!) counts[c]++;
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `class counts ${counts}`);
    const flat = cifarLike({ n: 203, testFraction: 0.25, size: 12, seed: 1, layout: "flat" });
    assert.deepEqual(flat.train.x.shape, [152, 432]);
    assert.ok(sameBits(flat.train.x.data, train.x.data), "flat and image layouts hold the same pixels");
    const f32 = cifarLike({ n: 20, size: 8, dtype: "f32" });
    assert.ok(f32.train.x.data instanceof Float32Array);
    assert.equal(cifarLike({ n: 40, classes: 3, size: 8 }).train.numClasses, 3);
  });

  it("seeded: same seed ⇒ bit-identical; another seed ⇒ new examples of the same class templates", () => {
    const a = cifarLike({ n: 60, size: 8, seed: 7 });
    const b = cifarLike({ n: 60, size: 8, seed: 7 });
    assert.ok(sameBits(a.train.x.data, b.train.x.data) && sameBits(a.test.x.data, b.test.x.data));
    assert.ok(sameBits(a.train.y.data, b.train.y.data));
    const c = cifarLike({ n: 60, size: 8, seed: 8 });
    assert.ok(!sameBits(a.train.x.data, c.train.x.data));
    assert.deepEqual(c.train.meta.templates, a.train.meta.templates);
    const d = cifarLike({ n: 60, size: 8, seed: 7, templateSeed: 1 });
    assert.notDeepEqual(d.train.meta.templates, a.train.meta.templates);
    assert.deepEqual(cifarLikeTemplates(10, 1), d.train.meta.templates);
  });

  it("classes are learnable but not trivially separable: nearest class mean on held-out images", () => {
    // Chance is 10%. The class means carry colour and shape, so a nearest-mean rule does far better
    // than chance, but shift, scale, rotation, colour jitter, background and noise keep it far from 100%.
    const { train, test } = cifarLike({ n: 1500, size: 16, seed: 3 });
    const acc = nearestMeanAccuracy(train, test);
    assert.ok(acc > 0.35, `nearest-mean held-out accuracy ${acc} is not far above chance (0.1)`);
    assert.ok(acc < 0.85, `nearest-mean held-out accuracy ${acc}: the classes are trivially separable`);
    // Without the nuisance variation the templates alone separate the classes: the difficulty
    // comes from the per-example deformations, not from classes that look alike.
    const rigid = cifarLike({ n: 500, size: 16, seed: 3, deformation: 0 });
    assert.ok(nearestMeanAccuracy(rigid.train, rigid.test) > 0.95);
    // Labels carry the information: shuffling them destroys it.
    const shuffled = { ...train, labels: Int32Array.from(train.labels!).reverse() };
    assert.ok(nearestMeanAccuracy(shuffled, test) < 0.2);
  });

  it('normalize "standard": per-channel mean 0 and std 1 on train; the same affine map on test', () => {
    const raw = cifarLike({ n: 200, size: 8, seed: 2 });
    const st = cifarLike({ n: 200, size: 8, seed: 2, normalize: "standard" });
    const plane = 64;
    const ntr = raw.train.x.shape[0];
    for (let ch = 0; ch < 3; ch++) {
      let s = 0, s2 = 0, m = 0, q = 0;
      for (let i = 0; i < ntr; i++) for (let j = 0; j < plane; j++) {
        const v = st.train.x.data[i * 192 + ch * plane + j];
        s += v;
        s2 += v * v;
        m += raw.train.x.data[i * 192 + ch * plane + j];
      }
      const N = ntr * plane;
      assert.ok(Math.abs(s / N) < 1e-12);
      assert.ok(Math.abs(s2 / N - 1) < 1e-12);
      const mean = m / N;
      for (let i = 0; i < ntr; i++) for (let j = 0; j < plane; j++) q += (raw.train.x.data[i * 192 + ch * plane + j] - mean) ** 2;
      const std = Math.sqrt(q / N);
      const t0 = raw.test.x.data[ch * plane + 5];
      assert.ok(Math.abs(st.test.x.data[ch * plane + 5] - (t0 - mean) / std) < 1e-12);
    }
  });

  it("bad options are errors that name the option", () => {
    assert.throws(() => cifarLike({ classes: 11 }), /cifarLike: option "classes" must be an integer in \[2, 10\], got 11/);
    assert.throws(() => cifarLike({ size: 2 }), /option "size" must be an integer in \[4, 256\]/);
    assert.throws(() => cifarLike({ noise: -0.1 }), /option "noise" must be a finite number >= 0/);
    assert.throws(() => cifarLike({ normalize: "unit" as never }), /option "normalize" must be one of "none", "standard"/);
    assert.throws(() => cifarLike({ testFraction: 1 }), /option "testFraction"/);
    assert.throws(() => cifarLike({ n: 1 }), /option "n" must be an integer >= 2/);
    assert.throws(() => cifarLike({ sise: 8 } as never), /sise/);
  });
});
