import { OptlabError } from "../util/errors";
import { MissingArrayError } from "./errors";
import type { NpzArrays } from "./npz";

/**
 * The layers of a model archive, by the names they have in it: either optlab's `W0, b0, W1, b1, …`
 * or a PyTorch `state_dict` saved as is (`np.savez(f, **{k: v.numpy() for k, v in
 * model.state_dict().items()})`), whose nn.Linear layers are `<prefix>.weight` [out, in] and
 * `<prefix>.bias` [out] — `0.weight`, `2.weight` of an nn.Sequential, `fc1.weight`, `fc2.weight`
 * of named modules. Both layouts store W as (out, in), so only the names differ.
 */
export interface NamedLayer {
  /** Archive name of the weight, e.g. "W1" or "fc2.weight". */
  weight: string;
  /** Archive name of the bias, if the layer has one. */
  bias?: string;
}

const STATE_KEY = /^(?:(.+)\.)?(weight|bias)$/;

/** The trailing integer of a module prefix ("0" → 0, "fc12" → 12, "layers.3" → 3), or null. */
function trailingIndex(prefix: string): number | null {
  const m = /(\d+)$/.exec(prefix);
  return m ? Number(m[1]) : null;
}

/**
 * The layers of a `state_dict` archive in network order: the order of the archive (a state_dict
 * lists modules in registration order and np.savez keeps it), or, when every module prefix ends in
 * a number, by that number (`fc2` before `fc10`). Errors name the key and say what to rename or drop.
 */
export function stateDictLayers(arrays: NpzArrays, file: string): NamedLayer[] {
  const groups = new Map<string, { weight?: string; bias?: string }>();
  for (const key of Object.keys(arrays)) {
    const m = STATE_KEY.exec(key);
    if (!m) {
      throw new OptlabError(`${file}: '${key}' is not the weight or bias of an nn.Linear layer: a model archive holds an MLP, either as ` +
        `W0, b0, W1, b1, … or as a PyTorch state_dict of nn.Linear layers ('<layer>.weight', '<layer>.bias'); drop '${key}' from the archive`);
    }
    const prefix = m[1] ?? ""; // a lone nn.Linear's state_dict: "weight", "bias"
    const g = groups.get(prefix) ?? {};
    g[m[2] as "weight" | "bias"] = key;
    groups.set(prefix, g);
  }
  let prefixes = [...groups.keys()];
  const indices = prefixes.map(trailingIndex);
  if (indices.every((i) => i !== null) && new Set(indices).size === indices.length) {
    prefixes = prefixes.map((p, i) => [p, indices[i]!] as const).sort((a, b) => a[1] - b[1]).map(([p]) => p);
  }
  return prefixes.map((p) => {
    const g = groups.get(p)!;
    if (!g.weight) throw new MissingArrayError(`${file}: has '${g.bias}' but no '${p ? `${p}.` : ""}weight' (each nn.Linear layer needs its weight)`);
    const w = arrays[g.weight];
    if (w.shape.length !== 2) {
      throw new OptlabError(`${file}: '${g.weight}' has shape (${w.shape.join(", ")}): not an nn.Linear weight (out, in); optlab analyze reads MLPs of nn.Linear layers only (drop or flatten this layer)`);
    }
    return g.bias ? { weight: g.weight, bias: g.bias } : { weight: g.weight };
  });
}

/** Whether an archive names its layers as a PyTorch state_dict (any `*.weight` / `*.bias` key). */
export function isStateDict(arrays: NpzArrays): boolean {
  return Object.keys(arrays).some((k) => STATE_KEY.test(k));
}

/**
 * The layers of a model archive in either layout (see NamedLayer). An archive that mixes the two
 * is an error naming a key of each.
 */
export function namedLayers(arrays: NpzArrays, file: string): NamedLayer[] {
  const keys = Object.keys(arrays);
  const ours = keys.filter((k) => /^[Wb]\d+$/.test(k));
  if (isStateDict(arrays)) {
    if (ours.length > 0) {
      const theirs = keys.find((k) => STATE_KEY.test(k))!;
      throw new OptlabError(`${file}: mixes optlab names ('${ours[0]}') with PyTorch state_dict names ('${theirs}'): use one layout (W0, b0, W1, b1, … or <layer>.weight, <layer>.bias)`);
    }
    return stateDictLayers(arrays, file);
  }
  return ourLayers(arrays, file);
}

function ourLayers(arrays: NpzArrays, file: string): NamedLayer[] {
  if (!arrays.W0) {
    const have = Object.keys(arrays);
    throw new MissingArrayError(`${file}: missing array 'W0' (the archive has ${have.length ? have.map((k) => `'${k}'`).join(", ") : "no arrays"}; ` +
      `a model archive holds W0, b0, W1, b1, … or a PyTorch state_dict such as '0.weight', '0.bias', …)`);
  }
  let L = 0;
  while (arrays[`W${L}`]) L++;
  for (const k of Object.keys(arrays)) {
    const m = /^([Wb])(\d+)$/.exec(k);
    if (m && Number(m[2]) >= L) {
      throw new MissingArrayError(`${file}: has '${k}' but no 'W${L}' (layers must be W0, b0, W1, b1, … without gaps)`);
    }
  }
  const out: NamedLayer[] = [];
  for (let l = 0; l < L; l++) out.push(arrays[`b${l}`] ? { weight: `W${l}`, bias: `b${l}` } : { weight: `W${l}` });
  return out;
}
