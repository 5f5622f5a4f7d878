import { renderLandscape } from "../svg/landscape";
import { formatLr } from "../svg/charts/landscape";
import { WidgetError } from "../model/errors";
import { OptlabView } from "./base";
import { trajectory2d, LANDSCAPE_OPTIMIZERS } from "./optimizers2d";
import { checkLandscapeOptions, checkLr, checkStartInside, colorScaleOf, type LandscapeOptions } from "./landscapeOptions";
import { LANDSCAPE } from "./schema";

export type { LandscapeOptions } from "./landscapeOptions";

/** A 2-D function (duck-typed @optlab/core TestFunction). */
export interface Function2d {
  readonly name?: string;
  readonly dim: number;
  value(x: ArrayLike<number>): number;
  gradient(x: ArrayLike<number>): ArrayLike<number>;
  readonly domain?: readonly (readonly [number, number])[];
  readonly minima?: readonly { x: readonly number[] }[];
  readonly start?: readonly number[];
}

/** What LandscapeView needs of an `optim.minimize` result (duck-typed @optlab/core MinimizeResult). */
export interface MinimizeLike {
  method: string;
  /** A number, a schedule's description, or null/absent when unknown. */
  lr?: number | string | null;
  /** Loss at θ_0..θ_steps. */
  losses: ArrayLike<number>;
  /** Hyperparameters (to tell runs of one method apart: "sgd, momentum = 0.9"). */
  hyper?: Record<string, unknown>;
  /** Iterates θ_0..θ_steps (2-D each), or null when the run did not record them. */
  trajectory: readonly ArrayLike<number>[] | null;
}

/** Where a direction of a loss slice came from, for its axis title ("random, filter-normalized"). */
interface DirectionLike {
  kind?: string;
  normalization?: string;
}

function directionName(d: DirectionLike | undefined): string {
  if (!d?.kind) return "";
  const norm = d.normalization && d.normalization !== "none" ? `, ${d.normalization}-normalized` : "";
  return ` (${d.kind}${norm})`;
}

/** f on an n × n grid over xr × yr, row-major [n, n] (row j at θ₂ = y_j). */
function sampleGrid(fn: Function2d, xr: readonly [number, number], yr: readonly [number, number], n: number): Float64Array {
  const values = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) values[j * n + i] = fn.value([xr[0] + ((xr[1] - xr[0]) * i) / (n - 1), yr[0] + ((yr[1] - yr[0]) * j) / (n - 1)]);
  }
  return values;
}

/**
 * Distinct names for minimize runs: the method, plus (among runs of one method) the scalar
 * hyperparameters other than lr whose values differ ("sgd, momentum = 0.9"), else "#k".
 */
export function runLabels(results: readonly MinimizeLike[]): string[] {
  const base = results.map((r) => (typeof r.lr === "string" ? `${r.method} (${r.lr})` : r.method));
  const labels = base.map((b, k) => {
    const same = results.filter((_, j) => base[j] === b);
    if (same.length < 2) return b;
    const h = results[k].hyper ?? {};
    const differ = Object.keys(h).filter((key) => key !== "lr" && ["number", "boolean", "string"].includes(typeof h[key]) && same.some((q) => q.hyper?.[key] !== h[key]));
    if (differ.length) return `${b}, ${differ.map((key) => `${key} = ${typeof h[key] === "number" ? +(h[key] as number).toPrecision(3) : String(h[key])}`).join(", ")}`;
    // Runs of one method that differ in lr alone are told apart by it (the legend then writes it once).
    const lr = results[k].lr;
    return typeof lr === "number" && same.some((q) => q.lr !== lr) ? `${b}, η = ${formatLr(lr)}` : b;
  });
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const c = (seen.get(l) ?? 0) + 1;
    seen.set(l, c);
    return c > 1 ? `${l} #${c}` : l;
  });
}

