import type { Backend, BinaryKernel, BroadcastSpec, MatmulSpec, ReduceSpec, UnaryKernel } from "./Backend";
import type { Storage } from "../tensor/dtype";
import { OptlabError } from "../util/errors";

/**
 * The `gpujs` backend: GPU.js kernels in float32.
 *
 * Kernels are generated as source text (so no transpiler between us and GPU.js can change what it
 * parses), with every shape baked in as a literal, compiled once and cached by op + shape.
 * Calls are synchronous: GPU.js's sync contract, which every backend but webgpu offers. On a
 * CPU-only Node host that means the `webasm` backend single-threaded (SIMD, no worker pool —
 * threads engage only under GPU.js's async contract, which our synchronous ops cannot await).
 */

/** GPU.js mode as optlab names it. `auto` lets GPU.js pick (headlessgl → webgl2 → webgl → webasm → cpu). */
export type GpujsMode = "auto" | "webasm" | "headlessgl" | "webgpu" | "cpu";
export const GPUJS_MODES: readonly GpujsMode[] = ["auto", "webasm", "headlessgl", "webgpu", "cpu"];

export interface GpujsOptions {
  /** Which GPU.js backend to run; default `auto`. */
  mode?: GpujsMode;
  /** Most compiled kernels kept (least recently used are destroyed); default 256. */
  maxKernels?: number;
}

/** Kernel modes of GPU.js that run on a real GPU. */
const GPU_KERNEL_MODES = new Set(["headlessgl", "webgl", "webgl2", "webgpu"]);

export interface GpujsBackend extends Backend {
  readonly name: "gpujs";
  /** The mode asked for. */
  readonly requestedMode: GpujsMode;
  /** The GPU.js mode actually in use (`webasm`, `cpu`, `headlessgl`, `webgl2`, …). */
  readonly mode: string;
  /** True when kernels run on a real GPU (a GL/WebGPU mode), false for webasm/cpu. */
  readonly onGpu: boolean;
  /** Number of compiled kernels in the cache. */
  kernelCount(): number;
  /** Release every compiled kernel and the GPU.js instance. */
  destroy(): void;
}

// Minimal structural types for the parts of GPU.js we use (its own typings are loose).
interface GpuKernel {
  (...args: unknown[]): unknown;
  kernel?: { constructor: { mode?: string }; fallbackReason?: string | null };
  destroy?(removeCanvasReferences?: boolean): void;
}
interface GpuInstance {
  mode: string;
  createKernel(src: string, settings: Record<string, unknown>): GpuKernel;
  destroy(): Promise<void>;
}
interface GpuClass {
  new (settings?: { mode?: string }): GpuInstance;
  isHeadlessGLSupported: boolean;
  isWebAssemblySupported: boolean;
  isWebGPUAvailable(): Promise<boolean>;
}

/** Largest index GPU.js can address exactly on GL (float32 texture coordinates). */
const MAX_INDEX = 1 << 24;
/** Largest output dimension we hand to a GL texture (WebGL guarantees far less; most GPUs 16384). */
const MAX_GL_DIM = 16384;

/**
 * Load GPU.js and create the backend in `mode`. Throws an OptlabError naming `mode` when it is
 * unknown or not available on this host.
 */
export async function createGpujsBackend(opts: GpujsOptions = {}): Promise<GpujsBackend> {
  const mode = opts.mode ?? "auto";
  if (!GPUJS_MODES.includes(mode)) {
    throw new OptlabError(`initBackends: unknown gpujs mode "${String(mode)}" (expected one of ${GPUJS_MODES.join(", ")})`);
  }
  const maxKernels = opts.maxKernels ?? 256;
  if (!Number.isInteger(maxKernels) || maxKernels < 1) {
    throw new OptlabError(`initBackends: maxKernels must be a positive integer, got ${String(maxKernels)}`);
  }
  let GPU: GpuClass;
  try {
    GPU = (await import("gpu.js")).GPU as unknown as GpuClass;
  } catch (e) {
    throw new OptlabError(`initBackends: gpujs backend needs the "gpu.js" package (${(e as Error).message})`);
  }
  if (mode === "headlessgl" && !GPU.isHeadlessGLSupported) {
    throw new OptlabError(
      `initBackends: gpujs mode "headlessgl" is not available on this host (GPU.js found no headless-gl context: the optional "gl" package is missing or has no GPU/GL driver); use mode "auto" or "webasm"`,
    );
  }
  if (mode === "webasm" && !GPU.isWebAssemblySupported) {
    throw new OptlabError(`initBackends: gpujs mode "webasm" is not available (no WebAssembly in this runtime)`);
  }
  if (mode === "webgpu") {
    const available = await GPU.isWebGPUAvailable().catch(() => false);
    if (!available) {
      throw new OptlabError(`initBackends: gpujs mode "webgpu" is not available on this host (no WebGPU adapter: navigator.gpu is absent or answered none)`);
    }
    // WebGPU readback is asynchronous only, so its kernels return Promises; optlab's tensor ops
    // are synchronous. Rather than block or return wrong values, refuse it plainly.
    throw new OptlabError(
      `initBackends: gpujs mode "webgpu" returns Promises from every kernel, but optlab ops are synchronous; use mode "auto" (it picks WebGL/headless-gl on a GPU host)`,
    );
  }
  const gpuMode = mode === "auto" ? "gpu" : mode;
  const gpu = new GPU({ mode: gpuMode });
  return new GpujsBackendImpl(gpu, mode, maxKernels);
}

