import { registerBackend, setAutoRouter, setBackend, type BackendChoice } from "./registry";
import { createGpujsBackend, GPUJS_MODES, type GpujsBackend, type GpujsMode } from "./gpujs";
import { createWasmBackend, type WasmBackend } from "./wasm";
import { calibrate, CPU_HOST_TABLE, makeAutoRouter, type RoutingTable } from "./routing";
import { checkOptions, OptlabError } from "../util/errors";
import { GEMM_THRESHOLDS, gemmPaths, type GemmPath } from "./gemm/f64Matmul";

export interface InitOptions {
  /**
   * GPU.js backend: a mode (`auto|webasm|headlessgl|webgpu|cpu`), `false` to skip it.
   * Default `auto`: GPU.js picks headless-gl/WebGL on a GPU host, webasm on a CPU-only one.
   */
  gpujs?: GpujsMode | false;
  /** The tfjs-wasm GEMM backend; `false` to skip it. Default true. */
  wasm?: boolean;
  /**
   * Threads for large wasm GEMMs (the caller's included). Default 1. On an idle 2-core host 2
   * threads measured 1.24× at n=256 and 1.57× at n=512 (bench/crossover.mjs), but with the cores
   * busy elsewhere the same run fell to 0.12× at n=256 (bench/matmul.mjs under load): the split
   * waits for a worker that is not scheduled. So the pool is opt-in.
   */
  threads?: number;
  /**
   * Measure the `auto` crossovers on this host instead of using routing.ts's CPU-host table.
   * Default `"auto"`: calibrate only when gpujs runs on a real GPU (the table was measured on a
   * CPU-only host, so it says nothing about a GPU).
   */
  calibrate?: boolean | "auto";
  /** Global default backend to set after loading (`auto`, `cpu`, `gpujs`, `wasm`). Default: leave it. */
  backend?: BackendChoice;
}

export interface BackendsInfo {
  /** Backends loaded, by name, with what they run on. */
  gpujs: { loaded: boolean; requestedMode?: GpujsMode; mode?: string; onGpu?: boolean; error?: string };
  wasm: { loaded: boolean; simd?: boolean; threads?: number; error?: string };
  /** The table the `auto` router uses. */
  routing: RoutingTable;
  /**
   * The cpu backend's float64 GEMM: each path (js, wasm, wasm-relaxed, native) with whether it
   * runs here and why not (or, for native, the BLAS build and thread count), and the measured
   * work thresholds (flops) from which wasm and native are used.
   */
  cpuGemm: { paths: { path: GemmPath; ok: boolean; reason?: string }[]; thresholds: { wasm: number; native: number } };
}

let state: { gpujs?: GpujsBackend; wasm?: WasmBackend; info: BackendsInfo } | null = null;

const OPTION_KEYS = ["gpujs", "wasm", "threads", "calibrate", "backend"] as const;

/**
 * Load the accelerated backends, register them and install the measured `auto` router.
 * Async because the wasm module is compiled here; every kernel call afterwards is synchronous.
 * Calling it again replaces the previous backends.
 *
 * A backend asked for explicitly (a gpujs mode other than `auto`, or `wasm: true`) that cannot
 * load is an error; with the defaults, a backend that cannot load is left out and reported in
 * the returned info (cpu always works).
 */
export async function initBackends(opts: InitOptions = {}): Promise<BackendsInfo> {
  checkOptions(opts, OPTION_KEYS, "initBackends");
  const gpujsMode = opts.gpujs === undefined ? "auto" : opts.gpujs;
  if (gpujsMode !== false && !GPUJS_MODES.includes(gpujsMode)) {
    throw new OptlabError(`initBackends: unknown gpujs mode "${String(gpujsMode)}" (expected one of ${GPUJS_MODES.join(", ")}, or false)`);
  }
  if (opts.wasm !== undefined && typeof opts.wasm !== "boolean") {
    throw new OptlabError(`initBackends: wasm must be true or false, got ${String(opts.wasm)}`);
  }
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new OptlabError(`initBackends: threads must be an integer in 1..64, got ${String(opts.threads)}`);
  }
  const cal = opts.calibrate ?? "auto";
  if (cal !== true && cal !== false && cal !== "auto") {
    throw new OptlabError(`initBackends: calibrate must be true, false or "auto", got ${String(cal)}`);
  }
  if (opts.backend !== undefined && !["auto", "cpu", "gpujs", "wasm"].includes(opts.backend)) {
    throw new OptlabError(`initBackends: unknown backend "${String(opts.backend)}" (expected auto, cpu, gpujs, wasm)`);
  }

  await disposeBackends();

  const info: BackendsInfo = {
    gpujs: { loaded: false },
    wasm: { loaded: false },
    routing: CPU_HOST_TABLE,
    cpuGemm: { paths: gemmPaths(), thresholds: { ...GEMM_THRESHOLDS } },
  };
  let gpujs: GpujsBackend | undefined;
  let wasm: WasmBackend | undefined;
  if (gpujsMode !== false) {
    try {
      gpujs = await createGpujsBackend({ mode: gpujsMode });
      info.gpujs = { loaded: true, requestedMode: gpujsMode, mode: gpujs.mode, onGpu: gpujs.onGpu };
    } catch (e) {
      if (gpujsMode !== "auto") throw e;
      info.gpujs = { loaded: false, requestedMode: gpujsMode, error: (e as Error).message };
    }
  }
  if (opts.wasm !== false) {
    try {
      wasm = await createWasmBackend({ threads });
      info.wasm = { loaded: true, simd: wasm.simd, threads: wasm.threads };
    } catch (e) {
      if (opts.wasm === true) {
        gpujs?.destroy();
        throw e;
      }
      info.wasm = { loaded: false, error: (e as Error).message };
    }
  }
  if (gpujs) registerBackend(gpujs);
  if (wasm) registerBackend(wasm);
  const present = { gpujs, wasm };
  const doCal = cal === true || (cal === "auto" && gpujs !== undefined && gpujs.onGpu);
  info.routing = doCal ? calibrate(present) : CPU_HOST_TABLE;
  setAutoRouter(makeAutoRouter(present, info.routing));
  if (opts.backend !== undefined) setBackend(opts.backend);
  state = { gpujs, wasm, info };
  return info;
}

/** What initBackends loaded (null before the first call). */
export function backendsInfo(): BackendsInfo | null {
  return state ? state.info : null;
}

/**
 * Release the accelerated backends (GPU.js kernels, wasm worker threads); `auto` routes to cpu
 * again and an explicit gpujs/wasm request reports them unavailable until initBackends runs.
 */
export async function disposeBackends(): Promise<void> {
  if (!state) return;
  const s = state;
  state = null;
  setAutoRouter(() => "cpu");
  s.gpujs?.destroy();
  await s.wasm?.destroy();
}
