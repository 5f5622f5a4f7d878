/**
 * Shared base for the optlab models and views: defaults and buffer serializers generated from the
 * wire schema (widgets/src/views/schema.ts), a tooltip, a title line and a render throttle.
 */
import { DOMWidgetModel, DOMWidgetView, ISerializers } from "@jupyter-widgets/base";
import { OPTLAB_WIDGETS_MODULE, OPTLAB_WIDGETS_VERSION, type ViewSpec } from "../../src/views/schema";
import { toTyped, typedSerializer, type DType } from "./arrays";
import { throttle } from "./downsample";
import { injectStyle } from "./style";

export const MODULE_NAME = OPTLAB_WIDGETS_MODULE;
export const MODULE_VERSION = OPTLAB_WIDGETS_VERSION;

const TYPED: readonly string[] = ["f64", "f32", "u8", "i32"];

/** Model defaults from a view spec: the protocol names plus every trait default (typed arrays empty). */
export function specDefaults(spec: ViewSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    _model_name: spec.modelName,
    _view_name: spec.viewName,
    _model_module: MODULE_NAME,
    _view_module: MODULE_NAME,
    _model_module_version: MODULE_VERSION,
    _view_module_version: MODULE_VERSION,
  };
  for (const [name, t] of Object.entries(spec.traits)) {
    out[name] = TYPED.includes(t.type) ? toTyped([], t.type as DType) : structuredCloneJson(t.default);
  }
  return out;
}

function structuredCloneJson(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

/** Serializers for the spec's typed-array traits, merged over DOMWidgetModel's. */
export function specSerializers(spec: ViewSpec, extra: ISerializers = {}): ISerializers {
  const out: ISerializers = { ...DOMWidgetModel.serializers };
  for (const [name, t] of Object.entries(spec.traits)) {
    if (TYPED.includes(t.type)) out[name] = typedSerializer(t.type as DType);
  }
  return { ...out, ...extra };
}

/** A floating tooltip inside a view's element. */
export class Tooltip {
  readonly el: HTMLDivElement;
  constructor(private host: HTMLElement) {
    this.el = document.createElement("div");
    this.el.className = "optlab-tooltip";
    host.appendChild(this.el);
  }
  show(event: MouseEvent, text: string): void {
    const box = this.host.getBoundingClientRect();
    this.el.textContent = text;
    this.el.style.display = "block";
    this.el.style.left = `${event.clientX - box.left + 12}px`;
    this.el.style.top = `${event.clientY - box.top + 12}px`;
  }
  hide(): void {
    this.el.style.display = "none";
  }
}

/** Formats a number for tooltips and labels (4 significant digits, exponent when needed). */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return String(+v.toPrecision(4));
}

/**
 * Base view: a `.optlab-view` root with a title, a controls row and a body; `draw()` is called
 * (throttled to one per animation frame, ≤ 1 per `minIntervalMs`) after any model change.
 */
export abstract class OptlabView extends DOMWidgetView {
  protected titleEl!: HTMLDivElement;
  protected controlsEl!: HTMLDivElement;
  protected bodyEl!: HTMLDivElement;
  protected tooltip!: Tooltip;
  protected minIntervalMs = 16;
  private scheduled?: { (): void; cancel(): void };
  /** Controls whose effect is computed by the kernel (disabled when none is connected). */
  private kernelControls: HTMLElement[] = [];
  private kernelNote?: HTMLSpanElement;

  override render(): void {
    injectStyle(this.el.ownerDocument);
    this.el.classList.add("optlab-view", `optlab-${this.model.get("_view_name")}`);
    this.titleEl = document.createElement("div");
    this.titleEl.className = "optlab-title";
    this.controlsEl = document.createElement("div");
    this.controlsEl.className = "optlab-controls";
    this.bodyEl = document.createElement("div");
    this.bodyEl.className = "optlab-body";
    this.el.append(this.titleEl, this.controlsEl, this.bodyEl);
    this.tooltip = new Tooltip(this.el);
    this.buildControls();
    this.scheduled = throttle(() => this.redraw(), this.minIntervalMs);
    this.listenTo(this.model, "change", () => this.scheduled!());
    this.listenTo(this.model, "msg:custom", (content: unknown, buffers?: DataView[]) => this.onCustom(content as { event?: string }, buffers ?? []));
    this.listenTo(this.model, "comm_live_update", () => this.scheduled!());
    this.redraw();
  }

  /** Draws now (tests and the first render call this synchronously). */
  redraw(): void {
    this.updateTitle();
    this.syncControls();
    this.syncKernelControls();
    this.draw();
    this.el.dataset.renders = String(Number(this.el.dataset.renders ?? "0") + 1);
  }

  protected updateTitle(): void {
    const title = String(this.model.get("title") ?? "");
    this.titleEl.textContent = title;
    this.titleEl.style.display = title ? "" : "none";
    if (this.model.get("live") === true) {
      const badge = document.createElement("span");
      badge.className = "badge-live";
      badge.textContent = "live";
      this.titleEl.style.display = "";
      this.titleEl.appendChild(badge);
    }
  }

  /** Sets traits from the frontend (sync "both" in the schema) and sends them to the kernel. */
  protected setAndSave(attrs: Record<string, unknown>): void {
    this.model.set(attrs);
    this.touch();
  }

  /**
   * Whether a kernel is connected: false on a static page rendered from saved widget state (no
   * comm), or after the kernel went away. What runs in the browser keeps working either way.
   */
  protected get kernelLive(): boolean {
    return (this.model as unknown as { comm_live?: boolean }).comm_live === true;
  }

  /** Marks controls that only act through the kernel (recompute, run, set a kernel-side input). */
  protected needsKernel(...els: HTMLElement[]): void {
    this.kernelControls.push(...els);
  }

  /** Disables the kernel's controls while no kernel is connected, with a one-line note. */
  private syncKernelControls(): void {
    if (!this.kernelControls.length) return;
    const off = !this.kernelLive;
    for (const el of this.kernelControls) {
      el.classList.toggle("needs-kernel", off);
      const inputs = el.matches("input, select, button") ? [el] : [...el.querySelectorAll<HTMLInputElement>("input, select, button")];
      for (const i of inputs) (i as HTMLInputElement).disabled = off;
    }
    if (off && !this.kernelNote) {
      this.kernelNote = document.createElement("span");
      this.kernelNote.className = "kernel-note";
      this.kernelNote.textContent = "no kernel connected: the controls that recompute in the kernel are disabled";
      this.controlsEl.appendChild(this.kernelNote);
    }
    if (this.kernelNote) this.kernelNote.style.display = off ? "" : "none";
    this.el.classList.toggle("optlab-offline", off);
  }

  protected buildControls(): void {}
  protected syncControls(): void {}
  protected abstract draw(): void;
  protected onCustom(_content: { event?: string }, _buffers: DataView[]): void {}

  override remove(): void {
    this.scheduled?.cancel();
    return super.remove();
  }
}

/** Adds a labelled control to a controls row and returns the input. */
export function control<K extends "input" | "select" | "button">(row: HTMLElement, tag: K, label: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (tag === "button") {
    el.textContent = label;
    row.appendChild(el);
    return el;
  }
  const wrap = document.createElement("label");
  const span = document.createElement("span");
  span.textContent = label;
  if (attrs.type === "checkbox") wrap.append(el, span);
  else wrap.append(span, el);
  row.appendChild(wrap);
  return el;
}

export function options(select: HTMLSelectElement, values: readonly string[]): void {
  select.replaceChildren(...values.map((v) => {
    const o = document.createElement("option");
    o.value = v;
    o.textContent = v;
    return o;
  }));
}
