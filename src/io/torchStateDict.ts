import { Tensor } from "../tensor/Tensor";
import { allocate } from "../tensor/dtype";
import { leaves, leafPaths, withLeaves, type Params } from "../autodiff/params";
import { noGrad } from "../autodiff/graph";
import type { Network } from "../nn/network";
import { OptlabError } from "../util/errors";
import { UnsupportedDTypeError } from "./errors";
import { checkFiniteNpy, isIntegerDType, npyDescr, toFloat64, type NpyArray } from "./npy";
import type { NpzArrays } from "./npz";
import { buildArchitecture, formatArchitecture, type ArchitectureSpec } from "./architectures";

/**
 * Loads a PyTorch `state_dict` saved as NumPy arrays
 * (`np.savez(f, **{k: v.numpy() for k, v in model.state_dict().items()})`) into one of optlab's
 * networks (nn.lenet5, nn.resnetCifar, nn.vitTiny, nn.grokkingTransformer). optlab's layers keep
 * PyTorch's parameter layouts (conv weight [out, in/groups, kh, kw], linear weight [out, in],
 * attention in_proj_weight [3D, D]) and module names, so a parameter tree leaf path maps to its
 * state-dict key by turning list indices into dotted ones: `layer1[0].bn1.weight` →
 * `layer1.0.bn1.weight`. Batch-norm buffers (`running_mean`, `running_var`,
 * `num_batches_tracked`) go into the network's state. Every mismatch is reported at once, each
 * with what to do: the rename (nearest name), the transpose or axis order, the option to change.
 */

/** State-dict key of a parameter-tree leaf path ("layer1[0].conv1.weight" → "layer1.0.conv1.weight"). */
export function torchKey(leafPath: string): string {
  return leafPath.replace(/\[(\d+)\]/g, ".$1");
}

/** A key the architecture has, with the shape it needs. */
interface Expected {
  key: string;
  shape: number[];
  /** Optional keys (num_batches_tracked) may be absent; they do not affect the function. */
  optional: boolean;
}

/** Levenshtein distance (for "nearest name" hints). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

function nearest(key: string, among: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of among) {
    const d = distance(key, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

const fmt = (s: readonly number[]) => `(${s.join(", ")}${s.length === 1 ? "," : ""})`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * An axis order `perm` with stored[perm[i]] = expected[i] (so `np.transpose(a, perm)` has the
 * expected shape), or null when the shapes are not a permutation of each other.
 */
function axisOrder(stored: readonly number[], expected: readonly number[]): number[] | null {
  if (stored.length !== expected.length || sameShape(stored, expected)) return null;
  const used = new Array<boolean>(stored.length).fill(false);
  const perm: number[] = [];
  for (const d of expected) {
    const j = stored.findIndex((s, i) => !used[i] && s === d);
    if (j < 0) return null;
    used[j] = true;
    perm.push(j);
  }
  return perm;
}

/** The parameter keys and buffer keys of a network, with shapes, in network order. */
function expectedKeys(net: Network<Params>): { params: Expected[]; buffers: Expected[] } {
  const ls = leaves(net.params);
  const params = leafPaths(net.params).map((p, i) => ({ key: torchKey(p), shape: [...ls[i].shape], optional: false }));
  // Buffers are created at their first read: one evaluation forward on zeros names them all.
  const state = new Map<string, Tensor>();
  noGrad(() => net.forward(net.params, new Tensor(allocate("f64", net.inputDim), [1, ...net.inputShape]), { training: false, state }));
  const buffers = [...state].map(([key, t]) => ({ key, shape: [...t.shape], optional: key.endsWith("num_batches_tracked") }));
  return { params, buffers };
}

/** What to do about a stored array whose shape differs from the expected one. */
function shapeAdvice(key: string, stored: readonly number[], expected: readonly number[], arch: string): string {
  const head = `'${key}' has shape ${fmt(stored)} but ${arch} needs ${fmt(expected)}`;
  if (stored.length === 2 && expected.length === 2 && stored[0] === expected[1] && stored[1] === expected[0] && stored[0] !== stored[1]) {
    return `${head}: it is transposed — save it transposed (${key.split(".").pop()}.T in NumPy); optlab reads PyTorch's layout, linear weight (out, in)`;
  }
  const perm = axisOrder(stored, expected);
  if (perm) {
    const layout = expected.length === 4 ? " (PyTorch's conv layout is (out, in, kh, kw); (kh, kw, in, out) is TensorFlow's/JAX's)" : "";
    return `${head}: its axes are in another order — save np.transpose(a, (${perm.join(", ")}))${layout}`;
  }
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  if (size(stored) === size(expected)) return `${head}: same number of values — reshape it to ${fmt(expected)} (a.reshape(${expected.join(", ")}))`;
  return `${head}: a different layer size — set the architecture's options (--arch ${arch.split(":")[0]}:key=value,…) to the model the weights come from`;
}

function floatValues(a: NpyArray, name: string): Float64Array {
  if (a.dtype === "b1" || isIntegerDType(a.dtype)) throw new UnsupportedDTypeError(`${name}: expected float32 or float64, got '${npyDescr(a.dtype)}'`);
  checkFiniteNpy(a, name);
  return toFloat64(a);
}

export interface StateDictLoadOptions {
  /** Archive name for messages (default "model.npz"). */
  file?: string;
}

/**
 * A float64 network of `arch` holding the archive's parameters and batch-norm buffers (PyTorch
 * state-dict names), in evaluation mode — the function PyTorch's `model.eval()` computes.
 *
 * @throws OptlabError listing every missing key (with the nearest name present), every
 *   unexpected key (with the nearest expected name; a one-to-one rename is spelled out), and every
 *   shape mismatch (transposed, axes permuted, reshaped, or a different layer size), all at once;
 *   NonFiniteError naming the key and the index of a NaN or ±Infinity.
 */
