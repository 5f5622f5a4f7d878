/**
 * The static figure's document: an <svg> with a white background, the title, and the chart drawn
 * by the live view's draw function into a nested <svg> (so its coordinates are the live ones).
 * The stylesheet sets fonts only — colours are attributes, so no rule can grey out a legend label.
 */
import { SvgNode, type Target } from "./target";
import { getter, type Get } from "./charts/frame";
import { INK } from "./guides";

export { esc } from "./target";

/** Height of the title band above the chart (px). */
export const TITLE_BAND = 24;

/** Renders a chart drawn by `draw` into a standalone SVG string. */
export function renderStatic(state: object, draw: (get: Get, root: Target) => unknown): string {
  const get = getter(state);
  const chart = new SvgNode("svg").attr("class", "chart");
  draw(get, chart);
  const w = Number(chart.attrs.get("width") ?? 0);
  const h = Number(chart.attrs.get("height") ?? 0);
  const title = String(get("title") ?? "");
  const band = title ? TITLE_BAND : 0;
  const root = new SvgNode("svg").attr("xmlns", "http://www.w3.org/2000/svg").attr("class", "optlab-svg")
    .attr("width", w).attr("height", h + band).attr("viewBox", `0 0 ${w} ${h + band}`);
  root.append("style").text(".optlab-svg text{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:11px}.optlab-svg text.title{font-size:13px;font-weight:bold}");
  root.append("rect").attr("class", "background").attr("x", 0).attr("y", 0).attr("width", w).attr("height", h + band).attr("fill", "#ffffff");
  if (title) root.append("text").attr("class", "title").attr("x", w / 2).attr("y", 17).attr("text-anchor", "middle").attr("fill", INK.text).text(title);
  chart.attr("y", band);
  root.children.push(chart);
  return root.toString();
}
