import type { Objective } from "@optlab/core";
import { WidgetError } from "../model/errors";
import { renderSpectrum } from "../svg/spectrum";
import { peaksVanishOnLinearAxis } from "../svg/charts/spectrum";
import { OptlabView } from "./base";
import { SPECTRUM } from "./schema";

/** What the slice needs of an @optlab/core Objective (values and the gradient at θ₀). */
export type SliceObjective = Pick<Objective, "p" | "value" | "grad" | "center">;

export interface SpectrumOptions {
  title?: string;
  mode?: "stems" | "histogram" | "both";
  y_scale?: "linear" | "log";
  bins?: number;
  width?: number;
  height?: number;
  /** Objective to slice along eigenvectors when an eigenvalue is clicked. */
  objective?: SliceObjective;
  /** Unit eigenvectors, one per eigenvalue (defaults to the result's). */
  eigenvectors?: ArrayLike<number>[] | null;
  /** Points per slice (default 41). */
  slicePoints?: number;
  /** Half-width of the slice in t; default √(2·max(|L₀|, 1e-3)/|λ|) so the quadratic term is comparable to the loss. */
  sliceRadius?: number;
  /** Outlier rule: |λ − median| > outlierMads · MAD (default 5). */
  outlierMads?: number;
}

/** Outlier mask: |λ − median| > k·MAD (MAD floored at 1e-12·max|λ|). */
export function outlierMask(eig: ArrayLike<number>, k = 5): Uint8Array {
  const v = Array.from(eig).sort((a, b) => a - b);
  const out = new Uint8Array(eig.length);
  if (v.length < 3) return out;
  const med = (a: number[]) => (a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2);
  const m = med(v);
  const mad = Math.max(med(v.map((x) => Math.abs(x - m)).sort((a, b) => a - b)), 1e-12 * Math.max(...v.map(Math.abs)));
  for (let i = 0; i < eig.length; i++) out[i] = Math.abs(eig[i] - m) > k * mad ? 1 : 0;
  return out;
}

interface SpectrumSource {
  method?: string;
  eigenvalues?: ArrayLike<number>;
  eigenvectors?: number[][] | Float64Array | null;
  nodes?: number[][];
  weights?: number[][];
  grid?: number[];
  density?: number[];
  sigma?: number;
  probes?: number;
  backend?: string;
  dtype?: string;
  seed?: number | null;
  hvps?: number;
  wallTimeMs?: number;
}

/** Eigenvectors of a result as rows: topEigen gives rows, dense gives columns of a p×p matrix. */
function vectorsOf(r: SpectrumSource, k: number): ArrayLike<number>[] | null {
  const ev = r.eigenvectors;
  if (!ev) return null;
  if (Array.isArray(ev)) return ev;
  const p = Math.round(Math.sqrt(ev.length));
  if (p * p !== ev.length || p !== k) return null;
  return Array.from({ length: p }, (_, j) => Float64Array.from({ length: p }, (_, i) => ev[i * p + j]));
}

/**
 * SpectrumView (see schema.ts SPECTRUM): stems/histogram of eigenvalues, the SLQ density
 * re-smoothable in the browser, and 1-D loss slices along eigenvectors computed on click.
 */
export class SpectrumView extends OptlabView {
  #objective: SliceObjective | undefined;
  #vectors: ArrayLike<number>[] | null;
  #opts: SpectrumOptions;
  #busy = false;
  /** Slices computed so far (for tests and notebooks). */
  slicesComputed = 0;