export function networkFromStateDict(arrays: NpzArrays, arch: ArchitectureSpec, opts: StateDictLoadOptions = {}): Network<Params> {
  const file = opts.file ?? "model.npz";
  const net = buildArchitecture(arch);
  const archName = formatArchitecture(arch);
  const { params, buffers } = expectedKeys(net);
  const expected = [...params, ...buffers];
  const have = Object.keys(arrays);
  const haveSet = new Set(have);
  const expectedSet = new Set(expected.map((e) => e.key));

  const problems: string[] = [];
  // A whole model saved from nn.DataParallel / DistributedDataParallel: one fix for all keys.
  if (have.length > 0 && have.every((k) => k.startsWith("module.")) && !expected.some((e) => e.key.startsWith("module."))) {
    throw new OptlabError(`${file}: every key starts with 'module.' (a state_dict of nn.DataParallel or DistributedDataParallel): ` +
      `save model.module.state_dict() instead, or strip the prefix ({k.removeprefix('module.'): v …})`);
  }
  const missing = expected.filter((e) => !e.optional && !haveSet.has(e.key));
  const unexpected = have.filter((k) => !expectedSet.has(k));
  const LIST = 12;
  if (missing.length) {
    const lines = missing.slice(0, LIST).map((e) => {
      // A stray key of the same shape is the likely rename; otherwise the nearest name is a hint.
      const sameShaped = unexpected.filter((k) => sameShape(arrays[k].shape, e.shape));
      const renameFrom = nearest(e.key, sameShaped);
      const near = nearest(e.key, have);
      const rename = renameFrom !== undefined
        ? ` — rename '${renameFrom}' ${fmt(arrays[renameFrom].shape)} to '${e.key}'`
        : near !== undefined ? ` (nearest key in the archive: '${near}' ${fmt(arrays[near].shape)})` : "";
      return `  missing '${e.key}' ${fmt(e.shape)}${rename}`;
    });
    if (missing.length > LIST) lines.push(`  … and ${missing.length - LIST} more missing keys`);
    problems.push(`${missing.length} missing key${missing.length > 1 ? "s" : ""}:\n${lines.join("\n")}`);
  }
  if (unexpected.length) {
    const open = missing.map((e) => e.key);
    const lines = unexpected.slice(0, LIST).map((k) => {
      const sameShaped = missing.filter((e) => sameShape(e.shape, arrays[k].shape)).map((e) => e.key);
      const near = nearest(k, sameShaped.length ? sameShaped : open.length ? open : [...expectedSet]);
      return `  unexpected '${k}' ${fmt(arrays[k].shape)}${near !== undefined ? ` (nearest expected name: '${near}')` : ""}`;
    });
    if (unexpected.length > LIST) lines.push(`  … and ${unexpected.length - LIST} more unexpected keys`);
    problems.push(`${unexpected.length} unexpected key${unexpected.length > 1 ? "s" : ""} (rename them to the expected names, or drop them):\n${lines.join("\n")}`);
  }
  const shapeLines: string[] = [];
  for (const e of expected) {
    const a = arrays[e.key];
    if (!a) continue;
    // num_batches_tracked: torch saves a 0-d int64; a (1,) array is the same count.
    const ok = e.key.endsWith("num_batches_tracked") ? a.shape.length === 0 || sameShape(a.shape, [1]) : sameShape(a.shape, e.shape);
    if (!ok) shapeLines.push(`  ${shapeAdvice(e.key, a.shape, e.shape, archName)}`);
  }
  if (shapeLines.length) problems.push(`${shapeLines.length} wrong shape${shapeLines.length > 1 ? "s" : ""}:\n${shapeLines.join("\n")}`);
  if (problems.length) {
    throw new OptlabError(`${file}: does not match ${archName} (${net.name}; PyTorch state_dict names, as ${expected.length} keys such as '${expected[0].key}'):\n${problems.join("\n")}`);
  }

  const newLeaves = params.map((e) => new Tensor(floatValues(arrays[e.key], `${file}: ${e.key}`), e.shape));
  net.params = withLeaves(net.params, newLeaves);
  net.state.clear();
  for (const b of buffers) {
    const a = arrays[b.key];
    if (!a) continue; // an absent num_batches_tracked: the count does not enter the function
    if (b.optional) {
      if (!isIntegerDType(a.dtype) && a.dtype !== "f4" && a.dtype !== "f8") throw new UnsupportedDTypeError(`${file}: ${b.key}: expected an integer count, got '${npyDescr(a.dtype)}'`);
      net.state.set(b.key, new Tensor(Float64Array.from(toFloat64(a)), b.shape));
      continue;
    }
    const v = floatValues(a, `${file}: ${b.key}`);
    if (b.key.endsWith("running_var")) {
      const i = v.findIndex((x) => x < 0);
      if (i >= 0) throw new OptlabError(`${file}: ${b.key}: negative variance ${v[i]} at [${i}] (a running variance is ≥ 0)`);
    }
    net.state.set(b.key, new Tensor(v, b.shape));
  }
  net.eval();
  return net;
}

/** The state-dict keys and shapes an architecture expects (parameters, then buffers), e.g. for docs and tests. */
export function stateDictKeys(arch: ArchitectureSpec): { key: string; shape: number[]; buffer: boolean }[] {
  const { params, buffers } = expectedKeys(buildArchitecture(arch));
  return [...params.map((e) => ({ key: e.key, shape: e.shape, buffer: false })), ...buffers.map((e) => ({ key: e.key, shape: e.shape, buffer: true }))];
}
