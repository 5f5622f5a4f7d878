/**
 * The kernel chart (KernelView, live and static): an NTK/NNGP/Gram matrix as a heatmap with axis
 * titles and a colour bar (block-averaged to at most MAX_HEATMAP_CELLS per side), class
 * boundaries when sorted by label, and the eigenvalue decay on log-log axes.
 */
import * as d3 from "d3";
import { axisWidth, colorBarWidth, drawAxis, drawColorBar, linePath, positiveExtent, type Box, type Scale } from "../guides";
import type { Target } from "../target";
import { nums, sizeRoot, type DrawOptions, type Get } from "./frame";

/** Largest heatmap drawn cell by cell; bigger kernels are block-averaged down to this many rows/cols. */
export const MAX_HEATMAP_CELLS = 64;
const DECAY_COLOR = "#4878a8";

/** Row/column order: by label (stable) or natural. */
export function labelOrder(n: number, labels: ArrayLike<number> | undefined, sort: boolean): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (sort && labels && labels.length === n) idx.sort((a, b) => labels[a] - labels[b] || a - b);
  return idx;
}

/** A colour for values of `domain` in one of the view's schemes (rdbu diverges around 0). */
export function kernelColor(scheme: string, lo: number, hi: number): { color: (v: number) => string; domain: [number, number] } {
  if (scheme === "rdbu") {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return { color: (v) => d3.interpolateRdBu(0.5 - v / (2 * m)), domain: [-m, m] };
  }
  const f = scheme === "magma" ? d3.interpolateMagma : d3.interpolateViridis;
  const span = hi > lo ? hi - lo : 1;
  return { color: (v) => f(Math.min(1, Math.max(0, (v - lo) / span))), domain: [lo, hi > lo ? hi : lo + 1] };
}

export interface KernelLayout {
  /** Heatmap box (px) and the example index ↔ px maps. */
  heat: Box;
  rowOrder: number[];
  colOrder: number[];
  decay: Box | null;
}

