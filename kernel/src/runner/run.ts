import * as fs from "fs";
import * as path from "path";
import { launchKernel, LaunchError, RunningKernel } from "../client/launcher";
import { KernelSpecError } from "../client/kernelspec";
import { CHECK_MIME, ClaimRecord } from "../runtime/claims";
import type { Message } from "../wire/message";
import { Cell, cellLabel, firstLine, joinLines, Notebook, NotebookError, Output, readNotebook, serializeNotebook } from "./notebook";
import { exportNotebookHtml, HtmlExportOptions } from "./htmlExport";
import { DisplayIndex, OutputRecorder } from "./outputs";
import { injectParameters, ParamError } from "./params";
import { Progress, silentProgress } from "./progress";
import { validateNotebook } from "./schema";
import { WIDGET_STATE_MIME, WidgetStateCollector } from "./widgetState";

/** Options of one notebook run. */
export interface RunOptions {
  /** Where the executed notebook (`<name>.ipynb`) and `figures/<name>-<n>.svg` go. */
  outDir: string;
  /** Per-cell time limit in seconds (default 300). */
  timeoutS?: number;
  /** Kernelspec to use instead of this package's kernel. */
  kernelName?: string;
  /** Values injected after the `parameters` cell. */
  params?: Record<string, unknown>;
  /** Also write `<name>.html`, a static HTML export whose widgets render offline (htmlExport.ts). */
  html?: boolean | HtmlExportOptions;
  progress?: Progress;
}

/** The notebook's `metadata.optlab` (what `reproduce` reports about the paper). */
export interface PaperMetadata {
  title?: string;
  citation?: string;
  claim?: string;
  order?: number;
}

/** Which cell failed, in words a reader can find in the notebook. */
export interface CellRef {
  /** 1-based position among the code cells that run. */
  position: number;
  /** How many code cells run. */
  total: number;
  /** 0-based index in the notebook's cell list (after parameter injection). */
  index: number;
  id?: string;
  /** First source line. */
  source: string;
}

/** Why a run failed. */
export interface RunFailure {
  kind: "notebook" | "params" | "kernel" | "cell" | "timeout" | "schema" | "write";
  cell?: CellRef;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  /** One paragraph naming the notebook (and cell) and the error. */
  message: string;
}

/** A check reported by `reportClaim`, with the cell that reported it. */
export interface CheckResult extends ClaimRecord {
  cell: number;
}

/** What one run produced. */
export interface NotebookRun {
  notebook: string;
  /** File name without .ipynb: the stem of the executed notebook and figure names. */
  name: string;
  ok: boolean;
  failure?: RunFailure;
  seconds: number;
  /** The executed notebook written to outDir (also when a cell failed), if it got that far. */
  executed?: string;
  /** The static HTML export written to outDir (`html` option). */
  html?: string;
  figures: string[];
  checks: CheckResult[];
  paper: PaperMetadata;
  kernel?: { name: string; implementation?: string; version?: string };
  cellsRun: number;
}

const DEFAULT_TIMEOUT_S = 300;

function paperMetadata(nb: Notebook | undefined): PaperMetadata {
  const m = (nb?.metadata?.optlab ?? {}) as Record<string, unknown>;
  return {
    ...(typeof m.title === "string" ? { title: m.title } : {}),
    ...(typeof m.citation === "string" ? { citation: m.citation } : {}),
    ...(typeof m.claim === "string" ? { claim: m.claim } : {}),
    ...(typeof m.order === "number" ? { order: m.order } : {}),
  };
}

const isCode = (c: Cell) => c.cell_type === "code";
const runs = (c: Cell) => isCode(c) && joinLines(c.source).trim() !== "";

/**
 * Executes a notebook headlessly in a fresh kernel, as a Jupyter client would, and writes the
 * executed notebook and its figures. Never throws for a notebook problem: the returned run says
 * what failed, naming the cell.
 */
