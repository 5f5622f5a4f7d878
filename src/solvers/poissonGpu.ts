import { OptlabError } from "../util/errors";
/** A matrix–vector product function (one form of `OperatorLike`). */
type LinearOperator = (v: Float64Array) => Float64Array;

export type PoissonGpuMode = "auto" | "webasm" | "headlessgl" | "cpu";

export interface PoissonGpuStencil {
  m: number;
  /** v ↦ Av in float32 on GPU.js (input rounded to f32, output widened to f64). */
  operator: LinearOperator;
  /** GPU.js mode actually used (e.g. "webasm" on a CPU host, "headlessgl" on a GPU). */
  mode: string;
  dtype: "f32";
  destroy(): void;
}

interface GpuKernel {
  (...args: unknown[]): unknown;
  kernel?: { constructor: { mode?: string } };
  destroy?(): void;
}
interface GpuInstance {
  mode: string;
  createKernel(src: string, settings: Record<string, unknown>): GpuKernel;
  destroy(): Promise<void>;
}

/**
 * The 2-D Poisson 5-point stencil (same matrix as `poisson2d(m)`) as a GPU.js kernel in float32,
 * one thread per grid point, built from source text with m baked in (as src/backend/gpujs.ts does).
 * Agrees with the float64 stencil to float32 rounding: |Δ| ≤ ~8·2⁻²⁴·max|v| per entry.
 */
export async function poissonGpuStencil(m: number, opts: { mode?: PoissonGpuMode } = {}): Promise<PoissonGpuStencil> {
  if (!Number.isInteger(m) || m < 1) throw new OptlabError(`poissonGpuStencil: m: expected a positive integer, got ${m}`);
  const mode = opts.mode ?? "auto";
  if (!["auto", "webasm", "headlessgl", "cpu"].includes(mode)) throw new OptlabError(`poissonGpuStencil: mode: expected "auto", "webasm", "headlessgl" or "cpu", got ${String(mode)}`);
  let GPU: new (s?: { mode?: string }) => GpuInstance;
  try {
    GPU = (await import("gpu.js")).GPU as unknown as typeof GPU;
  } catch (e) {
    throw new OptlabError(`poissonGpuStencil: needs the "gpu.js" package (${(e as Error).message})`);
  }
  const gpu = new GPU({ mode: mode === "auto" ? "gpu" : mode });
  const n = m * m;
  const src = `function(v) {
  const k = this.thread.x;
  const i = Math.floor(k / ${m});
  const j = k - i * ${m};
  let s = 4 * v[k];
  if (i > 0) { s -= v[k - ${m}]; }
  if (i < ${m - 1}) { s -= v[k + ${m}]; }
  if (j > 0) { s -= v[k - 1]; }
  if (j < ${m - 1}) { s -= v[k + 1]; }
  return s;
}`;
  const kernel = gpu.createKernel(src, { output: [n], precision: "single", tactic: "precision", dynamicOutput: false, dynamicArguments: false });
  let used = gpu.mode;
  return {
    m,
    get mode() {
      return used;
    },
    dtype: "f32",
    operator(v) {
      if (v.length !== n) throw new OptlabError(`poissonGpuStencil: v: expected length ${n}, got ${v.length}`);
      const out = kernel(Float32Array.from(v)) as Float32Array;
      used = kernel.kernel?.constructor.mode ?? used;
      return Float64Array.from(out);
    },
    destroy() {
      kernel.destroy?.();
      void gpu.destroy().catch(() => undefined);
    },
  };
}
