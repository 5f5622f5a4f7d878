import { topEigen } from "../analysis/hessian/topEigen";
import { dense } from "../analysis/hessian/dense";
import { trace as hutchinsonTrace } from "../analysis/hessian/trace";
import { operator } from "../analysis/hessian/operator";
import { empirical, type NtkMethod } from "../analysis/ntk/empirical";
import { infinite } from "../analysis/ntk/infinite";
import type { InfiniteActivation } from "../analysis/ntk/dualActivations";
import { metrics } from "../analysis/collapse/metrics";
import { activation as lookupActivation, type ActivationName } from "../nn/activations";
import type { Tensor } from "../tensor/Tensor";
import { OptlabError } from "../util/errors";
import { datasetFromNpz, featuresFromNpz, inputsFromNpz, labelsFromNpy, linearLayersFromNpz, mlpFromNpz } from "./archives";
import { loadNpz, requireArray, type NpzArrays } from "./npz";
import { layerWeightName } from "./archives";
import { symEigQL } from "../linalg/symTridiagonalEig";
import type { Model } from "../nn/Model";
import type { Dataset } from "../data/Dataset";
import { numParams } from "../autodiff/params";
import { parseArchitecture, formatArchitecture, type ArchitectureSpec } from "./architectures";
import { networkFromStateDict } from "./torchStateDict";
import { flattenInputs } from "./networkData";
import type { Network } from "../nn/network";
import type { Sequential } from "../nn/layers/sequential";
import type { Params } from "../autodiff/params";
import { noGrad } from "../autodiff/graph";

/**
 * The computations behind `optlab analyze hessian|ntk|collapse`, on NumPy archives (paths or
 * arrays already read): each returns the plain JSON object the CLI prints with `--json`.
 * Every number comes from the library call named in its `method` field on a float64 `nn.mlp`
 * built from the archive (`io.mlpFromNpz`), so a notebook gets the same values from
 * `hessian.topEigen(io.mlpFromNpz(...), io.datasetFromNpz(...), {k, loss, seed})`.
 */

/** An archive: a path to an .npz file, or its arrays. */
export type ArchiveSource = string | NpzArrays;

function archive(src: ArchiveSource, fallback: string): { arrays: NpzArrays; file: string } {
  if (typeof src === "string") return { arrays: loadNpz(src), file: src };
  if (!src || typeof src !== "object") throw new OptlabError(`${fallback}: expected a path or the arrays of an .npz archive`);
  return { arrays: src, file: fallback };
}

/** x's number of features in a data archive (when x is a matrix), so the model check knows its input size. */
function inputOf(d: { arrays: NpzArrays; file: string }): { inputDim?: number; inputFrom?: string } {
  const x = d.arrays.x;
  return x && x.shape.length === 2 ? { inputDim: x.shape[1], inputFrom: `${d.file}: x (${x.shape.join(", ")})` } : {};
}

/** "W0 (6, 4)" / "fc1.weight (6, 4)": layer l's weight by its archive name and stored shape. */
function weightLabel(m: { arrays: NpzArrays; file: string }, l: number, sizes: number[]): string {
  return `${m.file}: ${layerWeightName(m.arrays, m.file, l)} (${sizes[l + 1]}, ${sizes[l]})`;
}

function checkInt(v: number, name: string, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new OptlabError(`${name}: expected an integer ≥ ${min}, got ${v}`);
  return v;
}

function rows(t: Tensor): number[][] {
  const [n, m] = t.shape;
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(Array.from(t.data.subarray(i * m, (i + 1) * m)));
  return out;
}

/** An architecture given by name (`resnet:blocks=1,width=4`) or as a parsed spec. */
export type ArchitectureSource = string | ArchitectureSpec;

/**
 * The model of an analysis: with `arch`, that network loaded from a PyTorch state dict (see
 * networkFromStateDict) with the data's x viewed as its inputs; otherwise an MLP archive.
 */
