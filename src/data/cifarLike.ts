import { Tensor } from "../tensor/Tensor";
import { checkOptions } from "../util/errors";
import type { Rng } from "../random/Rng";
import { toRng } from "../random/Rng";
import { dataset, type DataSplit, type Dataset } from "./Dataset";
import { asTensor, labelValues } from "./build";
import {
  COMMON_KEYS, checkOptionsObject, dtypeOption, enumOption, intOption, numOption, optionError, seedOption,
  type GeneratorCommon,
} from "./options";

/**
 * A SYNTHETIC stand-in for CIFAR-10. No npm package ships CIFAR-10 (or a subset) for offline
 * use, and only the npm registry is reachable here, so this generator draws colour images with
 * real class structure instead: every class is a template (a lobed shape with a striped texture,
 * a foreground and a background colour), and every example is that template under a random
 * shift, scale, rotation, texture phase, colour jitter, smooth background clutter and pixel
 * noise. Convolutional nets learn it; a nearest-class-mean classifier beats chance by far but is
 * far from perfect. It is not CIFAR: numbers measured on it are not CIFAR numbers.
 */
export interface CifarLikeOptions extends GeneratorCommon {
  /** Number of classes k in [2, 10]; default 10. */
  classes?: number;
  /** Total examples (train + test), at least 2; default 1000. Classes are balanced (counts differ by ≤ 1). */
  n?: number;
  /** Fraction of the examples in the test set, in [0, 1); default 0.2. */
  testFraction?: number;
  /** Image side H = W in pixels, in [4, 256]; default 32 (CIFAR's). Smaller sizes render the same scenes coarser. */
  size?: number;
  /** Standard deviation of the i.i.d. Gaussian pixel noise (intensity units, pixels nominally in [0, 1]); default 0.1. */
  noise?: number;
  /**
   * Scale of the per-example nuisance variation (shift, scale, rotation, colour jitter, clutter);
   * 0 renders every example of a class identically (up to pixel noise and texture phase); default 1.
   */
  deformation?: number;
  /**
   * Seed of the k class templates (shapes, textures, colours), separate from `seed` so that
   * different `seed`s draw fresh examples of the same classes; default 0.
   */
  templateSeed?: number;
  /**
   * "none": intensities as rendered (nominally [0, 1]; noise may take a pixel slightly outside,
   * nothing is clipped); "standard": per channel (x − μ_c)/σ_c with the *training* set's channel
   * mean and std, applied to both sets (as CIFAR pipelines do). Default "none".
   */
  normalize?: "none" | "standard";
  /** "images": x [n, 3, H, W] (NCHW, default); "flat": x [n, 3·H·W]. */
  layout?: "images" | "flat";
}

/** The appearance of one class (all in the unit square [-1, 1]² of the image). */
export interface CifarLikeTemplate {
  /** Lobes L of the shape's boundary r(φ) = radius·(1 + lobeDepth·cos(L·φ + lobePhase)); 0 = disk. */
  lobes: number;
  lobeDepth: number;
  lobePhase: number;
  /** Mean radius of the shape (half-side units). */
  radius: number;
  /** Stripe frequency (cycles per half-side) and orientation (radians) of the texture inside the shape. */
  frequency: number;
  orientation: number;
  /** Relative stripe contrast in [0, 1). */
  contrast: number;
  /** RGB colours of the shape and the background, in [0, 1]. */
  foreground: [number, number, number];
  background: [number, number, number];
}

const KEYS = ["classes", "n", "testFraction", "size", "noise", "deformation", "templateSeed", "normalize", "layout", ...COMMON_KEYS] as const;
const WHERE = "cifarLike";
const CHANNELS = 3;
/** Colours are drawn from this small palette so that colour alone does not name the class. */
const PALETTE: [number, number, number][] = [
  [0.85, 0.25, 0.2], [0.2, 0.55, 0.85], [0.25, 0.7, 0.3], [0.9, 0.8, 0.25], [0.55, 0.3, 0.7], [0.5, 0.5, 0.5],
];
const LOBES = [0, 2, 3, 4, 5, 6, 8];
/** Probability that an example shows its class's background colour (else a random palette colour). */
const OWN_BACKGROUND = 0.4;

