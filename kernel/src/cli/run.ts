import * as fs from "fs";
import * as path from "path";
import { parseParam, ParamError } from "../runner/params";
import { TerminalProgress } from "../runner/progress";
import { reproduce } from "../runner/reproduce";
import { NotebookRun, runNotebook } from "../runner/run";

export const RUN_USAGE = `  optlab run <notebook.ipynb…> [--out DIR] [--timeout S] [--kernel-name N] [--param name=JSON …] [--html]
  optlab reproduce [--out DIR] [--dir notebooks/papers] [--timeout S] [--kernel-name N]`;

/** `optlab run --help` and `optlab reproduce --help`. */
export const RUN_HELP: Record<"run" | "reproduce", string> = {
  run: `usage: optlab run <notebook.ipynb…> [--out DIR] [--timeout S] [--kernel-name N] [--param name=JSON …] [--html]

Executes each notebook top to bottom on a fresh optlab kernel and writes the executed copy to
DIR/<name>.ipynb (figures to DIR/figures); prints the path of each notebook written. Exit 1 when
a cell fails or a claim check does not hold.
  --out DIR         output directory (default out)
  --timeout S       seconds a cell may run (default 300)
  --kernel-name N   run on the installed kernelspec N instead of this package's kernel
  --param name=JSON override a parameter: the notebook's code cell tagged "parameters" declares
                    it (\`let lr = 0.1;\` or a property of \`const params = {…}\`); the values go
                    into a cell tagged "injected-parameters" right after it, e.g.
                    --param lr=0.5 --param widths='[64,128]' --param mode='"sgd"'
  --html            also write DIR/<name>.html, a static page whose widgets work offline`,
  reproduce: `usage: optlab reproduce [--out DIR] [--dir notebooks/papers] [--timeout S] [--kernel-name N]

Runs every paper notebook in --dir (default notebooks/papers) and writes DIR/index.html and
DIR/report.json: per notebook its claim, whether its check held, and the executed copy.
Exit 1 when any notebook fails or none is found.`,
};

/** A command-line mistake in run/reproduce; main prints it with the usage (exit 2). */
export class RunUsageError extends Error {
  override name = "RunUsageError";
}

interface RunArgs {
  notebooks: string[];
  out: string;
  dir: string;
  timeoutS?: number;
  kernelName?: string;
  params: Record<string, unknown>;
  html: boolean;
}

function parseArgs(command: "run" | "reproduce", args: string[]): RunArgs {
  const out: RunArgs = { notebooks: [], out: "out", dir: path.join("notebooks", "papers"), params: {}, html: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new RunUsageError(`${flag} expects a value`);
      return v;
    };
    switch (flag) {
      case "--out": out.out = value(); break;
      case "--timeout": {
        const v = value();
        const s = Number(v);
        if (!Number.isFinite(s) || s <= 0) throw new RunUsageError(`--timeout: expected a positive number of seconds, got ${JSON.stringify(v)}`);
        out.timeoutS = s;
        break;
      }
      case "--kernel-name": out.kernelName = value(); break;
      case "--html":
        if (command !== "run") throw new RunUsageError("--html belongs to optlab run (optlab reproduce always writes <notebook>.html)");
        if (eq > 0) throw new RunUsageError("--html takes no value");
        out.html = true;
        break;
      case "--dir":
        if (command !== "reproduce") throw new RunUsageError("--dir belongs to optlab reproduce");
        out.dir = value();
        break;
      case "--param": {
        if (command !== "run") throw new RunUsageError("--param belongs to optlab run");
        try {
          const [name, v] = parseParam(value());
          out.params[name] = v;
        } catch (e) {
          if (e instanceof ParamError) throw new RunUsageError(e.message);
          throw e;
        }
        break;
      }
      default:
        if (a.startsWith("-")) throw new RunUsageError(`unknown option ${JSON.stringify(a)}`);
        if (command !== "run") throw new RunUsageError(`unexpected argument ${JSON.stringify(a)}`);
        out.notebooks.push(a);
    }
  }
  return out;
}

function report(run: NotebookRun): void {
  if (run.failure) console.error(`optlab run: ${run.failure.message}`);
}

/**
 * Ctrl-C / SIGTERM end the command; the launcher's exit hook then kills the kernel (which got
 * the terminal's SIGINT too, and would otherwise only interrupt its cell and keep serving).
 */
function exitOnSignals(command: string): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      process.stderr.write(`\noptlab ${command}: ${sig === "SIGINT" ? "interrupted" : "terminated"}\n`);
      process.exit(130);
    });
  }
}

/** `optlab run`: executes notebooks in order; exit 1 if any failed. */
export async function runCommand(args: string[]): Promise<number> {
  const a = parseArgs("run", args);
  if (a.notebooks.length === 0) throw new RunUsageError("optlab run needs at least one notebook");
  exitOnSignals("run");
  const progress = new TerminalProgress();
  let failed = 0;
  for (const nb of a.notebooks) {
    const run = await runNotebook(nb, { outDir: a.out, timeoutS: a.timeoutS, kernelName: a.kernelName, params: a.params, html: a.html, progress });
    report(run);
    if (!run.ok) failed++;
    else console.log(`${run.executed}${run.figures.length ? ` (+${run.figures.length} figure${run.figures.length === 1 ? "" : "s"} in ${path.join(a.out, "figures")})` : ""}${run.html ? `\n${run.html}` : ""}`);
  }
  if (a.notebooks.length > 1) console.error(`optlab run: ${a.notebooks.length - failed}/${a.notebooks.length} notebooks ran cleanly`);
  return failed > 0 ? 1 : 0;
}

/** `optlab reproduce`: runs the paper notebooks and writes the report; exit 1 if any failed or none exist. */
export async function reproduceCommand(args: string[]): Promise<number> {
  const a = parseArgs("reproduce", args);
  if (!fs.existsSync(a.dir) || !fs.statSync(a.dir).isDirectory()) {
    console.error(`optlab reproduce: ${a.dir} is not a directory (use --dir to point at the paper notebooks)`);
    return 1;
  }
  exitOnSignals("reproduce");
  const r = await reproduce({ dir: a.dir, outDir: a.out, timeoutS: a.timeoutS, kernelName: a.kernelName, progress: new TerminalProgress() });
  for (const p of r.papers) if (p.failure) console.error(`optlab reproduce: ${p.failure.message}`);
  console.log(`${r.summary.line}\nreport: ${path.join(a.out, "index.html")}`);
  return r.summary.failed > 0 || r.summary.notebooks === 0 ? 1 : 0;
}
