import * as path from "path";
import * as vm from "vm";
import { createConverter, Converter, Diagnostic, isCompleteCode } from "tslab/dist/converter";
import { printQuickInfo } from "tslab/dist/inspect";
import { getCodeMetadata } from "tslab/dist/metadata";
import { describeError, ErrorInfo, interruptError } from "./errors";
import { publishSignalPhase } from "./signalPhase";
import { CELL_GLOBALS_DTS, cellGlobals } from "./globals";
import { createNotebookRequire, installTypeResolutionFallback, TsSys } from "./resolve";
import { expandShorthandProperties } from "./shorthand";
import { transpileCell } from "./transpile";

/**
 * When cells are type checked. `background`: the cell is transpiled (types stripped, no checker)
 * and runs at once; the checker runs after the execute_reply and its errors arrive as a stderr
 * stream of the same cell before the kernel goes idle. `strict`: the checker runs first and a
 * type error stops the cell (tslab's behaviour).
 */
export type TypeCheckMode = "background" | "strict";


/** What running one cell produced. */
export type ExecOutcome =
  | { status: "ok"; hasValue: boolean; value?: unknown }
  | { status: "error"; error: ErrorInfo };

/** Result of a deferred (background) type check: TypeScript diagnostics, one line each. */
export interface DeferredCheck {
  diagnostics: string[];
}

/** Completion candidates and the span they replace. */
export interface Completion {
  start: number;
  end: number;
  matches: string[];
}

/** tslab's module id for the TypeScript fork its converter uses. */
const TS_MODULE = "@tslab/typescript-for-tslab";

/** Globals the compiled cell code reaches the executor through. */
interface CellBridge {
  exports: Record<string, unknown>;
  require: (id: string) => unknown;
  /** Called by the cell's first and last synchronous statements: breakOnSigint's handler is in place. */
  enter: () => void;
  leave: () => void;
}
declare global {
  // eslint-disable-next-line no-var
  var __optlab__: CellBridge;
}

class InterruptedError extends Error {}

/** A cell touching the commonly used globals, checked once when the executor is built. */
const WARM_UP_CELL = "const xs = [1, 2].map((x) => x * 2); display(xs); clearOutput(); new Float64Array(xs).reduce((a, b) => a + b, 0); Math.max(...xs); console.log(`${xs}`); await Promise.resolve(xs)";

/** Global interrupt epoch read by @optlab/core's long loops (see src/util/interrupt.ts there). */
const INTERRUPT_EPOCH = Symbol.for("optlab.interruptEpoch");

/**
 * Runs TypeScript cells with tslab's converter (type-checked, top-level await, declarations
 * carried from cell to cell) and reports values and errors as data instead of printing them,
 * so the protocol layer can turn them into execute_result and error messages.
 */
export class Executor {
  private readonly conv: Converter;
  private prevDecl = "";
  private readonly exports: Record<string, unknown> = {};
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, NodeModule>();
  private running = false;
  /** Inside `vm`'s run of a cell: a termination would unwind the executor's frames too. */
  private inRun = false;
  /** Inside the cell's synchronous part, where breakOnSigint's SIGINT handler is in place. */
  private inBreakOnSigint = false;
  /** Depth of kernel-internal synchronous work (type checking) that must never be terminated. */
  private internal = 0;
  private interruptRequested = false;
  private rejectInterrupt: (e: Error) => void = () => {};
  /** A cell that ran without its type check yet (background mode). */
  private unchecked: { src: string; ran: boolean } | undefined;

