/**
 * Main-thread half of interrupting JavaScript that no signal can reach: a loop that runs after
 * an `await` or in a timer callback blocks the event loop outside `vm`'s breakOnSigint window,
 * so neither SIGINT listeners nor breakOnSigint ever see the interrupt. The control worker then
 * asks V8 (through an inspector session on this isolate) to terminate the running JavaScript.
 *
 * Before it does, it evaluates the probe installed here. The probe runs inside V8's interrupt
 * handler, on top of the blocked code, and
 *  - says whether JavaScript is really running beneath it (when the main thread is idle the
 *    inspector dispatches from the event loop and the stack holds only the probe itself);
 *    terminating an idle isolate would kill whatever callback runs next instead;
 *  - refuses while the executor is inside breakOnSigint (SIGINT is the clean path there) or
 *    type checking: a termination would unwind the executor's own frames too;
 *  - empties Node's async-id stack: the terminated callbacks never run their "after" hooks, and
 *    Node aborts ("async hook stack has become corrupted") when a callback scope closes over
 *    stale ids. An empty stack is what Node itself leaves after an uncaught exception.
 */

/** Global key the control worker evaluates through the inspector. */
export const TERMINATION_PROBE = Symbol.for("optlab.terminationProbe");

/**
 * What the probe found: "terminate" (blocked in user code; async-id stack already emptied),
 * "signal" (inside breakOnSigint or type checking: SIGINT is the way), "idle" (not blocked).
 */
export type ProbeVerdict = "terminate" | "signal" | "idle";

/** Expression the control worker evaluates; it yields a ProbeVerdict. */
export const TERMINATION_PROBE_EXPRESSION = `globalThis[Symbol.for("optlab.terminationProbe")]()`;

interface AsyncWrapBinding {
  clearAsyncIdStack(): void;
}

/** Frames on the stack when the probe runs from an idle event loop: the probe and the evaluated expression. */
const IDLE_FRAMES = 2;

/**
 * Installs the probe. `terminable` is false while the executor is inside breakOnSigint or in
 * its own synchronous work (type checking), whose frames a termination would unwind as well.
 */
export function installTerminationProbe(terminable: () => boolean): void {
  // process.binding is deprecated but still the only handle on clearAsyncIdStack; keep the
  // one-time deprecation warning out of the notebook's stderr.
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  const asyncWrap = (process as unknown as { binding(name: string): AsyncWrapBinding }).binding("async_wrap");
  process.noDeprecation = quiet;
  (globalThis as Record<symbol, unknown>)[TERMINATION_PROBE] = (): ProbeVerdict => {
    if (!terminable()) return "signal";
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = IDLE_FRAMES + 1;
    const frames = (new Error().stack ?? "").split("\n").length - 1;
    Error.stackTraceLimit = limit;
    if (frames <= IDLE_FRAMES) return "idle";
    asyncWrap.clearAsyncIdStack();
    return "terminate";
  };
}
