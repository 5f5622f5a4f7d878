import * as fs from "fs";
import * as path from "path";
import { expandGrid, Grid, Point } from "./grid";
import type { PointResult } from "./point";

/** Where a point stands: not run yet, ran cleanly, or failed on its last attempt. */
export type PointStatus = "pending" | "done" | "failed";

/** One point in the manifest. */
export interface PointRecord {
  /** 0-based index in grid order (what SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX pick). */
  index: number;
  params: Point;
  status: PointStatus;
  /** Attempts made so far, over all invocations. */
  attempts: number;
  /** The executed notebook, relative to the sweep directory (written also when a cell failed). */
  output: string;
  /** The last failure's message (status "failed"). */
  error?: string;
  /** Wall time of the last attempt in seconds. */
  seconds?: number;
}

/** `DIR/manifest.json`: the sweep's definition and every point's state. */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** Absolute path of the swept notebook. */
  notebook: string;
  grid: Grid;
  /** Per-cell time limit in seconds passed to the runner. */
  timeoutS?: number;
  kernelName?: string;
  points: PointRecord[];
}

export const MANIFEST_FORMAT = "optlab-sweep/1";

/** A manifest that cannot be read, or one that belongs to a different sweep. */
export class ManifestError extends Error {
  override name = "ManifestError";
}

/** The manifest file of a sweep directory. */
export const manifestFile = (dir: string) => path.join(dir, "manifest.json");

/** The directory of point `index`'s run: `runs/0007`. */
export function pointDir(index: number): string {
  return path.join("runs", String(index).padStart(4, "0"));
}

const notebookStem = (nb: string) => path.basename(nb).replace(/\.ipynb$/i, "");

/** A fresh manifest: every point pending. */
export function newManifest(notebook: string, grid: Grid, opts: { timeoutS?: number; kernelName?: string } = {}): Manifest {
  const abs = path.resolve(notebook);
  return {
    format: MANIFEST_FORMAT,
    notebook: abs,
    grid,
    ...(opts.timeoutS !== undefined ? { timeoutS: opts.timeoutS } : {}),
    ...(opts.kernelName !== undefined ? { kernelName: opts.kernelName } : {}),
    points: expandGrid(grid).map((params, index) => ({
      index,
      params,
      status: "pending",
      attempts: 0,
      output: path.join(pointDir(index), `${notebookStem(abs)}.ipynb`).split(path.sep).join("/"),
    })),
  };
}

/** Reads `DIR/manifest.json`, or undefined when there is none. */
export function readManifest(dir: string): Manifest | undefined {
  const file = manifestFile(dir);
  if (!fs.existsSync(file)) return undefined;
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
  } catch (e) {
    throw new ManifestError(`${file}: not a readable sweep manifest (${(e as Error).message})`);
  }
  if (m?.format !== MANIFEST_FORMAT || !Array.isArray(m.points)) {
    throw new ManifestError(`${file}: expected a sweep manifest with format "${MANIFEST_FORMAT}", got format ${JSON.stringify(m?.format)}`);
  }
  return m;
}

/** Like readManifest, but a missing manifest is an error naming the directory. */
export function loadManifest(dir: string): Manifest {
  const m = readManifest(dir);
  if (!m) throw new ManifestError(`${dir}: no sweep here (no manifest.json; start one with optlab sweep <notebook> --out ${dir})`);
  return m;
}

/** Writes the manifest atomically (a reader never sees half a file). */
export function writeManifest(dir: string, m: Manifest): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = manifestFile(dir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(m, null, 1) + "\n");
  fs.renameSync(tmp, file);
}

/**
 * The manifest to run in `dir`: the existing one when it describes the same notebook and grid
 * (so a rerun resumes: done points are skipped), else a fresh one. A manifest of another sweep
 * is an error naming --out, never overwritten.
 */
export function openManifest(dir: string, notebook: string, grid: Grid, opts: { timeoutS?: number; kernelName?: string } = {}): Manifest {
  const fresh = newManifest(notebook, grid, opts);
  const old = readManifest(dir);
  if (!old) {
    writeManifest(dir, fresh);
    return fresh;
  }
  if (old.notebook !== fresh.notebook || JSON.stringify(old.grid) !== JSON.stringify(fresh.grid)) {
    throw new ManifestError(`--out ${dir}: holds a sweep of ${old.notebook} over ${JSON.stringify(old.grid)}, not of ${fresh.notebook} over ${JSON.stringify(fresh.grid)}; choose another --out directory`);
  }
  // Run settings may change between invocations; point states carry over.
  const m: Manifest = { ...old, ...opts };
  writeManifest(dir, m);
  return m;
}

/** Points still to run: those not done. */
export function unfinished(m: Manifest): PointRecord[] {
  return m.points.filter((p) => p.status !== "done");
}

/** Records one attempt's result in the point's entry. */
export function recordAttempt(m: Manifest, result: PointResult): void {
  const p = m.points[result.index];
  if (!p) throw new ManifestError(`point ${result.index}: not in the manifest (it has ${m.points.length} points)`);
  p.attempts++;
  p.status = result.ok ? "done" : "failed";
  p.seconds = result.seconds;
  if (result.ok) delete p.error;
  else p.error = result.error ?? "failed";
}
