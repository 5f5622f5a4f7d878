/**
 * SpectrumView: eigenvalues as stems and/or a histogram, the SLQ density re-smoothed in the
 * browser from the cached Ritz nodes when the σ slider moves (the chart itself is drawn by
 * src/svg/charts/spectrum.ts, the same function that makes the static SVG), outliers highlighted, hover values,
 * brush-to-zoom, and a click on an eigenvalue that asks the kernel for the 1-D loss slice along
 * its eigenvector (schema.ts SPECTRUM.toKernel.select_eigenvalue), drawn beside the spectrum.
 */
import * as d3 from "d3";
import { DOMWidgetModel } from "@jupyter-widgets/base";
import { SPECTRUM } from "../../../src/views/schema";
import { drawSpectrum } from "../../../src/svg/charts/spectrum";
import { control, fmt, OptlabView, options, specDefaults, specSerializers } from "../common";
import { svgTarget } from "../d3target";

export class SpectrumModel extends DOMWidgetModel {
  override defaults() {
    return { ...super.defaults(), ...specDefaults(SPECTRUM) };
  }
  static override serializers = specSerializers(SPECTRUM);
}


export class SpectrumView extends OptlabView {
  private modeSel!: HTMLSelectElement;
  private scaleSel!: HTMLSelectElement;
  private sigmaIn!: HTMLInputElement;
  private sigmaOut!: HTMLSpanElement;
  private resetBtn!: HTMLButtonElement;
  private statusEl!: HTMLSpanElement;
  private svg!: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  /** σ while the slider is dragged (the trait is saved on release). */
  private localSigma: number | null = null;

  protected override buildControls(): void {
    const row = this.controlsEl;
    this.modeSel = control(row, "select", "show");
    options(this.modeSel, SPECTRUM.traits.mode.enum!);
    this.modeSel.addEventListener("change", () => this.setAndSave({ mode: this.modeSel.value }));
    this.scaleSel = control(row, "select", "y");
    options(this.scaleSel, SPECTRUM.traits.y_scale.enum!);
    this.scaleSel.addEventListener("change", () => this.setAndSave({ y_scale: this.scaleSel.value }));
    this.sigmaIn = control(row, "input", "σ", { type: "range", class: "sigma-slider" });
    this.sigmaOut = document.createElement("span");
    this.sigmaOut.className = "sigma-value";
    this.sigmaIn.parentElement!.appendChild(this.sigmaOut);
    this.sigmaIn.addEventListener("input", () => {
      this.localSigma = Number(this.sigmaIn.value);
      this.sigmaOut.textContent = fmt(this.localSigma);
      this.draw(); // re-smooth from the cached nodes right away, no kernel round trip
    });
    this.sigmaIn.addEventListener("change", () => {
      const s = Number(this.sigmaIn.value);
      this.localSigma = null;
      this.setAndSave({ sigma: s });
    });
    this.resetBtn = control(row, "button", "reset zoom", { class: "reset-zoom" });
    this.resetBtn.addEventListener("click", () => this.setAndSave({ zoom: null }));
    this.statusEl = document.createElement("span");
    this.statusEl.className = "status";
    row.appendChild(this.statusEl);

    this.svg = d3.select(this.bodyEl).append("svg").attr("class", "optlab-figure spectrum");
  }

  protected override syncControls(): void {
    const m = this.model;
    this.modeSel.value = m.get("mode");
    this.scaleSel.value = m.get("y_scale");
    const [lo, hi] = (m.get("sigma_range") as [number, number]) ?? [0, 1];
    const hasDensity = (m.get("ritz_nodes") as Float64Array).length > 0 && m.get("probes") > 0;
    this.sigmaIn.parentElement!.style.display = hasDensity ? "" : "none";
    this.sigmaIn.min = String(lo);
    this.sigmaIn.max = String(hi);
    this.sigmaIn.step = String((hi - lo) / 200 || 1e-6);
    if (this.localSigma === null) {
      this.sigmaIn.value = String(m.get("sigma"));
      this.sigmaOut.textContent = fmt(m.get("sigma"));
    }
    this.resetBtn.style.display = m.get("zoom") ? "" : "none";
    const status = m.get("slice_status") as string;
    this.statusEl.classList.toggle("error", status === "error");
    this.statusEl.textContent =
      status === "computing" ? `computing the slice along v${m.get("selected") ?? ""}…` :
      status === "error" ? `slice failed: ${m.get("slice_error")}` :
      m.get("can_slice") && this.kernelLive ? "click an eigenvalue for its 1-D loss slice" :
      m.get("can_slice") ? "no kernel connected: the 1-D loss slice on click is disabled" : "";
  }

