/** Errors that name the offending argument and what was expected. */
export class OptlabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OptlabError";
  }
}

/** Throw `OptlabError` with `argument: message` unless `cond` holds. */
export function check(cond: unknown, argument: string, message: string): asserts cond {
  if (!cond) throw new OptlabError(`${argument}: ${message}`);
}

/** Reject option keys that a function does not know, so typos are not silently ignored. */
export function checkOptions(opts: object | undefined, allowed: readonly string[], where: string): void {
  if (opts === undefined) return;
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      throw new OptlabError(`${where}: unknown option "${key}" (expected one of ${allowed.join(", ")})`);
    }
  }
}

/** Throw if any entry is NaN or ±Infinity, naming the first offending flat index. */
export function checkFinite(data: ArrayLike<number>, argument: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new OptlabError(`${argument}: non-finite value ${data[i]} at index ${i}`);
    }
  }
}

/**
 * A NaN or ±Infinity where a finite number was required. `block` names the parameter block
 * (e.g. `[1].W[3,4]`) when the value lives in a parameter-shaped vector.
 */
export class NonFiniteError extends OptlabError {
  constructor(
    message: string,
    /** The offending value (NaN, Infinity or -Infinity). */
    readonly value: number,
    /** Flat index of the first offending entry. */
    readonly index: number,
    /** Parameter block and entry, when known. */
    readonly block?: string,
  ) {
    super(message);
    this.name = "NonFiniteError";
  }
}
