/**
 * The spectrum chart (SpectrumView, live and static): eigenvalue stems and/or a histogram, the
 * SLQ density smoothed from the Ritz nodes (density.ts — the one smoother), outliers in red, and
 * the 1-D loss slice along a clicked eigenvector in a panel on the right.
 */
import * as d3 from "d3";
import { histogram, linspace, smoothDensity } from "../density";
import { axisWidth, drawAxis, drawLegend, emptiestCorner, extent, legendSize, linePath, type Box, type LegendEntry, type Scale } from "../guides";
import { translate, type Target } from "../target";
import { nums, sizeRoot, uniqueId, type DrawOptions, type Get } from "./frame";

export const SPECTRUM_COLORS = { bulk: "#4878a8", outlier: "#d6452b", bar: "#9bb7d4", density: "#2a7f62", slice: "#6a3d9a", quadratic: "#888888" } as const;
/** Points of the density curve across the x range. */
export const DENSITY_POINTS = 400;
/** Log-y floor, relative to the tallest value: outlier bumps of weight ~1/p stay visible above it. */
export const LOG_FLOOR = 1e-6;

export interface SpectrumLayout {
  x: d3.ScaleLinear<number, number>;
  plot: Box;
  slice: { x: d3.ScaleLinear<number, number>; y: d3.ScaleLinear<number, number>; box: Box; offset: number } | null;
  width: number;
  height: number;
}

/**
 * Draws the spectrum of a SpectrumView state into `root` (an <svg>). `sigma` overrides the state's
 * σ while the live slider is dragged.
 */
