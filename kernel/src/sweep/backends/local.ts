import { Manifest, recordAttempt, unfinished, writeManifest } from "../manifest";
import { clearPointResult, runPoint } from "../point";

/** Options of the local backend. */
export interface LocalOptions {
  /** How many points run at once (each in its own kernel process). */
  jobs: number;
  /** Extra attempts a failing point gets (0: one attempt). */
  retries: number;
  /** One line per finished attempt. */
  log?: (line: string) => void;
}

/**
 * Runs the manifest's unfinished points on this machine, `jobs` at a time, each up to
 * `1 + retries` times. This process is the manifest's only writer: it records every attempt as
 * it ends, so an interrupted sweep resumes where it stopped.
 */
export async function runLocal(dir: string, m: Manifest, opts: LocalOptions): Promise<void> {
  const queue = unfinished(m).map((p) => p.index);
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (let attempt = 1; attempt <= 1 + opts.retries; attempt++) {
        clearPointResult(dir, next);
        const r = await runPoint(dir, next, { manifest: m });
        recordAttempt(m, r);
        writeManifest(dir, m);
        opts.log?.(`point ${next} attempt ${attempt}/${1 + opts.retries}: ${r.ok ? "done" : "failed"}`);
        if (r.ok) break;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, queue.length)) }, worker));
}
