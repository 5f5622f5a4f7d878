import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { MatmulSpec } from "../Backend";

/** The optional addon built by native/build-native.mjs (cblas_dgemm of the system BLAS). */
interface Addon {
  dgemm(a: Float64Array, b: Float64Array, out: Float64Array, batch: number, m: number, k: number, n: number,
    transA: boolean, transB: boolean, batchA: boolean, batchB: boolean): void;
  dgemv(a: Float64Array, x: Float64Array, y: Float64Array, m: number, n: number, trans: boolean, alpha: number, beta: number): void;
  setThreads(n: number): void;
  setSmallGemm?(on: boolean): boolean;
  getThreads(): number;
  config(): string;
  binary(op: number, a: Float64Array, b: Float64Array, out: Float64Array): void;
  accumulate(p: Float64Array, x: Float64Array): void;
  reduceSum(x: Float64Array, outer: number, len: number, inner: number, out: Float64Array): void;
}

/** The addon's elementwise kernels (elementwise.c): op codes of `binary`. */
export const NATIVE_BINARY_OPS = ["add", "sub", "mul", "div", "tanhGrad", "sigmoidGrad", "sigmoidGradY", "mulNeg2", "reluGrad"] as const;

/** Float64 elementwise kernels of the addon (bit-identical to the JS loops). */
export interface NativeElementwise {
  /** out = a op b on equal-length arrays; `op` indexes NATIVE_BINARY_OPS. */
  binary(op: number, a: Float64Array, b: Float64Array, out: Float64Array): void;
  /** p += x on equal-length arrays. */
  accumulate(p: Float64Array, x: Float64Array): void;
  /** out[o, i] = Σ_r x[o, r, i] over x [outer, len, inner], summed in increasing r. */
  reduceSum(x: Float64Array, outer: number, len: number, inner: number, out: Float64Array): void;
}

/** The system-BLAS GEMM when it loaded, else why not (recorded, never thrown). */
export type NativeBlasLoad =
  | {
      ok: true;
      config: string;
      threads: number;
      matmul(a: Float64Array, b: Float64Array, spec: MatmulSpec, out: Float64Array): void;
      elementwise: NativeElementwise | null;
      /** Route small-k products to the addon's own kernel (default) or all to cblas_dgemm; returns the old state. Null on an older build. */
      setSmallGemm: ((on: boolean) => boolean) | null;
      /** y = alpha·op(A)·x + beta·y, A row-major m×n (op(A) = Aᵀ when trans); null on an older build. */
      gemv: ((a: Float64Array, x: Float64Array, y: Float64Array, m: number, n: number, trans: boolean, alpha: number, beta: number) => void) | null;
    }
  | { ok: false; reason: string };

let loaded: NativeBlasLoad | undefined;

/**
 * Load the addon once. Off when `OPTLAB_NATIVE_BLAS=0`. Threads: 1 (so timings compare with
 * one-thread peers), or `OPTLAB_BLAS_THREADS` when set to a positive integer.
 */
export function loadNativeBlas(): NativeBlasLoad {
  if (!loaded) loaded = load();
  return loaded;
}

function packageRoot(): string {
  // src/backend/gemm (sources run by tsx) or src/dist/backend/gemm (built): the nearest package.json.
  let d = __dirname;
  while (!existsSync(join(d, "package.json")) && dirname(d) !== d) d = dirname(d);
  return d;
}

function load(): NativeBlasLoad {
  if (process.env.OPTLAB_NATIVE_BLAS === "0") return { ok: false, reason: "disabled by OPTLAB_NATIVE_BLAS=0" };
  const dir = join(packageRoot(), "dist", "native");
  const file = join(dir, "optlab_blas.node");
  if (!existsSync(file)) {
    let why = "not built";
    try {
      why = JSON.parse(readFileSync(join(dir, "status.json"), "utf8")).reason ?? why;
    } catch {
      /* no build record: the build never ran */
    }
    return { ok: false, reason: `BLAS addon absent (${why})` };
  }
  let addon: Addon;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    addon = require(file) as Addon;
  } catch (e) {
    return { ok: false, reason: `BLAS addon failed to load: ${(e as Error).message.split("\n")[0]}` };
  }
  const env = process.env.OPTLAB_BLAS_THREADS;
  if (env !== undefined) {
    const t = Number(env);
    if (!Number.isInteger(t) || t < 1) {
      throw new Error(`OPTLAB_BLAS_THREADS: expected a positive integer, got "${env}"`);
    }
    addon.setThreads(t);
  }
  return {
    ok: true,
    config: addon.config(),
    threads: addon.getThreads(),
    matmul(a, b, s, out) {
      addon.dgemm(a, b, out, s.batch, s.m, s.k, s.n, s.transA, s.transB, s.batchA, s.batchB);
    },
    gemv: typeof addon.dgemv === "function" ? addon.dgemv.bind(addon) : null,
    setSmallGemm: typeof addon.setSmallGemm === "function" ? addon.setSmallGemm.bind(addon) : null,
    // An addon built before the elementwise kernels existed has no `binary`.
    elementwise: typeof addon.binary === "function" && typeof addon.reduceSum === "function"
      ? { binary: addon.binary.bind(addon), accumulate: addon.accumulate.bind(addon), reduceSum: addon.reduceSum.bind(addon) }
      : null,
  };
}