class GpujsBackendImpl implements GpujsBackend {
  readonly name = "gpujs" as const;
  readonly dtypes = ["f32"] as const;
  readonly requestedMode: GpujsMode;
  private gpu: GpuInstance | null;
  private readonly cache = new Map<string, GpuKernel>();
  private readonly maxKernels: number;
  private kernelMode: string;

  constructor(gpu: GpuInstance, requestedMode: GpujsMode, maxKernels: number) {
    this.gpu = gpu;
    this.requestedMode = requestedMode;
    this.maxKernels = maxKernels;
    this.kernelMode = gpu.mode === "gpu" ? "webasm" : gpu.mode;
    // Probe once: build a tiny kernel to learn which GPU.js backend really runs (auto mode picks
    // one on first build, and webasm may degrade to cpu).
    const probe = this.kernel("probe", () => `function(a) { return a[this.thread.x] * 2; }`, [4]);
    const r = probe(new Float32Array([1, 2, 3, 4])) as Float32Array;
    if (!(r && r[3] === 8)) throw new OptlabError(`initBackends: gpujs probe kernel returned wrong values in mode "${this.kernelMode}"`);
  }

  get mode(): string {
    return this.kernelMode;
  }

  get onGpu(): boolean {
    return GPU_KERNEL_MODES.has(this.kernelMode);
  }

  available(): boolean {
    return this.gpu !== null;
  }

  kernelCount(): number {
    return this.cache.size;
  }

  destroy(): void {
    for (const k of this.cache.values()) k.destroy?.();
    this.cache.clear();
    const g = this.gpu;
    this.gpu = null;
    void g?.destroy().catch(() => undefined);
  }

  /** Compiled kernel for `key`, building it with `source()` and `output` on first use. */
  private kernel(key: string, source: () => string, output: number[]): GpuKernel {
    const hit = this.cache.get(key);
    if (hit) {
      // refresh LRU position
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    if (!this.gpu) throw new OptlabError(`gpujs: backend was destroyed`);
    const k = this.gpu.createKernel(source(), {
      output,
      precision: "single",
      tactic: "precision",
      dynamicOutput: false,
      dynamicArguments: false,
    });
    this.cache.set(key, k);
    if (this.cache.size > this.maxKernels) {
      const [oldKey, old] = this.cache.entries().next().value as [string, GpuKernel];
      this.cache.delete(oldKey);
      old.destroy?.();
    }
    return k;
  }

  private run(k: GpuKernel, args: unknown[]): unknown {
    const r = k(...args);
    const km = k.kernel?.constructor.mode;
    if (km) this.kernelMode = km;
    return r;
  }

  /** Whether an output of `rows`×`cols` (and inputs of the given lengths) fit this mode. */
  private fits(rows: number, cols: number, ...lengths: number[]): boolean {
    if (rows * cols === 0) return false;
    if (rows * cols >= MAX_INDEX) return false;
    for (const l of lengths) if (l >= MAX_INDEX) return false;
    if (this.onGpu && (rows > MAX_GL_DIM || cols > MAX_GL_DIM)) return false;
    return true;
  }

  matmul(a: Storage, b: Storage, s: MatmulSpec, out: Storage): boolean {
    const { batch, m, k, n, transA, transB, batchA, batchB } = s;
    if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) return false;
    if (k === 0) return false;
    const rows = batch * m;
    if (!this.fits(rows, n, a.length, b.length)) return false;
    const key = `mm:${batch}:${m}:${k}:${n}:${+transA}${+transB}${+batchA}${+batchB}`;
    const kern = this.kernel(key, () => matmulSource(s), [n, rows]);
    copyRows(this.run(kern, [a, b]), out, rows, n);
    return true;
  }

  gram(x: Storage, n: number, d: number, out: Storage): boolean {
    if (!(x instanceof Float32Array && out instanceof Float32Array)) return false;
    if (d === 0 || !this.fits(n, n, x.length)) return false;
    const kern = this.kernel(`gram:${n}:${d}`, () => gramSource(d), [n, n]);
    copyRows(this.run(kern, [x]), out, n, n);
    return true;
  }

