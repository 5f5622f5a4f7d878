/**
 * The landscape chart (LandscapeView, live and static): filled contours of a 2-D loss with axis
 * titles and a colour bar, known minima, and optimizer trajectories from a common start with a
 * legend beside the plot (colour bar and legend right of the map, never over it).
 */
import * as d3 from "d3";
import { colorBarWidth, drawAxis, drawColorBar, drawLegend, legendSize, type Box, type LegendEntry, type Scale } from "../guides";
import { formatTick } from "../ticks";
import { translate, type Target } from "../target";
import { nums, sizeRoot, uniqueId, type DrawOptions, type Get } from "./frame";

/** Trajectory colours (Set1: strong against viridis). */
export const TRAJECTORY_COLORS: readonly string[] = d3.schemeSet1;

/** Splits the concatenated [Σ lengths, 2] trajectory buffer into per-run point lists. */
export function splitTrajectories(flat: ArrayLike<number>, lengths: ArrayLike<number>): [number, number][][] {
  const out: [number, number][][] = [];
  let o = 0;
  for (let k = 0; k < lengths.length; k++) {
    const run: [number, number][] = [];
    for (let i = 0; i < lengths[k] && 2 * (o + i) + 1 < flat.length; i++) run.push([flat[2 * (o + i)], flat[2 * (o + i) + 1]]);
    o += lengths[k];
    out.push(run);
  }
  return out;
}

/**
 * The field as coloured: values, or on a log scale log(v − min + 1e-12); non-finite entries take
 * the top value. Colours start at the 2nd percentile on a log scale, where the offset would send
 * the minima to −27 and flatten the basins.
 */
export function colorField(values: ArrayLike<number>, log: boolean): { field: number[]; domain: [number, number] } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of Array.from(values)) if (Number.isFinite(v)) (min = Math.min(min, v)), (max = Math.max(max, v));
  if (!(min <= max)) return { field: Array.from(values, () => 0), domain: [0, 1] };
  const tf = (v: number) => (log ? Math.log(v - min + 1e-12) : v);
  const field = Array.from(values, (v) => (Number.isFinite(v) ? tf(v) : tf(max)));
  const sorted = [...field].sort((a, b) => a - b);
  const lo = log ? sorted[Math.floor(0.02 * (sorted.length - 1))] : sorted[0];
  const hi = sorted[sorted.length - 1];
  return { field, domain: [lo, hi > lo ? hi : lo + 1] };
}

export interface LandscapeLayout {
  x: d3.ScaleLinear<number, number>;
  y: d3.ScaleLinear<number, number>;
  plot: Box;
  runs: [number, number][][];
}

