import { spawnSync } from "child_process";
import * as path from "path";
import { collect } from "./collect";
import { NotebookError, readNotebook } from "../runner/notebook";
import { injectParameters, ParamError } from "../runner/params";
import { Grid, GridError, gridFromParams, gridPoint, readGrid } from "./grid";
import { ManifestError, openManifest, Manifest, loadManifest } from "./manifest";
import { readPointResult, runPoint } from "./point";
import { runLocal } from "./backends/local";
import { runSlurm, SlurmError } from "./backends/slurm";
import { writeIndexedJob } from "./backends/k8s";

export const SWEEP_USAGE = `  optlab sweep <notebook.ipynb> (--grid grid.json | -p name=v1,v2 …) [--backend local|slurm|k8s] [--out DIR] [--jobs N] [--retries N]
  optlab sweep collect DIR
  optlab sweep run-point DIR [INDEX]`;

/** `optlab sweep --help`. */
export const SWEEP_HELP = `usage:
${SWEEP_USAGE}

Runs a notebook once per point of a parameter grid (the cartesian product of the values), each
point's values injected after the cell tagged "parameters" in a cell tagged
"injected-parameters" (papermill's convention; see optlab run --help, --param).
  --grid F          a JSON object of parameter → non-empty array of values:
                    {"seed": [0, 1, 2], "lr": [0.1, 0.5]}   (6 points; the last name varies fastest)
  -p name=v1,v2     one parameter's values, JSON separated by commas (repeatable; instead of --grid):
                    -p seed=0,1,2 -p lr=0.1,0.5 -p mode='"sgd","adam"'
  --backend B       local (default): runs here, --jobs at a time
                    slurm: submits ONE job array (sbatch --array=…%jobs), polls squeue until it
                           drains; failed indices are resubmitted (--retries)
                    k8s:   writes DIR/k8s/job.json, an Indexed Job (apply it with kubectl apply -f)
  --out DIR         sweep directory (default sweep): manifest.json, runs/<i>/ (executed notebook,
                    result.json), slurm/ or k8s/. Rerunning with the same DIR resumes: done
                    points are skipped, the rest run again.
  --jobs N          points at once (local processes, Slurm array throttle, Job parallelism; default 2)
  --retries N       extra attempts of a failing point (default 1)
  --timeout S       seconds a cell may run (default 300)
  --kernel-name N   run on the installed kernelspec N
  --poll S          slurm: seconds between squeue polls (default 5)
  --sbatch-arg A    slurm: one more sbatch option, e.g. --sbatch-arg=--partition=gpu (repeatable)
  --image I         k8s: container image with optlab and the notebook at the same path (required)
  --pvc C           k8s: PersistentVolumeClaim mounted at DIR, where results are written
  --namespace NS    k8s: the Job's namespace
Exit 1 when a point still fails after its retries.

optlab sweep collect DIR
  Writes DIR/sweep.csv (a row per point: parameters, status, attempts, scalars, checks) and
  DIR/summary.ipynb (the table and one figure per scalar against each numeric swept parameter).
  Scalars are named values a notebook displays as scrapbook bundles,
    display.mime({ "application/scrapbook.scrap.json+json": { name: "loss", data: loss, encoder: "json", version: 1 } })
  and the numbers of its reportClaim checks (<check id>.<name>, <check id>.passed).

optlab sweep run-point DIR [INDEX]
  What a worker runs: point INDEX (default $SLURM_ARRAY_TASK_ID, else $JOB_COMPLETION_INDEX) of
  DIR/manifest.json; skips a point whose result says done. Exit 1 when the notebook failed.`;

/** A command-line mistake in sweep; main prints it with the usage (exit 2). */
export class SweepUsageError extends Error {
  override name = "SweepUsageError";
}

type Backend = "local" | "slurm" | "k8s";

interface SweepArgs {
  notebook?: string;
  gridFile?: string;
  params: string[];
  backend: Backend;
  out: string;
  jobs: number;
  retries: number;
  timeoutS?: number;
  kernelName?: string;
  pollS?: number;
  sbatchArgs: string[];
  image?: string;
  pvc?: string;
  namespace?: string;
}