  unary(op: UnaryKernel, x: Storage, out: Storage): boolean {
    if (!(x instanceof Float32Array && out instanceof Float32Array)) return false;
    const len = x.length;
    if (!(op in UNARY_SRC) || !this.fits(1, len, len)) return false;
    if (this.onGpu && len > MAX_GL_DIM * MAX_GL_DIM) return false;
    const kern = this.kernel(`un:${op}:${len}`, () => unarySource(op), [len]);
    out.set(this.run(kern, [x]) as Float32Array);
    return true;
  }

  binary(op: BinaryKernel, a: Storage, b: Storage, spec: BroadcastSpec, out: Storage): boolean {
    if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array)) return false;
    const len = out.length;
    if (!(op in BINARY_SRC) || !this.fits(1, len, a.length, b.length)) return false;
    const key = `bin:${op}:${spec.outShape.join("x")}:${spec.aStrides.join(",")}:${spec.bStrides.join(",")}`;
    const kern = this.kernel(key, () => binarySource(op, spec, a.length, b.length), [len]);
    out.set(this.run(kern, [a, b]) as Float32Array);
    return true;
  }

  reduceSum(x: Storage, spec: ReduceSpec, out: Storage): boolean {
    return this.reduce("sum", x, spec, out);
  }

  reduceMax(x: Storage, spec: ReduceSpec, out: Storage): boolean {
    return this.reduce("max", x, spec, out);
  }

  private reduce(kind: "sum" | "max", x: Storage, { outer, len, inner }: ReduceSpec, out: Storage): boolean {
    if (!(x instanceof Float32Array && out instanceof Float32Array)) return false;
    if (len === 0 || !this.fits(outer, inner, x.length)) return false;
    const kern = this.kernel(`red:${kind}:${outer}:${len}:${inner}`, () => reduceSource(kind, len, inner), [inner, outer]);
    copyRows(this.run(kern, [x]), out, outer, inner);
    return true;
  }
}

/** Copy a GPU.js 2D result (array of rows) or flat Float32Array into `out`. */
function copyRows(r: unknown, out: Float32Array, rows: number, cols: number): void {
  if (r instanceof Float32Array) {
    out.set(r.subarray(0, rows * cols));
    return;
  }
  const arr = r as ArrayLike<Float32Array>;
  for (let i = 0; i < rows; i++) out.set(arr[i], i * cols);
}

// ---- kernel sources (GPU.js's JavaScript subset; shapes are literals) ----

function matmulSource({ m, k, n, transA, transB, batchA, batchB }: MatmulSpec): string {
  // thread.y = t*m + i (output row across batches), thread.x = j.
  const aBase = batchA ? `t * ${m * k}` : `0`;
  const bBase = batchB ? `t * ${k * n}` : `0`;
  const aIdx = transA ? `${aBase} + p * ${m} + i` : `${aBase} + i * ${k} + p`;
  const bIdx = transB ? `${bBase} + j * ${k} + p` : `${bBase} + p * ${n} + j`;
  return `function(a, b) {
  const row = this.thread.y;
  const t = Math.floor(row / ${m});
  const i = row - t * ${m};
  const j = this.thread.x;
  let s = 0;
  for (let p = 0; p < ${k}; p++) {
    s += a[${aIdx}] * b[${bIdx}];
  }
  return s;
}`;
}

function gramSource(d: number): string {
  return `function(x) {
  const i = this.thread.y;
  const j = this.thread.x;
  let s = 0;
  for (let p = 0; p < ${d}; p++) {
    s += x[i * ${d} + p] * x[j * ${d} + p];
  }
  return s;
}`;
}

// log1p(v) in float32 without cancellation (Goldberg): u = 1 + v; log(u) * v / (u - 1).
const LOG1P = (v: string) => `((1 + ${v}) === 1 ? ${v} : Math.log(1 + ${v}) * ${v} / ((1 + ${v}) - 1))`;

