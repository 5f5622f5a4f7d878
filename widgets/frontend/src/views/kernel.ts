/**
 * KernelView: an NTK/NNGP/Gram matrix as a heatmap with axis titles and a colour bar (optionally
 * sorted by label, class boundaries drawn), with its eigenvalue decay on log-log axes beside —
 * drawn by src/svg/charts/kernel.ts, the same function as the static SVG; hover shows K[i, j] and
 * the labels.
 */
import * as d3 from "d3";
import { DOMWidgetModel } from "@jupyter-widgets/base";
import { KERNEL } from "../../../src/views/schema";
import { drawKernel } from "../../../src/svg/charts/kernel";
import { control, fmt, OptlabView, options, specDefaults, specSerializers } from "../common";
import { svgTarget } from "../d3target";

export { labelOrder } from "../../../src/svg/charts/kernel";

export class KernelModel extends DOMWidgetModel {
  override defaults() {
    return { ...super.defaults(), ...specDefaults(KERNEL) };
  }
  static override serializers = specSerializers(KERNEL);
}

export class KernelView extends OptlabView {
  private sortBox!: HTMLInputElement;
  private schemeSel!: HTMLSelectElement;
  private svg!: d3.Selection<SVGSVGElement, unknown, null, undefined>;

  protected override buildControls(): void {
    this.sortBox = control(this.controlsEl, "input", "sort by label", { type: "checkbox", class: "sort-by-label" });
    this.sortBox.addEventListener("change", () => this.setAndSave({ sort_by_label: this.sortBox.checked }));
    this.schemeSel = control(this.controlsEl, "select", "colors");
    options(this.schemeSel, KERNEL.traits.color_scheme.enum!);
    this.schemeSel.addEventListener("change", () => this.setAndSave({ color_scheme: this.schemeSel.value }));
    this.svg = d3.select(this.bodyEl).append("svg").attr("class", "optlab-figure kernel");
  }

  protected override syncControls(): void {
    this.sortBox.checked = this.model.get("sort_by_label") === true;
    this.sortBox.parentElement!.style.display = (this.model.get("labels") as Int32Array).length ? "" : "none";
    this.schemeSel.value = this.model.get("color_scheme");
  }

  protected override draw(): void {
    const m = this.model;
    const layout = drawKernel((k) => m.get(k), svgTarget(this.svg));
    const K = m.get("matrix") as Float64Array;
    const rows = m.get("rows") as number;
    const cols = m.get("cols") as number;
    const labels = m.get("labels") as Int32Array;
    const { heat, rowOrder, colOrder } = layout;
    if (rows * cols > 0 && K.length === rows * cols) {
      const xs = d3.scaleLinear().domain([0, cols]).range([heat.x0, heat.x1]);
      const ys = d3.scaleLinear().domain([0, rows]).range([heat.y0, heat.y1]);
      this.svg.append("rect").attr("class", "heat-hover").attr("x", heat.x0).attr("y", heat.y0).attr("width", heat.x1 - heat.x0).attr("height", heat.y1 - heat.y0).attr("fill", "transparent")
        .on("mousemove", (ev: MouseEvent) => {
          const [px, py] = d3.pointer(ev);
          const c = Math.min(cols - 1, Math.max(0, Math.floor(xs.invert(px))));
          const r = Math.min(rows - 1, Math.max(0, Math.floor(ys.invert(py))));
          const i = rowOrder[r];
          const j = colOrder[c];
          const lab = labels.length === rows ? `  (labels ${labels[i]}, ${rows === cols ? labels[j] : "-"})` : "";
          this.tooltip.show(ev, `K[${i}, ${j}] = ${fmt(K[i * cols + j])}${lab}`);
        })
        .on("mouseleave", () => this.tooltip.hide());
    }
    this.svg.selectAll<SVGCircleElement, unknown>("circle.decay-point")
      .on("mouseenter", (ev: MouseEvent) => {
        const c = ev.currentTarget as SVGCircleElement;
        this.tooltip.show(ev, `λ${c.dataset.index} = ${fmt(Number(c.dataset.value))}`);
      })
      .on("mouseleave", () => this.tooltip.hide());
  }
}