export async function runNotebook(file: string, opts: RunOptions): Promise<NotebookRun> {
  const started = performance.now();
  const name = path.basename(file).replace(/\.ipynb$/i, "");
  const progress = opts.progress ?? silentProgress;
  const run: NotebookRun = { notebook: file, name, ok: false, seconds: 0, figures: [], checks: [], paper: {}, cellsRun: 0 };
  const finish = (failure?: RunFailure): NotebookRun => {
    run.seconds = (performance.now() - started) / 1000;
    if (failure) run.failure = failure;
    run.ok = !run.failure;
    return run;
  };

  let nb: Notebook;
  try {
    nb = readNotebook(file);
    const problems = validateNotebook(nb);
    if (problems.length > 0) {
      throw new NotebookError(`${file}: not a valid nbformat ${nb.nbformat}.${nb.nbformat_minor} notebook:\n  ${problems.join("\n  ")}`);
    }
    run.paper = paperMetadata(nb);
    nb.cells = injectParameters(nb, opts.params ?? {}, file);
  } catch (e) {
    if (e instanceof NotebookError) return finish({ kind: "notebook", message: e.message });
    if (e instanceof ParamError) return finish({ kind: "params", message: e.message });
    throw e;
  }

  for (const c of nb.cells) {
    if (!isCode(c)) continue;
    c.outputs = [];
    c.execution_count = null;
    delete c.metadata.execution; // timings of an earlier run
  }
  const toRun = nb.cells.map((c, i) => [c, i] as const).filter(([c]) => runs(c));
  progress.notebookStart(name, toRun.length);

  let kernel: RunningKernel | undefined;
  const widgets = new WidgetStateCollector();
  let failure: RunFailure | undefined;
  try {
    kernel = await launchKernel({ kernelName: opts.kernelName, cwd: path.dirname(path.resolve(file)) });
  } catch (e) {
    if (!(e instanceof LaunchError || e instanceof KernelSpecError)) throw e;
    failure = { kind: "kernel", message: `${file}: cannot start the kernel: ${e.message}` };
  }

  if (kernel) {
    const k = kernel;
    const impl = k.info as { implementation?: string; implementation_version?: string; language_info?: Record<string, unknown> };
    run.kernel = { name: k.spec.name, implementation: impl.implementation, version: impl.implementation_version };
    if (impl.language_info) nb.metadata.language_info = impl.language_info;
    if (!nb.metadata.kernelspec) nb.metadata.kernelspec = { name: k.spec.name, display_name: k.spec.displayName, language: k.spec.language };
    const offComm = k.client.on((ch, m) => {
      if (ch === "iopub") widgets.observe(m);
    });
    const displays: DisplayIndex = new Map();
    try {
      // The kernel builds its TypeScript executor just after start-up; a silent no-op waits for
      // it here, so `--timeout` times each cell's own work, not the compiler loading.
      await warmUp(k);
      for (let j = 0; j < toRun.length; j++) {
        const [cell, index] = toRun[j];
        const ref: CellRef = { position: j + 1, total: toRun.length, index, id: cell.id, source: firstLine(cell) };
        progress.cellStart(j + 1, toRun.length);
        failure = await executeCell(k, cell, ref, widgets, displays, (opts.timeoutS ?? DEFAULT_TIMEOUT_S) * 1000, file);
        run.cellsRun = j + 1;
        progress.cellEnd(j + 1, toRun.length, !failure);
        if (failure) break;
      }
    } finally {
      offComm();
      await k.shutdown();
    }
  }

  const saved = widgets.saved();
  const meta = nb.metadata as { widgets?: Record<string, unknown> };
  if (saved) meta.widgets = { ...meta.widgets, [WIDGET_STATE_MIME]: saved };
  else if (meta.widgets) {
    // State saved by an earlier run describes widgets this run did not create.
    delete meta.widgets[WIDGET_STATE_MIME];
    if (Object.keys(meta.widgets).length === 0) delete meta.widgets;
  }
  try {
    const problems = validateNotebook(JSON.parse(serializeNotebook(nb)));
    if (problems.length > 0 && !failure) {
      failure = { kind: "schema", message: `${file}: the executed notebook does not validate against the nbformat ${nb.nbformat}.${nb.nbformat_minor} schema (a runner bug):\n  ${problems.join("\n  ")}` };
    }
    fs.mkdirSync(path.join(opts.outDir, "figures"), { recursive: true });
    run.executed = path.join(opts.outDir, `${name}.ipynb`);
    fs.writeFileSync(run.executed, serializeNotebook(nb));
    run.figures = writeFigures(nb, opts.outDir, name);
    if (opts.html) {
      const file = path.join(opts.outDir, `${name}.html`);
      exportNotebookHtml(nb, file, opts.html === true ? {} : opts.html);
      run.html = file;
    }
  } catch (e) {
    if (!failure) failure = { kind: "write", message: `${file}: cannot write the results to ${opts.outDir}: ${(e as Error).message}` };
  }
  run.checks = collectChecks(nb);
  const result = finish(failure);
  const summary = result.ok
    ? `${result.cellsRun} cells, ${result.checks.length} check${result.checks.length === 1 ? "" : "s"}, ${result.figures.length} figure${result.figures.length === 1 ? "" : "s"}`
    : `failed${failure?.cell ? ` at cell ${failure.cell.position}/${failure.cell.total}` : ""}`;
  progress.notebookEnd(name, result.ok, result.seconds, summary);
  return result;
}

