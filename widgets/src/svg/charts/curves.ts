/**
 * The curves chart (CurvesView, live and static): one panel per `panel` name (stacked, or two
 * side by side in a wide view — panelGrid), each with
 * its own x scale and x title (epoch panels on epochs, step panels on steps), its own y scale (log
 * where asked) and its own legend in the corner its curves leave emptiest. Series are identified
 * within their panel — two panels may each have a series called "loss".
 */
import * as d3 from "d3";
import { minMaxIndices } from "../decimate";
import { axisWidth, drawAxis, drawLegend, emptiestCorner, extent, legendSize, linePath, PALETTE, positiveExtent, type Box, type LegendEntry, type Scale } from "../guides";
import { formatTick } from "../ticks";
import type { Target } from "../target";
import { sizeRoot, type DrawOptions, type Get } from "./frame";

/** One curve of the view's `series` trait. */
export interface CurveSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  axis?: "left" | "right";
  style?: "line" | "dashed" | "points";
  panel?: string;
  /** x title of its panel (default: the view's x_label). */
  x_label?: string;
  /** false: the legend shows the name only, not "= last value". */
  legend_value?: boolean;
}

/** Panel names in order of first appearance. */
export function panelsOf(series: readonly CurveSeries[]): string[] {
  const out: string[] = [];
  for (const s of series) {
    const p = s.panel ?? s.name;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** Views at least this wide put two panels side by side (titles like "GD (left) vs SGD (right)" rely on it). */
export const TWO_COLUMNS_MIN_WIDTH = 700;

/**
 * The panel grid: two columns in a view at least TWO_COLUMNS_MIN_WIDTH wide (each panel the
 * view's height), else one column of panels sharing the view's height two at a time (≥ 170 px).
 */
export function panelGrid(width: number, height: number, panels: number): { cols: number; panelWidth: number; panelHeight: number } {
  const cols = panels >= 2 && width >= TWO_COLUMNS_MIN_WIDTH ? 2 : 1;
  const panelHeight = cols === 2 ? Math.max(170, height) : Math.max(170, Math.round(height / Math.max(1, Math.min(panels, 2))));
  return { cols, panelWidth: width / cols, panelHeight };
}

export interface CurvesPanelLayout {
  panel: string;
  box: Box;
  x: d3.ScaleLinear<number, number>;
  series: CurveSeries[];
}

export function drawCurves(get: Get, root: Target, o: DrawOptions = {}): CurvesPanelLayout[] {
  const W = Number(get("width") ?? 560);
  const series = ((get("series") as CurveSeries[] | undefined) ?? []).filter((s) => s && typeof s.name === "string");
  const panels = panelsOf(series);
  const logY = new Set((get("log_y") as string[] | undefined) ?? []);
  const xLabel = String(get("x_label") ?? "step");
  const grid = panelGrid(W, Number(get("height") ?? 320), panels.length);
  const ph = grid.panelHeight;
  const height = Math.max(1, Math.ceil(panels.length / grid.cols)) * ph;
  sizeRoot(root, W, height);
  const top0 = 0;
  const out: CurvesPanelLayout[] = [];
  panels.forEach((p, pi) => {
    const ss = series.filter((s) => (s.panel ?? s.name) === p);
    const log = logY.has(p);
    const g = root.append("g").attr("class", "curves-panel").attr("data-panel", p);
    const plotH = ph - 54;
    // Headroom (px) kept free above the data, for the legend when no corner is empty.
    const yScale = (side: "left" | "right", headroom: number) => {
      const ys = ss.filter((s) => (s.axis ?? "left") === side);
      if (!ys.length) return null;
      const k = plotH / Math.max(1, plotH - headroom);
      if (log) {
        const [lo, hi] = positiveExtent(...ys.map((s) => s.y));
        const a = Math.log(lo / 1.2);
        const b = Math.log(hi * 1.2);
        return d3.scaleLog().domain([Math.exp(a), Math.exp(a + (b - a) * k)]).clamp(true);
      }
      const [lo, hi] = extent(...ys.map((s) => s.y));
      const a = lo - (hi - lo) * 0.05;
      const b = hi + (hi - lo) * 0.05;
      return d3.scaleLinear().domain([a, a + (b - a) * k]);
    };
    const entries: LegendEntry[] = ss.map((s, k) => {
      let last = NaN;
      for (let i = s.y.length - 1; i >= 0 && !Number.isFinite(last); i--) last = s.y[i];
      const style = s.style ?? "line";
      const showValue = s.legend_value !== false && Number.isFinite(last);
      return { label: `${s.name}${showValue ? ` = ${formatTick(+last.toPrecision(4))}` : ""}`, color: PALETTE[k % PALETTE.length], sample: style === "dashed" ? "dashed" : style === "points" ? "point" : "line", id: s.name };
    });
    const leg = legendSize(entries);
    const place = (headroom: number) => {
      const yl = yScale("left", headroom);
      const yr = yScale("right", headroom);
      const y0 = top0 + Math.floor(pi / grid.cols) * ph + 8;
      const left = (pi % grid.cols) * grid.panelWidth;
      const lw = yl ? axisWidth(yl.range([100, 0]) as unknown as Scale, log, 4) + 4 : 20;
      const rw = yr ? axisWidth(yr.range([100, 0]) as unknown as Scale, log, 4) + 4 : 14;
      const box: Box = { x0: left + lw, y0, x1: left + grid.panelWidth - rw, y1: y0 + plotH };
      yl?.range([box.y1, box.y0]);
      yr?.range([box.y1, box.y0]);
      const x = d3.scaleLinear().domain(extent(...ss.map((s) => s.x))).range([box.x0, box.x1]);
      const idx = ss.map((s) => minMaxIndices(s.x, s.y, box.x1 - box.x0).filter((i) => Number.isFinite(s.y[i]) && Number.isFinite(s.x[i]) && (!log || s.y[i] > 0)));
      const pts = ss.map((s, k) => { const y = ((s.axis ?? "left") === "right" ? yr : yl)!; return idx[k].map((i) => [x(s.x[i]), y(s.y[i])] as [number, number]); });
      return { yl, yr, box, x, idx, pts, at: emptiestCorner(box, leg, pts) };
    };
    let L = place(0);
    if (L.at.covered > 0) L = place(leg.height + 10);
    const { yl, yr, box, x } = L;
    const title = ss.find((s) => s.x_label)?.x_label ?? xLabel;
    drawAxis(g, { scale: x as unknown as Scale, side: "bottom", box, ticks: Math.max(2, Math.round((box.x1 - box.x0) / 90)), title, className: "x-axis" });
    if (yl) drawAxis(g, { scale: yl as unknown as Scale, side: "left", box, log, ticks: 4, title: `${p}${log ? " (log)" : ""}`, className: "y-axis" });
    if (yr) drawAxis(g, { scale: yr as unknown as Scale, side: "right", box, log, ticks: 4, className: "y-axis right" });
    ss.forEach((s, k) => {
      const y = ((s.axis ?? "left") === "right" ? yr : yl)!;
      const color = PALETTE[k % PALETTE.length];
      const idx = L.idx[k];
      const style = s.style ?? "line";
      if (style === "points") {
        const pts = g.append("g").attr("class", "mark series series-points").attr("data-series", s.name).attr("data-points", idx.length);
        for (const i of idx) pts.append("circle").attr("r", 2).attr("cx", x(s.x[i])).attr("cy", y(s.y[i])).attr("fill", color);
      } else {
        g.append("path").attr("class", `mark series series-line${style === "dashed" ? " dashed reference" : ""}`).attr("data-series", s.name).attr("data-points", idx.length)
          .attr("fill", "none").attr("stroke", color).attr("stroke-width", 1.6).attr("stroke-dasharray", style === "dashed" ? "5,4" : null)
          .attr("d", linePath(idx, (i) => x(s.x[i]), (i) => y(s.y[i])));
      }
    });
    drawLegend(g, entries, L.at.x, L.at.y);
    out.push({ panel: p, box, x, series: ss });
  });
  return out;
}
