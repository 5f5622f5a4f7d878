import { display as kernelDisplay } from "@optlab/kernel";
import { WidgetError } from "./model/errors";
import { headless } from "./model/Widget";
import { CollapseView, type CollapseHistoryLike, type CollapseMetricsLike } from "./views/collapse";
import { CurvesView } from "./views/curves";
import { KernelView } from "./views/kernel";
import { LandscapeView, type Function2d, type MinimizeLike } from "./views/landscape";
import { LANDSCAPE_OPTION_KEYS, type Colormap, type LandscapeOptions } from "./views/landscapeOptions";
import { formatLr } from "./svg/charts/landscape";
import { SpectrumView, type SliceObjective } from "./views/spectrum";
import type { OptlabView } from "./views/base";

/** Options of `show`. Unknown keys are rejected. */
export interface ShowOptions {
  /** Return just the static SVG string (no widget, no comm, no kernel needed). */
  static?: boolean;
  /** Also display the view in the running cell now (default false: return it; a cell's last value is displayed). */
  display?: boolean;
  title?: string;
  width?: number;
  height?: number;
  /** SpectrumView: objective to slice along eigenvectors on click. */
  objective?: SliceObjective;
  /** KernelView: labels per row; NTK infinite results: which kernel. */
  labels?: ArrayLike<number>;
  which?: "ntk" | "nngp";
  /** LandscapeView of a test function: optimizers racing, each at its lr (`lr: { gd: 1e-3, adam: 0.05 }`), momentum, steps, resolution, start. */
  optimizers?: string[];
  lr?: number | Record<string, number>;
  momentum?: number;
  steps?: number;
  resolution?: number;
  start?: [number, number];
  x_range?: [number, number];
  y_range?: [number, number];
  /** LandscapeView: axis titles and the colour-bar title (defaults θ₁, θ₂, f(θ); a slice's directions and "loss"). */
  x_label?: string;
  y_label?: string;
  value_label?: string;
  /** LandscapeView: colour scale of the field ("linear" in f, "log" in f − min f) and a perceptually uniform colour map. */
  color_scale?: "linear" | "log";
  log_scale?: boolean;
  colormap?: Colormap;
  levels?: number;
  /** LandscapeView: the loss-vs-step panel under the map (default on for minimize results, off for races). */
  loss_curve?: boolean;
  /** Minimize results: the 2-D function whose contours the paths are drawn over (a testfunctions.* object). */
  landscape?: Function2d;
}

const LANDSCAPE_ONLY = [...LANDSCAPE_OPTION_KEYS.filter((k) => !["title", "width", "height"].includes(k)), "landscape"];
const OPTION_KEYS = [...new Set(["static", "display", "title", "width", "height", "objective", "labels", "which", ...LANDSCAPE_ONLY])];

type Any = Record<string, unknown>;
const has = (r: Any, ...keys: string[]) => keys.every((k) => k in r && r[k] !== undefined);

/** Whether `r` is an `optim.minimize` result. */
export function isMinimizeResult(r: unknown): r is MinimizeLike {
  if (typeof r !== "object" || r === null) return false;
  const o = r as Any;
  return o.kind === "minimize" || (typeof o.method === "string" && Array.isArray(o.losses) && "trajectory" in o && "finalLoss" in o);
}

/** Whether every run recorded 2-D iterates (so the paths can be drawn on a plane). */
const planar = (runs: readonly MinimizeLike[]) => runs.every((r) => r.trajectory !== null && r.trajectory.length > 0 && r.trajectory.every((p) => p.length === 2));

/** The minimize runs a result holds: itself, or the items of an array of minimize results; null when it is neither. */
function minimizeRuns(result: unknown): MinimizeLike[] | null {
  if (isMinimizeResult(result)) return [result];
  if (Array.isArray(result) && result.length > 0 && result.every(isMinimizeResult)) return result as MinimizeLike[];
  return null;
}

/** Which view a result gets, by its fields (see `show`). */
export function viewFor(result: unknown): "SpectrumView" | "KernelView" | "CollapseView" | "LandscapeView" | "CurvesView" {
  const runs = minimizeRuns(result);
  if (runs) return planar(runs) ? "LandscapeView" : "CurvesView";
  if (Array.isArray(result)) throw new WidgetError(`show: result: an array is shown only when every item is an optim.minimize result, got ${result.length === 0 ? "an empty array" : "other items"}`);
  if (typeof result !== "object" || result === null) throw new WidgetError(`show: result: expected an analysis result object, got ${result === null ? "null" : typeof result}`);
  const r = result as Any;
  if (has(r, "nodes", "weights") || (Array.isArray(r.eigenvalues) || r.eigenvalues instanceof Float64Array) && !has(r, "kernel")) return "SpectrumView";
  if (has(r, "kernel") || (has(r, "ntk", "nngp") && r.method === "closed-form")) return "KernelView";
  if (r.method === "papyan-han-donoho" || has(r, "nc1", "epoch") || (has(r, "history") && has(r.history as Any, "nc1"))) return "CollapseView";
  if ((typeof r.value === "function" && typeof r.gradient === "function" && r.dim === 2) || r.method === "slice-2d") return "LandscapeView";
  if (has(r, "lambdaMax", "twoOverLr") || (has(r, "history") && has(r.history as Any, "step")) || has(r, "step", "epoch") || r.method === "slice-1d") return "CurvesView";
  throw new WidgetError(`show: result: no view for an object with fields ${Object.keys(r).slice(0, 12).join(", ")} (expected a hessian, ntk, collapse, landscape, stability or train result)`);
}