const minimaOf = (fn: Function2d | undefined) => Float64Array.from((fn?.minima ?? []).flatMap((m) => [m.x[0], m.x[1]]));

/**
 * LandscapeView (see schema.ts LANDSCAPE). With a function attached (`fromFunction`), changing
 * start/optimizers/lr/lrs/momentum/steps (from the browser or the kernel) recomputes every
 * trajectory and asks the frontend to animate them.
 */
export class LandscapeView extends OptlabView {
  #fn: Function2d | undefined;
  /** Trajectory recomputations so far. */
  runs = 0;

  constructor(init: Record<string, unknown> = {}, fn?: Function2d) {
    super(LANDSCAPE, { ...init, interactive: !!fn });
    this.#fn = fn;
    for (const k of ["start", "optimizers", "lr", "lrs", "momentum", "steps"]) this.on(`change:${k}`, () => this.recompute());
    this.on("msg:custom", (c: { event?: string; x?: unknown; y?: unknown }) => {
      if (c?.event === "set_start" && typeof c.x === "number" && typeof c.y === "number") this.set({ start: [c.x, c.y] });
      else if (c?.event === "run") this.recompute();
    });
    if (fn) this.recompute();
  }

  /**
   * A landscape of a 2-D function (test function) on a grid, with racing optimizer trajectories,
   * each optimizer at its own learning rate (`lr: { gd: 1e-3, adam: 0.05 }`) from `start`.
   * @throws WidgetError naming the bad option.
   */
  static fromFunction(fn: Function2d, opts: LandscapeOptions = {}): LandscapeView {
    const where = "LandscapeView.fromFunction";
    if (fn.dim !== 2) throw new WidgetError(`${where}: fn: expected a 2-D function, got dim ${fn.dim}`);
    checkLandscapeOptions(opts, where, LANDSCAPE_OPTIMIZERS);
    const xr = opts.x_range ?? (fn.domain?.[0] as [number, number]) ?? [-2, 2];
    const yr = opts.y_range ?? (fn.domain?.[1] as [number, number]) ?? [-2, 2];
    const n = opts.resolution ?? 80;
    const start = opts.start ?? (fn.start ? [fn.start[0], fn.start[1]] as [number, number] : [xr[0] + 0.1 * (xr[1] - xr[0]), yr[1] - 0.1 * (yr[1] - yr[0])] as [number, number]);
    checkStartInside(start, xr, yr, where);
    const perOptimizer = typeof opts.lr === "object" ? opts.lr : undefined;
    return new LandscapeView(
      {
        title: opts.title ?? fn.name ?? "", width: opts.width, height: opts.height, x_range: xr, y_range: yr, nx: n, ny: n, values: sampleGrid(fn, xr, yr, n),
        log_scale: colorScaleOf(opts, "log") === "log", colormap: opts.colormap, levels: opts.levels,
        x_label: opts.x_label ?? "θ₁", y_label: opts.y_label ?? "θ₂", value_label: opts.value_label ?? "f(θ)",
        minima: minimaOf(fn), start,
        optimizers: opts.optimizers ?? (perOptimizer ? Object.keys(perOptimizer) : undefined),
        lr: typeof opts.lr === "number" ? opts.lr : undefined, lrs: perOptimizer ? { ...perOptimizer } : undefined,
        momentum: opts.momentum, steps: opts.steps, loss_panel: opts.loss_curve ?? false,
        optimizer_options: [...LANDSCAPE_OPTIMIZERS],
      },
      fn,
    );
  }

