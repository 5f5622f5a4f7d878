import { Tensor } from "../tensor/Tensor";
import { dataset } from "../data/Dataset";
import type { Dataset } from "../data/Dataset";
import { mlpFromWeights, type LinearWeights } from "../nn/fromWeights";
import type { ActivationName } from "../nn/activations";
import type { DenseParams } from "../nn/mlp";
import type { Model } from "../nn/Model";
import { OptlabError } from "../util/errors";
import { UnsupportedDTypeError } from "./errors";
import { checkFiniteNpy, isIntegerDType, npyDescr, toFloat64, type NpyArray } from "./npy";
import { requireArray, type NpzArrays } from "./npz";
import { namedLayers } from "./stateDict";
import { checkNotTransposed } from "./transposed";

/**
 * The archive layouts of `optlab analyze`, read into optlab objects with errors that name the
 * array, its shape and the shape it had to match:
 * - model: `W0, b0, W1, b1, …` in PyTorch `nn.Linear` layout (W_l [out, in], b_l [out]), float32/64,
 *   or a PyTorch state_dict of nn.Linear layers saved as is (`0.weight`, `0.bias`, `fc1.weight`, …);
 * - data: `x` [n, d] and `y` (n class ids, or [n, k] regression targets);
 * - features: `features` [n, d] and `labels` [n].
 */

const shapeOf = (a: NpyArray) => `(${a.shape.join(", ")})`;

function floatArray(a: NpyArray, name: string, allowIntegers = false): Float64Array {
  if (a.dtype === "b1" || (!allowIntegers && isIntegerDType(a.dtype))) throw new UnsupportedDTypeError(`${name}: expected float32 or float64${allowIntegers ? " (or integers)" : ""}, got '${npyDescr(a.dtype)}'`);
  checkFiniteNpy(a, name);
  return toFloat64(a);
}

/** Where a model archive's input size is fixed, for the transposed-weight check. */
export interface ModelInputOptions {
  /** Features of the inputs the model will see (x's columns), when known. */
  inputDim?: number;
  /** Where inputDim comes from, for messages (e.g. "data.npz: x (100, 4)"). */
  inputFrom?: string;
}

/**
 * The layers of a model archive (W_l [out, in] as stored), in optlab's `W0, b0, W1, b1, …` names
 * or a PyTorch state_dict's (`0.weight`, `fc1.bias`, …; see `stateDictLayers`), checked for gaps,
 * transposed weights (see `checkNotTransposed`) and finiteness. Messages use the archive's names.
 */
export function linearLayersFromNpz(arrays: NpzArrays, file = "model.npz", opts: ModelInputOptions = {}): LinearWeights[] {
  const named = namedLayers(arrays, file);
  for (const { weight } of named) {
    const W = arrays[weight];
    if (W.shape.length !== 2) throw new OptlabError(`${file}: ${weight}: expected a matrix (out, in), got shape ${shapeOf(W)}`);
  }
  checkNotTransposed(named, arrays, file, opts.inputDim, opts.inputFrom);
  return named.map(({ weight, bias }) => {
    const W = arrays[weight];
    const layer: LinearWeights = { W: new Tensor(floatArray(W, `${file}: ${weight}`), W.shape) };
    if (bias) {
      const b = arrays[bias];
      if (b.shape.length !== 1 || b.shape[0] !== W.shape[0]) {
        throw new OptlabError(`${file}: ${bias}: shape ${shapeOf(b)} does not match ${weight} ${shapeOf(W)}: expected (${W.shape[0]},)`);
      }
      layer.b = new Tensor(floatArray(b, `${file}: ${bias}`), b.shape);
    }
    return layer;
  });
}

/**
 * An nn.mlp model from a model archive (see `linearLayersFromNpz` and `nn.mlpFromWeights`),
 * float64 parameters. Shape mismatches between layers name both arrays (by their archive names)
 * and shapes.
 */
export function mlpFromNpz(arrays: NpzArrays, opts: { activation?: ActivationName; file?: string } & ModelInputOptions = {}): Model<DenseParams[]> {
  const file = opts.file ?? "model.npz";
  const layers = linearLayersFromNpz(arrays, file, opts);
  const named = namedLayers(arrays, file);
  try {
    return mlpFromWeights(layers, { activation: opts.activation ?? "relu", layout: "out-in", dtype: "f64" });
  } catch (e) {
    if (e instanceof OptlabError) {
      // mlpFromWeights names layers W<l> / b<l>; say what the archive calls them.
      const renamed = e.message.replace(/\b([Wb])(\d+)\b/g, (m, kind: string, l: string) => {
        const layer = named[Number(l)];
        return layer ? (kind === "W" ? layer.weight : layer.bias ?? m) : m;
      });
      throw new OptlabError(`${file}: ${renamed}`);
    }
    throw e;
  }
}

/** The archive name of layer l's weight ("W1", "fc2.weight"), for messages. */
export function layerWeightName(arrays: NpzArrays, file: string, l: number): string {
  return namedLayers(arrays, file)[l]?.weight ?? `W${l}`;
}