/** The k class templates for a template seed (pure function of its arguments). */
export function cifarLikeTemplates(k: number, templateSeed = 0): CifarLikeTemplate[] {
  const rng = toRng(templateSeed).fork();
  const out: CifarLikeTemplate[] = [];
  const lobeOrder = rng.permutation(LOBES.length);
  for (let c = 0; c < k; c++) {
    const fg = rng.int(PALETTE.length);
    let bg = rng.int(PALETTE.length - 1);
    if (bg >= fg) bg++;
    out.push({
      lobes: LOBES[lobeOrder[c % LOBES.length]],
      lobeDepth: 0.15 + 0.2 * rng.uniform(),
      lobePhase: 2 * Math.PI * rng.uniform(),
      radius: 0.35 + 0.2 * rng.uniform(),
      frequency: 1 + 3 * rng.uniform(),
      orientation: Math.PI * rng.uniform(),
      contrast: 0.2 + 0.5 * rng.uniform(),
      foreground: [...PALETTE[fg]] as [number, number, number],
      background: [...PALETTE[bg]] as [number, number, number],
    });
  }
  return out;
}

/**
 * Seeded synthetic CIFAR-like colour images (see {@link CifarLikeOptions} for why synthetic):
 * k classes of textured lobed shapes on coloured backgrounds, each example deformed, jittered
 * and noised, split into disjoint train and test sets (both shuffled).
 *
 * @returns { train, test } classification Datasets with x [n, 3, H, W] (layout "images", NCHW,
 *   the trailing shape also in `meta.imageShape`) or [n, 3·H·W] (layout "flat"), and y [n];
 *   `meta.templates` holds the class templates, `meta.standardization` the channel means/stds
 *   used (normalize "standard") or null.
 */
