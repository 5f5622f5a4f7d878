import { OptlabError } from "../util/errors";
import { MissingArrayError, NpyFormatError } from "./errors";
import { readNpy, writeNpy, type NpyArray, type NpyLike, type WriteNpyOptions } from "./npy";
import { readZip, writeZip } from "./zip";
import { isModel, mlpArchiveArrays } from "./modelArchive";
import type { Model } from "../nn/Model";

/** Arrays of an .npz archive by name (the entry name without ".npy"), in archive order. */
export type NpzArrays = Record<string, NpyArray>;

export interface ReadNpzOptions {
  /** Used in error messages (e.g. the file path); default "npz". */
  name?: string;
  /** Reject NaN / ±Infinity in every float array (NonFiniteError naming the array and index). */
  finite?: boolean;
}

/**
 * Reads a NumPy .npz archive (what `np.savez` and `np.savez_compressed` write): every `*.npy`
 * entry, stored or deflated, parsed by `readNpy`. Other entries are ignored.
 *
 * @throws ZipFormatError / TruncatedError for a bad container, the `readNpy` errors (named
 *   `<file>/<entry>`) for a bad member.
 */
export function readNpz(bytes: Uint8Array, opts: ReadNpzOptions = {}): NpzArrays {
  const name = opts.name ?? "npz";
  const out: NpzArrays = Object.create(null);
  for (const e of readZip(bytes, name)) {
    if (!e.name.endsWith(".npy")) continue;
    const key = e.name.slice(0, -4);
    if (key in out) throw new NpyFormatError(`${name}: two entries named ${e.name}`);
    out[key] = readNpy(e.data, { name: `${name}: ${key}`, finite: opts.finite });
  }
  return out;
}

export interface WriteNpzOptions extends WriteNpyOptions {
  /** Deflate the entries, as `np.savez_compressed` does (default false, as `np.savez`). */
  compress?: boolean;
}

/**
 * Writes arrays (NpyArray or Tensor) as an .npz archive that `np.load` reads: entry `<key>.npy` per
 * array, stored or deflated (`compress`), with fixed timestamps so equal inputs give equal bytes.
 */
export function writeNpz(arrays: Record<string, NpyLike>, opts: WriteNpzOptions = {}): Uint8Array {
  if (!arrays || typeof arrays !== "object") throw new OptlabError("arrays: expected an object of name → NpyArray | Tensor");
  const entries = Object.entries(arrays).map(([key, a]) => {
    if (key === "" || key.includes("/")) throw new OptlabError(`arrays: invalid array name ${JSON.stringify(key)}`);
    return { name: `${key}.npy`, data: writeNpy(a, { version: opts.version, fortranOrder: opts.fortranOrder }) };
  });
  return writeZip(entries, { compress: opts.compress ?? false });
}

/** The array `key` of an archive, or a MissingArrayError naming the file and the arrays it has. */
export function requireArray(arrays: NpzArrays, key: string, file = "npz"): NpyArray {
  const a = arrays[key];
  if (!a) {
    const have = Object.keys(arrays);
    throw new MissingArrayError(`${file}: missing array '${key}' (the archive has ${have.length ? have.map((k) => `'${k}'`).join(", ") : "no arrays"})`);
  }
  return a;
}

function fs(): typeof import("fs") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("fs") as typeof import("fs");
}

/** Reads an .npz file from disk (Node only); errors name the path. */
export function loadNpz(path: string, opts: Omit<ReadNpzOptions, "name"> = {}): NpzArrays {
  return readNpz(readFile(path), { ...opts, name: path });
}

/**
 * Writes an .npz file to disk (Node only): the given arrays, or for an `nn.mlp` model the archive
 * `optlab analyze --model` reads (W0, b0, W1, b1, … in PyTorch layout; see `mlpArchiveArrays`).
 */
export function saveNpz(path: string, arrays: Record<string, NpyLike> | Model, opts: WriteNpzOptions = {}): void {
  fs().writeFileSync(path, writeNpz(isModel(arrays) ? mlpArchiveArrays(arrays) : arrays, opts));
}

/** Reads an .npy file from disk (Node only); errors name the path. */
export function loadNpy(path: string, opts: { finite?: boolean } = {}): NpyArray {
  return readNpy(readFile(path), { ...opts, name: path });
}

/** Writes an .npy file to disk (Node only). */
export function saveNpy(path: string, array: NpyLike, opts: WriteNpyOptions = {}): void {
  fs().writeFileSync(path, writeNpy(array, opts));
}

function readFile(path: string): Uint8Array {
  try {
    const b = fs().readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new OptlabError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