  /**
   * @param signalPhase where to publish whether a SIGINT is safe now (see runtime/signalPhase;
   *   read by the control worker thread).
   * @param typeCheck when cells are type checked (see TypeCheckMode).
   */
  constructor(
    readonly rootDir: string = process.cwd(),
    private readonly signalPhase?: Int32Array,
    public typeCheck: TypeCheckMode = "background",
  ) {
    const tslabDir = path.dirname(require.resolve("tslab/package.json"));
    const ts = require(require.resolve(TS_MODULE, { paths: [tslabDir] })) as { sys: TsSys };
    installTypeResolutionFallback(ts.sys, rootDir);
    this.conv = createConverter();
    // Named imports compile to defineProperty; keep them plain, rewritable locals as tslab does.
    const target = this.exports;
    // The type checker sees the cell globals in the previous-declarations file, so tslab's
    // transform compiles references to them as `exports.<name>`: seed them there.
    Object.assign(target, cellGlobals);
    const exportsProxy = new Proxy(target, {
      defineProperty: (_t, prop, attrs) => {
        if (prop === "__esModule") return true;
        (target as Record<string | symbol, unknown>)[prop] = attrs.get ? attrs.get() : attrs.value;
        return true;
      },
    });
    // The first check of a session is the slow one (the checker resolves the lib and global
    // types): take it now, while the kernel is idle after start-up, rather than after a cell.
    this.conv.convert(CELL_GLOBALS_DTS, WARM_UP_CELL);
    const notebookRequire = createNotebookRequire(rootDir);
    globalThis.__optlab__ = {
      exports: exportsProxy,
      require: (id: string) => this.requireFromCell(id, notebookRequire),
      enter: () => this.setBreakOnSigint(true),
      leave: () => this.setBreakOnSigint(false),
    };
  }

  /** The cell's locals, by name (tests and user_expressions read them). */
  get locals(): Record<string, unknown> {
    return this.exports;
  }

  private requireFromCell(id: string, notebookRequire: (id: string) => unknown): unknown {
    if (id === "@optlab/kernel") return require("../../index");
    if (id === "tslab") return require("tslab");
    let filename = path.join(this.rootDir, id);
    if (path.extname(filename) === "") filename += ".js";
    if (id.startsWith(".") && this.sideOutputs.has(filename)) {
      const cached = this.sideModules.get(filename);
      if (cached) return cached.exports;
      // A .ts file next to the notebook, compiled by the converter: load it as a CommonJS module.
      const Module = require("module") as { new (id: string, parent?: NodeModule): NodeModule & { _compile(src: string, file: string): void }; _nodeModulePaths(dir: string): string[] };
      const mod = new Module(filename, module);
      mod.filename = filename;
      mod.paths = Module._nodeModulePaths(path.dirname(filename));
      mod._compile(this.sideOutputs.get(filename)!, filename);
      this.sideModules.set(filename, mod);
      return mod.exports;
    }
    return notebookRequire(id);
  }

  /**
   * Starts accepting interrupts for the next cell. The protocol layer calls this before it
   * announces the cell (execute_input), so an interrupt sent the moment a frontend sees the
   * cell is not lost in the gap before `execute` begins.
   */
  arm(): void {
    this.running = true;
    this.interruptRequested = false;
  }

  /** Transpiles, type checks and runs one cell. Never throws; failures come back as an outcome. */
  async execute(src: string): Promise<ExecOutcome> {
    if (!this.running) this.arm();
    try {
      return await this.run(src);
    } finally {
      this.running = false;
    }
  }

  /** Runs kernel-internal synchronous work that a termination must not cut short. */
  private guarded<T>(f: () => T): T {
    this.internal++;
    this.publishPhase();
    try {
      return f();
    } finally {
      this.internal--;
      this.publishPhase();
    }
  }

  private setBreakOnSigint(inside: boolean): void {
    this.inBreakOnSigint = inside;
    this.publishPhase();
  }

  /** SIGINT is safe inside breakOnSigint proper and in the executor's own work (our listener is attached). */
  private publishPhase(): void {
    if (this.signalPhase) publishSignalPhase(this.signalPhase, this.inBreakOnSigint || (this.internal > 0 && !this.inRun));
  }

