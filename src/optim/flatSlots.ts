import { OptlabError, check } from "../util/errors";

/**
 * Named float64 buffers of a closure optimizer (flat over all parameters, or any size the
 * optimizer chooses), allocated on first use, with the copy-in/copy-out of `OptimizerState.slots`
 * (each slot one Float64Array wrapped in a one-element array).
 */
export class FlatSlots {
  buffers: Record<string, Float64Array> = {};

  /** The buffer `name`, allocated (zeros, or `init`) with `size` elements on first use. */
  get(name: string, size: number, init?: () => Float64Array): Float64Array {
    let b = this.buffers[name];
    if (b === undefined) {
      b = init ? init() : new Float64Array(size);
      this.buffers[name] = b;
    } else if (b.length !== size) {
      throw new OptlabError(`params: the optimizer's "${name}" buffer has ${b.length} elements, expected ${size} for these params (call reset() to start over with new params)`);
    }
    return b;
  }

  has(name: string): boolean {
    return this.buffers[name] !== undefined;
  }

  snapshot(): Record<string, Float64Array[]> {
    const out: Record<string, Float64Array[]> = {};
    for (const [k, v] of Object.entries(this.buffers)) out[k] = [v.slice()];
    return out;
  }

  restore(slots: Readonly<Record<string, readonly Float64Array[]>>, where: string): void {
    check(slots !== null && typeof slots === "object", `${where}: state.slots`, "expected an object");
    const next: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(slots)) {
      check(Array.isArray(v) && v.length === 1 && v[0] instanceof Float64Array, `${where}: state.slots.${k}`, "expected [Float64Array]");
      next[k] = v[0].slice();
    }
    this.buffers = next;
  }

  clear(): void {
    this.buffers = {};
  }
}