function loadModel(
  m: { arrays: NpzArrays; file: string },
  d: { arrays: NpzArrays; file: string },
  arch: ArchitectureSource | undefined,
  activation: ActivationName | undefined,
): { model: Model; data: NpzArrays; sizes: number[]; description: string; arch: string | null; activation: string; inputFrom: string; outputFrom: string } {
  if (arch === undefined) {
    const act = activation ?? "relu";
    const model = mlpFromNpz(m.arrays, { activation: act, file: m.file, ...inputOf(d) });
    const sizes = model.config.sizes as number[];
    return {
      model, data: d.arrays, sizes, description: `MLP [${sizes.join("-")}] (${act})`, arch: null, activation: act,
      inputFrom: weightLabel(m, 0, sizes), outputFrom: weightLabel(m, sizes.length - 2, sizes),
    };
  }
  if (activation !== undefined) {
    throw new OptlabError(`activation: applies to MLP archives; an architecture fixes its own (e.g. lenet5:activation=tanh), got ${String(activation)} with arch ${typeof arch === "string" ? arch : formatArchitecture(arch)}`);
  }
  const spec = typeof arch === "string" ? parseArchitecture(arch) : arch;
  const net = networkFromStateDict(m.arrays, spec, { file: m.file });
  const name = formatArchitecture(spec);
  return {
    model: net, data: flattenInputs(d.arrays, net, d.file), sizes: [net.inputDim, net.outputDim], description: `${net.name} [${name}], evaluation mode`,
    arch: name, activation: "(architecture)", inputFrom: `${name} (inputs ${net.inputShape.join("×")})`, outputFrom: `${name}`,
  };
}

export type TraceMethod = "auto" | "exact" | "hutchinson" | "hutch++";

export interface AnalyzeHessianOptions {
  model: ArchiveSource;
  data: ArchiveSource;
  /**
   * The model archive is a PyTorch state_dict of this architecture (io.ARCHITECTURES: lenet5,
   * resnet, vit, grokking, with options as `resnet:blocks=1,width=4`); the network is analysed in
   * evaluation mode (batch norm by its running statistics). Without it the archive is an MLP.
   */
  arch?: ArchitectureSource;
  /** Hidden activation of an MLP archive (default relu). */
  activation?: ActivationName;
  /** "ce" (default; y = class ids) or "mse" (y = [n, k] targets, ½‖f − y‖² summed over outputs). */
  loss?: "ce" | "mse";
  /** Number of largest eigenvalues (default 5). */
  top?: number;
  /** "lanczos" (default; hessian.topEigen), "power" (PyHessian's), or "dense" (hessian.dense, exact). */
  method?: "lanczos" | "power" | "dense";
  /**
   * "auto" (default): "exact" when p ≤ exactTraceMax, else "hutchinson". "exact" sums eᵢᵀHeᵢ over
   * the p unit vectors (p HVPs, no eigensolve); "hutchinson"/"hutch++": hessian.trace with `probes`.
   */
  traceMethod?: TraceMethod;
  /** Hutchinson probes (default 100). */
  probes?: number;
  /** Largest p for the exact trace under "auto" (default 2000). */
  exactTraceMax?: number;
  /** Seed of the Lanczos start vector and the trace probes (default 0). */
  seed?: number;
}

/** What `optlab analyze hessian --json` prints. */
export interface HessianReport {
  /** The `k` largest Hessian eigenvalues, descending. */
  eigenvalues: number[];
  /** tr(H): exact, or the Hutchinson / Hutch++ estimate. */
  trace: number;
  traceMethod: "exact" | "hutchinson" | "hutch++";
  /** Standard error of `trace` (0 when exact). */
  traceStdError: number;
  /** Probes averaged (null when exact). */
  traceProbes: number | null;
  /** Eigenvalue method: "lanczos", "power" or "dense". */
  method: string;
  /** Hessian–vector products in all (eigenvalues + trace). */
  hvps: number;
  eigenHvps: number;
  traceHvps: number;
  /** Ritz residuals ‖Hv − λv‖ per eigenvalue (0 for dense). */
  residuals: number[];
  converged: boolean[];
  tolerance: number | null;
  k: number;
  /** Parameters (all W and b). */
  p: number;
  /** Samples the loss averages over. */
  n: number;
  loss: "ce" | "mse";
  activation: string;
  /** Layer sizes [d, h₁, …, k] of an MLP; [input size, outputs] of an architecture. */
  sizes: number[];
  /** The model in words, e.g. "MLP [4-8-3] (relu)" or "lenet5 relu max [lenet5], evaluation mode". */
  model: string;
  /** The architecture (`name:options`) of a state-dict archive, null for an MLP archive. */
  arch: string | null;
  seed: number;
  backend: string;
  dtype: string;
  wallTimeMs: number;
}

