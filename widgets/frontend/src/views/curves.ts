/**
 * CurvesView: live training curves grouped in panels (loss, accuracy, sharpness with its 2/η
 * line, any metric), each panel on its own x — drawn by src/svg/charts/curves.ts, the same
 * function as the static SVG. The kernel streams at ≤ ~10 updates/s; the view redraws at most every
 * 100 ms and draws at most ~2 points per horizontal pixel (min/max per bucket).
 */
import * as d3 from "d3";
import { DOMWidgetModel } from "@jupyter-widgets/base";
import { CURVES } from "../../../src/views/schema";
import { drawCurves, panelsOf } from "../../../src/svg/charts/curves";
import { toTyped } from "../arrays";
import { control, fmt, OptlabView, specDefaults, specSerializers } from "../common";
import { svgTarget } from "../d3target";

/** One curve as it arrives (x/y were binary buffers at ['series', i, 'x'|'y']). */
export interface Series {
  name: string;
  x: Float64Array;
  y: Float64Array;
  axis: "left" | "right";
  style: "line" | "dashed" | "points";
  panel: string;
  x_label?: string;
}

export function deserializeSeries(value: unknown): Series[] {
  if (!Array.isArray(value)) return [];
  return value.map((s: Record<string, unknown>) => ({
    name: String(s.name ?? ""),
    x: toTyped(s.x, "f64"),
    y: toTyped(s.y, "f64"),
    axis: s.axis === "right" ? "right" : "left",
    style: s.style === "dashed" || s.style === "points" ? s.style : "line",
    panel: String(s.panel ?? s.name ?? ""),
    ...(typeof s.x_label === "string" ? { x_label: s.x_label } : {}),
  }));
}

export class CurvesModel extends DOMWidgetModel {
  override defaults() {
    return { ...super.defaults(), ...specDefaults(CURVES) };
  }
  static override serializers = specSerializers(CURVES, { series: { deserialize: deserializeSeries } });
}


export class CurvesView extends OptlabView {
  protected override minIntervalMs = 100;
  private logRow!: HTMLSpanElement;
  private infoEl!: HTMLSpanElement;
  private svg!: d3.Selection<SVGSVGElement, unknown, null, undefined>;

  protected override buildControls(): void {
    this.logRow = document.createElement("span");
    this.logRow.className = "log-y";
    this.infoEl = document.createElement("span");
    this.infoEl.className = "status points-info";
    this.controlsEl.append(this.logRow, this.infoEl);
    this.svg = d3.select(this.bodyEl).append("svg").attr("class", "optlab-figure curves");
  }

  private panels(): string[] {
    return panelsOf(this.model.get("series") as Series[]);
  }

  protected override syncControls(): void {
    const panels = this.panels();
    const logY = new Set(this.model.get("log_y") as string[]);
    if (this.logRow.dataset.panels !== panels.join("\u0000")) {
      this.logRow.dataset.panels = panels.join("\u0000");
      this.logRow.replaceChildren();
      for (const p of panels) {
        const box = control(this.logRow, "input", `log ${p}`, { type: "checkbox", "data-panel": p });
        box.addEventListener("change", () => {
          const cur = new Set(this.model.get("log_y") as string[]);
          if (box.checked) cur.add(p);
          else cur.delete(p);
          this.setAndSave({ log_y: [...cur] });
        });
      }
    }
    this.logRow.querySelectorAll<HTMLInputElement>("input").forEach((b) => (b.checked = logY.has(b.dataset.panel!)));
    const total = this.model.get("total_points") as number;
    this.infoEl.textContent = `${total} points received`;
    this.el.dataset.totalPoints = String(total);
  }

  protected override draw(): void {
    const m = this.model;
    const layout = drawCurves((k) => m.get(k), svgTarget(this.svg));
    let drawnTotal = 0;
    this.svg.selectAll<SVGElement, unknown>(".series").each((_, i, nodes) => (drawnTotal += Number((nodes[i] as SVGElement).dataset.points ?? 0)));
    const xLabel = String(m.get("x_label"));
    // Hover: per panel, the nearest x of each series and its value there.
    for (const { panel, box, x, series } of layout) {
      this.svg.select(`g.curves-panel[data-panel="${CSS.escape(panel)}"]`).append("rect").attr("class", "curves-hover")
        .attr("x", box.x0).attr("y", box.y0).attr("width", box.x1 - box.x0).attr("height", box.y1 - box.y0).attr("fill", "transparent")
        .on("mousemove", (ev: MouseEvent) => {
          const xv = x.invert(d3.pointer(ev)[0]);
          const lines = series.map((s) => {
            if (!s.x.length) return `${s.name}: –`;
            const i = d3.minIndex(Array.from(s.x), (v) => Math.abs(v - xv));
            return `${s.name}: ${fmt(s.y[i])}  (${s.x_label ?? xLabel} ${fmt(s.x[i])})`;
          });
          this.tooltip.show(ev, lines.join("\n"));
        })
        .on("mouseleave", () => this.tooltip.hide());
    }
    this.el.dataset.drawnPoints = String(drawnTotal);
  }
}
