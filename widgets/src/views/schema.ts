/**
 * The wire contract of the optlab views: model/view names, module and version, every synced state
 * trait (name, type, which are binary buffers) and the custom messages both ways.
 *
 * The kernel side (widgets/src/views/*) and the frontend (the d3 DOMWidgetViews) both code against
 * this file. It has no imports so the frontend bundle can import it as-is. Keep it stable; record
 * every change in CHANGELOG below.
 *
 * ## Conventions (widget protocol 2.1, as ipywidgets 8)
 * - Every model is a DOMWidgetModel subclass with `_model_module = _view_module = "@optlab/widgets"`,
 *   `_model_module_version = _view_module_version = OPTLAB_WIDGETS_VERSION`.
 * - Besides the traits listed per view, every optlab model also carries the DOMWidget base traits
 *   `_dom_classes: string[]`, `layout: "IPY_MODEL_<id>"` (a @jupyter-widgets/base LayoutModel),
 *   `tabbable: boolean|null`, `tooltip: string|null`, and the optlab common traits in COMMON_TRAITS.
 * - Traits of type "f64"/"f32"/"u8"/"i32" are typed arrays sent as binary buffers (comm buffers +
 *   `buffer_paths`), never JSON lists. On the frontend `@jupyter-widgets/base`'s `put_buffers`
 *   leaves a `DataView` at that path: wrap it as the listed dtype, e.g.
 *   `new Float64Array(dv.buffer, dv.byteOffset, dv.byteLength / 8)` (copy first if byteOffset is not
 *   a multiple of 8). An empty array is sent as a zero-length buffer. Values are little-endian.
 *   When the frontend sends such a trait back it must send a buffer of the same dtype.
 * - Buffers nested inside JSON traits (e.g. `series[i].x` in CurvesModel) use nested buffer paths
 *   such as `["series", 0, "x"]`; in the JSON the slot is null (lists) or absent (objects).
 * - Missing numbers inside float buffers are NaN (e.g. NC3/NC4 without a classifier).
 * - Custom messages are `{method: "custom", content: {event: <name>, ...}}` with optional buffers;
 *   the `content` shapes are listed per view under `toKernel` / `toFrontend`.
 * - Traits marked `sync: "both"` may be set by the frontend (save_changes); the kernel validates,
 *   echoes (`echo_update`) and may react. `sync: "kernel"` traits are written by the kernel only.
 */

/** Module name registered with the widget manager (model and view). */
export const OPTLAB_WIDGETS_MODULE = "@optlab/widgets";
/** Module version (model and view); equals the @optlab/widgets package version. */
export const OPTLAB_WIDGETS_VERSION = "0.1.0";

/** Element type of a trait. Typed-array kinds travel as binary buffers. */
export type TraitType =
  | "f64" | "f32" | "u8" | "i32" // typed arrays (binary buffers)
  | "float" | "int" | "bool" | "string"
  | "float|null" | "int|null" | "string|null"
  | "[float, float]" | "[float, float]|null"
  | "string[]" | "json";

export interface TraitSpec {
  type: TraitType;
  /** Who writes it: "kernel" only, or "both" (frontend may set it). */
  sync: "kernel" | "both";
  default: unknown;
  /** Allowed string values, where it is an enum. */
  enum?: readonly string[];
  doc: string;
}

export interface CustomMessageSpec {
  /** Shape of `content` (TypeScript-like notation); `event` is always present. */
  content: string;
  /** Buffers carried, in order. */
  buffers?: string;
  doc: string;
}

export interface ViewSpec {
  modelName: string;
  viewName: string;
  traits: Record<string, TraitSpec>;
  toKernel: Record<string, CustomMessageSpec>;
  toFrontend: Record<string, CustomMessageSpec>;
}

