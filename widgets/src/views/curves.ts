import { Throttle } from "../model/throttle";
import { renderCurves, type CurveSeries } from "../svg/curves";
import { OptlabView } from "./base";
import { CURVES } from "./schema";

interface Store {
  name: string;
  x: number[];
  y: number[];
  axis: "left" | "right";
  style: "line" | "dashed" | "points";
  panel: string;
  x_label?: string;
  legend_value: boolean;
}

/** Options of one series: its panel (default: its name), style, y axis side and its panel's x title. */
export interface SeriesOptions {
  panel?: string;
  style?: Store["style"];
  axis?: Store["axis"];
  /** x title of the series' panel (e.g. "epoch"); default the view's x_label. */
  x_label?: string;
  /**
   * Show the series' last value in its legend entry ("loss = 0.0132"; default true). Turn it off
   * for reference lines and other series whose last point is not a reading.
   */
  legend_value?: boolean;
}

/** Series are identified within their panel: (panel, name). */
const keyOf = (panel: string, name: string) => `${panel}\u0000${name}`;

/**
 * Downsamples (x, y) to at most `max` points keeping each bucket's min and max y (in x order)
 * and the first and last points, so spikes survive (the usual min–max decimation).
 */
export function downsample(x: readonly number[], y: readonly number[], max: number): { x: Float64Array; y: Float64Array } {
  const n = x.length;
  if (n <= max) return { x: Float64Array.from(x), y: Float64Array.from(y) };
  const buckets = Math.max(1, Math.floor((max - 2) / 2));
  const xs: number[] = [x[0]];
  const ys: number[] = [y[0]];
  for (let b = 0; b < buckets; b++) {
    const lo = 1 + Math.floor((b * (n - 2)) / buckets);
    const hi = 1 + Math.floor(((b + 1) * (n - 2)) / buckets);
    if (hi <= lo) continue;
    let imin = lo;
    let imax = lo;
    for (let i = lo; i < hi; i++) {
      if (y[i] < y[imin] || !Number.isFinite(y[imin])) imin = i;
      if (y[i] > y[imax] || !Number.isFinite(y[imax])) imax = i;
    }
    for (const i of imin === imax ? [imin] : [Math.min(imin, imax), Math.max(imin, imax)]) xs.push(x[i]), ys.push(y[i]);
  }
  xs.push(x[n - 1]);
  ys.push(y[n - 1]);
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

/**
 * The step count at the end of each of `epochs` recorded epochs (what `onEpoch` reports as
 * `step`): `epochStep` when the history has it, else (e+1)·s for s = steps/epochs when every
 * recorded epoch is whole — training completed, or the step count divides evenly. Undefined when
 * it cannot be known.
 */
export function epochEndSteps(epochs: number, steps: number, epochStep?: readonly number[], stopReason?: string): number[] | undefined {
  if (epochStep && epochStep.length === epochs) return [...epochStep];
  if (epochs === 0 || steps === 0) return undefined;
  if (stopReason !== undefined && stopReason !== "completed") return undefined;
  if (steps % epochs !== 0) return undefined;
  const per = steps / epochs;
  return Array.from({ length: epochs }, (_, e) => (e + 1) * per);
}

export interface CurvesOptions {
  title?: string;
  x_label?: string;
  log_y?: string[];
  max_points?: number;
  width?: number;
  height?: number;
  /** Minimum ms between updates while streaming (default 100, i.e. ≤ 10 updates/s). */
  intervalMs?: number;
}

/**
 * CurvesView (see schema.ts CURVES): live training curves. `push` appends points; the view sends
 * at most one update per `intervalMs` with every series downsampled to `max_points`.
 */
export class CurvesView extends OptlabView {
  readonly #series = new Map<string, Store>();
  readonly #throttle: Throttle<Record<string, unknown>>;
  #total = 0;

  constructor(init: Record<string, unknown> = {}, intervalMs = 100) {
    super(CURVES, init);
    this.#throttle = new Throttle(() => this.set(this.seriesPatch()), intervalMs);
  }

  /** An empty live view; feed it with `callbacks()` or `push()`. */
  static live(opts: CurvesOptions = {}): CurvesView {
    const { intervalMs, ...rest } = opts;
    const v = new CurvesView({ title: "Training", log_y: ["loss"], ...rest, live: true }, intervalMs);
    return v;
  }

  /**
   * From a finished train() result, or its `history`. The loss panel is on steps: the mini-batch
   * loss per step and, when the epochs' step counts are known, the full-data loss after each epoch
   * at the step where that epoch ended (the step the live `onEpoch` callback reports). Accuracy and
   * extra metrics get panels on epochs, as the live callbacks draw them.
   */
  static fromHistory(result: object, opts: CurvesOptions = {}): CurvesView {
    const { intervalMs, ...rest } = opts;
    const v = new CurvesView({ title: "Training", log_y: ["loss"], ...rest }, intervalMs);
    const h = ((result as { history?: object }).history ?? result) as {
      step?: { step: number[]; loss: number[] };
      epoch?: { epoch: number[]; loss: number[]; accuracy: (number | null)[]; extra: Record<string, number[]>; step?: number[] };
    };
    const steps = h.step?.step.length ?? 0;
    if (h.step && steps) v.pushMany("loss", h.step.step, h.step.loss, { panel: "loss", x_label: "step" });
    if (h.epoch && h.epoch.epoch.length) {
      const x = h.epoch.epoch;
      const ends = epochEndSteps(h.epoch.epoch.length, steps, h.epoch.step, (result as { stopReason?: string }).stopReason);
      if (steps && ends) v.pushMany("epoch loss (full data)", ends, h.epoch.loss, { panel: "loss", style: "points", x_label: "step" });
      else if (!steps) v.pushMany("epoch loss", x, h.epoch.loss, { panel: "loss", x_label: "epoch" });
      if (h.epoch.accuracy.some((a) => a !== null)) v.pushMany("accuracy", x, h.epoch.accuracy.map((a) => (a === null ? NaN : a)), { panel: "accuracy", x_label: "epoch" });
      for (const [k, ys] of Object.entries(h.epoch.extra ?? {})) v.pushMany(k, x, ys, { panel: k, x_label: "epoch" });
      if (!steps) v.set({ x_label: "epoch" });
    }
    v.flush();
    return v;
  }

  /** From a stability tracker history: λ_max with the dashed 2/η line, and tr(H)/p when recorded. */
  static fromStability(h: { unit: string; t: number[]; lambdaMax: number[]; twoOverLr: number[]; loss?: number[] }, opts: CurvesOptions = {}): CurvesView {
    const { intervalMs, ...rest } = opts;
    const v = new CurvesView({ title: "Sharpness", x_label: h.unit, ...rest }, intervalMs);
    v.pushMany("λmax", h.t, h.lambdaMax, { panel: "sharpness", x_label: h.unit });
    v.pushMany("2/η", h.t, h.twoOverLr, { panel: "sharpness", style: "dashed", x_label: h.unit });
    if (h.loss?.some(Number.isFinite)) v.pushMany("loss", h.t, h.loss, { panel: "loss", x_label: h.unit });
    v.flush();
    return v;
  }

  /** Appends one point to series `name` of panel `opts.panel` (default: a panel named `name`; created on first use). */
  push(name: string, x: number, y: number, opts: SeriesOptions = {}): void {
    this.pushMany(name, [x], [y], opts);
  }

  /** Appends points to series `name` of panel `opts.panel` (default `name`). */
  pushMany(name: string, xs: readonly number[], ys: readonly number[], opts: SeriesOptions = {}): void {
    if (typeof name !== "string" || name === "") throw new TypeError("CurvesView.push: name: expected a non-empty string");
    if (opts.panel !== undefined && (typeof opts.panel !== "string" || opts.panel === "")) throw new TypeError("CurvesView.push: panel: expected a non-empty string");
    if (opts.legend_value !== undefined && typeof opts.legend_value !== "boolean") throw new TypeError(`CurvesView.push: legend_value: expected true or false, got ${String(opts.legend_value)}`);
    if (xs.length !== ys.length) throw new TypeError(`CurvesView.push: expected as many x as y values, got ${xs.length} and ${ys.length}`);
    const panel = opts.panel ?? name;
    let s = this.#series.get(keyOf(panel, name));
    if (!s) {
      s = { name, x: [], y: [], axis: opts.axis ?? "left", style: opts.style ?? "line", panel, x_label: opts.x_label, legend_value: opts.legend_value ?? true };
      this.#series.set(keyOf(panel, name), s);
    }
    for (let i = 0; i < xs.length; i++) s.x.push(xs[i]), s.y.push(ys[i]);
    this.#total += xs.length;
    this.#throttle.push({});
  }

  /** Full (not downsampled) data of series `name` in `panel` (default: the panel named `name`, else the first series so named). */
  data(name: string, panel?: string): { x: number[]; y: number[] } | undefined {
    const s = this.#series.get(keyOf(panel ?? name, name)) ?? (panel === undefined ? [...this.#series.values()].find((t) => t.name === name) : undefined);
    return s && { x: [...s.x], y: [...s.y] };
  }

  private seriesPatch(): Record<string, unknown> {
    const max = this.get("max_points") as number;
    const series = [...this.#series.values()].map((s) => {
      const d = downsample(s.x, s.y, max);
      return { name: s.name, x: d.x, y: d.y, axis: s.axis, style: s.style, panel: s.panel, ...(s.x_label ? { x_label: s.x_label } : {}), ...(s.legend_value ? {} : { legend_value: false }) };
    });
    return { series, total_points: this.#total };
  }

  /** Sends pending points now. */
  override flush(): void {
    super.flush();
    this.#throttle.flush();
  }

  /**
   * Callbacks for `optim.train`: per step the mini-batch loss (panel "loss", on steps); per epoch
   * accuracy and extra metrics (their own panels, on epochs); with `stability` (a stability tracker) λ_max and 2/η (panel "sharpness")
   * after the tracker records. Pass `signal`-free; call `done()` when training returns.
   */
  callbacks(opts: { stability?: { onStep?: (i: never) => unknown; onEpoch?: (i: never) => unknown; history: { t: number[]; lambdaMax: number[]; twoOverLr: number[] }; unit?: string } } = {}) {
    const st = opts.stability;
    let seen = 0;
    const syncStability = () => {
      if (!st) return;
      const h = st.history;
      for (; seen < h.t.length; seen++) {
        this.push("λmax", h.t[seen], h.lambdaMax[seen], { panel: "sharpness", x_label: st.unit });
        this.push("2/η", h.t[seen], h.twoOverLr[seen], { panel: "sharpness", style: "dashed", x_label: st.unit });
      }
    };
    this.set({ live: true });
    return {
      onStep: async (info: { step: number; loss: number }) => {
        this.push("loss", info.step, info.loss, { panel: "loss", x_label: "step" });
        if (st?.onStep) await st.onStep(info as never);
        syncStability();
      },
      onEpoch: async (info: { epoch: number; step: number; loss: number; accuracy: number | null; extra?: Record<string, number> }) => {
        if (info.accuracy !== null && info.accuracy !== undefined) this.push("accuracy", info.epoch, info.accuracy, { panel: "accuracy", x_label: "epoch" });
        for (const [k, v] of Object.entries(info.extra ?? {})) this.push(k, info.epoch, v, { panel: k, x_label: "epoch" });
        if (st?.onEpoch) await st.onEpoch(info as never);
        syncStability();
      },
    };
  }

  /** Ends live mode: sends everything pending and sets live = false. */
  done(): void {
    this.flush();
    this.set({ live: false });
  }

  svg(): string {
    const s = this.getState() as Record<string, unknown>;
    return renderCurves({ ...(s as object), series: s.series as CurveSeries[] } as never);
  }
}