  private async run(src: string): Promise<ExecOutcome> {
    this.checkDeferred(); // normally done already, right after the previous cell's reply
    const meta = getCodeMetadata(src);
    if (meta.module) {
      const diags = this.guarded(() => this.conv.addModule(meta.module!, src, meta));
      return diags.length > 0 ? { status: "error", error: compileError(diags) } : { status: "ok", hasValue: false };
    }
    if (meta.mode === "browser") {
      return { status: "error", error: { ename: "UnsupportedError", evalue: "//%browser cells are not supported by optlab", traceback: [] } };
    }
    const cell = this.guarded(() => transpileCell(src, new Set(Object.keys(this.exports))));
    if ("syntaxErrors" in cell) {
      const lines = cell.syntaxErrors.map((d) => `${d.line + 1}:${d.character + 1} - ${d.messageText}`);
      return { status: "error", error: { ename: "TypeScriptError", evalue: lines[0], traceback: lines } };
    }
    // A cell importing a .ts file next to the notebook needs the checker's build of that file.
    if (this.typeCheck === "strict" || cell.importsRelative) {
      const checked = this.guarded(() => this.check(src));
      if (checked.diagnostics.length > 0) return { status: "error", error: compileError(checked.diagnostics) };
      const outcome = await this.runCompiled(cell);
      if (outcome.status === "ok") this.prevDecl = checked.declOutput ?? "";
      return outcome;
    }
    const outcome = await this.runCompiled(cell);
    this.unchecked = { src, ran: outcome.status === "ok" };
    return outcome;
  }

  /**
   * Type checks the last cell if it ran unchecked (background mode) and carries its declarations
   * to later cells when it ran and checked cleanly. Returns its diagnostics, or undefined when
   * there was nothing to check.
   */
  checkDeferred(): DeferredCheck | undefined {
    const pending = this.unchecked;
    if (!pending) return undefined;
    this.unchecked = undefined;
    const checked = this.guarded(() => this.check(pending.src));
    if (checked.diagnostics.length === 0 && pending.ran) this.prevDecl = checked.declOutput ?? "";
    return { diagnostics: formatDiagnostics(checked.diagnostics) };
  }

  /** tslab's converter over the cell: diagnostics, the declarations it adds, compiled side files. */
  private check(src: string): { diagnostics: Diagnostic[]; declOutput?: string } {
    const converted = this.conv.convert(CELL_GLOBALS_DTS + this.prevDecl, expandShorthandProperties(src));
    for (const out of converted.sideOutputs ?? []) {
      this.sideModules.delete(out.path);
      this.sideOutputs.set(out.path, out.data);
    }
    return { diagnostics: converted.diagnostics, declOutput: converted.declOutput };
  }

  private async runCompiled(converted: { output: string; hasToplevelAwait: boolean; lastExpressionVar?: string }): Promise<ExecOutcome> {
    const prefix = converted.hasToplevelAwait ? "(async function(exports, require) { " : "(function(exports, require) { ";
    // enter/leave bracket the cell's synchronous part, which runs under breakOnSigint's own
    // handler; a try statement's completion value is its block's, so the last value survives.
    const call = `${prefix}${converted.output}\n})(__optlab__.exports, __optlab__.require)`;
    const wrapped = `__optlab__.enter(); try { ${call} } finally { __optlab__.leave(); }`;
    // Compiled before the last poll below, so that the gap between that poll and breakOnSigint
    // (where a raw SIGINT is lost: libuv hands it to a listener vm has just detached) is only
    // a few statements long. interrupt_request has no such gap: the control worker resends.
    let script: vm.Script;
    try {
      script = new vm.Script(wrapped, { filename: "cell.ts" });
    } catch (e) {
      return { status: "error", error: describeError(e) };
    }
    // One event-loop turn lets a SIGINT that arrived during transpiling reach its listener.
    // Two immediates: if the transpile ran inside a poll-phase callback, the first immediate
    // runs in the same loop iteration, before libuv polls the signal pipe again.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    if (this.interruptRequested) return { status: "error", error: interruptError("interrupted before the cell ran") };
    const interrupted = new Promise<never>((_, reject) => (this.rejectInterrupt = reject));
    interrupted.catch(() => {}); // only observed through the race below
    let ret: unknown;
    try {
      this.inRun = true;
      try {
        ret = script.runInThisContext({ breakOnSigint: true });
      } finally {
        this.inRun = false;
        this.setBreakOnSigint(false); // a SIGINT-terminated cell never ran its own leave()
      }
      if (converted.hasToplevelAwait) await Promise.race([ret, interrupted]);
    } catch (e) {
      if (e instanceof InterruptedError) {
        // The abandoned cell may still settle; its late failure is not news to the user.
        (ret as Promise<unknown>).catch(() => {});
        return { status: "error", error: interruptError(e.message) };
      }
      if ((e as NodeJS.ErrnoException)?.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
        return { status: "error", error: interruptError("synchronous execution interrupted") };
      }
      return { status: "error", error: describeError(e) };
    } finally {
      this.rejectInterrupt = () => {};
    }
    const name = converted.lastExpressionVar;
    if (name && name in this.exports) {
      const value = this.exports[name];
      delete this.exports[name];
      return { status: "ok", hasValue: value !== undefined, value };
    }
    return { status: "ok", hasValue: false };
  }