/** Traits every optlab view model has (in addition to the DOMWidget base traits). */
export const COMMON_TRAITS = {
  title: { type: "string", sync: "kernel", default: "", doc: "Title drawn above the plot ('' for none)." },
  width: { type: "int", sync: "kernel", default: 560, doc: "Plot width in CSS px." },
  height: { type: "int", sync: "kernel", default: 320, doc: "Plot height in CSS px." },
  source: { type: "json", sync: "kernel", default: {}, doc: "Provenance of the data: {method, backend, dtype, seed, hvps, ...} of the analysis result (display only)." },
} as const satisfies Record<string, TraitSpec>;

/**
 * SpectrumView — Hessian (or any symmetric operator) spectrum: stems at explicit eigenvalues and/or
 * a histogram, plus the SLQ density re-smoothed in the browser from cached Ritz nodes.
 *
 * Density in the browser: φ(t) = (1/probes) Σ_i ritz_weights[i] · N(t; ritz_nodes[i], sigma²),
 * summing over all nodes of all probes (each probe's weights sum to 1).
 */
export const SPECTRUM: ViewSpec = {
  modelName: "SpectrumModel",
  viewName: "SpectrumView",
  traits: {
    ...COMMON_TRAITS,
    eigenvalues: { type: "f64", sync: "kernel", default: [], doc: "Explicit eigenvalues (any order; kernel sends ascending). One stem/mark each." },
    outliers: { type: "u8", sync: "kernel", default: [], doc: "Per eigenvalue: 1 = outlier (highlight), 0 = bulk. Same length as eigenvalues." },
    ritz_nodes: { type: "f64", sync: "kernel", default: [], doc: "SLQ Ritz nodes θ of all probes, concatenated (length probes·steps)." },
    ritz_weights: { type: "f64", sync: "kernel", default: [], doc: "Gauss weights w for ritz_nodes (same length)." },
    probes: { type: "int", sync: "kernel", default: 0, doc: "Number of SLQ probes (0 = no density)." },
    sigma: { type: "float", sync: "both", default: 0, doc: "Gaussian broadening σ (eigenvalue units) — the σ slider; the frontend re-smooths itself, no kernel round trip needed." },
    sigma_range: { type: "[float, float]", sync: "kernel", default: [0, 1], doc: "Slider range for sigma." },
    grid: { type: "f64", sync: "kernel", default: [], doc: "Kernel-smoothed density grid (at the initial sigma); drawn only when there are no Ritz nodes — otherwise the chart (live and static alike) smooths the nodes itself (svg/density.ts)." },
    density: { type: "f64", sync: "kernel", default: [], doc: "Density values on grid." },
    mode: { type: "string", sync: "both", default: "stems", enum: ["stems", "histogram", "both"], doc: "How eigenvalues are drawn." },
    bins: { type: "int", sync: "both", default: 40, doc: "Histogram bins." },
    y_scale: { type: "string", sync: "both", default: "linear", enum: ["linear", "log"], doc: "Density/histogram y scale." },
    zoom: { type: "[float, float]|null", sync: "both", default: null, doc: "x domain after brush-to-zoom, null = full extent." },
    can_slice: { type: "bool", sync: "kernel", default: false, doc: "Kernel holds eigenvectors and an objective: clicking an eigenvalue may request a slice." },
    selected: { type: "int|null", sync: "both", default: null, doc: "Index (into eigenvalues) of the clicked eigenvalue." },
    slice_status: { type: "string", sync: "kernel", default: "idle", enum: ["idle", "computing", "ready", "error"], doc: "State of the 1-D slice." },
    slice_error: { type: "string", sync: "kernel", default: "", doc: "Message when slice_status = 'error'." },
    slice_index: { type: "int|null", sync: "kernel", default: null, doc: "Eigenvalue index the current slice belongs to." },
    slice_t: { type: "f64", sync: "kernel", default: [], doc: "Step sizes t along the unit eigenvector (x of the slice plot)." },
    slice_loss: { type: "f64", sync: "kernel", default: [], doc: "Loss L(θ + t·v) at slice_t (y of the slice plot)." },
    slice_quadratic: { type: "f64", sync: "kernel", default: [], doc: "Quadratic model L(θ) + t·gᵀv + ½λt² at slice_t (dashed reference line)." },
  },
  toKernel: {
    select_eigenvalue: { content: "{event: 'select_eigenvalue', index: int}", doc: "User clicked eigenvalue `index`. Kernel sets selected, slice_status 'computing', then slice_* and 'ready' (or 'error'), in one or two state updates." },
  },
  toFrontend: {
    slice_ready: { content: "{event: 'slice_ready', index: int}", doc: "Sent after the slice state update (convenience for animation; state already holds the data)." },
  },
};

