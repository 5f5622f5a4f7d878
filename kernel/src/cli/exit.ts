/**
 * Ending the CLI without losing output. Node writes to a pipe asynchronously: `process.exit` right
 * after a large write cuts stdout at the pipe buffer (64 KiB on Linux). So the exit code is set
 * first and the process exits only once everything queued on stdout and stderr has been handed
 * to the operating system.
 */

/** Sets the exit code, waits until stdout and stderr have flushed, then exits with `code`. */
export function exitWhenDrained(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  for (const stream of [process.stdout, process.stderr]) {
    let flushed = false;
    const once = () => {
      if (!flushed) {
        flushed = true;
        done();
      }
    };
    // A reader that went away (EPIPE, e.g. `| head`) is not an error of the command.
    stream.on("error", once);
    if (stream.destroyed || !stream.writable) once();
    else stream.write("", once);
  }
}

/**
 * A reader that closes early (`optlab … | head`) makes writes fail with EPIPE; without a listener
 * that is an uncaught error. Nothing more can reach that reader, so the command just stops writing.
 */
export function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
    });
  }
}
