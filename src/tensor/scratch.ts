import type { DType, Storage } from "./dtype";

// Buffer reuse inside a reverse sweep. A sweep that is not itself recorded (an HVP, a plain
// gradient) allocates one fresh output per elementwise op and matmul, and almost all of them are
// dead one graph node later. Fresh large typed arrays cost a zeroed mmap, page faults and later a
// GC; on the benchmark MLP that was ~15% of an HVP. While a scratch scope is open, `allocate`
// hands out recycled buffers, and the sweep returns every buffer it allocated that no live
// cotangent references (ownership is decided by the sweep, which knows what is live).

/** Buffers shorter than this are cheap on V8's heap and not worth tracking. */
const MIN_LENGTH = 2048;
/** The most memory the free lists keep between sweeps (bytes). */
const MAX_POOLED_BYTES = 64 * 1024 * 1024;

/** The buffers one scope handed out and has not returned. */
export interface ScratchScope {
  readonly owned: Storage[];
}

let active: ScratchScope | null = null;
const free = new Map<string, Storage[]>();
let pooledBytes = 0;

/**
 * A buffer from the open scope's free lists (zero-filled when `zero`, else with stale contents),
 * or null when no scope is open.
 */
export function scratchBuffer(dtype: DType, n: number, zero: boolean): Storage | null {
  if (active === null || n < MIN_LENGTH) return null;
  const list = free.get(dtype + n);
  let buf = list?.pop();
  if (buf) {
    pooledBytes -= buf.byteLength;
    if (zero) buf.fill(0);
  } else {
    buf = dtype === "f64" ? new Float64Array(n) : new Float32Array(n);
  }
  active.owned.push(buf);
  return buf;
}

/** Run `fn` with a scratch scope open (scopes nest; each sees only its own allocations). */
export function withScratch<T>(fn: (scope: ScratchScope) => T): T {
  const prev = active;
  const scope: ScratchScope = { owned: [] };
  active = scope;
  try {
    return fn(scope);
  } finally {
    active = prev;
  }
}

/**
 * Return to the free lists every buffer of `scope` whose memory is not in `live` (the
 * ArrayBuffers still referenced by the caller). The caller guarantees nothing else holds them.
 */
export function recycle(scope: ScratchScope, live: ReadonlySet<ArrayBufferLike>): void {
  const owned = scope.owned;
  let keep = 0;
  for (let i = 0; i < owned.length; i++) {
    const buf = owned[i];
    if (live.has(buf.buffer)) {
      owned[keep++] = buf;
    } else if (pooledBytes + buf.byteLength <= MAX_POOLED_BYTES) {
      const key = (buf instanceof Float64Array ? "f64" : "f32") + buf.length;
      let list = free.get(key);
      if (!list) free.set(key, (list = []));
      list.push(buf);
      pooledBytes += buf.byteLength;
    }
  }
  owned.length = keep;
}