export function drawLandscape(get: Get, root: Target, o: DrawOptions = {}): LandscapeLayout {
  const W = Number(get("width") ?? 560);
  const H = Number(get("height") ?? 420);
  const nx = Number(get("nx") ?? 0);
  const ny = Number(get("ny") ?? 0);
  const vals = nums(get, "values");
  const [x0, x1] = (get("x_range") as [number, number]) ?? [-1, 1];
  const [y0, y1] = (get("y_range") as [number, number]) ?? [-1, 1];
  const log = get("log_scale") === true;
  const runs = splitTrajectories(nums(get, "trajectories"), nums(get, "trajectory_lengths"));
  const labels = (get("trajectory_labels") as string[] | undefined) ?? [];
  const losses = nums(get, "trajectory_losses");
  const hasField = nx > 1 && ny > 1 && vals.length === nx * ny;
  const { field, domain } = hasField ? colorField(vals, log) : { field: [], domain: [0, 1] as [number, number] };
  const color = (v: number) => d3.interpolateViridis(Math.min(1, Math.max(0, (v - domain[0]) / (domain[1] - domain[0]))));
  const entries: LegendEntry[] = runs.map((run, k) => ({
    label: labels[k] ?? `run ${k}`, color: TRAJECTORY_COLORS[k % TRAJECTORY_COLORS.length], sample: "line", id: labels[k] ?? `run ${k}`,
    detail: `${run.length} pts${Number.isFinite(losses[k]) ? `, L = ${formatTick(losses[k])}` : ""}`,
  }));
  entries.push({ label: "start", color: "#111111", sample: "ring" });
  const leg = legendSize(entries);
  const cbW = hasField ? colorBarWidth({ domain }) + 14 : 0;
  const width = W;
  sizeRoot(root, width, H);
  const top = 8;
  const plot: Box = { x0: 58, y0: top, x1: W - 10 - cbW - (leg.width + 12), y1: H - 40 };
  const x = d3.scaleLinear().domain([x0, x1]).range([plot.x0, plot.x1]);
  const y = d3.scaleLinear().domain([y0, y1]).range([plot.y1, plot.y0]);
  const clipId = uniqueId("landscape-clip");
  root.append("clipPath").attr("id", clipId).append("rect").attr("x", plot.x0).attr("y", plot.y0).attr("width", plot.x1 - plot.x0).attr("height", plot.y1 - plot.y0);
  const map = root.append("g").attr("class", "landscape-map").attr("clip-path", `url(#${clipId})`);
  if (hasField) {
    const levels = Math.max(2, Number(get("levels") ?? 12));
    const thresholds = d3.range(levels).map((k) => domain[0] + ((domain[1] - domain[0]) * k) / levels);
    const contours = d3.contours().size([nx, ny]).thresholds(thresholds)(field);
    // Contour coordinates are in grid cells (point i at i + 0.5); map to data, then to pixels.
    const gx = (u: number) => x(x0 + ((u - 0.5) * (x1 - x0)) / (nx - 1));
    const gy = (v: number) => y(y0 + ((v - 0.5) * (y1 - y0)) / (ny - 1));
    const path = d3.geoPath(d3.geoTransform({ point(u, v) { this.stream.point(gx(u), gy(v)); } }));
    map.append("rect").attr("class", "field-floor").attr("x", plot.x0).attr("y", plot.y0).attr("width", plot.x1 - plot.x0).attr("height", plot.y1 - plot.y0).attr("fill", color(domain[0]));
    const g = map.append("g").attr("class", "contours");
    for (const c of contours) {
      if (c.coordinates.length === 0) continue;
      g.append("path").attr("class", "mark contour").attr("d", path(c) ?? "").attr("fill", color(c.value)).attr("stroke", "#ffffff").attr("stroke-opacity", 0.35).attr("stroke-width", 0.5).attr("data-value", c.value);
    }
  }
  const minima = nums(get, "minima");
  for (let k = 0; 2 * k + 1 < minima.length; k++) {
    map.append("path").attr("class", "mark minimum minimum-marker").attr("d", d3.symbol(d3.symbolCross, 60)() ?? "")
      .attr("transform", `${translate(x(minima[2 * k]), y(minima[2 * k + 1]))} rotate(45)`).attr("fill", "none").attr("stroke", "#ffffff").attr("stroke-width", 2);
  }
  const line = d3.line<[number, number]>().x((p) => x(p[0])).y((p) => y(p[1])).digits(2);
  runs.forEach((run, k) => {
    const c = TRAJECTORY_COLORS[k % TRAJECTORY_COLORS.length];
    map.append("path").attr("class", "mark trajectory").attr("d", run.length ? line(run) ?? "" : "").attr("fill", "none").attr("stroke", c).attr("stroke-width", 2)
      .attr("data-label", labels[k] ?? "").attr("data-points", run.length);
    const last = run[run.length - 1];
    if (last) map.append("circle").attr("class", "trajectory-head").attr("r", 3.5).attr("cx", x(last[0])).attr("cy", y(last[1])).attr("fill", c).attr("stroke", "#ffffff");
  });
  const start = get("start") as [number, number] | undefined;
  if (start && (runs.length > 0 || get("interactive") === true)) {
    map.append("circle").attr("class", "mark start start-marker").attr("r", 5).attr("cx", x(start[0])).attr("cy", y(start[1])).attr("fill", "#ffffff").attr("stroke", "#111111").attr("stroke-width", 2);
  }
  drawAxis(root, { scale: x as unknown as Scale, side: "bottom", box: plot, ticks: 5, title: String(get("x_label") ?? "x") });
  drawAxis(root, { scale: y as unknown as Scale, side: "left", box: plot, ticks: 5, title: String(get("y_label") ?? "y") });
  const valueName = String(get("value_label") ?? "loss");
  if (hasField) drawColorBar(root, { x: plot.x1 + 14, y: plot.y0, height: plot.y1 - plot.y0, domain, color, title: log ? `log(${valueName} − min)` : valueName });
  drawLegend(root, runs.length ? entries : [], plot.x1 + 14 + cbW, plot.y0);
  return { x, y, plot, runs };
}