  constructor(init: Record<string, unknown> = {}, opts: SpectrumOptions = {}) {
    super(SPECTRUM, { ...init, can_slice: !!(opts.objective && opts.eigenvectors && opts.eigenvectors.length > 0) });
    this.#opts = opts;
    this.#objective = opts.objective;
    this.#vectors = opts.eigenvectors ?? null;
    this.on("msg:custom", (content: { event?: string; index?: unknown }) => {
      if (content?.event === "select_eigenvalue") return this.selectEigenvalue(content.index as number);
    });
    this.on("change:selected", (e: { new: number | null }) => {
      if (!this.#busy && e.new !== null && e.new !== this.get("slice_index") && this.get("can_slice")) this.selectEigenvalue(e.new);
    });
  }

  /** A SpectrumView of a Hessian result: topEigen / dense (eigenvalues, eigenvectors) or SLQ density (nodes, weights). */
  static fromResult(result: object, opts: SpectrumOptions = {}): SpectrumView {
    const r = result as SpectrumSource;
    const eig = Float64Array.from(r.eigenvalues ?? []).sort();
    const order = Array.from(r.eigenvalues ?? [], (v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    const rawVectors = opts.eigenvectors ?? vectorsOf(r, (r.eigenvalues ?? []).length);
    const vectors = rawVectors ? order.map((i) => rawVectors[i]) : null;
    const nodes = (r.nodes ?? []).flat();
    const weights = (r.weights ?? []).flat();
    const lo = Math.min(...(nodes.length ? nodes : [...eig, 0]));
    const hi = Math.max(...(nodes.length ? nodes : [...eig, 1]));
    const sigma = r.sigma ?? 0.01 * (hi - lo || 1);
    const mode = opts.mode ?? (eig.length > 60 ? "both" : "stems");
    // Log y by default where a linear axis would flatten the outliers to nothing.
    const yScale = opts.y_scale ?? (peaksVanishOnLinearAxis(eig, nodes, weights, r.nodes?.length ?? 0, sigma, mode, opts.bins) ? "log" : "linear");
    return new SpectrumView(
      {
        title: opts.title ?? (r.nodes ? "Hessian spectral density (SLQ)" : "Hessian eigenvalues"),
        width: opts.width, height: opts.height, mode, y_scale: yScale, bins: opts.bins,
        source: { method: r.method ?? null, backend: r.backend ?? null, dtype: r.dtype ?? null, seed: r.seed ?? null, hvps: r.hvps ?? null, wallTimeMs: r.wallTimeMs ?? null },
        eigenvalues: eig,
        outliers: outlierMask(eig, opts.outlierMads),
        ritz_nodes: Float64Array.from(nodes),
        ritz_weights: Float64Array.from(weights),
        probes: r.nodes?.length ?? 0,
        sigma,
        sigma_range: [sigma / 20, Math.max(sigma * 20, (hi - lo) / 4 || 1)],
        grid: Float64Array.from(r.grid ?? []),
        density: Float64Array.from(r.density ?? []),
      },
      { ...opts, eigenvectors: vectors },
    );
  }

  /** Computes the 1-D loss slice along eigenvector `index` and puts it in the state. */
  selectEigenvalue(index: number): void {
    if (this.#busy) return;
    this.#busy = true;
    try {
      this.computeSlice(index);
    } finally {
      this.#busy = false;
    }
  }

  private computeSlice(index: number): void {
    const eig = this.get("eigenvalues") as Float64Array;
    if (!Number.isInteger(index) || index < 0 || index >= eig.length) {
      throw new WidgetError(`SpectrumView.selectEigenvalue: index: expected an integer in [0, ${eig.length - 1}], got ${String(index)}`);
    }
    if (!this.#objective || !this.#vectors?.[index]) {
      this.set({ selected: index, slice_status: "error", slice_error: "no objective/eigenvectors attached: pass {objective} and a result computed with vectors: true" });
      return;
    }
    this.set({ selected: index, slice_status: "computing", slice_error: "" });
    try {
      const obj = this.#objective;
      const raw = this.#vectors[index];
      if (raw.length !== obj.p) throw new WidgetError(`eigenvector ${index} has length ${raw.length}, objective has p = ${obj.p}`);
      let norm = 0;
      for (let i = 0; i < raw.length; i++) norm += raw[i] * raw[i];
      norm = Math.sqrt(norm) || 1;
      const v = Float64Array.from(raw, (x) => x / norm);
      const theta0 = obj.center();
      const l0 = obj.value(theta0);
      const g = obj.grad(theta0);
      let gv = 0;
      for (let i = 0; i < v.length; i++) gv += g[i] * v[i];
      const lambda = eig[index];
      const radius = this.#opts.sliceRadius ?? (Math.abs(lambda) > 0 ? Math.sqrt((2 * Math.max(Math.abs(l0), 1e-3)) / Math.abs(lambda)) : 1);
      const m = this.#opts.slicePoints ?? 41;
      const ts = Float64Array.from({ length: m }, (_, i) => -radius + (2 * radius * i) / (m - 1));
      const theta = new Float64Array(theta0.length);
      const loss = ts.map((tt) => {
        for (let i = 0; i < theta.length; i++) theta[i] = theta0[i] + tt * v[i];
        return obj.value(theta);
      });
      const quad = ts.map((tt) => l0 + gv * tt + 0.5 * lambda * tt * tt);
      this.slicesComputed++;
      this.set({ slice_index: index, slice_t: ts, slice_loss: loss, slice_quadratic: quad, slice_status: "ready" });
      this.send({ event: "slice_ready", index });
    } catch (e) {
      this.set({ slice_status: "error", slice_error: (e as Error).message });
    }
  }

  svg(): string {
    return renderSpectrum(this.getState() as never);
  }
}
