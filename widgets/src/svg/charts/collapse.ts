/**
 * The neural-collapse chart (CollapseView, live and static): NC1…NC4 vs epoch on a log y axis with
 * a legend beside the plot, and two square panels — the class means (and classifier rows) in 2-D
 * or a rotatable 3-D projection, and the simplex ETF they should approach.
 */
import * as d3 from "d3";
import { axisWidth, drawAxis, drawLegend, INK, legendSize, linePath, PALETTE, positiveExtent, extent, type Box, type LegendEntry, type Scale } from "../guides";
import type { Target } from "../target";
import { nums, sizeRoot, type DrawOptions, type Get } from "./frame";

/** The metric traits, their legend names and colours. */
export const COLLAPSE_METRICS = ["nc1", "nc2_equinorm", "nc2_equiangular", "nc2_etf", "nc3", "nc4"] as const;
export const METRIC_LABELS: Record<(typeof COLLAPSE_METRICS)[number], string> = {
  nc1: "NC1 within-class variability",
  nc2_equinorm: "NC2 equinorm",
  nc2_equiangular: "NC2 equiangularity",
  nc2_etf: "NC2 distance to ETF",
  nc3: "NC3 self-duality",
  nc4: "NC4 nearest class mean",
};

/** Rotates a 3-D point by yaw (about y) then pitch (about x) and drops z: orthographic projection. */
export function project3(p: [number, number, number], yaw: number, pitch: number): [number, number, number] {
  const [x, y, z] = p;
  const x1 = Math.cos(yaw) * x + Math.sin(yaw) * z;
  const z1 = -Math.sin(yaw) * x + Math.cos(yaw) * z;
  const y2 = Math.cos(pitch) * y - Math.sin(pitch) * z1;
  const z2 = Math.sin(pitch) * y + Math.cos(pitch) * z1;
  return [x1, y2, z2];
}

export interface CollapseLayout {
  metrics: Box;
  /** Square geometry panels (null when there is no geometry). */
  geometry: Box | null;
  etf: Box | null;
}

/** Short legend names (the long ones are in METRIC_LABELS, shown on hover). */
export const METRIC_SHORT: Record<(typeof COLLAPSE_METRICS)[number], string> = {
  nc1: "NC1", nc2_equinorm: "NC2 equinorm", nc2_equiangular: "NC2 equiangular", nc2_etf: "NC2 to ETF", nc3: "NC3", nc4: "NC4",
};

/** Default view angles of the 3-D projection (radians). */
export const DEFAULT_ANGLES = { yaw: 0.6, pitch: 0.35 };

export function drawCollapse(get: Get, root: Target, o: DrawOptions & { yaw?: number; pitch?: number } = {}): CollapseLayout {
  const W = Number(get("width") ?? 560);
  const H = Number(get("height") ?? 320);
  const C = Number(get("classes") ?? 0);
  const dims = Number(get("dims") ?? 2);
  const means = nums(get, "means");
  const etf = nums(get, "etf");
  const hasGeo = C > 0 && means.length === C * dims;
  const S = hasGeo ? Math.min(H - 16, 150) : 0;
  const width = W + (hasGeo ? 2 * S + 16 : 0);
  sizeRoot(root, width, H);
  const top = 8;

  // Metrics panel.
  const epoch = nums(get, "epoch");
  const series = COLLAPSE_METRICS.map((key, k) => {
    const ys = nums(get, key);
    const idx = d3.range(Math.min(epoch.length, ys.length)).filter((i) => ys[i] > 0 && Number.isFinite(ys[i]) && Number.isFinite(epoch[i]));
    return { key, ys, idx, color: PALETTE[k] };
  }).filter((s) => s.idx.length > 0);
  const entries: LegendEntry[] = series.map((s) => ({ label: METRIC_SHORT[s.key], color: s.color, sample: "line", id: s.key }));
  const leg = legendSize(entries);
  const y = d3.scaleLog().domain(positiveExtent(...series.map((s) => s.idx.map((i) => s.ys[i]))).map((v, i) => (i ? v * 1.5 : v / 1.5)));
  const left = axisWidth(y.range([100, 0]) as unknown as Scale, true, 4) + 6;
  const box: Box = { x0: left, y0: top, x1: W - 12 - (leg.width ? leg.width + 10 : 0), y1: H - 40 };
  y.range([box.y1, box.y0]);
  const x = d3.scaleLinear().domain(extent(...series.map((s) => s.idx.map((i) => epoch[i])))).range([box.x0, box.x1]);
  const g = root.append("g").attr("class", "collapse-metrics");
  drawAxis(g, { scale: x as unknown as Scale, side: "bottom", box, ticks: 5, title: "epoch" });
  drawAxis(g, { scale: y as unknown as Scale, side: "left", box, log: true, ticks: 4, title: "metric (log)" });
  for (const s of series) {
    g.append("path").attr("class", `mark metric series-line metric-${s.key}`).attr("fill", "none").attr("stroke", s.color).attr("stroke-width", 1.6)
      .attr("data-name", s.key).attr("data-points", s.idx.length).attr("d", linePath(s.idx, (i) => x(epoch[i]), (i) => y(s.ys[i])));
    const pts = g.append("g").attr("class", `metric-points points-${s.key}`).attr("data-name", s.key);
    for (const i of s.idx) pts.append("circle").attr("class", s.idx.length === 1 ? "mark metric-point" : "metric-point").attr("cx", x(epoch[i])).attr("cy", y(s.ys[i])).attr("r", 2.2).attr("fill", s.color).attr("data-epoch", epoch[i]).attr("data-value", s.ys[i]);
  }
  drawLegend(g, entries, box.x1 + 10, box.y0);

  let geometry: Box | null = null;
  let etfBox: Box | null = null;
  if (hasGeo) {
    geometry = { x0: W + 4, y0: top, x1: W + 4 + S, y1: top + S };
    etfBox = { x0: W + S + 12, y0: top, x1: W + 2 * S + 12, y1: top + S };
    drawCollapseGeometry(get, root.append("g").attr("class", "collapse-geometry"), root.append("g").attr("class", "collapse-etf"), geometry, etfBox, o.yaw ?? DEFAULT_ANGLES.yaw, o.pitch ?? DEFAULT_ANGLES.pitch);
  }
  return { metrics: box, geometry, etf: etfBox };
}

