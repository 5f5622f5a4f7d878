import * as path from "path";
import { launchKernel, LaunchError, RunningKernel } from "../client/launcher";
import { KernelSpecError } from "../client/kernelspec";
import type { Message } from "../wire/message";
import { Cell, joinLines, Notebook, Output } from "../runner/notebook";
import { DisplayIndex, OutputRecorder } from "../runner/outputs";
import { WidgetStateCollector } from "../runner/widgetState";

/** What happened to one code cell. */
export interface CellOutcome {
  /** Index in the notebook's cell list. */
  index: number;
  status: "ok" | "error" | "timeout" | "not-run";
  ename?: string;
  evalue?: string;
}

/** The run of a whole notebook, errors allowed (as nbgrader executes submissions). */
export interface AllowErrorsRun {
  cells: CellOutcome[];
  /** Set when the kernel could not start, died, or a cell hit the time limit (then the rest did not run). */
  stopped?: { kind: "kernel" | "timeout"; index?: number; message: string };
}

/**
 * Runs every code cell of `nb` in a fresh kernel (cwd `cwd`), continuing after a cell raises, and
 * fills the cells' outputs. A cell that exceeds `timeoutMs` stops the run: the kernel is killed
 * (a synchronous infinite loop cannot be interrupted) and the remaining cells are "not-run".
 */
export async function executeAllowingErrors(nb: Notebook, opts: { cwd: string; timeoutMs: number; kernelName?: string }): Promise<AllowErrorsRun> {
  const code = nb.cells.map((c, index) => [c, index] as const).filter(([c]) => c.cell_type === "code");
  const cells: CellOutcome[] = code.map(([, index]) => ({ index, status: "not-run" }));
  for (const [c] of code) {
    c.outputs = [];
    c.execution_count = null;
  }
  let kernel: RunningKernel | undefined;
  // One retry: a kernel that dies during start-up on a loaded machine (seen as exit code 1 with an
  // empty log) should not cost a student their grade; a second failure is reported.
  for (let attempt = 1; !kernel; attempt++) {
    try {
      kernel = await launchKernel({ kernelName: opts.kernelName, cwd: path.resolve(opts.cwd) });
    } catch (e) {
      if (!(e instanceof LaunchError || e instanceof KernelSpecError)) throw e;
      if (e instanceof KernelSpecError || attempt >= 2) return { cells, stopped: { kind: "kernel", message: `cannot start the kernel: ${e.message}` } };
    }
  }
  const widgets = new WidgetStateCollector();
  const off = kernel.client.on((ch, m) => {
    if (ch === "iopub") widgets.observe(m);
  });
  const displays: DisplayIndex = new Map();
  try {
    for (let j = 0; j < code.length; j++) {
      const [cell, index] = code[j];
      if (joinLines(cell.source).trim() === "") {
        cells[j].status = "ok";
        continue;
      }
      const r = await executeOne(kernel, cell, widgets, displays, opts.timeoutMs);
      cells[j] = { index, ...r };
      if (r.status === "timeout") {
        return { cells, stopped: { kind: "timeout", index, message: `cell ${index + 1} did not finish within ${opts.timeoutMs / 1000} s; the kernel was stopped` } };
      }
      if (r.status === "error" && r.ename === "DeadKernelError") {
        return { cells, stopped: { kind: "kernel", index, message: `the kernel died in cell ${index + 1}: ${r.evalue}` } };
      }
    }
    return { cells };
  } finally {
    off();
    await kernel.shutdown(1000);
  }
}

async function executeOne(k: RunningKernel, cell: Cell, widgets: WidgetStateCollector, displays: DisplayIndex, timeoutMs: number): Promise<Omit<CellOutcome, "index">> {
  const outputs: Output[] = (cell.outputs = []);
  const header = k.client.header("execute_request");
  const recorder = new OutputRecorder(outputs, displays, widgets, header.msg_id);
  let reply: Message | undefined;
  let idle = false;
  let settle!: () => void;
  const done = new Promise<void>((r) => (settle = r));
  const off = k.client.on((ch, m) => {
    if (m.parent_header.msg_id !== header.msg_id) return;
    if (ch === "shell" && m.header.msg_type === "execute_reply") reply = m;
    else if (ch === "iopub") {
      const type = m.header.msg_type;
      if (type === "status") idle ||= (m.content as { execution_state?: string }).execution_state === "idle";
      else if (type !== "execute_input") recorder.observe(m);
    }
    if (reply && idle) settle();
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await k.client.send("shell", header, { code: joinLines(cell.source), silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false });
    const outcome = await Promise.race([
      done.then(() => "done" as const),
      new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs))),
      k.exited.then(() => "died" as const),
    ]);
    if (outcome === "died") {
      const evalue = `the kernel died (${k.exit?.signal ?? `exit code ${k.exit?.code}`})`;
      outputs.push({ output_type: "error", ename: "DeadKernelError", evalue, traceback: [evalue] });
      return { status: "error", ename: "DeadKernelError", evalue };
    }
    if (outcome === "timeout") {
      const evalue = `cell did not finish within ${timeoutMs / 1000} s`;
      outputs.push({ output_type: "error", ename: "CellTimeoutError", evalue, traceback: [`CellTimeoutError: ${evalue}`] });
      return { status: "timeout", ename: "CellTimeoutError", evalue };
    }
    const content = reply!.content as { status?: string; execution_count?: number; ename?: string; evalue?: string; traceback?: string[] };
    cell.execution_count = typeof content.execution_count === "number" ? content.execution_count : null;
    if (content.status !== "ok") {
      const err = recorder.error ?? { ename: content.ename ?? "Error", evalue: content.evalue ?? `status ${content.status}`, traceback: content.traceback ?? [] };
      if (!recorder.error) outputs.push({ output_type: "error", ...err });
      return { status: "error", ename: err.ename, evalue: err.evalue };
    }
    return { status: "ok" };
  } finally {
    clearTimeout(timer);
    off();
  }
}