export function drawKernel(get: Get, root: Target, o: DrawOptions = {}): KernelLayout {
  const H = Number(get("height") ?? 320);
  const K = nums(get, "matrix");
  const rows = Number(get("rows") ?? 0);
  const cols = Number(get("cols") ?? 0);
  const labels = nums(get, "labels");
  const sort = get("sort_by_label") === true;
  const kind = String(get("kind") ?? "gram");
  // Eigenvalues below λmax·1e-12 are float64 round-off of a rank-deficient kernel, not decay: left out.
  const pos = nums(get, "eigenvalues").filter((v) => v > 0 && Number.isFinite(v)).sort((a, b) => b - a);
  const eig = pos.filter((v) => v >= pos[0] * 1e-12);
  const ok = rows * cols > 0 && K.length === rows * cols;
  // Size first (the title is centred on the whole figure).
  const left = 52;
  const topGuess = 8;
  const side = Math.max(60, H - topGuess - 44);
  const cw = cols >= rows ? side : (side * cols) / Math.max(1, rows);
  const ch = rows >= cols ? side : (side * rows) / Math.max(1, cols);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of K) if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  if (!(lo <= hi)) (lo = 0), (hi = 1);
  const { color, domain } = kernelColor(String(get("color_scheme") ?? "viridis"), lo, hi);
  const cbW = ok ? colorBarWidth({ domain }) + 16 : 0;
  const decayW = eig.length ? Math.round(H * 1.1) : 0;
  const width = left + cw + 14 + cbW + decayW;
  sizeRoot(root, width, H);
  const top = 8;
  const heat: Box = { x0: left, y0: top, x1: left + cw, y1: top + ch };
  const rowOrder = labelOrder(rows, labels, sort);
  const colOrder = rows === cols ? labelOrder(cols, labels, sort) : Array.from({ length: cols }, (_, i) => i);
  const layout: KernelLayout = { heat, rowOrder, colOrder, decay: null };
  if (ok) {
    const br = Math.min(rows, MAX_HEATMAP_CELLS);
    const bc = Math.min(cols, MAX_HEATMAP_CELLS);
    const block = new Float64Array(br * bc);
    const count = new Float64Array(br * bc);
    for (let i = 0; i < rows; i++) {
      const bi = Math.floor((i * br) / rows);
      for (let j = 0; j < cols; j++) {
        const bj = Math.floor((j * bc) / cols);
        block[bi * bc + bj] += K[rowOrder[i] * cols + colOrder[j]];
        count[bi * bc + bj]++;
      }
    }
    const g = root.append("g").attr("class", "heatmap").attr("shape-rendering", "crispEdges");
    const bw = cw / bc;
    const bh = ch / br;
    for (let i = 0; i < br; i++) {
      for (let j = 0; j < bc; j++) {
        const v = block[i * bc + j] / Math.max(1, count[i * bc + j]);
        g.append("rect").attr("class", "mark cell").attr("x", heat.x0 + j * bw).attr("y", heat.y0 + i * bh).attr("width", bw + 0.3).attr("height", bh + 0.3).attr("fill", color(v));
      }
    }
    const xs = d3.scaleLinear().domain([0, cols]).range([heat.x0, heat.x1]);
    const ys = d3.scaleLinear().domain([0, rows]).range([heat.y0, heat.y1]);
    const sorted = sort && labels.length === rows;
    if (sorted) {
      for (let r = 1; r < rows; r++) {
        if (labels[rowOrder[r]] === labels[rowOrder[r - 1]]) continue;
        g.append("line").attr("class", "class-boundary").attr("x1", heat.x0).attr("x2", heat.x1).attr("y1", ys(r)).attr("y2", ys(r)).attr("stroke", "#ffffff").attr("stroke-width", 1);
        if (rows === cols) g.append("line").attr("class", "class-boundary").attr("y1", heat.y0).attr("y2", heat.y1).attr("x1", xs(r)).attr("x2", xs(r)).attr("stroke", "#ffffff").attr("stroke-width", 1);
      }
    }
    const what = sorted ? " (sorted by label)" : "";
    drawAxis(root, { scale: xs as unknown as Scale, side: "bottom", box: heat, ticks: 4, title: `example j${what}`, className: "heatmap-x" });
    drawAxis(root, { scale: ys as unknown as Scale, side: "left", box: heat, ticks: 4, title: `example i`, className: "heatmap-y" });
    const name = kind === "ntk" ? "NTK Θ(xᵢ, xⱼ)" : kind === "nngp" ? "NNGP K(xᵢ, xⱼ)" : "K(xᵢ, xⱼ)";
    drawColorBar(root, { x: heat.x1 + 14, y: heat.y0, height: ch, domain, color, title: `${name} ${rows}×${cols}` });
  }
  if (eig.length) {
    const x0 = left + cw + 14 + cbW;
    const y = d3.scaleLog().domain(positiveExtent(eig).map((v, i) => (i ? v * 1.25 : v * 0.8)));
    const yw = axisWidth(y.range([100, 0]) as unknown as Scale, true, 4);
    const box: Box = { x0: x0 + yw + 6, y0: top, x1: x0 + decayW - 10, y1: H - 40 };
    y.range([box.y1, box.y0]);
    const x = d3.scaleLog().domain([1, Math.max(2, eig.length)]).range([box.x0, box.x1]);
    const g = root.append("g").attr("class", "decay");
    const dropped = pos.length - eig.length;
    drawAxis(g, { scale: x as unknown as Scale, side: "bottom", box, log: true, ticks: 4, title: `index k (log)${dropped ? `; ${dropped} below λ₁·10⁻¹² not shown` : ""}` });
    drawAxis(g, { scale: y as unknown as Scale, side: "left", box, log: true, ticks: 4, title: "eigenvalue λₖ (log)" });
    const idx = d3.range(eig.length);
    g.append("path").attr("class", "decay-line").attr("fill", "none").attr("stroke", DECAY_COLOR).attr("stroke-width", 1.5).attr("d", linePath(idx, (k) => x(k + 1), (k) => y(eig[k])));
    idx.forEach((k) => g.append("circle").attr("class", "mark eig decay-point").attr("cx", x(k + 1)).attr("cy", y(eig[k])).attr("r", 2.5).attr("fill", DECAY_COLOR).attr("data-index", k + 1).attr("data-value", eig[k]));
    layout.decay = box;
  }
  return layout;
}
