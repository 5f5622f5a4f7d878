import { renderLandscape } from "../svg/landscape";
import { OptlabView } from "./base";
import { trajectory2d, LANDSCAPE_OPTIMIZERS } from "./optimizers2d";
import { LANDSCAPE } from "./schema";

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

export interface LandscapeOptions {
  title?: string;
  /** Grid points per axis (default 80). */
  resolution?: number;
  x_range?: [number, number];
  y_range?: [number, number];
  start?: [number, number];
  optimizers?: string[];
  lr?: number;
  momentum?: number;
  steps?: number;
  log_scale?: boolean;
  levels?: number;
  /** Axis titles and the colour-bar title (defaults: x₁, x₂, f for functions; α, β, loss for slices). */
  x_label?: string;
  y_label?: string;
  value_label?: string;
  width?: number;
  height?: number;
}

/**
 * LandscapeView (see schema.ts LANDSCAPE). With a function attached (`fromFunction`), changing
 * start/optimizers/lr/momentum/steps (from the browser or the kernel) recomputes every
 * trajectory and asks the frontend to animate them.
 */
export class LandscapeView extends OptlabView {
  #fn: Function2d | undefined;
  /** Trajectory recomputations so far. */
  runs = 0;

  constructor(init: Record<string, unknown> = {}, fn?: Function2d) {
    super(LANDSCAPE, { ...init, interactive: !!fn });
    this.#fn = fn;
    for (const k of ["start", "optimizers", "lr", "momentum", "steps"]) this.on(`change:${k}`, () => this.recompute());
    this.on("msg:custom", (c: { event?: string; x?: unknown; y?: unknown }) => {
      if (c?.event === "set_start" && typeof c.x === "number" && typeof c.y === "number") this.set({ start: [c.x, c.y] });
      else if (c?.event === "run") this.recompute();
    });
    if (fn) this.recompute();
  }

  /** A landscape of a 2-D function (test function) on a grid, with racing optimizer trajectories. */
  static fromFunction(fn: Function2d, opts: LandscapeOptions = {}): LandscapeView {
    if (fn.dim !== 2) throw new TypeError(`LandscapeView.fromFunction: fn: expected a 2-D function, got dim ${fn.dim}`);
    const xr = opts.x_range ?? (fn.domain?.[0] as [number, number]) ?? [-2, 2];
    const yr = opts.y_range ?? (fn.domain?.[1] as [number, number]) ?? [-2, 2];
    const n = opts.resolution ?? 80;
    const values = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        values[j * n + i] = fn.value([xr[0] + ((xr[1] - xr[0]) * i) / (n - 1), yr[0] + ((yr[1] - yr[0]) * j) / (n - 1)]);
      }
    }
    return new LandscapeView(
      {
        title: opts.title ?? fn.name ?? "", width: opts.width, height: opts.height, x_range: xr, y_range: yr, nx: n, ny: n, values,
        log_scale: opts.log_scale ?? true, levels: opts.levels,
        x_label: opts.x_label ?? "x₁", y_label: opts.y_label ?? "x₂", value_label: opts.value_label ?? `f(x)`,
        minima: Float64Array.from((fn.minima ?? []).flatMap((m) => [m.x[0], m.x[1]])),
        start: opts.start ?? (fn.start ? [fn.start[0], fn.start[1]] : [xr[0] * 0.8, yr[1] * 0.8]),
        optimizers: opts.optimizers, lr: opts.lr, momentum: opts.momentum, steps: opts.steps,
        optimizer_options: [...LANDSCAPE_OPTIMIZERS],
      },
      fn,
    );
  }

  /** A static 2-D loss slice (landscape.slice2d result: alphas, betas, losses[i][j] = L(α_i, β_j)). */
  static fromSlice(result: { alphas: number[]; betas: number[]; losses: number[][]; method?: string; backend?: string }, opts: LandscapeOptions = {}): LandscapeView {
    const nx = result.alphas.length;
    const ny = result.betas.length;
    const values = new Float64Array(nx * ny);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) values[j * nx + i] = result.losses[i][j];
    return new LandscapeView({
      title: opts.title ?? "loss slice", width: opts.width, height: opts.height,
      x_range: [result.alphas[0], result.alphas[nx - 1]], y_range: [result.betas[0], result.betas[ny - 1]], nx, ny, values,
      log_scale: opts.log_scale ?? false, levels: opts.levels, minima: new Float64Array([0, 0]),
      x_label: opts.x_label ?? "α (direction 1)", y_label: opts.y_label ?? "β (direction 2)", value_label: opts.value_label ?? "loss",
      source: { method: result.method ?? null, backend: result.backend ?? null },
    });
  }

  /** Recomputes every optimizer's trajectory from `start` (no-op without a function). */
  recompute(): void {
    const fn = this.#fn;
    if (!fn) return;
    this.set({ status: "computing", error: "" });
    try {
      const xr = this.get("x_range") as [number, number];
      const yr = this.get("y_range") as [number, number];
      const bound = 10 * Math.max(...xr.map(Math.abs), ...yr.map(Math.abs));
      const start = this.get("start") as [number, number];
      const names = this.get("optimizers") as string[];
      const runs = names.map((name) => trajectory2d(name, (x) => fn.gradient(x), start, { lr: this.get("lr") as number, momentum: this.get("momentum") as number, steps: this.get("steps") as number, bound, value: (x) => fn.value(x) }));
      const all = new Float64Array(runs.reduce((s, r) => s + r.length, 0));
      let off = 0;
      for (const r of runs) all.set(r, off), (off += r.length);
      const losses = runs.map((r) => fn.value([r[r.length - 2], r[r.length - 1]]));
      this.runs++;
      this.set({ trajectories: all, trajectory_lengths: Int32Array.from(runs, (r) => r.length / 2), trajectory_labels: [...names], trajectory_losses: Float64Array.from(losses), status: "ready" });
      if (!this.closed) this.send({ event: "animate", duration_ms: 1500 });
    } catch (e) {
      this.set({ status: "error", error: (e as Error).message });
    }
  }

  svg(): string {
    return renderLandscape(this.getState() as never);
  }
}