/** Start-up may take this long (a cold, loaded machine) before the first cell's clock starts. */
const WARM_UP_TIMEOUT_MS = 120_000;

/**
 * A silent `void 0` (no outputs, no execution count, not in the history), answered once the
 * kernel's executor is built. A kernel that does not answer in time is left to the first cell's
 * own timeout, which then names that cell as before.
 */
async function warmUp(k: RunningKernel): Promise<void> {
  const header = k.client.header("execute_request");
  const reply = k.client.waitFor((ch, m) => ch === "shell" && m.parent_header.msg_id === header.msg_id, WARM_UP_TIMEOUT_MS, "warm-up execute_reply");
  reply.catch(() => {}); // observed below; a send that fails must not leave it unobserved
  try {
    await k.client.send("shell", header, { code: "void 0", silent: true, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: false });
    await Promise.race([reply, k.exited]);
  } catch {
    // A dead kernel or a slow one: the first cell reports it.
  }
}

/** Executes one cell; returns a failure naming it, or undefined when it ran cleanly. */
async function executeCell(k: RunningKernel, cell: Cell, ref: CellRef, widgets: WidgetStateCollector, displays: DisplayIndex, timeoutMs: number, file: string): Promise<RunFailure | undefined> {
  const outputs: Output[] = (cell.outputs = []);
  const header = k.client.header("execute_request");
  const recorder = new OutputRecorder(outputs, displays, widgets, header.msg_id);
  const timing: Record<string, string> = {};
  let reply: Message | undefined;
  let idle = false;
  let settle!: () => void;
  const done = new Promise<void>((r) => (settle = r));
  const off = k.client.on((ch, m) => {
    if (m.parent_header.msg_id !== header.msg_id) return;
    if (ch === "shell" && m.header.msg_type === "execute_reply") {
      reply = m;
      timing["shell.execute_reply"] = m.header.date;
    } else if (ch === "iopub") {
      const type = m.header.msg_type;
      if (type === "status") {
        const state = (m.content as { execution_state?: string }).execution_state;
        if (state === "busy") timing["iopub.status.busy"] = m.header.date;
        if (state === "idle") {
          timing["iopub.status.idle"] = m.header.date;
          idle = true;
        }
      } else if (type === "execute_input") {
        timing["iopub.execute_input"] = m.header.date;
      } else {
        recorder.observe(m);
      }
    }
    if (reply && idle) settle();
  });
  const where = `${file}: ${cellLabel(cell, ref.position, ref.total)} (\`${ref.source}\`)`;
  try {
    await k.client.send("shell", header, {
      code: joinLines(cell.source), silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true,
    });
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      done.then(() => "done" as const),
      new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs))),
      k.exited.then(() => "died" as const),
    ]);
    clearTimeout(timer);
    if (outcome === "died") {
      const how = k.exit?.signal ?? `exit code ${k.exit?.code}`;
      const evalue = `the kernel died while running this cell (${how})`;
      outputs.push({ output_type: "error", ename: "DeadKernelError", evalue, traceback: [evalue, k.logTail()] });
      return { kind: "kernel", cell: ref, ename: "DeadKernelError", evalue, message: `${where} failed: ${evalue}\n${k.logTail()}` };
    }
    if (outcome === "timeout") {
      // Interrupt so the kernel can report where it was and shut down cleanly; give it a moment.
      await k.interrupt().catch(() => {});
      await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
      const evalue = `cell did not finish within ${timeoutMs / 1000} s (optlab run --timeout)`;
      outputs.push({ output_type: "error", ename: "CellTimeoutError", evalue, traceback: [`CellTimeoutError: ${evalue}`] });
      return { kind: "timeout", cell: ref, ename: "CellTimeoutError", evalue, message: `${where} timed out: ${evalue}` };
    }
    const content = reply!.content as { status?: string; execution_count?: number; ename?: string; evalue?: string; traceback?: string[] };
    cell.execution_count = typeof content.execution_count === "number" ? content.execution_count : null;
    if (Object.keys(timing).length > 0) cell.metadata.execution = timing;
    if (content.status !== "ok") {
      const err = recorder.error ?? {
        ename: content.ename ?? (content.status === "aborted" ? "Aborted" : "Error"),
        evalue: content.evalue ?? `execute_reply status ${JSON.stringify(content.status)}`,
        traceback: content.traceback ?? [],
      };
      if (!recorder.error) outputs.push({ output_type: "error", ...err });
      const trace = err.traceback.length > 0 ? err.traceback.join("\n") : `${err.ename}: ${err.evalue}`;
      return { kind: "cell", cell: ref, ...err, message: `${where} raised ${err.ename}: ${err.evalue}\n${trace}` };
    }
    return undefined;
  } finally {
    off();
  }
}