export function drawSpectrum(get: Get, root: Target, o: DrawOptions & { sigma?: number } = {}): SpectrumLayout {
  const W = Number(get("width") ?? 560);
  const H = Number(get("height") ?? 320);
  const eig = nums(get, "eigenvalues");
  const outl = nums(get, "outliers");
  const nodes = nums(get, "ritz_nodes");
  const weights = nums(get, "ritz_weights");
  const probes = Number(get("probes") ?? 0);
  const mode = String(get("mode") ?? "stems");
  const logY = get("y_scale") === "log";
  const sigma = o.sigma ?? Number(get("sigma") ?? 0);
  const zoom = (get("zoom") as [number, number] | null | undefined) ?? null;
  const st = nums(get, "slice_t");
  const sl = nums(get, "slice_loss");
  const sq = nums(get, "slice_quadratic");
  const sliceIdx = (get("slice_index") as number | null | undefined) ?? null;
  const hasSlice = st.length > 0 && sl.length === st.length;
  const sliceW = hasSlice ? Math.round(H * 0.95) : 0;
  const width = W + sliceW;
  sizeRoot(root, width, H);
  const top = 8;

  // x range: eigenvalues and density support, padded (by 3σ where a density is drawn).
  const smooth = nodes.length > 0 && probes > 0 && sigma > 0;
  const kGrid = nums(get, "grid");
  const kDens = nums(get, "density");
  const full = extent(eig, smooth ? nodes : kGrid);
  let [x0, x1] = zoom ?? full;
  if (!zoom) {
    const pad = (x1 - x0) * 0.04 + (smooth ? 3 * sigma : 0) || Math.max(1e-3, Math.abs(x0) * 0.1);
    x0 -= pad;
    x1 += pad;
  }
  // Density: smoothed here from the Ritz nodes; the state's grid/density otherwise.
  let grid: ArrayLike<number> = [];
  let dens: ArrayLike<number> = [];
  if (smooth) {
    grid = linspace(x0, x1, DENSITY_POINTS);
    dens = smoothDensity(nodes, weights, probes, sigma, grid);
  } else if (kGrid.length && kDens.length === kGrid.length) {
    grid = kGrid;
    dens = kDens;
  }
  const showHist = (mode === "histogram" || mode === "both") && eig.length > 0;
  const bins = showHist ? histogram(eig, Number(get("bins") ?? 40), x0, x1) : [];
  const hasY = dens.length > 0 || showHist;
  const yMax = Math.max(d3.max(Array.from(dens)) ?? 0, d3.max(bins, (b) => b.density) ?? 0) || 1;
  const y = logY
    ? d3.scaleLog().domain([yMax * LOG_FLOOR, yMax * 1.5]).clamp(true)
    : d3.scaleLinear().domain([0, yMax * 1.08]);
  const left = hasY ? axisWidth(y.range([100, 0]) as unknown as Scale, logY) + 6 : 16;
  const plot: Box = { x0: left, y0: top, x1: W - 14, y1: H - 40 };
  y.range([plot.y1, plot.y0]);
  const yOf = (v: number) => (logY ? y(Math.max(v, yMax * LOG_FLOOR)) : y(v));
  const x = d3.scaleLinear().domain([x0, x1]).range([plot.x0, plot.x1]);

  const clipId = uniqueId("spectrum-clip");
  root.append("clipPath").attr("id", clipId).append("rect").attr("x", plot.x0).attr("y", plot.y0 - 12).attr("width", plot.x1 - plot.x0).attr("height", plot.y1 - plot.y0 + 12);
  const main = root.append("g").attr("class", "spectrum-main");
  drawAxis(main, { scale: x as unknown as Scale, side: "bottom", box: plot, ticks: Math.max(2, Math.round((plot.x1 - plot.x0) / 80)), title: "eigenvalue λ", className: "x-axis" });
  if (hasY) drawAxis(main, { scale: y as unknown as Scale, side: "left", box: plot, log: logY, ticks: logY ? 5 : 5, title: dens.length ? `density${logY ? " (log)" : ""}` : `histogram density${logY ? " (log)" : ""}`, className: "y-axis" });
  const marks = main.append("g").attr("class", "marks").attr("clip-path", `url(#${clipId})`);
  if (showHist) {
    const g = marks.append("g").attr("class", "bars");
    bins.forEach((b) => {
      if (b.count === 0) return;
      const t = yOf(b.density);
      g.append("rect").attr("class", "mark bar").attr("x", x(b.x0) + 0.5).attr("width", Math.max(0.5, x(b.x1) - x(b.x0) - 1)).attr("y", t).attr("height", Math.max(0, plot.y1 - t))
        .attr("fill", SPECTRUM_COLORS.bar).attr("data-count", b.count).attr("data-x0", b.x0).attr("data-x1", b.x1);
    });
  }
  if (dens.length) {
    const idx = d3.range(dens.length);
    marks.append("path").attr("class", "mark density density-line").attr("fill", "none").attr("stroke", SPECTRUM_COLORS.density).attr("stroke-width", 1.8)
      .attr("d", linePath(idx, (i) => x(grid[i]), (i) => yOf(dens[i])));
  }
  // One mark per eigenvalue (stems, both, or histogram mode with nothing to bin).
  if (mode !== "histogram" || !showHist) {
    const stemTop = hasY ? plot.y0 + (plot.y1 - plot.y0) * 0.35 : plot.y0 + (plot.y1 - plot.y0) * 0.08;
    const selected = (get("selected") as number | null | undefined) ?? null;
    const clickable = get("can_slice") === true;
    const g = marks.append("g").attr("class", "eigs");
    eig.forEach((v, i) => {
      const out = outl[i] === 1;
      const color = out ? SPECTRUM_COLORS.outlier : SPECTRUM_COLORS.bulk;
      const yTop = out ? stemTop - 10 : stemTop;
      const m = g.append("g").attr("class", `mark stem eig-mark ${out ? "outlier" : "bulk"}${clickable ? " clickable" : ""}${i === selected ? " selected" : ""}`)
        .attr("data-index", i).attr("data-value", v).attr("transform", translate(x(v), 0));
      m.append("line").attr("class", "hit").attr("y1", plot.y1).attr("y2", yTop).attr("stroke", "transparent").attr("stroke-width", 9);
      m.append("line").attr("class", "stem-line").attr("y1", plot.y1).attr("y2", yTop).attr("stroke", color).attr("stroke-width", out ? 2 : 1.5);
      m.append("circle").attr("cy", yTop).attr("r", 3.2).attr("fill", color).attr("stroke", i === selected ? "#111111" : null).attr("stroke-width", i === selected ? 2 : null);
    });
  }

  let slice: SpectrumLayout["slice"] = null;
  if (hasSlice) {
    const yExt = extent(sl);
    const pad = (yExt[1] - yExt[0]) * 0.1 || 1e-3;
    const sy = d3.scaleLinear().domain([yExt[0] - pad, yExt[1] + pad]);
    const sLeft = W + axisWidth(sy.range([100, 0]) as unknown as Scale, false, 5) + 8;
    const box: Box = { x0: sLeft, y0: top, x1: width - 12, y1: H - 40 };
    sy.range([box.y1, box.y0]);
    const sx = d3.scaleLinear().domain(extent(st)).range([box.x0, box.x1]);
    const g = root.append("g").attr("class", "spectrum-slice");
    const lam = sliceIdx !== null && sliceIdx < eig.length ? eig[sliceIdx] : NaN;
    drawAxis(g, { scale: sx as unknown as Scale, side: "bottom", box, ticks: 4, title: `t along v${sliceIdx ?? ""}${Number.isFinite(lam) ? ` (λ = ${+lam.toPrecision(4)})` : ""}` });
    drawAxis(g, { scale: sy as unknown as Scale, side: "left", box, ticks: 5, title: "loss L(θ + t·v)" });
    const sClip = `${clipId}-s`;
    g.append("clipPath").attr("id", sClip).append("rect").attr("x", box.x0).attr("y", box.y0).attr("width", box.x1 - box.x0).attr("height", box.y1 - box.y0);
    const idx = d3.range(st.length);
    const entries: LegendEntry[] = [{ label: "loss", color: SPECTRUM_COLORS.slice, sample: "line" }];
    const curves: [number, number][][] = [idx.map((i) => [sx(st[i]), sy(sl[i])])];
    if (sq.length === st.length) {
      g.append("path").attr("class", "slice-quadratic").attr("clip-path", `url(#${sClip})`).attr("fill", "none").attr("stroke", SPECTRUM_COLORS.quadratic).attr("stroke-dasharray", "4,3").attr("stroke-width", 1.5)
        .attr("d", linePath(idx, (i) => sx(st[i]), (i) => sy(sq[i])));
      entries.push({ label: "quadratic model", color: SPECTRUM_COLORS.quadratic, sample: "dashed" });
      curves.push(idx.map((i) => [sx(st[i]), sy(sq[i])]));
    }
    g.append("path").attr("class", "mark slice slice-line").attr("fill", "none").attr("stroke", SPECTRUM_COLORS.slice).attr("stroke-width", 2)
      .attr("d", linePath(idx, (i) => sx(st[i]), (i) => sy(sl[i])));
    const size = legendSize(entries);
    const at = emptiestCorner(box, size, curves);
    drawLegend(g, entries, at.x, at.y);
    slice = { x: sx, y: sy, box, offset: W };
  }
  return { x, plot, slice, width, height: H };
}

