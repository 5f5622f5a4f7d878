/**
 * LandscapeView: filled contours of a 2-D loss (test function or slice) with axis titles and a
 * colour bar, optimizer trajectories racing from a common start — drawn by
 * src/svg/charts/landscape.ts, the same function as the static SVG. A click sets `start`; the
 * optimizer checkboxes, the learning rate of each racing optimizer (`lrs`; "lr (all)" sets one for
 * every optimizer), momentum and steps are synced traits; the kernel recomputes `trajectories` and
 * the view animates them step by step (all optimizers advance one step per frame tick, the loss
 * panel's curves with them). Colour scale, colour map and the loss panel are local choices.
 */
import * as d3 from "d3";
import { DOMWidgetModel } from "@jupyter-widgets/base";
import { LANDSCAPE } from "../../../src/views/schema";
import { drawLandscape } from "../../../src/svg/charts/landscape";
import { coord } from "../../../src/svg/target";
import { control, fmt, options, OptlabView, specDefaults, specSerializers } from "../common";
import { svgTarget } from "../d3target";

export { splitTrajectories } from "../../../src/svg/charts/landscape";

export class LandscapeModel extends DOMWidgetModel {
  override defaults() {
    return { ...super.defaults(), ...specDefaults(LANDSCAPE) };
  }
  static override serializers = specSerializers(LANDSCAPE);
}

export class LandscapeView extends OptlabView {
  private optBoxes = new Map<string, HTMLInputElement>();
  private optRow!: HTMLSpanElement;
  private lrIn!: HTMLInputElement;
  private momIn!: HTMLInputElement;
  private stepsIn!: HTMLInputElement;
  private lrRow!: HTMLSpanElement;
  private lrInputs = new Map<string, HTMLInputElement>();
  private scaleSel!: HTMLSelectElement;
  private mapSel!: HTMLSelectElement;
  private lossBox!: HTMLInputElement;
  private runBtn!: HTMLButtonElement;
  private statusEl!: HTMLSpanElement;
  private svg!: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private timer: d3.Timer | null = null;
  private animateMs = 1500;
  private lastTrajectories: Float64Array | null = null;

  protected override buildControls(): void {
    const row = this.controlsEl;
    this.optRow = document.createElement("span");
    this.optRow.className = "optimizers";
    row.appendChild(this.optRow);
    this.lrIn = control(row, "input", "lr (all)", { type: "number", step: "any", min: "0", class: "lr" });
    // One lr for every optimizer: the per-optimizer entries give way to it.
    this.lrIn.addEventListener("change", () => this.setAndSave({ lr: Number(this.lrIn.value), lrs: {} }));
    this.lrRow = document.createElement("span");
    this.lrRow.className = "learning-rates";
    row.appendChild(this.lrRow);
    this.momIn = control(row, "input", "momentum", { type: "number", step: "0.05", min: "0", max: "1", class: "momentum" });
    this.momIn.addEventListener("change", () => this.setAndSave({ momentum: Number(this.momIn.value) }));
    this.stepsIn = control(row, "input", "steps", { type: "number", step: "1", min: "1", class: "steps" });
    this.stepsIn.addEventListener("change", () => this.setAndSave({ steps: Math.max(1, Math.round(Number(this.stepsIn.value))) }));
    this.scaleSel = control(row, "select", "colour scale", { class: "color-scale" });
    options(this.scaleSel, ["linear", "log"]);
    this.scaleSel.addEventListener("change", () => this.setAndSave({ log_scale: this.scaleSel.value === "log" }));
    this.mapSel = control(row, "select", "colour map", { class: "colormap" });
    options(this.mapSel, (LANDSCAPE.traits.colormap.enum ?? ["viridis"]) as string[]);
    this.mapSel.addEventListener("change", () => this.setAndSave({ colormap: this.mapSel.value }));
    this.lossBox = control(row, "input", "loss curve", { type: "checkbox", class: "loss-panel" });
    this.lossBox.addEventListener("change", () => this.setAndSave({ loss_panel: this.lossBox.checked }));
    this.runBtn = control(row, "button", "run", { class: "run" });
    this.runBtn.addEventListener("click", () => this.send({ event: "run" }));
    this.statusEl = document.createElement("span");
    this.statusEl.className = "status";
    row.appendChild(this.statusEl);
    this.needsKernel(this.optRow, this.lrIn.parentElement!, this.lrRow, this.momIn.parentElement!, this.stepsIn.parentElement!, this.runBtn);
    this.svg = d3.select(this.bodyEl).append("svg").attr("class", "optlab-figure landscape");
  }

