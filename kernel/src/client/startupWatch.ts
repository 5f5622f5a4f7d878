import { removeOwnedConnectionFile } from "../wire/connection";

/** How often the parent is polled while the kernel is still loading. */
const POLL_MS = 250;

/**
 * Watches JPY_PARENT_PID from the first moment of `optlab kernel`, before TypeScript and
 * ZeroMQ are even loaded (seconds on a busy machine): a frontend killed during that window
 * would otherwise leave a kernel that starts up with nobody to serve. The control worker's
 * watch takes over once the kernel serves (the kernel calls endStartupWatch). Light on
 * purpose: it imports nothing heavy.
 */
export function watchParentDuringStartup(env: NodeJS.ProcessEnv = process.env): void {
  const pid = Number(env.JPY_PARENT_PID);
  if (!Number.isInteger(pid) || pid <= 1) return;
  const initialPpid = process.ppid;
  const timer = (startupTimer = setInterval(() => {
    let alive = !(pid === initialPpid && process.ppid !== initialPpid);
    if (alive) {
      try {
        process.kill(pid, 0);
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === "EPERM";
      }
    }
    if (alive) return;
    clearInterval(timer);
    removeOwnedConnectionFile(env.OPTLAB_OWNED_CONNECTION_FILE || undefined);
    process.exit(0); // the kernel, once started, turns this into its orderly shutdown
  }, POLL_MS));
  timer.unref();
}

let startupTimer: NodeJS.Timeout | undefined;

/** Stops the start-up watch (the control worker watches from now on). */
export function endStartupWatch(): void {
  if (startupTimer) clearInterval(startupTimer);
  startupTimer = undefined;
}
