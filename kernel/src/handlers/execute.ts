import { toMimeBundle } from "../runtime/mime";
import { isAlreadyDisplayed } from "../runtime/display";
import type { Handler } from "./types";

/** The fields of execute_request the kernel reads, with the spec's defaults. */
interface ExecuteRequest {
  code: string;
  silent: boolean;
  store_history: boolean;
  allow_stdin: boolean;
  stop_on_error: boolean;
  user_expressions: Record<string, string>;
}

function parseRequest(c: Record<string, unknown>): ExecuteRequest | string {
  if (typeof c.code !== "string") return "execute_request: expected content.code to be a string";
  const silent = c.silent === true;
  return {
    code: c.code,
    silent,
    store_history: silent ? false : c.store_history !== false,
    allow_stdin: c.allow_stdin === true,
    stop_on_error: c.stop_on_error !== false,
    user_expressions: typeof c.user_expressions === "object" && c.user_expressions !== null ? (c.user_expressions as Record<string, string>) : {},
  };
}

/**
 * execute_request → execute_input, the cell's streams and displays, execute_result (the last
 * expression as a mime bundle) or error, then execute_reply.
 */
export const execute: Handler = async (kernel, channel, msg, ctx) => {
  const req = parseRequest(msg.content);
  if (typeof req === "string") {
    const error = { ename: "BadRequest", evalue: req, traceback: [req] };
    kernel.publishError(error);
    await kernel.transport.reply(channel, msg, "execute_reply", { status: "error", execution_count: kernel.executionCount, ...error });
    return;
  }
  ctx.silent = req.silent;
  ctx.allowStdin = req.allow_stdin;
  if (req.store_history) kernel.executionCount++;
  const count = kernel.executionCount;
  kernel.executor.arm();
  kernel.publish("execute_input", { code: req.code, execution_count: count });
  await kernel.transport.flushIopub(); // before the cell can block the event loop


  const outcome = await kernel.executor.execute(req.code);
  let resultText: string | null = null;
  if (outcome.status === "ok" && outcome.hasValue && !isAlreadyDisplayed(outcome.value)) {
    try {
      const data = toMimeBundle(outcome.value);
      resultText = typeof data["text/plain"] === "string" ? data["text/plain"] : null;
      kernel.publish("execute_result", { execution_count: count, data, metadata: {} });
    } catch (e) {
      kernel.publishError({ ename: "DisplayError", evalue: (e as Error).message, traceback: [(e as Error).message] });
    }
  }
  // History is written after the reply (off the latency path) but before idle, so a
  // history_request that follows this cell still sees it.
  const record = () => {
    if (req.store_history) kernel.history.add(count, req.code, resultText);
  };

  kernel.flushStreams(); // the cell's output leaves before its reply
  if (outcome.status === "error") {
    kernel.publishError(outcome.error);
    // Abort what arrived before the error reply, never what a client sends once it has seen it.
    if (req.stop_on_error) await kernel.abortQueuedExecutes();
    await kernel.transport.reply(channel, msg, "execute_reply", { status: "error", execution_count: count, ...outcome.error });
    record();
    reportDeferredTypeCheck(kernel);
    return;
  }
  await kernel.transport.reply(channel, msg, "execute_reply", {
    status: "ok",
    execution_count: count,
    payload: [],
    user_expressions: evaluateUserExpressions(kernel.executor.evaluate.bind(kernel.executor), req.user_expressions),
  });
  record();
  reportDeferredTypeCheck(kernel);
};

/**
 * Background type checking: the cell has run and its reply is out; check it now, while the
 * kernel is still busy with this request, so its type errors land in the cell's output (as
 * stderr) before the idle status that ends it.
 */
function reportDeferredTypeCheck(kernel: Parameters<Handler>[0]): void {
  const checked = kernel.executor.checkDeferred();
  if (!checked || checked.diagnostics.length === 0) return;
  const n = checked.diagnostics.length;
  const head = `TypeScript: ${n} type error${n === 1 ? "" : "s"} in this cell (it ran anyway: type checks run after the cell; OPTLAB_TYPECHECK=strict checks before it runs)`;
  kernel.publish("stream", { name: "stderr", text: [head, ...checked.diagnostics.map((d) => `  ${d}`)].join("\n") + "\n" });
}

/** user_expressions: each is evaluated with the cell locals in scope and returned as a mime bundle. */
function evaluateUserExpressions(evaluate: (expr: string) => unknown, exprs: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, expr] of Object.entries(exprs)) {
    try {
      out[name] = { status: "ok", data: toMimeBundle(evaluate(String(expr))), metadata: {} };
    } catch (e) {
      out[name] = { status: "error", ename: (e as Error).name ?? "Error", evalue: String((e as Error).message ?? e), traceback: [] };
    }
  }
  return out;
}