  protected override syncControls(): void {
    const m = this.model;
    const interactive = m.get("interactive") === true;
    const opts = m.get("optimizer_options") as string[];
    const chosen = new Set(m.get("optimizers") as string[]);
    if ([...this.optBoxes.keys()].join() !== opts.join()) {
      this.optRow.replaceChildren();
      this.optBoxes.clear();
      for (const name of opts) {
        const box = control(this.optRow, "input", name, { type: "checkbox", value: name, class: "optimizer" });
        box.addEventListener("change", () => {
          const next = [...this.optBoxes.entries()].filter(([, b]) => b.checked).map(([n]) => n);
          this.setAndSave({ optimizers: next });
        });
        this.optBoxes.set(name, box);
      }
    }
    for (const [name, box] of this.optBoxes) box.checked = chosen.has(name);
    if (document.activeElement !== this.lrIn) this.lrIn.value = String(m.get("lr"));
    if (document.activeElement !== this.momIn) this.momIn.value = String(m.get("momentum"));
    if (document.activeElement !== this.stepsIn) this.stepsIn.value = String(m.get("steps"));
    this.syncLearningRates();
    this.scaleSel.value = m.get("log_scale") === true ? "log" : "linear";
    this.mapSel.value = String(m.get("colormap") ?? "viridis");
    this.lossBox.checked = m.get("loss_panel") === true;
    for (const el of [this.optRow, this.lrIn.parentElement!, this.lrRow, this.momIn.parentElement!, this.stepsIn.parentElement!, this.runBtn]) el.style.display = interactive ? "" : "none";
    const status = m.get("status") as string;
    this.statusEl.classList.toggle("error", status === "error");
    this.statusEl.textContent = status === "computing" ? "computing…" : status === "error" ? String(m.get("error")) : interactive && this.kernelLive ? "click the map to set the start point" : "";
  }

  /** One `input.lr-of` per racing optimizer, showing its lr (its `lrs` entry, else `lr`). */
  private syncLearningRates(): void {
    const m = this.model;
    const chosen = m.get("optimizers") as string[];
    const lrs = (m.get("lrs") ?? {}) as Record<string, number>;
    if ([...this.lrInputs.keys()].join() !== chosen.join()) {
      this.lrRow.replaceChildren();
      this.lrInputs.clear();
      for (const name of chosen) {
        const input = control(this.lrRow, "input", `η ${name}`, { type: "number", step: "any", min: "0", class: "lr-of", "data-optimizer": name });
        input.addEventListener("change", () => {
          const cur = (this.model.get("lrs") ?? {}) as Record<string, number>;
          this.setAndSave({ lrs: { ...cur, [name]: Number(input.value) } });
        });
        this.lrInputs.set(name, input);
      }
    }
    for (const [name, input] of this.lrInputs) if (document.activeElement !== input) input.value = String(name in lrs ? lrs[name] : m.get("lr"));
  }