/** Largest Hessian eigenvalues and the trace of the mean loss of an archived MLP on archived data. */
export async function analyzeHessian(opts: AnalyzeHessianOptions): Promise<HessianReport> {
  const t0 = performance.now();
  if (opts.activation !== undefined) lookupActivation(opts.activation);
  const loss = opts.loss ?? "ce";
  if (loss !== "ce" && loss !== "mse") throw new OptlabError(`loss: expected "ce" or "mse", got ${String(loss)}`);
  const method = opts.method ?? "lanczos";
  if (method !== "lanczos" && method !== "power" && method !== "dense") throw new OptlabError(`method: expected "lanczos", "power" or "dense", got ${String(method)}`);
  const traceChoice = opts.traceMethod ?? "auto";
  if (!["auto", "exact", "hutchinson", "hutch++"].includes(traceChoice)) throw new OptlabError(`trace method: expected auto, exact, hutchinson or hutch++, got ${String(traceChoice)}`);
  const seed = checkInt(opts.seed ?? 0, "seed", 0);
  const probes = checkInt(opts.probes ?? 100, "probes", 1);
  const exactMax = checkInt(opts.exactTraceMax ?? 2000, "exact trace max", 0);
  const m = archive(opts.model, "model.npz");
  const d = archive(opts.data, "data.npz");
  const loaded = loadModel(m, d, opts.arch, opts.activation);
  const { model, sizes, activation } = loaded;
  const L = sizes.length - 1;
  const data: Dataset = datasetFromNpz(loaded.data, {
    targets: loss === "ce" ? "labels" : "regression",
    inputDim: sizes[0], inputFrom: loaded.inputFrom,
    outputDim: sizes[L], outputFrom: loaded.outputFrom,
    file: d.file,
  });
  const p = numParams(model.params);
  const k = checkInt(opts.top ?? 5, "top", 1);
  if (k > p) throw new OptlabError(`top: expected at most p = ${p} eigenvalues, got ${k}`);

  let eigenvalues: number[];
  let residuals: number[];
  let converged: boolean[];
  let eigenHvps: number;
  let tolerance: number | null;
  let backend: string;
  let dtype: string;
  let denseTrace: number | null = null;
  if (method === "dense") {
    const r = await dense(model, data, { loss, maxParams: Math.max(4000, p) });
    eigenvalues = r.eigenvalues.slice(-k).reverse();
    residuals = eigenvalues.map(() => 0);
    converged = eigenvalues.map(() => true);
    eigenHvps = r.hvps;
    tolerance = null;
    backend = r.backend;
    dtype = r.dtype;
    denseTrace = r.trace;
  } else {
    const r = await topEigen(model, data, { k, loss, seed, method });
    eigenvalues = r.largest;
    residuals = r.residuals;
    converged = r.converged;
    eigenHvps = r.hvps;
    tolerance = r.tolerance;
    backend = r.backend;
    dtype = r.dtype;
  }

  const traceMethod = traceChoice === "auto" ? (p <= exactMax ? "exact" : "hutchinson") : traceChoice;
  let tr: number;
  let se = 0;
  let traceProbes: number | null = null;
  let traceHvps = 0;
  if (traceMethod === "exact") {
    if (denseTrace !== null) tr = denseTrace;
    else {
      const op = operator(model, data, { loss });
      const e = new Float64Array(p);
      tr = 0;
      for (let j = 0; j < p; j++) {
        e[j] = 1;
        tr += op.apply(e)[j];
        e[j] = 0;
      }
      traceHvps = op.count;
    }
  } else {
    const r = await hutchinsonTrace(model, data, { loss, seed, probes, method: traceMethod });
    tr = r.trace;
    se = r.stdError;
    traceProbes = r.probes;
    traceHvps = r.hvps;
  }
  return {
    eigenvalues, trace: tr, traceMethod, traceStdError: se, traceProbes,
    method, hvps: eigenHvps + traceHvps, eigenHvps, traceHvps, residuals, converged, tolerance,
    k, p, n: data.x.shape[0], loss, activation, sizes, model: loaded.description, arch: loaded.arch, seed, backend, dtype,
    wallTimeMs: performance.now() - t0,
  };
}

