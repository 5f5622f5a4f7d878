/**
 * CollapseView: NC1…NC4 vs epoch on a log y axis, and the class-mean / classifier geometry
 * projected to 2-D or 3-D (drag to rotate) next to the simplex ETF it should approach — drawn by
 * src/svg/charts/collapse.ts, the same function as the static SVG; redrawn live as the kernel
 * appends records during training.
 */
import * as d3 from "d3";
import { DOMWidgetModel } from "@jupyter-widgets/base";
import { COLLAPSE } from "../../../src/views/schema";
import { DEFAULT_ANGLES, drawCollapse, drawCollapseGeometry, METRIC_LABELS, type CollapseLayout } from "../../../src/svg/charts/collapse";
import { control, fmt, OptlabView, options, specDefaults, specSerializers } from "../common";
import { D3Target, svgTarget } from "../d3target";

export { project3 } from "../../../src/svg/charts/collapse";

export class CollapseModel extends DOMWidgetModel {
  override defaults() {
    return { ...super.defaults(), ...specDefaults(COLLAPSE) };
  }
  static override serializers = specSerializers(COLLAPSE);
}

export class CollapseView extends OptlabView {
  private dimsSel!: HTMLSelectElement;
  private svg!: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private layout: CollapseLayout | null = null;
  private yaw = DEFAULT_ANGLES.yaw;
  private pitch = DEFAULT_ANGLES.pitch;

  protected override buildControls(): void {
    this.dimsSel = control(this.controlsEl, "select", "geometry");
    options(this.dimsSel, ["2", "3"]);
    this.dimsSel.addEventListener("change", () => this.setAndSave({ dims: Number(this.dimsSel.value) }));
    this.svg = d3.select(this.bodyEl).append("svg").attr("class", "optlab-figure collapse");
    const drag = d3.drag<SVGSVGElement, unknown>().on("drag", (ev: d3.D3DragEvent<SVGSVGElement, unknown, unknown>) => {
      if (this.model.get("dims") !== 3 || !this.layout?.geometry) return;
      this.yaw += ev.dx * 0.01;
      this.pitch = Math.max(-1.5, Math.min(1.5, this.pitch + ev.dy * 0.01));
      this.drawGeometry();
    });
    this.svg.call(drag);
  }

  protected override syncControls(): void {
    this.dimsSel.value = String(this.model.get("dims"));
  }

  protected override draw(): void {
    const m = this.model;
    this.layout = drawCollapse((k) => m.get(k), svgTarget(this.svg), { yaw: this.yaw, pitch: this.pitch });
    this.svg.style("cursor", m.get("dims") === 3 && this.layout.geometry ? "grab" : "");
    this.hover();
  }

  private drawGeometry(): void {
    const l = this.layout;
    if (!l?.geometry || !l.etf) return;
    const geo = this.svg.select<SVGGElement>("g.collapse-geometry");
    const etf = this.svg.select<SVGGElement>("g.collapse-etf");
    geo.selectAll("*").remove();
    etf.selectAll("*").remove();
    const m = this.model;
    drawCollapseGeometry((k) => m.get(k), new D3Target(geo as never), new D3Target(etf as never), l.geometry, l.etf, this.yaw, this.pitch);
    this.hover();
  }

  private hover(): void {
    this.svg.selectAll<SVGCircleElement, unknown>("circle.metric-point")
      .on("mouseenter", (ev: MouseEvent) => {
        const c = ev.currentTarget as SVGCircleElement;
        const key = (c.parentElement as unknown as SVGGElement).dataset.name as keyof typeof METRIC_LABELS;
        this.tooltip.show(ev, `${METRIC_LABELS[key] ?? key}\nepoch ${fmt(Number(c.dataset.epoch))}: ${fmt(Number(c.dataset.value))}`);
      })
      .on("mouseleave", () => this.tooltip.hide());
    this.svg.selectAll<SVGElement, unknown>(".point")
      .on("mouseenter", (ev: MouseEvent) => {
        const p = ev.currentTarget as SVGElement;
        const kind = p.classList.contains("etf") ? "ETF vertex" : p.classList.contains("classifier") ? "classifier" : "mean";
        this.tooltip.show(ev, `${kind}, class ${p.dataset.class}`);
      })
      .on("mouseleave", () => this.tooltip.hide());
  }
}
