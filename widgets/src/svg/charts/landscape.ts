/**
 * The landscape chart (LandscapeView, live and static): filled contours of a 2-D loss in a
 * perceptually uniform colour map (linear or log colour scale) with axis titles and a labelled
 * colour bar, known minima, optimizer trajectories from a common start with a legend beside the
 * plot naming each optimizer and its learning rate (colour bar and legend right of the map, never
 * over it), and optionally a loss-vs-step panel under the map.
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

/** Colour maps by name (all perceptually uniform); unknown names fall back to viridis. */
export const INTERPOLATORS: Record<string, (t: number) => string> = {
  viridis: d3.interpolateViridis, cividis: d3.interpolateCividis, magma: d3.interpolateMagma, inferno: d3.interpolateInferno, plasma: d3.interpolatePlasma,
};

/** Height added under the map for the loss-vs-step panel (px; more when the legend beside it is taller). */
export const LOSS_PANEL_HEIGHT = 170;

/** A learning rate as the legend writes it: plain decimals down to 1e-5 (0.0002, not 2×10⁻⁴). */
export function formatLr(lr: number): string {
  return lr >= 1e-5 && lr < 1e5 ? String(+lr.toPrecision(3)) : formatTick(lr);
}

/**
 * The field as coloured: values, or on a log scale log₁₀(v − min + 1e-12); non-finite entries take
 * the top value. Colours start at the 2nd percentile on a log scale, where the offset would send
 * the minima to −12 and flatten the basins.
 */
export function colorField(values: ArrayLike<number>, log: boolean): { field: number[]; domain: [number, number] } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of Array.from(values)) if (Number.isFinite(v)) (min = Math.min(min, v)), (max = Math.max(max, v));
  if (!(min <= max)) return { field: Array.from(values, () => 0), domain: [0, 1] };
  const tf = (v: number) => (log ? Math.log10(v - min + 1e-12) : v);
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
  /** The loss panel's scales and per-run (step, loss) points, when drawn. */
  loss?: { x: d3.ScaleLinear<number, number>; y: (v: number) => number; curves: [number, number][][] };
}

/** The legend text of a run: its name and, where known, its learning rate. */
export function runLabel(name: string, lr: number | undefined): string {
  return Number.isFinite(lr) && !name.includes("η =") ? `${name}, η = ${formatLr(lr as number)}` : name;
}