export interface AnalyzeNtkOptions {
  model: ArchiveSource;
  /** Needs `x`; `y` is not used. */
  data: ArchiveSource;
  /** The model archive is a PyTorch state_dict of this architecture (see AnalyzeHessianOptions.arch). */
  arch?: ArchitectureSource;
  activation?: ActivationName;
  /** ntk.empirical's method (default "auto": the structured per-layer path). */
  method?: NtkMethod;
}

/** What `optlab analyze ntk --json` prints. */
export interface NtkReport {
  /** Θ(x, x) [n, n] summed over outputs. */
  kernel: number[][];
  /** The n eigenvalues of Θ(x, x), descending (Householder + QL in float64, linalg.symEigQL). */
  eigenvalues: number[];
  method: string;
  n: number;
  outputs: number;
  numParams: number;
  sizes: number[];
  activation: string;
  /** The model in words (see HessianReport.model). */
  model: string;
  arch: string | null;
  backend: string;
  dtype: string;
  wallTimeMs: number;
}

/** The n×n empirical NTK (summed over outputs) of an archived MLP on the archive's x. */
export function analyzeNtk(opts: AnalyzeNtkOptions): NtkReport {
  const t0 = performance.now();
  const m = archive(opts.model, "model.npz");
  const d = archive(opts.data, "data.npz");
  const loaded = loadModel(m, d, opts.arch, opts.activation);
  const { model, sizes, activation } = loaded;
  const x = inputsFromNpz(loaded.data, { inputDim: sizes[0], inputFrom: loaded.inputFrom, file: d.file });
  const r = empirical(model, x, { trace: true, method: opts.method ?? "auto" });
  const n = r.n1;
  const sym = new Float64Array(n * n); // (Θ + Θᵀ)/2: exact symmetry for the eigensolver
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sym[i * n + j] = 0.5 * (r.kernel.data[i * n + j] + r.kernel.data[j * n + i]);
  const eigenvalues = Array.from(symEigQL(sym, n, { vectors: false }).values).reverse();
  return {
    kernel: rows(r.kernel), eigenvalues, method: r.method, n: r.n1, outputs: r.outputs, numParams: r.numParams, sizes, activation,
    model: loaded.description, arch: loaded.arch, backend: r.backend, dtype: r.dtype, wallTimeMs: performance.now() - t0,
  };
}

export interface AnalyzeInfiniteNtkOptions {
  data: ArchiveSource;
  /** Hidden layers L (L + 1 Dense layers). */
  depth: number;
  activation: InfiniteActivation;
  weightStd?: number;
  biasStd?: number;
  parametrization?: "ntk" | "standard";
  /** Hidden width (standard parametrization only). */
  width?: number;
}

/** What `optlab analyze ntk --infinite --json` prints. */
export interface InfiniteNtkReport {
  /** The analytic NTK Θ(x, x) [n, n] (per output). */
  kernel: number[][];
  /** The NNGP kernel K(x, x) [n, n]. */
  nngp: number[][];
  method: "closed-form";
  n: number;
  depth: number;
  activation: string;
  weightStd: number;
  biasStd: number;
  parametrization: string;
  width: number | null;
  backend: string;
  dtype: string;
  wallTimeMs: number;
}

/** Infinite-width NTK and NNGP (neural-tangents `stax.Dense` conventions) on the archive's x. */
export function analyzeInfiniteNtk(opts: AnalyzeInfiniteNtkOptions): InfiniteNtkReport {
  const t0 = performance.now();
  const d = archive(opts.data, "data.npz");
  const x = inputsFromNpz(d.arrays, { file: d.file });
  const arch = {
    depth: opts.depth, activation: opts.activation, weightStd: opts.weightStd ?? 1, biasStd: opts.biasStd ?? 0,
    parametrization: opts.parametrization ?? "ntk", ...(opts.width !== undefined ? { width: opts.width } : {}),
  };
  const r = infinite(arch, x);
  return {
    kernel: rows(r.ntk), nngp: rows(r.nngp), method: r.method, n: r.n1, depth: r.arch.depth, activation: r.arch.activation,
    weightStd: r.arch.weightStd, biasStd: r.arch.biasStd, parametrization: r.arch.parametrization, width: opts.width ?? null,
    backend: r.backend, dtype: r.dtype, wallTimeMs: performance.now() - t0,
  };
}