/** KernelView — NTK / NNGP / any Gram matrix: heatmap (optionally sorted by label) and eigenvalue decay (log-log). */
export const KERNEL: ViewSpec = {
  modelName: "KernelModel",
  viewName: "KernelView",
  traits: {
    ...COMMON_TRAITS,
    matrix: { type: "f64", sync: "kernel", default: [], doc: "Row-major rows×cols kernel values." },
    rows: { type: "int", sync: "kernel", default: 0, doc: "Number of rows." },
    cols: { type: "int", sync: "kernel", default: 0, doc: "Number of columns." },
    labels: { type: "i32", sync: "kernel", default: [], doc: "Class label per row (empty = none). Also per column when the kernel is square/symmetric." },
    sort_by_label: { type: "bool", sync: "both", default: false, doc: "Reorder rows/cols by label (stable)." },
    eigenvalues: { type: "f64", sync: "kernel", default: [], doc: "Eigenvalues, descending (empty when not symmetric). Decay plot uses the positive ones, index 1..n on log-log axes." },
    kind: { type: "string", sync: "kernel", default: "gram", doc: "'ntk' | 'nngp' | 'gram' — label only." },
    color_scheme: { type: "string", sync: "both", default: "viridis", enum: ["viridis", "magma", "rdbu"], doc: "Heatmap color scheme (rdbu is diverging around 0)." },
  },
  toKernel: {},
  toFrontend: {},
};

/**
 * CollapseView — neural-collapse metrics vs epoch (log y) and the class-mean / classifier geometry
 * projected to 2-D or 3-D next to the simplex ETF; live while training (kernel appends and re-sends).
 */
export const COLLAPSE: ViewSpec = {
  modelName: "CollapseModel",
  viewName: "CollapseView",
  traits: {
    ...COMMON_TRAITS,
    epoch: { type: "f64", sync: "kernel", default: [], doc: "x values of the metric curves." },
    nc1: { type: "f64", sync: "kernel", default: [], doc: "NC1 per record." },
    nc2_equinorm: { type: "f64", sync: "kernel", default: [], doc: "NC2 equinorm per record." },
    nc2_equiangular: { type: "f64", sync: "kernel", default: [], doc: "NC2 equiangularity per record." },
    nc2_etf: { type: "f64", sync: "kernel", default: [], doc: "NC2 distance to the simplex ETF per record." },
    nc3: { type: "f64", sync: "kernel", default: [], doc: "NC3 per record (NaN without classifier)." },
    nc4: { type: "f64", sync: "kernel", default: [], doc: "NC4 per record (NaN without classifier)." },
    classes: { type: "int", sync: "kernel", default: 0, doc: "Number of classes C." },
    dims: { type: "int", sync: "both", default: 2, doc: "Projection dimension, 2 or 3." },
    means: { type: "f64", sync: "kernel", default: [], doc: "Centred class means embedded in `dims` dims, row-major [C, dims], scaled to unit RMS norm (latest record)." },
    classifier: { type: "f64", sync: "kernel", default: [], doc: "Classifier rows in the same frame, [C, dims], unit RMS norm (empty without classifier)." },
    etf: { type: "f64", sync: "kernel", default: [], doc: "Reference simplex ETF [C, dims] (unit norms), Procrustes-aligned to `means`." },
    live: { type: "bool", sync: "kernel", default: false, doc: "True while a training run is streaming into the view." },
  },
  toKernel: {},
  toFrontend: {},
};