/** Fraction of the tallest peak below which a peak is not visible on a linear axis (≈ 2 px of 250). */
export const VANISHING_PEAK = 0.02;

/**
 * Whether some part of the spectrum would vanish on a linear y axis: a local maximum of the
 * density (smoothed from the nodes at σ) or a non-empty histogram bin shorter than
 * VANISHING_PEAK of the tallest — the isolated outliers of a Hessian spectrum, whose weight is
 * ~1/p. SpectrumView picks a log y axis by default when this holds.
 */
export function peaksVanishOnLinearAxis(eig: ArrayLike<number>, nodes: ArrayLike<number>, weights: ArrayLike<number>, probes: number, sigma: number, mode: string, bins = 40): boolean {
  if (nodes.length > 0 && probes > 0 && sigma > 0) {
    const [lo, hi] = extent(nodes);
    const grid = linspace(lo - 3 * sigma, hi + 3 * sigma, 2000);
    const d = smoothDensity(nodes, weights, probes, sigma, grid);
    const max = Math.max(...d);
    for (let i = 1; i + 1 < d.length; i++) if (d[i] > d[i - 1] && d[i] >= d[i + 1] && d[i] < VANISHING_PEAK * max) return true;
    return false;
  }
  if (mode === "stems" || eig.length === 0) return false;
  const [lo, hi] = extent(eig);
  const h = histogram(eig, bins, lo, hi);
  const max = Math.max(...h.map((b) => b.count));
  return h.some((b) => b.count > 0 && b.count < VANISHING_PEAK * max);
}