export interface AnalyzeCollapseOptions {
  /**
   * Archive with `features` [n, d] and `labels` [n]; or, with `model`, inputs `x` [n, d_in] and class
   * ids `y` (or `labels`) [n], whose features are the model's last hidden layer.
   */
  data: ArchiveSource;
  /** Optional model archive whose last layer (W [C, d], b [C]) is the classifier. */
  model?: ArchiveSource;
  /** Hidden activation of `model` when it computes the features (default relu). */
  activation?: ActivationName;
  /**
   * The model archive is a PyTorch state_dict of this architecture (see AnalyzeHessianOptions.arch):
   * its last layer is the classifier and, without `features`, its penultimate representation
   * (`features(…, −1)`, in evaluation mode) on x gives them.
   */
  arch?: ArchitectureSource;
}

/** What `optlab analyze collapse --json` prints (snake-case NC names; nc3/nc4 only with a classifier). */
export interface CollapseReport {
  nc1: number;
  nc2_equinorm: number;
  nc2_equiangular: number;
  nc2_maxangle: number;
  nc2_etf: number;
  nc3?: number;
  nc4?: number;
  nc2_equinorm_classifier?: number;
  classes: number;
  samples: number;
  dim: number;
  classCounts: number[];
  /** Where the features came from: "archive", or the model's last hidden layer on x. */
  features: string;
  method: string;
  backend: string;
  wallTimeMs: number;
}

/** Neural-collapse metrics (Papyan–Han–Donoho) of archived features, with the model's last layer as classifier. */
export function analyzeCollapse(opts: AnalyzeCollapseOptions): CollapseReport {
  const t0 = performance.now();
  let classifier: { W: Tensor; b?: Tensor } | undefined;
  let from: string | undefined;
  const f = archive(opts.data, "features.npz");
  const m = opts.model === undefined ? undefined : archive(opts.model, "model.npz");
  const computed = !("features" in f.arrays) && m !== undefined;
  if (opts.arch !== undefined) {
    if (!m) throw new OptlabError(`arch: applies with a model archive (the state_dict of ${typeof opts.arch === "string" ? opts.arch : formatArchitecture(opts.arch)})`);
    return collapseOfNetwork(f, m, opts.arch, opts.activation, t0);
  }
  if (m) {
    const layers = linearLayersFromNpz(m.arrays, m.file, computed ? inputOf(f) : {});
    const l = layers.length - 1;
    classifier = layers[l];
    from = `${m.file}: ${layerWeightName(m.arrays, m.file, l)} (${classifier.W.shape.join(", ")})`;
  }
  const C = classifier?.W.shape[0];
  const classesFrom = C === undefined ? undefined : `${from} has ${C} rows`;
  let features: Tensor;
  let labels: Int32Array;
  if (computed) {
    // No features in the archive: the model's last hidden layer on x gives them.
    if (!f.arrays.x) {
      throw new OptlabError(`${f.file}: has neither 'features' nor 'x' (the archive has ${Object.keys(f.arrays).map((k) => `'${k}'`).join(", ") || "no arrays"}): ` +
        `give features (n, d) and labels (n,), or x (n, d) and y (n,) for --model to compute the features`);
    }
    const activation = opts.activation ?? "relu";
    const net = mlpFromNpz(m!.arrays, { activation, file: m!.file, ...inputOf(f) });
    const sizes = net.config.sizes as number[];
    if (net.numHidden < 1) throw new OptlabError(`${m!.file}: has a single layer, so there is no hidden layer to take features from (give 'features' in ${f.file})`);
    const x = inputsFromNpz(f.arrays, { inputDim: sizes[0], inputFrom: weightLabel(m!, 0, sizes), file: f.file });
    const labelKey = f.arrays.labels ? "labels" : "y";
    labels = labelsFromNpy(requireArray(f.arrays, labelKey, f.file), `${f.file}: ${labelKey}`, x.shape[0], C, classesFrom);
    features = net.features(net.params, x, -1);
  } else {
    ({ features, labels } = featuresFromNpz(f.arrays, { file: f.file, classes: C, classesFrom }));
    if (classifier && classifier.W.shape[1] !== features.shape[1]) {
      const [r0, c0] = classifier.W.shape;
      const hint = r0 === features.shape[1] ? `; the classifier looks transposed: expected (${c0}, ${r0}) = (classes, features) in PyTorch's nn.Linear layout (out, in), save it transposed (W.T)` : "";
      throw new OptlabError(`${f.file}: features: shape (${features.shape.join(", ")}) has ${features.shape[1]} columns but the classifier ${from} takes ${classifier.W.shape[1]}${hint}`);
    }
  }
  const r = metrics(features, labels, classifier);
  const out: CollapseReport = {
    nc1: r.nc1, nc2_equinorm: r.nc2Equinorm, nc2_equiangular: r.nc2Equiangular, nc2_maxangle: r.nc2MaxAngle, nc2_etf: r.nc2Etf,
    classes: r.classes, samples: r.samples, dim: r.dim, classCounts: r.classCounts, method: r.method, backend: r.backend, wallTimeMs: 0,
    features: computed ? `model: last hidden layer (${opts.activation ?? "relu"})` : "archive",
  };
  if (classifier) {
    out.nc3 = r.nc3 as number;
    out.nc4 = r.nc4 as number;
    out.nc2_equinorm_classifier = r.nc2EquinormClassifier as number;
  }
  out.wallTimeMs = performance.now() - t0;
  return out;
}