export function cifarLike(opts: CifarLikeOptions = {}): DataSplit {
  checkOptionsObject(WHERE, opts);
  checkOptions(opts, KEYS, WHERE);
  const k = intOption(WHERE, "classes", opts.classes, 10, 2, 10);
  const n = intOption(WHERE, "n", opts.n, 1000, 2);
  const testFraction = numOption(WHERE, "testFraction", opts.testFraction, 0.2, { min: 0, max: 1 });
  if (testFraction >= 1) throw optionError(WHERE, "testFraction", `must be < 1, got ${testFraction}`);
  const size = intOption(WHERE, "size", opts.size, 32, 4, 256);
  const noise = numOption(WHERE, "noise", opts.noise, 0.1, { min: 0 });
  const deformation = numOption(WHERE, "deformation", opts.deformation, 1, { min: 0 });
  const templateSeed = intOption(WHERE, "templateSeed", opts.templateSeed, 0, -(2 ** 53), 2 ** 53);
  const normalize = enumOption(WHERE, "normalize", opts.normalize, "none", ["none", "standard"] as const);
  const layout = enumOption(WHERE, "layout", opts.layout, "images", ["images", "flat"] as const);
  const dtype = dtypeOption(WHERE, opts.dtype);
  const { rng, seed } = seedOption(WHERE, opts.seed);
  const nTest = Math.round(testFraction * n);
  const nTrain = n - nTest;
  if (nTrain < 1) throw optionError(WHERE, "testFraction", `= ${testFraction} leaves no training examples out of n = ${n}`);

  const templates = cifarLikeTemplates(k, templateSeed);
  // Separate streams: the labels do not move when the rendering changes, and vice versa.
  const labelRng = rng.fork();
  const drawRng = rng.fork();
  const order = labelRng.permutation(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[order[i]] = i % k;

  const pixels = CHANNELS * size * size;
  const x = new Float64Array(n * pixels);
  for (let i = 0; i < n; i++) render(templates[labels[i]], size, noise, deformation, drawRng, x.subarray(i * pixels, (i + 1) * pixels));

  let standardization: { mean: number[]; std: number[] } | null = null;
  if (normalize === "standard") {
    const plane = size * size;
    const mean = [0, 0, 0];
    const std = [0, 0, 0];
    for (let ch = 0; ch < CHANNELS; ch++) {
      let s = 0;
      for (let i = 0; i < nTrain; i++) for (let q = 0; q < plane; q++) s += x[i * pixels + ch * plane + q];
      const m = s / (nTrain * plane);
      let sq = 0;
      for (let i = 0; i < nTrain; i++) for (let q = 0; q < plane; q++) sq += (x[i * pixels + ch * plane + q] - m) ** 2;
      mean[ch] = m;
      std[ch] = Math.sqrt(sq / (nTrain * plane)) || 1;
      for (let i = 0; i < n; i++) for (let q = 0; q < plane; q++) x[i * pixels + ch * plane + q] = (x[i * pixels + ch * plane + q] - m) / std[ch];
    }
    standardization = { mean, std };
  }

  const make = (from: number, to: number, split: "train" | "test"): Dataset => {
    const m = to - from;
    const ds = dataset(asTensor(x.slice(from * pixels, to * pixels), [m, pixels], dtype), asTensor(labelValues(labels.slice(from, to)), [m], dtype), {
      name: `cifarLike ${split}`,
      task: "classification",
      numClasses: k,
      meta: {
        generator: WHERE,
        synthetic: true,
        source: "synthetic (seeded textured shapes with class structure; not CIFAR-10 — no npm package ships CIFAR-10 offline)",
        imageShape: [CHANNELS, size, size],
        templates,
        templateSeed,
        noise,
        deformation,
        normalize,
        standardization,
        testFraction,
        split,
        seed,
      },
    });
    return layout === "flat" ? ds : { ...ds, x: new Tensor(ds.x.data, [m, CHANNELS, size, size]) };
  };
  return { train: make(0, nTrain, "train"), test: make(nTrain, n, "test") };
}

/** Draws one example of class template `t` into `out` ([3, S, S] planes, row-major). */
function render(t: CifarLikeTemplate, S: number, noise: number, deformation: number, rng: Rng, out: Float64Array): void {
  const d = deformation;
  const shiftU = 0.15 * d * rng.normal();
  const shiftV = 0.15 * d * rng.normal();
  const scale = Math.exp(0.15 * d * rng.normal());
  const rot = 0.35 * d * rng.normal();
  const phase = 2 * Math.PI * rng.uniform();
  const gain = Math.exp(0.15 * d * rng.normal());
  const fg = t.foreground.map((v) => v + 0.08 * d * rng.normal());
  // The background is the class's own colour only part of the time (else any other palette
  // colour), so that the largest region of the image is a weak cue, not the answer.
  const ownBackground = d === 0 || rng.uniform() < OWN_BACKGROUND;
  const other = rng.int(PALETTE.length);
  const base = ownBackground || PALETTE[other].every((v, i) => v === t.foreground[i]) ? t.background : PALETTE[other];
  const bg = base.map((v) => v + 0.08 * d * rng.normal());
  // Clutter: two low-frequency plane waves per channel, so the background is not flat.
  const waves: number[][] = [];
  for (let ch = 0; ch < CHANNELS; ch++) {
    for (let w = 0; w < 2; w++) {
      const a = Math.PI * rng.uniform();
      const f = 0.5 + rng.uniform();
      waves.push([0.1 * d * rng.normal(), Math.PI * f * Math.cos(a), Math.PI * f * Math.sin(a), 2 * Math.PI * rng.uniform()]);
    }
  }
  const cosR = Math.cos(rot);
  const sinR = Math.sin(rot);
  const ku = Math.PI * t.frequency * Math.cos(t.orientation);
  const kv = Math.PI * t.frequency * Math.sin(t.orientation);
  const edge = 0.04;
  const plane = S * S;
  for (let r = 0; r < S; r++) {
    const v0 = (2 * (r + 0.5)) / S - 1;
    for (let c = 0; c < S; c++) {
      const u0 = (2 * (c + 0.5)) / S - 1;
      // Pixel position in the template's own frame (inverse of shift, rotation, scale).
      const du = u0 - shiftU;
      const dv = v0 - shiftV;
      const u = (cosR * du + sinR * dv) / scale;
      const v = (-sinR * du + cosR * dv) / scale;
      const rho = Math.hypot(u, v);
      const boundary = t.radius * (1 + t.lobeDepth * Math.cos(t.lobes * Math.atan2(v, u) + t.lobePhase));
      const inside = 1 / (1 + Math.exp((rho - boundary) / edge));
      const stripe = 1 + t.contrast * Math.sin(ku * u + kv * v + phase);
      for (let ch = 0; ch < CHANNELS; ch++) {
        let clutter = 0;
        for (let w = 0; w < 2; w++) {
          const [amp, wu, wv, ph] = waves[ch * 2 + w];
          clutter += amp * Math.cos(wu * u0 + wv * v0 + ph);
        }
        const value = gain * (inside * fg[ch] * stripe + (1 - inside) * bg[ch]) + clutter + noise * rng.normal();
        out[ch * plane + r * S + c] = value;
      }
    }
  }
}
