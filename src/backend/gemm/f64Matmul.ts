import type { MatmulSpec } from "../Backend";
import { jsMatmul } from "./jsGemm";
import { loadWasmGemm } from "./gemmWasm";
import { loadNativeBlas } from "./nativeBlas";

/** The float64 GEMM implementations the cpu backend chooses between. */
export type GemmPath = "js" | "wasm" | "wasm-relaxed" | "native";

/**
 * Smallest work (flops, 2·batch·m·k·n) from which each path beat the next-slower one, measured
 * with `npm run bench -- crossover` (bench/crossover.mjs, section "f64 GEMM paths") on the
 * CPU-only 2-core host (AMD EPYC Zen 4, Node 20.20, OpenBLAS 0.3.21 Cooperlake kernels, 1 thread),
 * square n³ products, µs per call:
 *
 *   n      js      wasm    native     js/wasm  wasm/native
 *   6      0.33    0.35    0.26       0.95     1.35
 *   8      0.39    0.33    0.28       1.18     1.18
 *   16     2.23    0.93    0.40       2.40     2.32
 *   64     133     30.6    9.45       4.37     3.23
 *   256    8242    1681    646        4.90     2.60
 *
 * wasm beats js from 8³ (1024 flops) on, native beats wasm from 6³ (432 flops) on, at every larger
 * size and on the bench MLP's HVP shapes (1000×20·20×100 and friends: js/wasm 3.3–4.8,
 * wasm/native 2.3–4.6). Below ~1000 flops every path takes well under a microsecond.
 */
export const GEMM_THRESHOLDS = { wasm: 1024, native: 432 };

interface GemmConfig {
  /** Consider the native BLAS path (when it loaded). */
  native: boolean;
  /** Use the relaxed-SIMD module in place of `wasm` (when this engine validates it). */
  relaxed: boolean;
  /** Force one path for every product (tests, benches); `auto` routes by size. */
  path: GemmPath | "auto";
  /**
   * On the native path, products with a small inner dimension (k ≤ 128, n ≥ 16, A not transposed:
   * an MLP's HVP) run in the addon's own register-blocked kernel, which beat OpenBLAS on those
   * shapes; false sends every product to cblas_dgemm (benches and tests compare the two).
   */
  smallK: boolean;
}

const config: GemmConfig = { native: true, relaxed: false, path: "auto", smallK: true };

/**
 * Change how f64 products are routed. `native: false` ignores the BLAS addon (the fallback a host
 * without it gets); `smallK: false` keeps the addon but sends every product to the system BLAS;
 * `relaxed: true` opts into f64x2.relaxed_madd (fused multiply-add where the
 * engine fuses, so last-bit rounding may then differ by engine); `path` forces one path. Returns
 * the previous settings, so a caller can restore them.
 */
export function configureGemm(opts: Partial<GemmConfig>): GemmConfig {
  const prev = { ...config };
  if (opts.path !== undefined && !["auto", "js", "wasm", "wasm-relaxed", "native"].includes(opts.path)) {
    throw new Error(`configureGemm: path must be "auto", "js", "wasm", "wasm-relaxed" or "native", got ${String(opts.path)}`);
  }
  if (opts.smallK !== undefined) {
    if (typeof opts.smallK !== "boolean") throw new Error(`configureGemm: smallK must be a boolean, got ${String(opts.smallK)}`);
    const n = loadNativeBlas();
    if (n.ok && n.setSmallGemm) n.setSmallGemm(opts.smallK);
  }
  Object.assign(config, opts);
  return prev;
}

/** Each path, whether it can run here, and why not. */
export function gemmPaths(): { path: GemmPath; ok: boolean; reason?: string }[] {
  const w = loadWasmGemm("simd");
  const r = loadWasmGemm("relaxed");
  const n = loadNativeBlas();
  return [
    { path: "js", ok: true },
    { path: "wasm", ok: w.ok, reason: w.ok ? undefined : w.reason },
    { path: "wasm-relaxed", ok: r.ok, reason: r.ok ? undefined : r.reason },
    { path: "native", ok: n.ok, reason: n.ok ? `${n.config}, ${n.threads} thread(s)` : n.reason },
  ];
}

/** The path `matmulF64` takes for this spec under the current settings. */
export function gemmPathFor(s: MatmulSpec): GemmPath {
  if (config.path !== "auto") return config.path;
  const work = 2 * s.batch * s.m * s.k * s.n;
  if (config.native && work >= GEMM_THRESHOLDS.native && loadNativeBlas().ok) return "native";
  if (work >= GEMM_THRESHOLDS.wasm) {
    if (config.relaxed && loadWasmGemm("relaxed").ok) return "wasm-relaxed";
    if (loadWasmGemm("simd").ok) return "wasm";
  }
  return "js";
}

/**
 * out = op(A)·op(B) in float64 on the path chosen by size. Every path accumulates in float64;
 * they differ from each other (and from a naive loop) only in the order of the additions.
 * A forced path that cannot run here is an error naming it. Returns the path that ran.
 */
export function matmulF64(a: Float64Array, b: Float64Array, s: MatmulSpec, out: Float64Array): GemmPath {
  const path = gemmPathFor(s);
  if (path === "native") {
    const n = loadNativeBlas();
    if (!n.ok) throw new Error(`matmul: gemm path "native" is not available: ${n.reason}`);
    n.matmul(a, b, s, out);
    return path;
  }
  if (path === "wasm" || path === "wasm-relaxed") {
    const w = loadWasmGemm(path === "wasm" ? "simd" : "relaxed");
    if (!w.ok) throw new Error(`matmul: gemm path "${path}" is not available: ${w.reason}`);
    if (w.gemm.matmul(a, b, s, out)) return path;
  }
  jsMatmul(a, b, s, out);
  return "js";
}
