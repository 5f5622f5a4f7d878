/**
 * The options of a LandscapeView (`show(fn, opts)`, `LandscapeView.fromFunction/fromSlice/
 * fromMinimize`), and their checks: a bad option throws a WidgetError naming it and what was
 * expected; nothing is clamped.
 */
import { WidgetError, describe } from "../model/errors";

/** Perceptually uniform colour maps the field can take (d3-scale-chromatic). */
export const COLORMAPS = ["viridis", "cividis", "magma", "inferno", "plasma"] as const;
export type Colormap = (typeof COLORMAPS)[number];

export interface LandscapeOptions {
  title?: string;
  /** Grid points per axis (default 80; 2..400). */
  resolution?: number;
  /** Extent of the map along θ₁ and θ₂ (default: the function's domain). */
  x_range?: [number, number];
  y_range?: [number, number];
  /** Start point of every trajectory, inside x_range × y_range (default: the function's start). A click on the live map moves it. */
  start?: [number, number];
  /** Optimizers racing (names from LANDSCAPE_OPTIMIZERS), one trajectory each. */
  optimizers?: string[];
  /** Learning rate: one for all, or one per optimizer (`{ gd: 1e-3, adam: 0.05 }`: keys among `optimizers`, the rest take 0.01; without `optimizers` the keys are the racers). */
  lr?: number | Record<string, number>;
  /** Momentum / β₁ of momentum, nesterov (0 ≤ momentum < 1). */
  momentum?: number;
  /** Steps per trajectory (1..100000). */
  steps?: number;
  /** Colour scale of the field: "linear" in f, or "log" in f − min f (default "log" for functions, "linear" for slices). */
  color_scale?: "linear" | "log";
  /** @deprecated use color_scale; true = "log". */
  log_scale?: boolean;
  /** Colour map (perceptually uniform; default "viridis"). */
  colormap?: Colormap;
  /** Contour levels (2..64, default 12). */
  levels?: number;
  /** Axis titles and the colour-bar title (defaults θ₁, θ₂, f(θ) for functions; the directions and "loss" for slices). */
  x_label?: string;
  y_label?: string;
  value_label?: string;
  /** A loss-vs-step panel under the map, one curve per trajectory (default: on for minimize results, off for races). */
  loss_curve?: boolean;
  width?: number;
  height?: number;
}

/** Every key of LandscapeOptions (unknown keys are rejected). */
export const LANDSCAPE_OPTION_KEYS = [
  "title", "resolution", "x_range", "y_range", "start", "optimizers", "lr", "momentum", "steps", "color_scale", "log_scale",
  "colormap", "levels", "x_label", "y_label", "value_label", "loss_curve", "width", "height",
] as const satisfies readonly (keyof LandscapeOptions)[];

const fail = (where: string, name: string, expected: string, got: unknown): never => {
  throw new WidgetError(`${where}: ${name}: expected ${expected}, got ${describe(got)}`);
};

function integer(v: unknown, where: string, name: string, lo: number, hi: number): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) fail(where, name, `an integer in [${lo}, ${hi}]`, v);
}

function interval(v: unknown, where: string, name: string): void {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === "number" && Number.isFinite(x)) || !(v[0] < v[1])) fail(where, name, "[lo, hi] with finite lo < hi", v);
}

function label(v: unknown, where: string, name: string): void {
  if (typeof v !== "string") fail(where, name, "a string", v);
}

/** A learning rate as the views take it: a finite number > 0. */
export function checkLr(v: unknown, where: string, name: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) fail(where, name, "a finite number > 0", v);
  return v as number;
}

/**
 * Checks a LandscapeView's options (`known` lists the optimizer names a race may use; `ranges`
 * the map's extent once known, for the start point). Returns nothing; throws a WidgetError that
 * names the first bad option.
 */