/** What a data archive's `y` holds. */
export type TargetKind = "labels" | "regression";

export interface DataFromNpzOptions {
  /** "labels" (class ids for cross-entropy) or "regression" ([n, k] floats for MSE). */
  targets: TargetKind;
  /** The model's input size d and the array that fixes it (for messages). */
  inputDim?: number;
  inputFrom?: string;
  /** The model's output size k (number of classes, or regression outputs). */
  outputDim?: number;
  outputFrom?: string;
  file?: string;
}

/** The inputs `x` [n, d] of a data archive as a float64 tensor, checked against the model's input size. */
export function inputsFromNpz(arrays: NpzArrays, opts: Pick<DataFromNpzOptions, "inputDim" | "inputFrom" | "file"> = {}): Tensor {
  const file = opts.file ?? "data.npz";
  const x = requireArray(arrays, "x", file);
  if (x.shape.length !== 2) throw new OptlabError(`${file}: x: expected a matrix (n, d), got shape ${shapeOf(x)}`);
  if (opts.inputDim !== undefined && x.shape[1] !== opts.inputDim) {
    throw new OptlabError(`${file}: x: shape ${shapeOf(x)} has ${x.shape[1]} features but ${opts.inputFrom ?? "the model"} expects ${opts.inputDim}`);
  }
  if (x.shape[0] === 0) throw new OptlabError(`${file}: x: has no rows (shape ${shapeOf(x)})`);
  return new Tensor(floatArray(x, `${file}: x`, true), x.shape);
}

/** Class ids of a 1-D (or (n, 1)) integer array, or float array with integral values, in [0, classes). */
export function labelsFromNpy(a: NpyArray, name: string, n: number, classes?: number, classesFrom?: string): Int32Array {
  const ok = a.shape.length === 1 || (a.shape.length === 2 && a.shape[1] === 1);
  if (!ok || a.shape[0] !== n) throw new OptlabError(`${name}: expected ${n} class labels, shape (${n},), got shape ${shapeOf(a)}`);
  if (!isIntegerDType(a.dtype)) checkFiniteNpy(a, name);
  const v = toFloat64(a);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(v[i])) throw new OptlabError(`${name}: label ${v[i]} at [${i}] is not an integer class id`);
    if (v[i] < 0 || (classes !== undefined && v[i] >= classes)) {
      throw new OptlabError(`${name}: label ${v[i]} at [${i}] is out of range [0, ${classes ?? "∞"})${classesFrom ? ` (${classesFrom})` : ""}`);
    }
    out[i] = v[i];
  }
  return out;
}

/**
 * A Dataset from a data archive: `x` [n, d] with `y` as n class ids (targets "labels") or [n, k]
 * floats (targets "regression"; [n] when k = 1), checked against the model's input and output sizes.
 */
export function datasetFromNpz(arrays: NpzArrays, opts: DataFromNpzOptions): Dataset {
  const file = opts.file ?? "data.npz";
  const x = inputsFromNpz(arrays, { ...opts, file });
  const n = x.shape[0];
  const y = requireArray(arrays, "y", file);
  const k = opts.outputDim;
  const from = opts.outputFrom ?? "the model";
  if (opts.targets === "labels") {
    const labels = labelsFromNpy(y, `${file}: y`, n, k, k === undefined ? undefined : `${from} has ${k} outputs`);
    return dataset(x, labels, { task: "classification", numClasses: k ?? Math.max(1, ...labels) + 1, name: file });
  }
  const cols = y.shape.length === 1 ? 1 : y.shape[1];
  if (y.shape.length > 2 || y.shape[0] !== n || (k !== undefined && cols !== k) || (y.shape.length === 1 && k !== undefined && k !== 1)) {
    const want = k === undefined ? `(${n}, k)` : k === 1 ? `(${n}, 1) or (${n},)` : `(${n}, ${k})`;
    throw new OptlabError(`${file}: y: regression targets must have shape ${want} for x ${shapeOf(arrays.x)}${k !== undefined ? ` and ${from} with ${k} outputs` : ""}, got ${shapeOf(y)}`);
  }
  const yv = floatArray(y, `${file}: y`, true);
  return dataset(x, new Tensor(yv, [n, cols]), { task: "regression", name: file });
}

/** `features` [n, d] and `labels` [n] of a neural-collapse archive (float64 features, class ids ≥ 0). */
export function featuresFromNpz(arrays: NpzArrays, opts: { file?: string; classes?: number; classesFrom?: string } = {}): { features: Tensor; labels: Int32Array } {
  const file = opts.file ?? "features.npz";
  const f = requireArray(arrays, "features", file);
  const l = requireArray(arrays, "labels", file);
  if (f.shape.length !== 2) throw new OptlabError(`${file}: features: expected a matrix (n, d), got shape ${shapeOf(f)}`);
  const features = new Tensor(floatArray(f, `${file}: features`, true), f.shape);
  const labels = labelsFromNpy(l, `${file}: labels`, f.shape[0], opts.classes, opts.classesFrom);
  return { features, labels };
}