/** The landscape options among show's options (those given). */
function landscapeOptions(o: ShowOptions): LandscapeOptions {
  const out: Record<string, unknown> = {};
  for (const k of LANDSCAPE_OPTION_KEYS) if ((o as Any)[k] !== undefined) out[k] = (o as Any)[k];
  return out as LandscapeOptions;
}

/** Loss curves of minimize runs without 2-D iterates: one series per run, labelled with its method and lr. */
function minimizeCurves(runs: readonly MinimizeLike[], o: ShowOptions): CurvesView {
  const losses = runs.flatMap((r) => Array.from(r.losses));
  const logY = losses.every((v) => v > 0) && Math.max(...losses) / Math.min(...losses) > 100;
  const v = CurvesView.fromHistory({}, { title: o.title ?? runs.map((r) => r.method).join(", "), width: o.width, height: o.height, x_label: "step", log_y: logY ? ["loss"] : [] });
  runs.forEach((r, k) => {
    const name = typeof r.lr === "number" ? `${r.method} (η ${formatLr(r.lr)})` : typeof r.lr === "string" ? `${r.method} (${r.lr})` : r.method;
    v.pushMany(runs.slice(0, k).some((q) => q.method === r.method && q.lr === r.lr) ? `${name} #${k + 1}` : name, r.losses.length ? Array.from(r.losses, (_, i) => i) : [], Array.from(r.losses), { panel: "loss", x_label: "step" });
  });
  v.flush();
  return v;
}

function build(result: Any, o: ShowOptions): OptlabView {
  const common = { title: o.title, width: o.width, height: o.height };
  const runs = minimizeRuns(result);
  if (runs) {
    if (planar(runs)) return LandscapeView.fromMinimize(runs, o.landscape, landscapeOptions(o));
    for (const k of LANDSCAPE_ONLY) {
      if ((o as Any)[k] !== undefined) throw new WidgetError(`show: ${k}: a landscape option, but this minimize result has no 2-D trajectory (run optim.minimize with { trajectory: true } on a 2-D problem) and is shown as loss curves`);
    }
    return minimizeCurves(runs, o);
  }
  const kind = viewFor(result);
  if (o.landscape !== undefined) throw new WidgetError(`show: landscape: only for optim.minimize results (the function their paths are drawn over), but this result gets a ${kind}`);
  if (kind !== "LandscapeView") {
    for (const k of LANDSCAPE_ONLY) if ((o as Any)[k] !== undefined) throw new WidgetError(`show: ${k}: an option of landscape views, but this result gets a ${kind}`);
  }
  switch (kind) {
    case "SpectrumView":
      return SpectrumView.fromResult(result, { ...common, objective: o.objective });
    case "KernelView":
      return KernelView.fromResult(result, { ...common, labels: o.labels, which: o.which });
    case "CollapseView": {
      if (result.method === "papyan-han-donoho") return CollapseView.fromMetrics(result as unknown as CollapseMetricsLike, common);
      const tracker = has(result, "history") ? result : undefined;
      const h = (tracker ? tracker.history : result) as CollapseHistoryLike;
      return CollapseView.fromHistory(h, (tracker?.last as CollapseMetricsLike | null) ?? null, common);
    }
    case "LandscapeView":
      if (result.method === "slice-2d") return LandscapeView.fromSlice(result as never, landscapeOptions(o));
      return LandscapeView.fromFunction(result as unknown as Function2d, landscapeOptions(o));
    case "CurvesView":
      if (has(result, "lambdaMax")) return CurvesView.fromStability(result as never, common);
      if (result.method === "slice-1d") {
        const v = CurvesView.fromHistory({}, { ...common, title: o.title ?? "1-D loss slice", x_label: "α", log_y: [] });
        v.pushMany("loss", result.alphas as number[], result.losses as number[], { panel: "loss" });
        v.flush();
        return v;
      }
      return CurvesView.fromHistory(result, common);
  }
}

/**
 * Picks the view for an analysis result by its fields: Hessian topEigen/dense (`eigenvalues`) and
 * SLQ density (`nodes`, `weights`) → SpectrumView; ntk.empirical (`kernel`) / ntk.infinite
 * (`ntk`, `nngp`) → KernelView; collapse metrics (`method: "papyan-han-donoho"`), a collapse
 * history (`nc1`, `epoch`) or tracker (`history.nc1`) → CollapseView; a 2-D test function or a
 * landscape `slice-2d` → LandscapeView; an `optim.minimize` result (or an array of them) with 2-D
 * iterates → LandscapeView of the paths (over the contours of `opts.landscape` when given) with a
 * loss-vs-step panel, without → CurvesView of the losses; a stability history (`lambdaMax`, `twoOverLr`), a train
 * result (`history.step`) or a `slice-1d` → CurvesView.
 *
 * Returns the view widget (displayed when it is a cell's value; `{display: true}` displays now),
 * or with `{static: true}` just the SVG string (no comm; works outside a kernel).
 */
export function show(result: unknown, opts: ShowOptions & { static: true }): string;
export function show(result: unknown, opts?: ShowOptions): OptlabView;
export function show(result: unknown, opts: ShowOptions = {}): OptlabView | string {
  for (const k of Object.keys(opts)) if (!OPTION_KEYS.includes(k)) throw new WidgetError(`show: unknown option "${k}" (known: ${OPTION_KEYS.join(", ")})`);
  viewFor(result);
  if (opts.static) return headless(() => build(result as Any, opts).svg());
  const view = build(result as Any, opts);
  if (opts.display) kernelDisplay(view);
  return view;
}