  protected override draw(): void {
    const m = this.model;
    const { x, y, plot, runs, loss } = drawLandscape((k) => m.get(k), svgTarget(this.svg));
    const nx = m.get("nx") as number;
    const ny = m.get("ny") as number;
    const vals = m.get("values") as Float64Array;
    const [x0, x1] = m.get("x_range") as [number, number];
    const [y0, y1] = m.get("y_range") as [number, number];

    // Trajectories: replay the race only when they changed since the last draw.
    const flat = m.get("trajectories") as Float64Array;
    const paths = this.svg.selectAll<SVGPathElement, unknown>("path.trajectory").nodes();
    const heads = this.svg.selectAll<SVGCircleElement, unknown>("circle.trajectory-head").nodes();
    const lossPaths = this.svg.selectAll<SVGPathElement, unknown>("path.loss-curve").nodes();
    const lossLine = loss && d3.line<[number, number]>().defined((p) => Number.isFinite(loss.y(p[1]))).x((p) => loss.x(p[0])).y((p) => loss.y(p[1])).digits(2);
    // Same path precision and coordinates as the chart draws, so the final frame equals it.
    const line = d3.line<[number, number]>().x((p) => x(p[0])).y((p) => y(p[1])).digits(2);
    const drawUpTo = (step: number) => runs.forEach((run, k) => {
      const n = Math.min(run.length, step + 1);
      if (paths[k]) paths[k].setAttribute("d", n > 0 ? line(run.slice(0, n)) ?? "" : "");
      if (n > 0 && heads[k]) (heads[k].setAttribute("cx", coord(x(run[n - 1][0]))), heads[k].setAttribute("cy", coord(y(run[n - 1][1]))));
      const curve = loss?.curves[k];
      if (curve && lossLine && lossPaths[k]) lossPaths[k].setAttribute("d", n > 0 ? lossLine(curve.slice(0, n)) ?? "" : "");
    });
    this.timer?.stop();
    const longest = d3.max(runs, (r) => r.length) ?? 0;
    if (flat !== this.lastTrajectories && longest > 1) {
      this.lastTrajectories = flat;
      const msPerStep = this.animateMs / longest;
      drawUpTo(0);
      this.timer = d3.timer((elapsed) => {
        const step = Math.floor(elapsed / msPerStep);
        drawUpTo(step);
        if (step >= longest) this.timer?.stop();
      });
    }

    // Hover shows coordinates and the loss; a click moves the start point (kernel recomputes).
    this.svg.append("rect").attr("class", "landscape-hit").attr("x", plot.x0).attr("y", plot.y0).attr("width", plot.x1 - plot.x0).attr("height", plot.y1 - plot.y0).attr("fill", "transparent")
      .style("cursor", m.get("interactive") && this.kernelLive ? "crosshair" : "")
      .on("mousemove", (ev: MouseEvent) => {
        const [px, py] = d3.pointer(ev);
        const xv = x.invert(px);
        const yv = y.invert(py);
        let txt = `(${fmt(xv)}, ${fmt(yv)})`;
        if (nx > 1 && ny > 1 && vals.length === nx * ny) {
          const i = Math.round(((xv - x0) / (x1 - x0)) * (nx - 1));
          const j = Math.round(((yv - y0) / (y1 - y0)) * (ny - 1));
          if (i >= 0 && i < nx && j >= 0 && j < ny) txt += `\nL ≈ ${fmt(vals[j * nx + i])}`;
        }
        this.tooltip.show(ev, txt);
      })
      .on("mouseleave", () => this.tooltip.hide())
      .on("click", (ev: MouseEvent) => {
        if (!m.get("interactive") || !this.kernelLive) return;
        const [px, py] = d3.pointer(ev);
        this.setAndSave({ start: [x.invert(px), y.invert(py)] });
      });
  }

  protected override onCustom(content: { event?: string; duration_ms?: number }): void {
    if (content.event === "animate") {
      if (typeof content.duration_ms === "number" && content.duration_ms > 0) this.animateMs = content.duration_ms;
      this.lastTrajectories = null; // replay
      this.redraw();
    }
  }

  override remove(): void {
    this.timer?.stop();
    return super.remove();
  }
}
