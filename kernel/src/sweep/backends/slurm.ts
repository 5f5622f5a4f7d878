import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Manifest, recordAttempt, unfinished, writeManifest } from "../manifest";
import { clearPointResult, readPointResult, PointResult } from "../point";
import { optlabCommand, shellQuote } from "./command";

/** Options of the Slurm backend. */
export interface SlurmOptions {
  /** Most array tasks running at once (`--array=…%M`). */
  jobs: number;
  /** Extra submissions for the indices that failed (0: one). */
  retries: number;
  /** Seconds between two `squeue` polls (default 5). */
  pollS?: number;
  /** More `sbatch` options, e.g. `--partition=gpu`, `--time=01:00:00`. */
  sbatchArgs?: string[];
  /** The command that starts `optlab` on a compute node (default: this node and launcher). */
  optlab?: string[];
  log?: (line: string) => void;
  /** Called with each job id as soon as it is submitted (and with undefined once it drained), so the caller can scancel it on Ctrl-C. */
  onJob?: (jobId: string | undefined) => void;
}

/** A Slurm command that failed; the message carries its stderr. */
export class SlurmError extends Error {
  override name = "SlurmError";
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: "utf8" }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === "string") {
        reject(new SlurmError(`cannot run ${cmd}: ${err.message} (is Slurm installed and on PATH?)`));
        return;
      }
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Sorted indices as a Slurm array spec: [0,1,2,5,7,8] → "0-2,5,7-8". */
export function arraySpec(indices: number[]): string {
  const s = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(i === j ? `${s[i]}` : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The batch script every array task runs: `optlab sweep run-point DIR` (the task id picks the point). */
export function batchScript(dir: string, optlab: string[]): string {
  const abs = path.resolve(dir);
  return [
    "#!/bin/bash",
    "#SBATCH --job-name=optlab-sweep",
    `#SBATCH --output=${path.join(abs, "slurm", "%A_%a.out")}`,
    `#SBATCH --chdir=${abs}`,
    "# Written by optlab sweep. Array task i runs point i of manifest.json (SLURM_ARRAY_TASK_ID),",
    "# writes runs/<i>/ and runs/<i>/result.json, and exits 1 when the notebook failed.",
    `exec ${[...optlab, "sweep", "run-point", abs].map(shellQuote).join(" ")}`,
    "",
  ].join("\n");
}

/** Submits one job array over `indices`; returns the job id. */
async function submit(script: string, indices: number[], opts: SlurmOptions): Promise<string> {
  const args = ["--parsable", `--array=${arraySpec(indices)}%${Math.max(1, opts.jobs)}`, ...(opts.sbatchArgs ?? []), script];
  const r = await run("sbatch", args);
  const id = r.stdout.trim().split(";")[0];
  if (r.code !== 0 || !/^\d+$/.test(id)) throw new SlurmError(`sbatch ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return id;
}

/** Waits until no task of the job is left in the queue. */
async function waitForJob(jobId: string, pollS: number): Promise<void> {
  for (;;) {
    const r = await run("squeue", ["-h", "-j", jobId, "-o", "%i %T"]);
    // A job that has left the controller's memory is reported as an invalid id: it is over.
    if (r.code !== 0 && !/invalid job id/i.test(r.stderr)) throw new SlurmError(`squeue -j ${jobId} failed (exit ${r.code}): ${r.stderr.trim()}`);
    if (r.code !== 0 || r.stdout.trim() === "") return;
    await new Promise((res) => setTimeout(res, pollS * 1000));
  }
}

/** The result of a task, or a failure saying it wrote none (with the tail of its Slurm log). */
function taskResult(dir: string, jobId: string, index: number): PointResult {
  const r = readPointResult(dir, index);
  if (r) return r;
  const log = path.join(dir, "slurm", `${jobId}_${index}.out`);
  const tail = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").slice(-5).join("\n") : "(no log)";
  return { index, ok: false, seconds: 0, error: `slurm task ${jobId}_${index} ended without a result (killed, or the worker could not start); ${log}:\n${tail}` };
}

/**
 * Runs the unfinished points as ONE Slurm job array (`sbatch --array=…%jobs`), polls `squeue`
 * until it has drained and records each task's result; indices that failed are submitted again,
 * as a smaller array, up to `retries` times. Writes `DIR/slurm/sweep.sbatch` and the task logs
 * `DIR/slurm/<job>_<index>.out`.
 */
export async function runSlurm(dir: string, m: Manifest, opts: SlurmOptions): Promise<string[]> {
  fs.mkdirSync(path.join(dir, "slurm"), { recursive: true });
  const script = path.join(path.resolve(dir), "slurm", "sweep.sbatch");
  fs.writeFileSync(script, batchScript(dir, opts.optlab ?? optlabCommand()), { mode: 0o755 });
  const jobs: string[] = [];
  let todo = unfinished(m).map((p) => p.index);
  for (let round = 0; round <= opts.retries && todo.length > 0; round++) {
    for (const i of todo) clearPointResult(dir, i);
    const jobId = await submit(script, todo, opts);
    jobs.push(jobId);
    opts.onJob?.(jobId);
    opts.log?.(`slurm job ${jobId}: array ${arraySpec(todo)} (attempt ${round + 1}/${opts.retries + 1})`);
    await waitForJob(jobId, opts.pollS ?? 5);
    opts.onJob?.(undefined);
    for (const i of todo) {
      const r = taskResult(dir, jobId, i);
      recordAttempt(m, r);
      opts.log?.(`point ${i} (task ${jobId}_${i}): ${r.ok ? "done" : "failed"}`);
    }
    writeManifest(dir, m);
    todo = todo.filter((i) => m.points[i].status !== "done");
  }
  return jobs;
}