/**
 * LandscapeView — 2-D heatmap/contours of a test function or loss slice with optimizer trajectories.
 * Click sets `start`; changing start/optimizers/lr/momentum/steps makes the kernel recompute
 * `trajectories` (several optimizers race side by side).
 */
export const LANDSCAPE: ViewSpec = {
  modelName: "LandscapeModel",
  viewName: "LandscapeView",
  traits: {
    ...COMMON_TRAITS,
    x_range: { type: "[float, float]", sync: "kernel", default: [-1, 1], doc: "x extent of the grid (grid points include both ends)." },
    y_range: { type: "[float, float]", sync: "kernel", default: [-1, 1], doc: "y extent of the grid." },
    nx: { type: "int", sync: "kernel", default: 0, doc: "Grid points along x." },
    ny: { type: "int", sync: "kernel", default: 0, doc: "Grid points along y." },
    values: { type: "f64", sync: "kernel", default: [], doc: "Loss on the grid, row-major [ny, nx]: values[j·nx + i] at (x_i, y_j)." },
    x_label: { type: "string", sync: "kernel", default: "x", doc: "Title of the x axis (e.g. 'x₁', 'α (direction 1)')." },
    y_label: { type: "string", sync: "kernel", default: "y", doc: "Title of the y axis." },
    value_label: { type: "string", sync: "kernel", default: "loss", doc: "Name of the mapped value (colour bar title)." },
    log_scale: { type: "bool", sync: "both", default: false, doc: "Colour scale: log₁₀(values − min + 1e-12) when true (colour-bar ticks in values − min), else linear in values." },
    colormap: { type: "string", sync: "both", default: "viridis", enum: ["viridis", "cividis", "magma", "inferno", "plasma"], doc: "Perceptually uniform colour map of the field (colour bar beside the map)." },
    levels: { type: "int", sync: "both", default: 12, doc: "Number of contour levels." },
    minima: { type: "f64", sync: "kernel", default: [], doc: "Known minima [k, 2] (markers)." },
    interactive: { type: "bool", sync: "kernel", default: false, doc: "Kernel can recompute trajectories (a test function or 2-D objective is attached)." },
    start: { type: "[float, float]", sync: "both", default: [0, 0], doc: "Start point of every trajectory; a click sets it." },
    optimizer_options: { type: "string[]", sync: "kernel", default: ["gd", "momentum", "nesterov", "adam", "rmsprop", "adagrad"], doc: "Choices for `optimizers`." },
    optimizers: { type: "string[]", sync: "both", default: ["gd"], doc: "Optimizers racing (one trajectory each, same momentum)." },
    lr: { type: "float", sync: "both", default: 0.01, doc: "Learning rate of every optimizer without an entry in `lrs`." },
    lrs: { type: "json", sync: "both", default: {}, doc: "Learning rate per optimizer name ({name: lr > 0}); overrides `lr` for that optimizer." },
    momentum: { type: "float", sync: "both", default: 0.9, doc: "Momentum / β1 (ignored by gd)." },
    steps: { type: "int", sync: "both", default: 200, doc: "Steps per trajectory." },
    trajectories: { type: "f64", sync: "kernel", default: [], doc: "All trajectories concatenated: points (x, y) row-major [Σ lengths, 2]." },
    trajectory_lengths: { type: "i32", sync: "kernel", default: [], doc: "Points per trajectory (a run that diverges stops early)." },
    trajectory_labels: { type: "string[]", sync: "kernel", default: [], doc: "Legend label per trajectory (optimizer name)." },
    trajectory_losses: { type: "f64", sync: "kernel", default: [], doc: "Final loss per trajectory." },
    trajectory_lrs: { type: "f64", sync: "kernel", default: [], doc: "Learning rate per trajectory, shown in the legend (NaN: none or a schedule, then the label says it)." },
    trajectory_values: { type: "f64", sync: "kernel", default: [], doc: "Loss at every trajectory point, laid out as `trajectories` [Σ lengths] (empty: no loss panel)." },
    loss_panel: { type: "bool", sync: "both", default: false, doc: "Draw the loss-vs-step panel under the map (needs trajectory_values)." },
    status: { type: "string", sync: "kernel", default: "idle", enum: ["idle", "computing", "ready", "error"], doc: "Trajectory computation state." },
    error: { type: "string", sync: "kernel", default: "", doc: "Message when status = 'error'." },
  },
  toKernel: {
    set_start: { content: "{event: 'set_start', x: float, y: float}", doc: "Same as setting `start` (either works); kernel recomputes trajectories." },
    run: { content: "{event: 'run'}", doc: "Recompute trajectories with the current settings." },
  },
  toFrontend: {
    animate: { content: "{event: 'animate', duration_ms: int}", doc: "Sent after new trajectories: animate them from the start over duration_ms." },
  },
};