  /**
   * Stops the running cell: pending async work is abandoned (the cell's await is raced against
   * this). Synchronous loops are broken separately by SIGINT through `breakOnSigint`.
   */
  interrupt(): void {
    // Cooperative half (contract shared with @optlab/core's util/interrupt): long optlab loops
    // started by any cell — awaited or running in the background — stop at their next yield.
    const g = globalThis as Record<symbol, unknown>;
    const epoch = g[INTERRUPT_EPOCH];
    g[INTERRUPT_EPOCH] = (typeof epoch === "number" ? epoch : 0) + 1;
    if (!this.running) return;
    this.interruptRequested = true;
    this.rejectInterrupt(new InterruptedError("pending asynchronous work abandoned"));
  }

  /** Whether the main thread may be blocked in user code that only termination can stop. */
  get terminable(): boolean {
    return !this.inRun && this.internal === 0;
  }

  /** Evaluates a JavaScript expression with the cell locals in scope (for user_expressions). */
  evaluate(expr: string): unknown {
    return vm.runInThisContext(`(function () { with (__optlab__.exports) { return (${expr}\n); } })()`);
  }

  complete(src: string, pos: number): Completion {
    this.checkDeferred();
    const info = this.guarded(() => this.conv.complete(CELL_GLOBALS_DTS + this.prevDecl, src, pos));
    return { start: info.start, end: info.end, matches: info.candidates };
  }

  /** Hover-style documentation at `pos`, or undefined when there is nothing there. */
  inspect(src: string, pos: number): string | undefined {
    this.checkDeferred();
    const info = this.guarded(() => this.conv.inspect(CELL_GLOBALS_DTS + this.prevDecl, src, pos));
    return info ? printQuickInfo(info) : undefined;
  }

  close(): void {
    this.conv.close();
  }
}

/** A type-check or syntax failure as an error triple (one traceback line per diagnostic). */
function compileError(diags: Diagnostic[]): ErrorInfo {
  const lines = formatDiagnostics(diags);
  return { ename: "TypeScriptError", evalue: lines[0], traceback: lines };
}

/** One line per diagnostic: `[file ]line:column - message` (1-based). */
function formatDiagnostics(diags: Diagnostic[]): string[] {
  return diags.map((d) => `${d.fileName ? d.fileName + " " : ""}${d.start.line + 1}:${d.start.character + 1} - ${d.messageText}`);
}

/** Parse errors that more lines can still fix: an open template literal or block comment. */
const CONTINUABLE = new Set([1160 /* Unterminated template literal */, 1010 /* '*\/' expected */]);

/** Classifies code for is_complete: `incomplete` when more input could finish it, `invalid` for syntax errors. */
export function completeness(code: string): { status: "complete" | "incomplete" | "invalid"; indent?: string } {
  const r = isCompleteCode(code);
  if (!r.completed) return { status: "incomplete", indent: r.indent ?? "" };
  const ts = require(require.resolve(TS_MODULE, { paths: [path.dirname(require.resolve("tslab/package.json"))] })) as {
    createSourceFile(name: string, text: string, target: number, setParents?: boolean, kind?: number): { parseDiagnostics?: { code: number }[] };
    ScriptTarget: { Latest: number };
    ScriptKind: { TS: number };
  };
  const diags = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS).parseDiagnostics ?? [];
  if (diags.length === 0) return { status: "complete" };
  return diags.some((d) => CONTINUABLE.has(d.code)) ? { status: "incomplete", indent: "" } : { status: "invalid" };
}