function count(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new SweepUsageError(`${flag}: expected an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return n;
}

function seconds(flag: string, v: string): number {
  const s = Number(v);
  if (!Number.isFinite(s) || s <= 0) throw new SweepUsageError(`${flag}: expected a positive number of seconds, got ${JSON.stringify(v)}`);
  return s;
}

/** Parses the arguments of `optlab sweep <notebook> …`. */
export function parseSweepArgs(args: string[]): SweepArgs {
  const out: SweepArgs = { params: [], backend: "local", out: "sweep", jobs: 2, retries: 1, sbatchArgs: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined || (v.startsWith("-") && flag !== "--sbatch-arg")) throw new SweepUsageError(`${flag} expects a value`);
      return v;
    };
    switch (flag) {
      case "--grid": out.gridFile = value(); break;
      case "-p": case "--param": out.params.push(value()); break;
      case "--backend": {
        const b = value();
        if (b !== "local" && b !== "slurm" && b !== "k8s") throw new SweepUsageError(`--backend: expected local, slurm or k8s, got ${JSON.stringify(b)}`);
        out.backend = b;
        break;
      }
      case "--out": out.out = value(); break;
      case "--jobs": out.jobs = count("--jobs", value(), 1); break;
      case "--retries": out.retries = count("--retries", value(), 0); break;
      case "--timeout": out.timeoutS = seconds("--timeout", value()); break;
      case "--poll": out.pollS = seconds("--poll", value()); break;
      case "--kernel-name": out.kernelName = value(); break;
      case "--sbatch-arg": out.sbatchArgs.push(value()); break;
      case "--image": out.image = value(); break;
      case "--pvc": out.pvc = value(); break;
      case "--namespace": out.namespace = value(); break;
      default:
        if (a.startsWith("-")) throw new SweepUsageError(`unknown option ${JSON.stringify(a)}`);
        if (out.notebook !== undefined) throw new SweepUsageError(`optlab sweep takes one notebook, got ${JSON.stringify(out.notebook)} and ${JSON.stringify(a)}`);
        out.notebook = a;
    }
  }
  if (out.notebook === undefined) throw new SweepUsageError("optlab sweep needs a notebook");
  if (out.gridFile !== undefined && out.params.length > 0) throw new SweepUsageError("--grid and -p: give the grid one way (a file or -p arguments), not both");
  if (out.gridFile === undefined && out.params.length === 0) throw new SweepUsageError("optlab sweep needs a grid: --grid grid.json or -p name=v1,v2 …");
  if (out.backend === "k8s" && !out.image) throw new SweepUsageError("--backend k8s needs --image (a container image with optlab and the notebook)");
  for (const [flag, set, backend] of [["--poll", out.pollS !== undefined, "slurm"], ["--sbatch-arg", out.sbatchArgs.length > 0, "slurm"], ["--image", out.image !== undefined, "k8s"], ["--pvc", out.pvc !== undefined, "k8s"], ["--namespace", out.namespace !== undefined, "k8s"]] as const) {
    if (set && out.backend !== backend) throw new SweepUsageError(`${flag} belongs to --backend ${backend}`);
  }
  return out;
}

function summary(m: Manifest): { line: string; failed: number } {
  const done = m.points.filter((p) => p.status === "done").length;
  const failed = m.points.filter((p) => p.status === "failed");
  const lines = [`optlab sweep: ${done}/${m.points.length} points done${failed.length ? `, ${failed.length} failed` : ""}`];
  for (const p of failed) lines.push(`  point ${p.index} ${JSON.stringify(p.params)} failed after ${p.attempts} attempt${p.attempts === 1 ? "" : "s"}: ${(p.error ?? "").split("\n")[0]}`);
  return { line: lines.join("\n"), failed: failed.length };
}

/** `optlab sweep run-point DIR [INDEX]`. */
async function runPointCommand(args: string[]): Promise<number> {
  const [dir, given, ...extra] = args;
  if (dir === undefined || extra.length > 0) throw new SweepUsageError("usage: optlab sweep run-point DIR [INDEX]");
  const text = given ?? process.env.SLURM_ARRAY_TASK_ID ?? process.env.JOB_COMPLETION_INDEX;
  if (text === undefined) throw new SweepUsageError("optlab sweep run-point: no INDEX given and neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set");
  const index = Number(text);
  const m = loadManifest(dir);
  if (!/^\d+$/.test(text) || index >= m.points.length) {
    throw new SweepUsageError(`optlab sweep run-point: INDEX: expected an integer in [0, ${m.points.length - 1}], got ${JSON.stringify(text)}`);
  }
  if (readPointResult(dir, index)?.ok) {
    console.log(`point ${index}: already done`);
    return 0;
  }
  const r = await runPoint(dir, index, { manifest: m });
  if (r.ok) console.log(`point ${index}: done (${r.executed})`);
  else console.error(`optlab sweep: point ${index} failed: ${r.error}`);
  return r.ok ? 0 : 1;
}

/**
 * Ctrl-C / SIGTERM end the sweep: a Slurm array still queued or running is cancelled (scancel),
 * so nothing keeps computing for a driver that is gone; the runner's exit hook stops local
 * kernels. The manifest already holds every finished attempt, so the same command resumes.
 */
function stopOnSignals(active: () => string | undefined): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      const job = active();
      if (job !== undefined) spawnSync("scancel", [job], { stdio: "ignore" });
      process.stderr.write(`\noptlab sweep: ${sig === "SIGINT" ? "interrupted" : "terminated"}${job !== undefined ? ` (cancelled slurm job ${job})` : ""}; rerun the same command to resume\n`);
      process.exit(130);
    });
  }
}

/** `optlab sweep …`: start or resume a sweep, run one point, or collect. */
export async function sweepCommand(args: string[]): Promise<number> {
  try {
    if (args[0] === "run-point") return await runPointCommand(args.slice(1));
    if (args[0] === "collect") {
      if (args.length !== 2) throw new SweepUsageError("usage: optlab sweep collect DIR");
      const c = collect(args[1]);
      console.log(`${c.csv}\n${c.summary} (${c.table.rows.length} points, ${c.figures} figure${c.figures === 1 ? "" : "s"})`);
      return 0;
    }
    const a = parseSweepArgs(args);
    const grid: Grid = a.gridFile !== undefined ? readGrid(a.gridFile) : gridFromParams(a.params);
    // Every point sets the same names: check them against the parameters cell before running any.
    injectParameters(readNotebook(a.notebook!), gridPoint(grid, 0), a.notebook!);
    const m = openManifest(a.out, a.notebook!, grid, { timeoutS: a.timeoutS, kernelName: a.kernelName });
    const log = (line: string) => console.error(line);
    let activeJob: string | undefined;
    if (a.backend !== "k8s") stopOnSignals(() => activeJob);
    switch (a.backend) {
      case "local":
        await runLocal(a.out, m, { jobs: a.jobs, retries: a.retries, log: (l) => log(l) });
        break;
      case "slurm":
        await runSlurm(a.out, m, { jobs: a.jobs, retries: a.retries, pollS: a.pollS, sbatchArgs: a.sbatchArgs, log, onJob: (j) => (activeJob = j) });
        break;
      case "k8s": {
        const file = writeIndexedJob(a.out, m, { image: a.image!, jobs: a.jobs, retries: a.retries, pvc: a.pvc, namespace: a.namespace });
        console.log(`${file}\n(kubectl apply -f ${file}; then optlab sweep collect ${a.out})`);
        return 0;
      }
    }
    const s = summary(m);
    console.error(s.line);
    console.log(path.join(a.out, "manifest.json"));
    return s.failed > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof GridError || e instanceof ParamError) throw new SweepUsageError(e.message);
    if (e instanceof NotebookError) {
      console.error(`optlab sweep: ${e.message}`);
      return 1;
    }
    if (e instanceof ManifestError || e instanceof SlurmError) {
      console.error(`optlab sweep: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

