/** Shared helper of the course tests: the real `optlab` CLI (kernel/dist, built by `npm run build`). */
import { spawn } from "child_process";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const KERNEL_BIN = path.join(ROOT, "kernel", "dist", "bin", "optlab.js");
export const FIXTURES = path.join(ROOT, "test", "fixtures", "course");
export const COURSE = path.join(ROOT, "notebooks", "course");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node kernel/dist/bin/optlab.js …args` (async, so mocha's timeout applies). */
export function optlab(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [KERNEL_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], cwd: ROOT });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses a CSV with quoted fields ("" escapes a quote) into rows of strings. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(field), (field = "");
    else if (ch === "\n") row.push(field), rows.push(row), (row = []), (field = "");
    else field += ch;
  }
  if (field !== "" || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

export type Nb = { metadata: Record<string, any>; cells: { cell_type: string; id?: string; source: string | string[]; metadata: { tags?: string[]; optlab?: Record<string, unknown> }; outputs?: { output_type: string; ename?: string; evalue?: string; text?: string | string[] }[] }[] };
export const src = (c: Nb["cells"][number]) => (Array.isArray(c.source) ? c.source.join("") : c.source);