  /** A static 2-D loss slice (landscape.slice2d result: alphas, betas, losses[i][j] = L(α_i, β_j)); axes named by the directions. */
  static fromSlice(result: { alphas: number[]; betas: number[]; losses: number[][]; method?: string; backend?: string; directions?: DirectionLike[] }, opts: LandscapeOptions = {}): LandscapeView {
    const where = "LandscapeView.fromSlice";
    checkLandscapeOptions(opts, where);
    for (const k of ["optimizers", "lr", "momentum", "steps", "start", "resolution", "x_range", "y_range"] as const) {
      if (opts[k] !== undefined) throw new WidgetError(`${where}: ${k}: a loss slice is a fixed grid with no trajectories; expected no ${k}`);
    }
    const nx = result.alphas.length;
    const ny = result.betas.length;
    const values = new Float64Array(nx * ny);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) values[j * nx + i] = result.losses[i][j];
    return new LandscapeView({
      title: opts.title ?? "loss slice", width: opts.width, height: opts.height,
      x_range: [result.alphas[0], result.alphas[nx - 1]], y_range: [result.betas[0], result.betas[ny - 1]], nx, ny, values,
      log_scale: colorScaleOf(opts, "linear") === "log", colormap: opts.colormap, levels: opts.levels, minima: new Float64Array([0, 0]),
      x_label: opts.x_label ?? `α along d₁${directionName(result.directions?.[0])}`, y_label: opts.y_label ?? `β along d₂${directionName(result.directions?.[1])}`,
      value_label: opts.value_label ?? "loss",
      source: { method: result.method ?? null, backend: result.backend ?? null },
    });
  }

  /**
   * The paths of `optim.minimize` runs (each with `trajectory: true`, 2-D) over the contours of
   * `fn` when given (else on a blank plane spanning the paths), one trajectory per run labelled
   * with its method and lr, and the loss-vs-step panel under the map. Static: the runs are data,
   * not recomputed. The start marker is the first run's θ_0.
   * @throws WidgetError when a run has no 2-D trajectory, or for a bad option.
   */
  static fromMinimize(results: readonly MinimizeLike[], fn?: Function2d, opts: LandscapeOptions = {}): LandscapeView {
    const where = "show(minimize result)";
    checkLandscapeOptions(opts, where);
    for (const k of ["optimizers", "lr", "momentum", "steps", "start"] as const) {
      if (opts[k] !== undefined) throw new WidgetError(`${where}: ${k}: fixed by the minimize run${results.length > 1 ? "s" : ""}; expected no ${k} (race optimizers with show(fn, { optimizers, lr }))`);
    }
    if (fn !== undefined && fn.dim !== 2) throw new WidgetError(`${where}: landscape: expected a 2-D function, got dim ${fn.dim}`);
    if (results.length === 0) throw new WidgetError(`${where}: result: expected at least one minimize result`);
    results.forEach((r, k) => {
      const name = results.length > 1 ? `result[${k}]` : "result";
      if (!r.trajectory) throw new WidgetError(`${where}: ${name}.trajectory: expected the iterates (run optim.minimize with { trajectory: true }), got null`);
      if (!r.trajectory.every((p) => p.length === 2)) throw new WidgetError(`${where}: ${name}.trajectory: expected 2-D iterates for a landscape, got ${r.trajectory[0]?.length}-D`);
      if (r.losses.length !== r.trajectory.length) throw new WidgetError(`${where}: ${name}.losses: expected one loss per iterate (${r.trajectory.length}), got ${r.losses.length}`);
    });
    const runs = results.map((r) => r.trajectory as readonly ArrayLike<number>[]);
    const pad = (lo: number, hi: number): [number, number] => {
      const m = hi > lo ? 0.08 * (hi - lo) : 1;
      return [lo - m, hi + m];
    };
    const finite = runs.flat().filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    const xr = opts.x_range ?? (fn?.domain?.[0] as [number, number] | undefined) ?? pad(Math.min(...finite.map((p) => p[0])), Math.max(...finite.map((p) => p[0])));
    const yr = opts.y_range ?? (fn?.domain?.[1] as [number, number] | undefined) ?? pad(Math.min(...finite.map((p) => p[1])), Math.max(...finite.map((p) => p[1])));
    const n = opts.resolution ?? 80;
    const labels = runLabels(results);
    const flat = (rows: readonly (readonly ArrayLike<number>[])[]) => Float64Array.from(rows.flatMap((run) => run.flatMap((p) => [p[0], p[1]])));
    return new LandscapeView({
      title: opts.title ?? (fn?.name ? `${fn.name}: ${labels.join(", ")}` : labels.join(", ")), width: opts.width, height: opts.height,
      x_range: xr, y_range: yr, nx: fn ? n : 0, ny: fn ? n : 0, values: fn ? sampleGrid(fn, xr, yr, n) : new Float64Array(0),
      log_scale: colorScaleOf(opts, "log") === "log", colormap: opts.colormap, levels: opts.levels,
      x_label: opts.x_label ?? "θ₁", y_label: opts.y_label ?? "θ₂", value_label: opts.value_label ?? "f(θ)",
      minima: minimaOf(fn), start: [runs[0][0][0], runs[0][0][1]], optimizers: labels, optimizer_options: labels,
      trajectories: flat(runs), trajectory_lengths: Int32Array.from(runs, (r) => r.length), trajectory_labels: labels,
      trajectory_losses: Float64Array.from(results, (r) => r.losses[r.losses.length - 1]),
      trajectory_lrs: Float64Array.from(results, (r) => (typeof r.lr === "number" ? r.lr : NaN)),
      trajectory_values: Float64Array.from(results.flatMap((r) => Array.from(r.losses))),
      loss_panel: opts.loss_curve ?? true, steps: Math.max(1, ...runs.map((r) => r.length - 1)), status: "ready",
      source: { method: labels.join(", ") },
    });
  }

  /** The learning rate `name` runs at: its entry in `lrs`, else `lr`. */
  lrOf(name: string): number {
    const lrs = (this.get("lrs") ?? {}) as Record<string, unknown>;
    return checkLr(name in lrs ? lrs[name] : this.get("lr"), "LandscapeView", name in lrs ? `lrs.${name}` : "lr");
  }

  /** Recomputes every optimizer's trajectory from `start`, each at its own lr (no-op without a function); a bad setting sets status "error". */
  recompute(): void {
    const fn = this.#fn;
    if (!fn) return;
    this.set({ status: "computing", error: "" });
    try {
      const xr = this.get("x_range") as [number, number];
      const yr = this.get("y_range") as [number, number];
      const bound = 10 * Math.max(...xr.map(Math.abs), ...yr.map(Math.abs));
      const start = this.get("start") as [number, number];
      checkStartInside(start, xr, yr, "LandscapeView");
      const names = this.get("optimizers") as string[];
      const lrs = names.map((name) => this.lrOf(name));
      const runs = names.map((name, k) => trajectory2d(name, (x) => fn.gradient(x), start, { lr: lrs[k], momentum: this.get("momentum") as number, steps: this.get("steps") as number, bound, value: (x) => fn.value(x) }));
      const all = new Float64Array(runs.reduce((s, r) => s + r.length, 0));
      let off = 0;
      for (const r of runs) all.set(r, off), (off += r.length);
      const values = new Float64Array(all.length / 2);
      for (let i = 0; i < values.length; i++) values[i] = fn.value([all[2 * i], all[2 * i + 1]]);
      const losses = runs.map((r) => fn.value([r[r.length - 2], r[r.length - 1]]));
      this.runs++;
      this.set({
        trajectories: all, trajectory_lengths: Int32Array.from(runs, (r) => r.length / 2), trajectory_labels: [...names], trajectory_losses: Float64Array.from(losses),
        trajectory_lrs: Float64Array.from(lrs), trajectory_values: values, status: "ready",
      });
      if (!this.closed) this.send({ event: "animate", duration_ms: 1500 });
    } catch (e) {
      this.set({ status: "error", error: (e as Error).message });
    }
  }

  svg(): string {
    return renderLandscape(this.getState() as never);
  }
}