/** Bodies of the unary kernels; `v` is the input value. */
const UNARY_SRC: Record<UnaryKernel, string> = {
  neg: `return -v;`,
  exp: `return Math.exp(v);`,
  log: `return Math.log(v);`,
  log1p: `return ${LOG1P("v")};`,
  tanh: `return Math.tanh(v);`,
  sigmoid: `if (v >= 0) { return 1 / (1 + Math.exp(-v)); } const e = Math.exp(v); return e / (1 + e);`,
  relu: `return v > 0.0 || v != v ? v : 0.0;`,
  step: `return v > 0 ? 1 : 0;`,
  sqrt: `return Math.sqrt(v);`,
  abs: `return Math.abs(v);`,
  sign: `return v > 0 ? 1 : (v < 0 ? -1 : 0);`,
  // |v| < 0.5: Maclaurin series to v^13 (truncation < 1e-9 relative); else Abramowitz & Stegun
  // 7.1.26 (|error| <= 1.5e-7 absolute, so <= 3e-7 relative since |erf(v)| > 0.52 there).
  erf: `const z = Math.abs(v);
  if (z < 0.5) {
    const q = v * v;
    return 1.1283791670955126 * v * (1 - q * (0.3333333333333333 - q * (0.1 - q * (0.023809523809523808 - q * (0.004629629629629629 - q * (0.0007575757575757576 - q * 0.00010683760683760684))))));
  }
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return v >= 0 ? y : -y;`,
  square: `return v * v;`,
  softplus: `const w = Math.exp(-Math.abs(v)); return Math.max(v, 0) + ${LOG1P("w")};`,
  reciprocal: `return 1 / v;`,
  cos: `return Math.cos(v);`,
  sin: `return Math.sin(v);`,
};

function unarySource(op: UnaryKernel): string {
  return `function(x) {
  const v = x[this.thread.x];
  ${UNARY_SRC[op]}
}`;
}

/** Expressions of the binary kernels over `u` (from a) and `w` (from b). */
const BINARY_SRC: Record<BinaryKernel, string> = {
  add: `u + w`,
  sub: `u - w`,
  mul: `u * w`,
  div: `u / w`,
  pow: `Math.pow(u, w)`,
  maximum: `(u >= w ? u : w)`,
  minimum: `(u <= w ? u : w)`,
  gt: `(u > w ? 1 : 0)`,
  ge: `(u >= w ? 1 : 0)`,
  lt: `(u < w ? 1 : 0)`,
  le: `(u <= w ? 1 : 0)`,
  eq: `(u === w ? 1 : 0)`,
  tanhGrad: `u * (1 - w * w)`,
  sigmoidGrad: `u * (w * (1 - w))`,
  sigmoidGradY: `u * (1 - 2 * w)`,
  mulNeg2: `-(u * (w * 2))`,
  reluGrad: `u * (w > 0 ? 1 : 0)`,
};

function binarySource(op: BinaryKernel, { outShape, aStrides, bStrides }: BroadcastSpec, aLen: number, bLen: number): string {
  const total = outShape.reduce((p, d) => p * d, 1);
  const contiguous = contiguousStrides(outShape);
  const same = (s: readonly number[]) => s.every((v, i) => v === contiguous[i] || outShape[i] === 1);
  let aIdx: string;
  let bIdx: string;
  let body = "";
  if (aLen === total && same(aStrides)) aIdx = "idx";
  else if (aLen === 1) aIdx = "0";
  else aIdx = "ai";
  if (bLen === total && same(bStrides)) bIdx = "idx";
  else if (bLen === 1) bIdx = "0";
  else bIdx = "bi";
  if (aIdx === "ai" || bIdx === "bi") {
    // Decompose the flat output index into coordinates, innermost last.
    body += `  let rem = idx;\n  let ai = 0;\n  let bi = 0;\n`;
    for (let d = 0; d < outShape.length; d++) {
      const size = contiguous[d];
      if (outShape[d] === 1) continue;
      body += `  const c${d} = Math.floor(rem / ${size});\n  rem = rem - c${d} * ${size};\n`;
      if (aStrides[d] !== 0) body += `  ai = ai + c${d} * ${aStrides[d]};\n`;
      if (bStrides[d] !== 0) body += `  bi = bi + c${d} * ${bStrides[d]};\n`;
    }
  }
  return `function(a, b) {
  const idx = this.thread.x;
${body}  const u = a[${aIdx}];
  const w = b[${bIdx}];
  return ${BINARY_SRC[op]};
}`;
}

function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

function reduceSource(kind: "sum" | "max", len: number, inner: number): string {
  // thread.y = o (outer), thread.x = i (inner).
  const base = `this.thread.y * ${len * inner} + this.thread.x`;
  if (kind === "sum") {
    // Kahan-compensated, so the f32 error stays O(u) rather than O(len·u) on long rows.
    return `function(x) {
  let s = 0;
  let c = 0;
  for (let r = 0; r < ${len}; r++) {
    const y = x[${base} + r * ${inner}] - c;
    const t = s + y;
    c = (t - s) - y;
    s = t;
  }
  return s;
}`;
  }
  return `function(x) {
  let m = x[${base}];
  for (let r = 1; r < ${len}; r++) {
    const v = x[${base} + r * ${inner}];
    if (v > m) { m = v; }
  }
  return m;
}`;
}