export function checkLandscapeOptions(opts: unknown, where: string, known?: readonly string[]): asserts opts is LandscapeOptions {
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) fail(where, "options", "an options object", opts);
  const o = opts as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(LANDSCAPE_OPTION_KEYS as readonly string[]).includes(k)) throw new WidgetError(`${where}: unknown option "${k}" (known: ${LANDSCAPE_OPTION_KEYS.join(", ")})`);
  }
  const has = (k: string) => o[k] !== undefined;
  if (has("title")) label(o.title, where, "title");
  for (const k of ["x_label", "y_label", "value_label"]) if (has(k)) label(o[k], where, k);
  if (has("resolution")) integer(o.resolution, where, "resolution", 2, 400);
  if (has("levels")) integer(o.levels, where, "levels", 2, 64);
  if (has("steps")) integer(o.steps, where, "steps", 1, 100_000);
  for (const k of ["width", "height"]) if (has(k)) integer(o[k], where, k, 200, 4000);
  if (has("x_range")) interval(o.x_range, where, "x_range");
  if (has("y_range")) interval(o.y_range, where, "y_range");
  if (has("start")) {
    const s = o.start;
    if (!Array.isArray(s) || s.length !== 2 || !s.every((x) => typeof x === "number" && Number.isFinite(x))) fail(where, "start", "a point [θ₁, θ₂] of two finite numbers", s);
  }
  if (has("momentum")) {
    const m = o.momentum;
    if (typeof m !== "number" || !(m >= 0 && m < 1)) fail(where, "momentum", "a number in [0, 1)", m);
  }
  if (has("color_scale") && o.color_scale !== "linear" && o.color_scale !== "log") fail(where, "color_scale", `"linear" or "log"`, o.color_scale);
  if (has("log_scale") && typeof o.log_scale !== "boolean") fail(where, "log_scale", "a boolean", o.log_scale);
  if (has("log_scale") && has("color_scale") && (o.log_scale ? "log" : "linear") !== o.color_scale) {
    throw new WidgetError(`${where}: log_scale: contradicts color_scale "${String(o.color_scale)}" (give color_scale only)`);
  }
  if (has("colormap") && !(COLORMAPS as readonly string[]).includes(o.colormap as string)) fail(where, "colormap", `one of ${COLORMAPS.join(", ")}`, o.colormap);
  if (has("loss_curve") && typeof o.loss_curve !== "boolean") fail(where, "loss_curve", "a boolean", o.loss_curve);
  if (has("optimizers")) {
    const names = o.optimizers;
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === "string")) fail(where, "optimizers", "a non-empty array of optimizer names", names);
    const list = names as string[];
    for (const n of list) if (known && !known.includes(n)) throw new WidgetError(`${where}: optimizers: expected names from ${known.join(", ")}, got ${JSON.stringify(n)}`);
    const dup = list.find((n, i) => list.indexOf(n) !== i);
    if (dup !== undefined) throw new WidgetError(`${where}: optimizers: expected distinct names, got ${JSON.stringify(dup)} twice`);
  }
  if (has("lr")) {
    const lr = o.lr;
    if (typeof lr === "number") checkLr(lr, where, "lr");
    else if (typeof lr === "object" && lr !== null && !Array.isArray(lr)) {
      const racing = o.optimizers as string[] | undefined;
      if (Object.keys(lr).length === 0) fail(where, "lr", "a learning rate per optimizer, at least one", lr);
      for (const [k, v] of Object.entries(lr)) {
        if (racing && !racing.includes(k)) throw new WidgetError(`${where}: lr: key "${k}" is not among optimizers (${racing.join(", ")}); expected a learning rate per racing optimizer`);
        if (!racing && known && !known.includes(k)) throw new WidgetError(`${where}: lr: key "${k}": expected optimizer names from ${known.join(", ")}`);
        checkLr(v, where, `lr.${k}`);
      }
    } else fail(where, "lr", "a finite number > 0 or an object { optimizer: lr }", lr);
  }
}

/** Checks that a start point lies on the map (a start off the map would draw nothing). */
export function checkStartInside(start: readonly [number, number], xr: readonly [number, number], yr: readonly [number, number], where: string): void {
  if (!(start[0] >= xr[0] && start[0] <= xr[1] && start[1] >= yr[0] && start[1] <= yr[1])) {
    throw new WidgetError(`${where}: start: expected a point inside x_range [${xr.join(", ")}] × y_range [${yr.join(", ")}], got [${start.join(", ")}]`);
  }
}

/** The colour scale an options object asks for (color_scale, else the deprecated log_scale, else `def`). */
export function colorScaleOf(o: LandscapeOptions, def: "linear" | "log"): "linear" | "log" {
  return o.color_scale ?? (o.log_scale === undefined ? def : o.log_scale ? "log" : "linear");
}