/** Writes the `image/svg+xml` of every display_data/execute_result, in order, as `<name>-<n>.svg`. */
function writeFigures(nb: Notebook, outDir: string, name: string): string[] {
  const dir = path.join(outDir, "figures");
  const stale = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-\\d+\\.svg$`);
  for (const f of fs.readdirSync(dir)) if (stale.test(f)) fs.rmSync(path.join(dir, f));
  const files: string[] = [];
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      if (out.output_type !== "display_data" && out.output_type !== "execute_result") continue;
      const svg = out.data["image/svg+xml"];
      if (svg === undefined) continue;
      const file = path.join(dir, `${name}-${files.length + 1}.svg`);
      fs.writeFileSync(file, Array.isArray(svg) ? svg.join("") : String(svg));
      files.push(file);
    }
  }
  return files;
}

/** The check records (`application/vnd.optlab.check+json`) in the notebook's outputs, in order. */
export function collectChecks(nb: Notebook): CheckResult[] {
  const checks: CheckResult[] = [];
  nb.cells.forEach((cell, index) => {
    for (const out of cell.outputs ?? []) {
      if (out.output_type !== "display_data" && out.output_type !== "execute_result") continue;
      const rec = out.data[CHECK_MIME];
      if (typeof rec === "object" && rec !== null) checks.push({ ...(rec as ClaimRecord), cell: index });
    }
  });
  return checks;
}
