/**
 * Guides every chart shares, drawn through a Target (live d3 selection or static SVG string):
 * axes with titles and readable ticks, legends whose entries carry a sample of the series' line
 * or marker, a colour bar for heatmaps, and the placement of a legend where it covers the least
 * data.
 */
import * as d3 from "d3";
import { coord, translate, type Target } from "./target";
import { formatTick, logTicks } from "./ticks";

/** Colours of the figures' text (set as attributes, so no stylesheet can turn them grey). */
export const INK = { text: "#222222", muted: "#555555", rule: "#8a8a8a" } as const;

/** Series colours (Tableau 10). */
export const PALETTE: readonly string[] = d3.schemeTableau10;

/**
 * Width in px of a label at the figures' 11 px sans-serif, estimated (the static SVG cannot
 * measure): m and w ~0.92 em, operators (= + − ×) ~0.84 em, capitals and digits ~0.68 em, spaces and narrow glyphs ~0.3 em, the rest 0.6 em (DejaVu Sans,
 * the widest common default).
 */
export function textWidth(s: string, px = 11): number {
  let em = 0;
  for (const c of s) em += /[mw]/.test(c) ? 0.92 : /[=+<>×−~]/.test(c) ? 0.84 : /[A-Z0-9]|[MW@%]/.test(c) ? 0.68 : /[\s.,:;'|!il]/.test(c) ? 0.3 : 0.6;
  return em * px;
}

/** A rectangle in px. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A continuous scale as the guides need it. */
export type Scale = ((v: number) => number) & { domain(): number[]; range(): number[]; ticks(count?: number): number[] };

/** Tick values of a scale: powers of ten (1-2-5 in short ranges) on a log scale, d3's nice ticks otherwise. */
export function scaleTicks(s: Scale, log: boolean, count: number): number[] {
  const [a, b] = s.domain();
  if (log) return logTicks(Math.min(a, b), Math.max(a, b), count);
  return s.ticks(count);
}

export interface AxisOptions {
  scale: Scale;
  side: "bottom" | "left" | "right";
  /** Where the axis line sits: the plot box whose edge it follows. */
  box: Box;
  log?: boolean;
  ticks?: number;
  title?: string;
  /** Extra classes (e.g. "x-axis"). */
  className?: string;
  /** Tick label formatter (default formatTick). */
  format?: (v: number) => string;
  /** Tick values to use instead of the scale's (colour bars with few decades). */
  tickValues?: number[];
}

/**
 * An axis in d3-axis' structure (`g.axis > path.domain, g.tick > line + text`) plus its title;
 * returns the group. Bottom axes put the title below the labels, left/right axes beside them,
 * rotated, clear of the widest label.
 */
export function drawAxis(parent: Target, o: AxisOptions): Target {
  const count = o.ticks ?? 5;
  const fmt = o.format ?? formatTick;
  const ticks = o.tickValues ?? scaleTicks(o.scale, !!o.log, count);
  const [r0, r1] = o.scale.range();
  const g = parent.append("g").attr("class", `axis ${o.side === "bottom" ? "x" : "y"}${o.className ? ` ${o.className}` : ""}`);
  if (o.side === "bottom") {
    g.attr("transform", translate(0, o.box.y1));
    g.append("path").attr("class", "domain").attr("d", `M${coord(r0)},0H${coord(r1)}`).attr("stroke", INK.rule).attr("fill", "none");
    for (const v of ticks) {
      const t = g.append("g").attr("class", "tick").attr("transform", translate(o.scale(v), 0));
      t.append("line").attr("y2", 5).attr("stroke", INK.rule);
      t.append("text").attr("y", 16).attr("text-anchor", "middle").attr("fill", INK.muted).text(fmt(v));
    }
    if (o.title) g.append("text").attr("class", "axis-title").attr("x", (r0 + r1) / 2).attr("y", 31).attr("text-anchor", "middle").attr("fill", INK.text).text(o.title);
    return g;
  }
  const left = o.side === "left";
  const sgn = left ? -1 : 1;
  g.attr("transform", translate(left ? o.box.x0 : o.box.x1, 0));
  g.append("path").attr("class", "domain").attr("d", `M0,${coord(r0)}V${coord(r1)}`).attr("stroke", INK.rule).attr("fill", "none");
  let widest = 0;
  for (const v of ticks) {
    const label = fmt(v);
    widest = Math.max(widest, textWidth(label));
    const t = g.append("g").attr("class", "tick").attr("transform", translate(0, o.scale(v)));
    t.append("line").attr("x2", 5 * sgn).attr("stroke", INK.rule);
    t.append("text").attr("x", 8 * sgn).attr("dy", "0.32em").attr("text-anchor", left ? "end" : "start").attr("fill", INK.muted).text(label);
  }
  if (o.title) {
    const off = sgn * (12 + Math.max(widest, 14));
    const cy = (r0 + r1) / 2;
    g.append("text").attr("class", "axis-title").attr("transform", `${translate(off, cy)} rotate(${left ? -90 : 90})`).attr("text-anchor", "middle").attr("fill", INK.text).text(o.title);
  }
  return g;
}

/** Room a left/right axis needs for its labels and title (px). */
export function axisWidth(s: Scale, log: boolean, count = 5, format: (v: number) => string = formatTick, titled = true): number {
  const widest = Math.max(14, ...scaleTicks(s, log, count).map((v) => textWidth(format(v))));
  return 12 + widest + (titled ? 16 : 0);
}

/** One legend entry: its label, colour and what its sample shows. */
export interface LegendEntry {
  label: string;
  color: string;
  /** line: a solid stroke; dashed: a dashed stroke; point: a filled dot; ring: a white dot stroked in the colour. */
  sample: "line" | "dashed" | "point" | "ring";
  /** A second, muted line under the label. */
  detail?: string;
  /** Id of the series it names (data-series). */
  id?: string;
}

const ROW = 15;

/** Size of a legend's box (px). */
export function legendSize(entries: readonly LegendEntry[]): { width: number; height: number } {
  const w = Math.max(0, ...entries.map((e) => Math.max(textWidth(e.label), e.detail ? textWidth(e.detail, 10) : 0)));
  const rows = entries.reduce((n, e) => n + (e.detail ? 2 : 1), 0);
  return { width: entries.length ? 26 + w + 6 : 0, height: rows * ROW + (entries.length ? 6 : 0) };
}

/**
 * A legend at (x, y) (top-left of its box): per entry a `g.legend-entry` with a sample in the
 * series colour (`line.legend-sample` stroked, `circle.legend-sample` filled, or a white ring stroked) and its label in
 * the text colour. A translucent white box behind it keeps it readable over data.
 */
export function drawLegend(parent: Target, entries: readonly LegendEntry[], x: number, y: number): Target {
  const g = parent.append("g").attr("class", "legend").attr("transform", translate(x, y));
  if (!entries.length) return g;
  const { width, height } = legendSize(entries);
  g.append("rect").attr("class", "legend-box").attr("width", width).attr("height", height).attr("fill", "#ffffff").attr("fill-opacity", 0.85).attr("stroke", "#d0d0d0").attr("rx", 3);
  let row = 0;
  for (const e of entries) {
    const ty = 4 + row * ROW;
    const item = g.append("g").attr("class", "legend-entry").attr("transform", translate(4, ty)).attr("data-series", e.id ?? e.label);
    if (e.sample === "ring") item.append("circle").attr("class", "legend-sample").attr("cx", 9).attr("cy", 7).attr("r", 4).attr("fill", "#ffffff").attr("stroke", e.color).attr("stroke-width", 2);
    else if (e.sample === "point") item.append("circle").attr("class", "legend-sample").attr("cx", 9).attr("cy", 7).attr("r", 3.5).attr("fill", e.color).attr("stroke", "none");
    else item.append("line").attr("class", "legend-sample").attr("x1", 0).attr("x2", 18).attr("y1", 7).attr("y2", 7).attr("stroke", e.color).attr("stroke-width", 2.5).attr("stroke-dasharray", e.sample === "dashed" ? "5,3" : null);
    item.append("text").attr("class", "legend-label").attr("x", 23).attr("y", 11).attr("fill", INK.text).text(e.label);
    if (e.detail) item.append("text").attr("class", "legend-detail").attr("x", 23).attr("y", 11 + ROW).attr("fill", INK.muted).attr("font-size", 10).text(e.detail);
    row += e.detail ? 2 : 1;
  }
  return g;
}

/**
 * The corner of `box` where a `size` legend covers the fewest of `points` (px, with the segments
 * between consecutive points sampled too), top-right first on ties; its top-left corner.
 */
export function emptiestCorner(box: Box, size: { width: number; height: number }, curves: readonly (readonly [number, number])[][], pad = 6): { x: number; y: number; covered: number } {
  const corners = [
    { x: box.x1 - pad - size.width, y: box.y0 + pad },
    { x: box.x0 + pad, y: box.y0 + pad },
    { x: box.x1 - pad - size.width, y: box.y1 - pad - size.height },
    { x: box.x0 + pad, y: box.y1 - pad - size.height },
  ];
  let best = { ...corners[0], covered: Infinity };
  for (const c of corners) {
    let covered = 0;
    const inside = (px: number, py: number) => px >= c.x - 2 && px <= c.x + size.width + 2 && py >= c.y - 2 && py <= c.y + size.height + 2;
    for (const pts of curves) {
      for (let i = 0; i < pts.length; i++) {
        if (inside(pts[i][0], pts[i][1])) covered++;
        if (i > 0) {
          // Four samples along each segment, so a steep line through the box counts.
          for (let k = 1; k < 4; k++) {
            const t = k / 4;
            if (inside(pts[i - 1][0] + t * (pts[i][0] - pts[i - 1][0]), pts[i - 1][1] + t * (pts[i][1] - pts[i - 1][1]))) covered++;
          }
        }
      }
    }
    if (covered < best.covered) best = { ...c, covered };
  }
  return best;
}

export interface ColorBarOptions {
  /** Left edge, top and height of the bar (px). */
  x: number;
  y: number;
  height: number;
  width?: number;
  domain: [number, number];
  color: (v: number) => string;
  title: string;
  format?: (v: number) => string;
  /** The domain is in log₁₀ units; ticks are labelled with the values themselves (10⁻², 1, 10², …). */
  log?: boolean;
}

/** The colour bar's axis scale: linear over the domain, or log over 10^domain. */
function colorBarScale(domain: [number, number], log: boolean, range: [number, number]): Scale {
  const s = log ? d3.scaleLog().domain([10 ** domain[0], 10 ** domain[1]]) : d3.scaleLinear().domain(domain);
  return s.range(range) as unknown as Scale;
}

/**
 * Ticks of a log colour bar: the decades, and where fewer than three fall inside, 1-3 multiples
 * (3, 10, 30, 100) so a bar spanning two decades still reads.
 */
export function colorBarLogTicks(lo: number, hi: number): number[] {
  const decades = logTicks(lo, hi, 6);
  if (decades.length >= 3 || !(lo > 0)) return decades;
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 3]) {
      const v = +(m * 10 ** e).toPrecision(12);
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out.length >= 3 ? out : decades;
}

