import { commClose, commInfo, commMsg, commOpen } from "./comm";
import { execute } from "./execute";
import { history } from "./history";
import { complete, inspect, isComplete } from "./introspection";
import { kernelInfo } from "./kernelInfo";
import { shutdown } from "./shutdown";
import type { Handler } from "./types";

/**
 * msg_type → handler, for shell and control alike. Looked up with `handlerFor` only: a plain
 * object literal would answer `constructor` or `__proto__` with Object.prototype's members.
 */
const table: Record<string, Handler> = {
  kernel_info_request: kernelInfo,
  execute_request: execute,
  complete_request: complete,
  inspect_request: inspect,
  is_complete_request: isComplete,
  history_request: history,
  comm_info_request: commInfo,
  comm_open: commOpen,
  comm_msg: commMsg,
  comm_close: commClose,
  shutdown_request: shutdown,
};
export const handlers: Readonly<Record<string, Handler>> = Object.freeze(Object.assign(Object.create(null) as Record<string, Handler>, table));

/** The handler for `msgType`, or undefined for a type this kernel does not implement. */
export function handlerFor(msgType: string): Handler | undefined {
  return Object.prototype.hasOwnProperty.call(handlers, msgType) ? handlers[msgType] : undefined;
}