/**
 * CurvesView — training curves (loss, accuracy, sharpness with the 2/η line, any metric), streamed
 * from `train` callbacks at most ~10 updates/s and downsampled (min/max per bucket) to `max_points`.
 */
export const CURVES: ViewSpec = {
  modelName: "CurvesModel",
  viewName: "CurvesView",
  traits: {
    ...COMMON_TRAITS,
    series: {
      type: "json", sync: "kernel", default: [],
      doc: "Array of {name: string, x: f64 buffer, y: f64 buffer, axis: 'left'|'right', style: 'line'|'dashed'|'points', panel: string, x_label?: string, legend_value?: boolean (false: the legend omits the last value)}. " +
        "A series is identified by (panel, name); each panel has its own x scale, titled by its series' x_label (else the view's x_label). " +
        "x/y are buffers at paths ['series', i, 'x'] / ['series', i, 'y']. Series sharing `panel` share a plot (e.g. 'loss', 'accuracy', 'sharpness'); " +
        "the 2/η reference is a series with style 'dashed' in the sharpness panel.",
    },
    x_label: { type: "string", sync: "kernel", default: "step", doc: "x axis label." },
    log_y: { type: "string[]", sync: "both", default: [], doc: "Panels drawn with a log y axis." },
    max_points: { type: "int", sync: "kernel", default: 2000, doc: "Points kept per series after downsampling." },
    total_points: { type: "int", sync: "kernel", default: 0, doc: "Points received so far over all series (before downsampling)." },
    live: { type: "bool", sync: "kernel", default: false, doc: "True while training streams into the view." },
  },
  toKernel: {},
  toFrontend: {},
};

/** All optlab views by view name. */
export const VIEWS = { SpectrumView: SPECTRUM, KernelView: KERNEL, CollapseView: COLLAPSE, LandscapeView: LANDSCAPE, CurvesView: CURVES } as const;

/**
 * CHANGELOG
 * - 0.1.0 (initial): SpectrumModel, KernelModel, CollapseModel, LandscapeModel, CurvesModel as above.
 * - 0.1.0 (additive, old states still valid): LandscapeModel x_label, y_label, value_label (axis and
 *   colour-bar titles); CurvesModel series[i].x_label (per-panel x title), series keyed by (panel, name).
 * - 0.1.0 (additive, old states still valid): LandscapeModel lrs (per-optimizer lr), colormap,
 *   trajectory_lrs, trajectory_values, loss_panel (loss-vs-step panel under the map).
 * - 0.1.0 (additive, old states still valid): CurvesModel series[i].legend_value (false: no
 *   "= last value" in the legend, for reference lines).
 */
export const SCHEMA_CHANGELOG = ["0.1.0 initial", "0.1.0 additive: LandscapeModel x_label/y_label/value_label; CurvesModel series[i].x_label, series keyed by (panel, name)", "0.1.0 additive: LandscapeModel lrs/colormap/trajectory_lrs/trajectory_values/loss_panel", "0.1.0 additive: CurvesModel series[i].legend_value"] as const;