/** The two geometry panels (redrawn alone while the live 3-D view is dragged). */
export function drawCollapseGeometry(get: Get, geo: Target, etfPanel: Target, gb: Box, eb: Box, yaw: number, pitch: number): void {
  const C = Number(get("classes") ?? 0);
  const dims = Number(get("dims") ?? 2);
  const rowsOf = (name: string): number[][] => {
    const flat = nums(get, name);
    if (!C || flat.length !== C * dims) return [];
    return d3.range(C).map((c) => flat.slice(c * dims, (c + 1) * dims));
  };
  const means = rowsOf("means");
  const clf = rowsOf("classifier");
  const etf = rowsOf("etf");
  const proj = (p: number[]): [number, number] => {
    const q = dims === 3 ? project3([p[0], p[1], p[2] ?? 0], yaw, pitch) : [p[0], p[1] ?? 0, 0];
    return [q[0], q[1]];
  };
  const R = Math.max(1e-9, d3.max([...means, ...clf, ...etf], (p) => Math.hypot(...p)) ?? 1) * 1.15;
  const panel = (t: Target, b: Box, title: string, sets: { pts: number[][]; kind: "means" | "classifier" | "etf" }[]) => {
    const size = b.x1 - b.x0;
    const sx = d3.scaleLinear().domain([-R, R]).range([b.x0 + 14, b.x1 - 14]);
    const sy = d3.scaleLinear().domain([-R, R]).range([b.y0 + size - 14, b.y0 + 22]);
    t.append("rect").attr("class", "panel-frame").attr("x", b.x0).attr("y", b.y0).attr("width", size).attr("height", size).attr("fill", "#ffffff").attr("stroke", "#dddddd");
    t.append("text").attr("class", "panel-title").attr("x", (b.x0 + b.x1) / 2).attr("y", b.y0 + 14).attr("text-anchor", "middle").attr("fill", INK.text).text(title);
    t.append("circle").attr("class", "origin").attr("cx", sx(0)).attr("cy", sy(0)).attr("r", 2).attr("fill", "#999999");
    for (const { pts, kind } of sets) {
      pts.forEach((p, c) => {
        const [px, py] = proj(p);
        const color = kind === "etf" ? "#888888" : PALETTE[c % PALETTE.length];
        t.append("line").attr("class", `spoke ${kind}`).attr("x1", sx(0)).attr("y1", sy(0)).attr("x2", sx(px)).attr("y2", sy(py))
          .attr("stroke", color).attr("stroke-width", kind === "classifier" ? 1.2 : 1.8).attr("stroke-dasharray", kind === "classifier" ? "4,3" : null);
        if (kind === "classifier") t.append("rect").attr("class", "mark classifier point").attr("x", sx(px) - 4).attr("y", sy(py) - 4).attr("width", 8).attr("height", 8).attr("fill", "#ffffff").attr("stroke", color).attr("stroke-width", 1.5).attr("data-class", c);
        else t.append("circle").attr("class", `mark ${kind === "means" ? "mean" : "etf"} point ${kind}`).attr("cx", sx(px)).attr("cy", sy(py)).attr("r", 5).attr("fill", color).attr("data-class", c);
      });
    }
  };
  panel(geo, gb, clf.length ? `means ●, W rows ▢ (${dims}-D)` : `class means (${dims}-D)`, [{ pts: means, kind: "means" }, { pts: clf, kind: "classifier" }]);
  if (etf.length) panel(etfPanel, eb, `simplex ETF (C = ${C})`, [{ pts: etf, kind: "etf" }]);
}