/** Width a colour bar takes with its ticks and title (px). */
export function colorBarWidth(o: Pick<ColorBarOptions, "domain" | "format" | "width" | "log">): number {
  const fmt = o.format ?? formatTick;
  if (!o.log) return (o.width ?? 12) + axisWidth(colorBarScale(o.domain, false, [100, 0]), false, 5, fmt, true);
  const widest = Math.max(14, ...colorBarLogTicks(10 ** o.domain[0], 10 ** o.domain[1]).map((v) => textWidth(fmt(v))));
  return (o.width ?? 12) + 12 + widest + 16;
}

/** A vertical colour bar (`g.colorbar`: 48 `rect.colorbar-step`s, an axis with ticks, a title). */
export function drawColorBar(parent: Target, o: ColorBarOptions): Target {
  const w = o.width ?? 12;
  const g = parent.append("g").attr("class", "colorbar").attr("transform", translate(o.x, 0)).attr("shape-rendering", "crispEdges");
  const [lo, hi] = o.domain;
  const steps = 48;
  const h = o.height / steps;
  for (let k = 0; k < steps; k++) {
    const v = hi - ((k + 0.5) / steps) * (hi - lo);
    g.append("rect").attr("class", "colorbar-step").attr("x", 0).attr("y", o.y + k * h).attr("width", w).attr("height", h + 0.4).attr("fill", o.color(v));
  }
  g.append("rect").attr("class", "colorbar-frame").attr("x", 0).attr("y", o.y).attr("width", w).attr("height", o.height).attr("fill", "none").attr("stroke", INK.rule);
  const s = colorBarScale([lo, hi], !!o.log, [o.y + o.height, o.y]);
  drawAxis(g, { scale: s, log: !!o.log, tickValues: o.log ? colorBarLogTicks(10 ** lo, 10 ** hi) : undefined, side: "right", box: { x0: 0, x1: w, y0: o.y, y1: o.y + o.height }, ticks: 5, title: o.title, className: "colorbar-axis", format: o.format });
  return g;
}

/** Finite min/max of some arrays, widened when degenerate ([0, 1] when empty). */
export function extent(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    return [lo - d, hi + d];
  }
  return [lo, hi];
}

/** Positive finite min/max for log axes (a decade either side when degenerate; [1e-6, 1] when none). */
export function positiveExtent(...arrays: ArrayLike<number>[]): [number, number] {
  const pos = arrays.map((a) => Array.from(a).filter((v) => v > 0 && Number.isFinite(v)));
  if (!pos.some((p) => p.length)) return [1e-6, 1];
  const [lo, hi] = extent(...pos);
  return lo === hi || !(lo > 0) ? [Math.abs(hi) / 10, Math.abs(hi) * 10] : [lo, hi];
}

/** A path through (x, y) index pairs, broken at non-finite values (2-decimal coordinates). */
export function linePath(idx: readonly number[], px: (i: number) => number, py: (i: number) => number): string {
  return d3.line<number>().defined((i) => Number.isFinite(px(i)) && Number.isFinite(py(i))).x(px).y(py).digits(2)(idx as number[]) ?? "";
}