/** analyzeCollapse for a state-dict network: classifier = its last layer, features = its penultimate representation. */
function collapseOfNetwork(
  f: { arrays: NpzArrays; file: string }, m: { arrays: NpzArrays; file: string }, arch: ArchitectureSource, activation: ActivationName | undefined, t0: number,
): CollapseReport {
  const loaded = loadModel(m, f, arch, activation);
  const net = loaded.model as Network<Params>;
  const seq = (net.layer as unknown as Sequential).children;
  const last = seq[seq.length - 1].name;
  const head = (net.params as Record<string, { weight?: Tensor; bias?: Tensor }>)[last];
  if (!head?.weight || head.weight.rank !== 2) throw new OptlabError(`${m.file}: ${loaded.arch}: its last layer '${last}' is not a linear classifier`);
  const classifier = head.bias ? { W: head.weight, b: head.bias } : { W: head.weight };
  const C = classifier.W.shape[0];
  const from = `${m.file}: ${last}.weight (${classifier.W.shape.join(", ")})`;
  let features: Tensor;
  let labels: Int32Array;
  const computed = !("features" in f.arrays);
  if (computed) {
    const x = inputsFromNpz(loaded.data, { inputDim: net.inputDim, inputFrom: loaded.inputFrom, file: f.file });
    const labelKey = f.arrays.labels ? "labels" : "y";
    labels = labelsFromNpy(requireArray(f.arrays, labelKey, f.file), `${f.file}: ${labelKey}`, x.shape[0], C, `${from} has ${C} rows`);
    features = noGrad(() => net.features(net.params, x, -1));
  } else {
    ({ features, labels } = featuresFromNpz(f.arrays, { file: f.file, classes: C, classesFrom: `${from} has ${C} rows` }));
  }
  if (features.shape[1] !== classifier.W.shape[1]) {
    throw new OptlabError(`${f.file}: features: shape (${features.shape.join(", ")}) has ${features.shape[1]} columns but the classifier ${from} takes ${classifier.W.shape[1]}`);
  }
  const r = metrics(features, labels, classifier);
  return {
    nc1: r.nc1, nc2_equinorm: r.nc2Equinorm, nc2_equiangular: r.nc2Equiangular, nc2_maxangle: r.nc2MaxAngle, nc2_etf: r.nc2Etf,
    nc3: r.nc3 as number, nc4: r.nc4 as number, nc2_equinorm_classifier: r.nc2EquinormClassifier as number,
    classes: r.classes, samples: r.samples, dim: r.dim, classCounts: r.classCounts, method: r.method, backend: r.backend,
    features: computed ? `${loaded.arch}: input of its last layer '${last}' (evaluation mode)` : "archive",
    wallTimeMs: performance.now() - t0,
  };
}