/** Per-run (step, loss) points from the flat per-point values (same layout as the trajectories). */
function lossCurves(values: readonly number[], lengths: readonly number[]): [number, number][][] {
  const out: [number, number][][] = [];
  let o = 0;
  for (const n of lengths) {
    out.push(Array.from({ length: Math.max(0, Math.min(n, values.length - o)) }, (_, i) => [i, values[o + i]] as [number, number]));
    o += n;
  }
  return out;
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
  const lrs = nums(get, "trajectory_lrs");
  const lengths = nums(get, "trajectory_lengths");
  const pointValues = nums(get, "trajectory_values");
  const showLoss = get("loss_panel") === true && runs.length > 0 && pointValues.length > 0 && pointValues.length === lengths.reduce((a, b) => a + b, 0);
  const interp = INTERPOLATORS[String(get("colormap") ?? "viridis")] ?? d3.interpolateViridis;
  const hasField = nx > 1 && ny > 1 && vals.length === nx * ny;
  const { field, domain } = hasField ? colorField(vals, log) : { field: [], domain: [0, 1] as [number, number] };
  const color = (v: number) => interp(Math.min(1, Math.max(0, (v - domain[0]) / (domain[1] - domain[0]))));
  const entries: LegendEntry[] = runs.map((run, k) => ({
    label: runLabel(labels[k] ?? `run ${k}`, lrs[k]), color: TRAJECTORY_COLORS[k % TRAJECTORY_COLORS.length], sample: "line", id: labels[k] ?? `run ${k}`,
    detail: `${run.length} pts${Number.isFinite(losses[k]) ? `, L = ${formatTick(losses[k])}` : ""}`,
  }));
  entries.push({ label: "start", color: "#111111", sample: "ring" });
  const leg = legendSize(entries);
  const cbW = hasField ? colorBarWidth({ domain, log }) + 14 : 0;
  const width = W;
  // With a loss panel the legend sits beside it, under the colour bar, and the map takes the width.
  const lossH = showLoss ? Math.max(LOSS_PANEL_HEIGHT, leg.height + 50) : 0;
  sizeRoot(root, width, H + lossH);
  const top = 8;
  const plot: Box = { x0: 58, y0: top, x1: W - 10 - cbW - (showLoss ? 0 : leg.width + 12), y1: H - 40 };
  const x = d3.scaleLinear().domain([x0, x1]).range([plot.x0, plot.x1]);
  const y = d3.scaleLinear().domain([y0, y1]).range([plot.y1, plot.y0]);
  const clipId = uniqueId("landscape-clip");
  root.append("clipPath").attr("id", clipId).append("rect").attr("x", plot.x0).attr("y", plot.y0).attr("width", plot.x1 - plot.x0).attr("height", plot.y1 - plot.y0);
  const map = root.append("g").attr("class", "landscape-map").attr("clip-path", `url(#${clipId})`);
  // Without a field (paths of minimize runs alone) the plane gets a frame and the minima a dark mark.
  if (!hasField) map.append("rect").attr("class", "plane").attr("x", plot.x0).attr("y", plot.y0).attr("width", plot.x1 - plot.x0).attr("height", plot.y1 - plot.y0).attr("fill", "#f4f4f4").attr("stroke", "#d0d0d0");
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
      .attr("transform", `${translate(x(minima[2 * k]), y(minima[2 * k + 1]))} rotate(45)`).attr("fill", "none").attr("stroke", hasField ? "#ffffff" : "#111111").attr("stroke-width", 2);
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
  if (hasField) drawColorBar(root, { x: plot.x1 + 14, y: plot.y0, height: plot.y1 - plot.y0, domain, color, log, title: log ? `${valueName} − min (log scale)` : valueName });
  const lossBox: Box = { x0: plot.x0, x1: W - 10 - leg.width - 12, y0: H + 6, y1: H + lossH - 40 };
  drawLegend(root, runs.length ? entries : [], showLoss ? lossBox.x1 + 12 : plot.x1 + 14 + cbW, showLoss ? lossBox.y0 : plot.y0);
  const loss = showLoss ? drawLossPanel(root, lossBox, lossCurves(pointValues, lengths), labels, valueName) : undefined;
  return { x, y, plot, runs, loss };
}

/**
 * The loss-vs-step panel: one `path.loss-curve` per run in the run's colour, on a log y axis when
 * every loss is positive and they span more than two decades.
 */
function drawLossPanel(root: Target, box: Box, curves: [number, number][][], labels: readonly string[], valueName: string): LandscapeLayout["loss"] {
  const ys = curves.flat().map((p) => p[1]).filter(Number.isFinite);
  const lo = ys.length ? Math.min(...ys) : 0;
  const hi = ys.length ? Math.max(...ys) : 1;
  const logY = lo > 0 && hi / lo > 100;
  const steps = Math.max(1, ...curves.map((c) => c.length - 1));
  const x = d3.scaleLinear().domain([0, steps]).range([box.x0, box.x1]);
  const yScale = logY ? d3.scaleLog().domain([lo, hi]).range([box.y1, box.y0]) : d3.scaleLinear().domain(hi > lo ? [lo, hi] : [lo - 1, hi + 1]).nice().range([box.y1, box.y0]);
  const y = (v: number) => yScale(v);
  const g = root.append("g").attr("class", "loss-panel");
  g.append("rect").attr("class", "loss-frame").attr("x", box.x0).attr("y", box.y0).attr("width", box.x1 - box.x0).attr("height", box.y1 - box.y0).attr("fill", "#ffffff").attr("stroke", "#d0d0d0");
  const line = d3.line<[number, number]>().defined((p) => Number.isFinite(p[1]) && (!logY || p[1] > 0)).x((p) => x(p[0])).y((p) => y(p[1])).digits(2);
  curves.forEach((c, k) => {
    g.append("path").attr("class", "mark loss-curve").attr("d", c.length ? line(c) ?? "" : "").attr("fill", "none").attr("stroke", TRAJECTORY_COLORS[k % TRAJECTORY_COLORS.length]).attr("stroke-width", 1.8)
      .attr("data-label", labels[k] ?? "").attr("data-points", c.length);
  });
  drawAxis(g, { scale: x as unknown as Scale, side: "bottom", box, ticks: 6, title: "step", className: "loss-x" });
  drawAxis(g, { scale: yScale as unknown as Scale, log: logY, side: "left", box, ticks: 4, title: logY ? `${valueName} (log)` : valueName, className: "loss-y" });
  return { x, y, curves };
}
