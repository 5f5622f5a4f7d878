import * as fs from "fs";
import * as path from "path";
import { runNotebook } from "../runner/run";
import { Progress, silentProgress } from "../runner/progress";
import { loadManifest, Manifest, ManifestError, pointDir } from "./manifest";

/** What one attempt at one point produced: `DIR/runs/<i>/result.json`. */
export interface PointResult {
  index: number;
  ok: boolean;
  /** Wall time of the attempt in seconds. */
  seconds: number;
  /** The executed notebook, relative to the sweep directory. */
  executed?: string;
  /** The runner's failure message (which cell raised what). */
  error?: string;
}

/** The result file of point `index` in sweep directory `dir`. */
export const resultFile = (dir: string, index: number) => path.join(dir, pointDir(index), "result.json");

/** The last attempt's result of a point, or undefined when there is none (not run, or killed). */
export function readPointResult(dir: string, index: number): PointResult | undefined {
  try {
    const r = JSON.parse(fs.readFileSync(resultFile(dir, index), "utf8")) as PointResult;
    return r.index === index && typeof r.ok === "boolean" ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Forgets a point's last result, so that a missing file after a resubmission means "did not finish". */
export function clearPointResult(dir: string, index: number): void {
  fs.rmSync(resultFile(dir, index), { force: true });
}

/**
 * Runs point `index` of the sweep in `dir` once: the notebook with the point's parameters
 * injected after its `parameters` cell (the runner's `--param`), executed copy in
 * `DIR/runs/<i>/`, then `result.json` written atomically. This is what every backend's worker
 * does (a local pool slot, a Slurm array task, a Kubernetes Job index); it never writes the
 * manifest, whose only writer is the process driving the sweep.
 */
export async function runPoint(dir: string, index: number, opts: { manifest?: Manifest; progress?: Progress } = {}): Promise<PointResult> {
  const m = opts.manifest ?? loadManifest(dir);
  const p = m.points[index];
  if (!p) throw new ManifestError(`point index: expected an integer in [0, ${m.points.length - 1}], got ${index}`);
  const outDir = path.join(dir, pointDir(index));
  const run = await runNotebook(m.notebook, { outDir, params: p.params, timeoutS: m.timeoutS, kernelName: m.kernelName, progress: opts.progress ?? silentProgress });
  const result: PointResult = {
    index,
    ok: run.ok,
    seconds: Math.round(run.seconds * 1000) / 1000,
    ...(run.executed ? { executed: path.relative(dir, run.executed).split(path.sep).join("/") } : {}),
    ...(run.failure ? { error: run.failure.message } : {}),
  };
  fs.mkdirSync(outDir, { recursive: true });
  const file = resultFile(dir, index);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 1) + "\n");
  fs.renameSync(`${file}.tmp`, file);
  return result;
}