  private sigma(): number {
    return this.localSigma ?? Number(this.model.get("sigma"));
  }

  protected override draw(): void {
    this.drawSpectrum();
  }

  private drawSpectrum(): void {
    const m = this.model;
    const eig = m.get("eigenvalues") as Float64Array;
    const layout = drawSpectrum((k) => m.get(k), svgTarget(this.svg), { sigma: this.sigma() });
    const { x, plot } = layout;
    const svg = this.svg;

    // Brush under the marks, so the marks keep their hover and click.
    const brush = d3.brushX().extent([[plot.x0, plot.y0], [plot.x1, plot.y1]]).on("end", (ev: d3.D3BrushEvent<unknown>) => {
      if (!ev.selection || !ev.sourceEvent) return;
      const [a, b] = ev.selection as [number, number];
      if (b - a < 3) return;
      this.setAndSave({ zoom: [x.invert(a), x.invert(b)] });
    });
    const marks = svg.select<SVGGElement>("g.spectrum-main g.marks");
    svg.select("g.spectrum-main").insert("g", "g.marks").attr("class", "brush").call(brush);
    svg.on("dblclick", () => this.setAndSave({ zoom: null }));

    marks.selectAll<SVGRectElement, unknown>("rect.bar")
      .on("mousemove", (ev: MouseEvent) => {
        const r = ev.currentTarget as SVGRectElement;
        const n = Number(r.dataset.count);
        this.tooltip.show(ev, `[${fmt(Number(r.dataset.x0))}, ${fmt(Number(r.dataset.x1))}): ${n} eigenvalue${n === 1 ? "" : "s"}`);
      })
      .on("mouseleave", () => this.tooltip.hide());
    const canSlice = m.get("can_slice") === true && this.kernelLive;
    marks.selectAll<SVGGElement, unknown>("g.eig-mark")
      .on("mouseenter mousemove", (ev: MouseEvent) => {
        const g = ev.currentTarget as SVGGElement;
        const i = Number(g.dataset.index);
        const out = g.classList.contains("outlier");
        this.tooltip.show(ev, `λ${i} = ${fmt(eig[i])}${out ? "  (outlier)" : ""}${canSlice ? "\nclick: loss slice along v" + i : ""}`);
      })
      .on("mouseleave", () => this.tooltip.hide())
      .on("click", (ev: MouseEvent) => {
        ev.stopPropagation();
        if (!canSlice) return;
        this.send({ event: "select_eigenvalue", index: Number((ev.currentTarget as SVGGElement).dataset.index) });
      });

    const idx = m.get("slice_index") as number | null;
    this.el.dataset.sliceIndex = layout.slice && idx !== null ? String(idx) : "";
    if (layout.slice) {
      const { x: sx, box } = layout.slice;
      const t = m.get("slice_t") as Float64Array;
      const loss = m.get("slice_loss") as Float64Array;
      const quad = m.get("slice_quadratic") as Float64Array;
      const ts = Array.from(t);
      svg.select("g.spectrum-slice").append("rect").attr("class", "slice-hover").attr("x", box.x0).attr("y", box.y0).attr("width", box.x1 - box.x0).attr("height", box.y1 - box.y0).attr("fill", "transparent")
        .on("mousemove", (ev: MouseEvent) => {
          const tv = sx.invert(d3.pointer(ev)[0]);
          const i = d3.minIndex(ts, (v) => Math.abs(v - tv));
          this.tooltip.show(ev, `t = ${fmt(t[i])}\nL = ${fmt(loss[i])}${quad.length === t.length ? `\nquadratic = ${fmt(quad[i])}` : ""}`);
        })
        .on("mouseleave", () => this.tooltip.hide());
    }
    this.el.dataset.eigenvalues = String(eig.length);
  }

  protected override onCustom(content: { event?: string }): void {
    if (content.event === "slice_ready") this.redraw();
  }
}
