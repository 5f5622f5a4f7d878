/**
 * The handshake that lets the control worker SIGINT the kernel process without ever killing it.
 *
 * Node's `vm` breakOnSigint detaches the process's SIGINT listeners before it installs its own
 * handler and puts a process-ending handler back when it returns: a SIGINT that lands in those
 * few microseconds ends the process (the default action). So the main thread publishes, in one
 * shared Int32, whether a signal is safe right now (SAFE: inside breakOnSigint's handler, or in
 * the executor's own synchronous work, where the kernel's listener is attached), and the worker
 * signals only from SAFE, holding the flag at SENDING for the duration of its `kill` so that the
 * main thread cannot leave the safe stretch while a signal is on its way.
 *
 * On Linux a signal a thread sends its own process is delivered to that thread before `kill`
 * returns (when the thread does not block it), so SENDING is held for microseconds.
 */

/** A SIGINT now would go to the kernel's listener or to breakOnSigint's handler. */
export const SAFE = 1;
/** Not safe: outside the executor, or in the gap where breakOnSigint swaps handlers. */
export const UNSAFE = 0;
/** The worker is sending a signal; the main thread waits before it changes the phase. */
export const SENDING = 2;

/** Main thread: publishes whether a signal is safe now, waiting out a signal being sent. */
export function publishSignalPhase(flag: Int32Array, safe: boolean): void {
  const next = safe ? SAFE : UNSAFE;
  for (;;) {
    const cur = Atomics.load(flag, 0);
    if (cur === SENDING) continue; // the worker's kill() is in flight: microseconds
    if (Atomics.compareExchange(flag, 0, cur, next) === cur) return;
  }
}

/** Control worker: sends the signal if, and only if, the main thread says it is safe. */
export function signalIfSafe(flag: Int32Array, send: () => void): boolean {
  if (Atomics.compareExchange(flag, 0, SAFE, SENDING) !== SAFE) return false;
  try {
    send();
  } finally {
    Atomics.store(flag, 0, SAFE);
  }
  return true;
}
