import type { Handler } from "./types";

function codeAndCursor(c: Record<string, unknown>): { code: string; pos: number } | string {
  if (typeof c.code !== "string") return "expected content.code to be a string";
  const pos = c.cursor_pos === undefined || c.cursor_pos === null ? c.code.length : c.cursor_pos;
  if (typeof pos !== "number" || !Number.isInteger(pos) || pos < 0 || pos > c.code.length) {
    return `expected content.cursor_pos to be an integer in [0, ${c.code.length}]`;
  }
  return { code: c.code, pos };
}

function badRequest(evalue: string) {
  return { status: "error", ename: "BadRequest", evalue, traceback: [evalue] };
}

/** complete_request → candidates from the TypeScript language service. */
export const complete: Handler = (kernel, channel, msg) => {
  const r = codeAndCursor(msg.content);
  if (typeof r === "string") return kernel.transport.reply(channel, msg, "complete_reply", badRequest(`complete_request: ${r}`));
  const c = kernel.executor.complete(r.code, r.pos);
  return kernel.transport.reply(channel, msg, "complete_reply", {
    status: "ok", matches: c.matches, cursor_start: c.start, cursor_end: c.end, metadata: {},
  });
};

/** inspect_request → the type and documentation at the cursor. */
export const inspect: Handler = (kernel, channel, msg) => {
  const r = codeAndCursor(msg.content);
  if (typeof r === "string") return kernel.transport.reply(channel, msg, "inspect_reply", badRequest(`inspect_request: ${r}`));
  const text = kernel.executor.inspect(r.code, r.pos);
  return kernel.transport.reply(channel, msg, "inspect_reply", {
    status: "ok", found: text !== undefined, data: text !== undefined ? { "text/plain": text } : {}, metadata: {},
  });
};

/** is_complete_request → complete, incomplete (with indent) or invalid. */
export const isComplete: Handler = (kernel, channel, msg) => {
  const code = msg.content.code;
  if (typeof code !== "string") {
    return kernel.transport.reply(channel, msg, "is_complete_reply", { status: "unknown" });
  }
  // Loaded on demand: the executor module pulls in TypeScript, which start-up need not wait for.
  const { completeness } = require("../runtime/executor") as typeof import("../runtime/executor");
  return kernel.transport.reply(channel, msg, "is_complete_reply", completeness(code));
};
