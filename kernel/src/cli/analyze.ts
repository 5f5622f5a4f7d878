/**
 * `optlab analyze hessian|ntk|collapse`: Hessian spectra, NTKs and neural-collapse metrics of a
 * PyTorch-layout MLP and data stored as NumPy .npz archives. Parsing, help and printing live here;
 * every number comes from @optlab/core (`io.analyzeHessian`, `io.analyzeNtk`, …), loaded at run
 * time so the kernel builds without core's type declarations.
 */

export const ANALYZE_USAGE = `usage:
  optlab analyze hessian  --model M.npz --data D.npz [--arch NAME[:k=v,…] | --activation A] [--loss ce|mse] [--top K]
                          [--method lanczos|power|dense] [--trace-method auto|exact|hutchinson|hutch++]
                          [--probes N] [--exact-trace-max P] [--seed S] [--json]
  optlab analyze ntk      --model M.npz --data D.npz [--arch NAME[:k=v,…] | --activation A] [--ntk-method auto|structured|jacobian] [--matrix] [--json]
  optlab analyze ntk      --infinite --data D.npz --depth L --activation relu|erf|identity
                          [--w-std s] [--b-std s] [--parametrization ntk|standard] [--width N] [--matrix] [--json]
  optlab analyze collapse --data F.npz [--model M.npz [--arch NAME[:k=v,…] | --activation A]] [--json]`;

export const ANALYZE_HELP = `${ANALYZE_USAGE}

Archives (NumPy .npz, as np.savez / np.savez_compressed write them; float32 or float64):
  model  W0, b0, W1, b1, …  an MLP in PyTorch nn.Linear layout: W_l is (out, in), b_l is (out,),
                            y = x W_lᵀ + b_l; the activation acts between layers, none after the
                            last. Biases are optional, but for every layer or none.
         or a PyTorch state_dict of nn.Linear layers saved as is:
           np.savez("m.npz", **{k: v.numpy() for k, v in net.state_dict().items()})
           0.weight, 0.bias, 2.weight, … (nn.Sequential) or fc1.weight, fc1.bias, … are
           read in network order (by the trailing layer number, else archive order).
         A W saved as (in, out) — optlab's nn.mlp, JAX, a stray .T — is reported as
         transposed, with the shape expected. io.saveNpz(path, model) writes this layout.
         or, with --arch, a PyTorch state_dict of one of optlab's networks (its parameters and
         batch-norm buffers, saved as is, num_batches_tracked optional):
           lenet5     nn.lenet5            options channels, size=28|32, classes, activation=relu|tanh, pooling=max|avg
           resnet     nn.resnetCifar       options blocks (n: depth 6n+2), width, channels, size, classes
                      (resnet8, resnet20, resnet32 = resnet:blocks=1, 3, 5)
           vit        nn.vitTiny           options patch, dim, depth, heads, channels, size, classes
           grokking   nn.grokkingTransformer  options p, dim, depth, heads, layerNorm=true|false
         e.g. --arch resnet:blocks=1,width=4. Keys are the module names of the matching torch
         model (conv1.weight, layer1.0.bn1.running_mean, fc.bias, …; optlab's parameter path
         layer1[0].conv1.weight is the key layer1.0.conv1.weight) in PyTorch layouts: conv weight
         (out, in, kh, kw), linear weight (out, in), attention in_proj_weight (3D, D); vit and
         grokking name their modules as optlab does (blocks.block0.attn.block.attn.in_proj_weight, …;
         io.stateDictKeys(io.parseArchitecture("vit")) lists them). Missing and
         unexpected keys (with the nearest name), wrong shapes (transposed, axes in another order,
         another layer size) and non-finite values are reported by key. The network is analysed in
         evaluation mode: batch norm uses the running statistics, as after model.eval().
  data   x  (n, d)          inputs (d = W0's in); with --arch (n, C, H, W) images, (n, T) token
                            ids, or the same flattened to (n, C·H·W)
         y  (n,)            integer class ids in [0, k) for --loss ce (k = last W's out), or
            (n, k)          float targets for --loss mse ((n,) when k = 1); ntk does not use y
  feats  features (n, d), labels (n,)    for collapse; or x (n, d_in), y (n,) with --model,
         whose last hidden layer then computes the features

Activations: relu (default), tanh, erf, gelu (exact, erf form as torch.nn.GELU), identity
  (also sigmoid, softplus, square); --infinite takes relu, erf, identity.

hessian  The Hessian of the mean loss over the n samples in all W and b (float64, exact
  Hessian–vector products): the --top K (default 5) largest eigenvalues, descending, by Lanczos
  with full reorthogonalization (hessian.topEigen; converged when the Ritz residual ≤ 1e-6·‖H‖),
  PyHessian's power iteration (--method power), or the dense eigendecomposition (--method dense).
  The trace: --trace-method auto (default) is exact when p ≤ --exact-trace-max (default 2000)
  — the sum of eᵢᵀHeᵢ over the p unit vectors, p HVPs — and otherwise Hutchinson's estimator with
  --probes Rademacher probes (default 100), reported with its standard error; hutch++ on request.
  Losses: ce = mean softmax cross-entropy; mse = mean over samples of ½‖f(x) − y‖² (summed over
  outputs). --seed (default 0) fixes the Lanczos start vector and the probes.
  --json: {"eigenvalues": [...], "trace", "traceMethod", "traceStdError", "traceProbes",
  "method", "hvps", "eigenHvps", "traceHvps", "residuals", "converged", "tolerance", "k", "p",
  "n", "loss", "activation", "sizes", "seed", "backend", "dtype", "wallTimeMs"}.

ntk  The empirical NTK Θ(x, x') = Σ_outputs Σ_θ ∂f(x)/∂θ ∂f(x')/∂θ, n×n (ntk.empirical).
  Prints its n eigenvalues, descending (float64 Householder + QL); --matrix also prints Θ.
  --json: {"kernel": [[...]], "eigenvalues": [...], "method", "n", "outputs", "numParams", "sizes", ...}.
  --infinite: the analytic infinite-width NTK and NNGP of L hidden layers in neural-tangents'
  stax.Dense(W_std, b_std) conventions (ntk.infinite; default NTK parametrization, --w-std 1,
  --b-std 0; --parametrization standard needs --width). --depth defaults to the hidden layers of
  --model when one is given. Prints the eigenvalues of Θ and K (--matrix: the matrices too).
  --json: {"kernel": Θ, "nngp": K, "depth", ...}.

collapse  Neural-collapse metrics (Papyan, Han & Donoho; collapse.metrics): nc1 = tr(Σ_W Σ_B⁺)/C,
  nc2_equinorm, nc2_equiangular, nc2_maxangle, nc2_etf, and with --model (its last layer W (C, d),
  b (C,) is the classifier) nc3 and nc4. Without a 'features' array, --model computes them: its
  last hidden layer (--activation, default relu) on the archive's x, with y as labels. With
  --arch the network's last layer (fc3, fc, head, unembed) is the classifier and the features
  are its input (evaluation mode).
  --json prints them as one object.

Errors (missing arrays, shapes that do not chain, x or features that do not fit the model,
non-finite values, labels out of range, malformed files) print a message naming the array and
its shape and exit with code 2.`;

/** A command-line mistake (exit 2 with the usage). */
class AnalyzeUsageError extends Error {}

type Report = Record<string, unknown>;

interface CoreModule {
  OptlabError: new (message: string) => Error;
  io: {
    analyzeHessian(opts: Record<string, unknown>): Promise<Report>;
    analyzeNtk(opts: Record<string, unknown>): Report;
    analyzeInfiniteNtk(opts: Record<string, unknown>): Report;
    analyzeCollapse(opts: Record<string, unknown>): Report;
    loadNpz(path: string): Record<string, { shape: number[] }>;
  };
  linalg: { symEigQL(a: ArrayLike<number>, n: number, opts: { vectors: boolean }): { values: Float64Array } };
}

function loadCore(): CoreModule {
  // Resolved at run time from the workspace (node_modules/@optlab/core → src/dist).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@optlab/core") as CoreModule;
}

const SPECS: Record<string, { values: string[]; flags: string[]; required: string[] }> = {
  hessian: {
    values: ["model", "data", "arch", "activation", "loss", "top", "method", "trace-method", "probes", "exact-trace-max", "seed"],
    flags: ["json"],
    required: ["model", "data"],
  },
  ntk: {
    values: ["model", "data", "arch", "activation", "ntk-method", "depth", "w-std", "b-std", "parametrization", "width"],
    flags: ["json", "infinite", "matrix"],
    required: ["data"],
  },
  collapse: { values: ["data", "model", "arch", "activation"], flags: ["json"], required: ["data"] },
};

interface Parsed {
  values: Map<string, string>;
  flags: Set<string>;
}

function parseArgs(sub: string, args: string[]): Parsed {
  const spec = SPECS[sub];
  const out: Parsed = { values: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) throw new AnalyzeUsageError(`unexpected argument ${JSON.stringify(a)}`);
    const eq = a.indexOf("=");
    const key = a.slice(2, eq < 0 ? undefined : eq);
    if (spec.flags.includes(key)) {
      if (eq >= 0) throw new AnalyzeUsageError(`--${key} takes no value`);
      out.flags.add(key);
    } else if (spec.values.includes(key)) {
      const v: string | undefined = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined || (eq < 0 && v.startsWith("--"))) throw new AnalyzeUsageError(`--${key} expects a value`);
      if (out.values.has(key)) throw new AnalyzeUsageError(`--${key} given twice`);
      out.values.set(key, v);
    } else {
      throw new AnalyzeUsageError(`unknown option ${JSON.stringify(a)} for "analyze ${sub}" (expected ${[...spec.values, ...spec.flags].map((k) => `--${k}`).join(", ")})`);
    }
  }
  for (const r of spec.required) if (!out.values.has(r)) throw new AnalyzeUsageError(`"analyze ${sub}" needs --${r}`);
  return out;
}

function integer(p: Parsed, key: string): number | undefined {
  const v = p.values.get(key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new AnalyzeUsageError(`--${key} expects a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

function real(p: Parsed, key: string): number | undefined {
  const v = p.values.get(key);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x)) throw new AnalyzeUsageError(`--${key} expects a finite number, got ${JSON.stringify(v)}`);
  return x;
}

function oneOf(p: Parsed, key: string, allowed: string[]): string | undefined {
  const v = p.values.get(key);
  if (v !== undefined && !allowed.includes(v)) throw new AnalyzeUsageError(`--${key} expects one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
  return v;
}

const num = (x: unknown, digits = 10) => (typeof x === "number" ? (Number.isInteger(x) && Math.abs(x) < 1e15 ? String(x) : x.toPrecision(digits)) : String(x));

function printHessian(r: Report): void {
  const ev = r.eigenvalues as number[];
  const converged = r.converged as boolean[];
  console.log(`Hessian of the mean ${r.loss} loss: ${r.model}, p = ${r.p} parameters, n = ${r.n} samples`);
  const conv = converged.every(Boolean) ? "all converged" : `${converged.filter((c) => !c).length} not converged`;
  console.log(`top ${ev.length} eigenvalues (${r.method}, ${r.eigenHvps} HVPs, ${conv}):`);
  ev.forEach((v, i) => console.log(`  λ${i + 1} = ${num(v)}${converged[i] ? "" : "  (not converged)"}`));
  if (r.traceMethod === "exact") console.log(`trace = ${num(r.trace)} (exact: Σ eᵢᵀHeᵢ over the p unit vectors, ${r.traceHvps} HVPs)`);
  else console.log(`trace = ${num(r.trace)} ± ${num(r.traceStdError, 3)} (${r.traceMethod}, ${r.traceProbes} Rademacher probes, ± one standard error)`);
}

function printMatrix(title: string, m: number[][]): void {
  console.log(title);
  for (const row of m) console.log("  " + row.map((v) => v.toPrecision(6).padStart(13)).join(" "));
}

/** Eigenvalues, descending, six to a line. */
function printEigenvalues(title: string, ev: number[]): void {
  console.log(`${title} (${ev.length}, descending):`);
  for (let i = 0; i < ev.length; i += 6) console.log("  " + ev.slice(i, i + 6).map((v) => v.toPrecision(8).padStart(15)).join(" "));
}

function symmetricEigenvalues(core: CoreModule, m: number[][]): number[] {
  const n = m.length;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 0.5 * (m[i][j] + m[j][i]);
  return Array.from(core.linalg.symEigQL(a, n, { vectors: false }).values).reverse();
}

function printCollapse(r: Report): void {
  console.log(`Neural collapse (${r.method}): C = ${r.classes} classes, N = ${r.samples} samples, d = ${r.dim}; features from ${r.features}`);
  for (const k of ["nc1", "nc2_equinorm", "nc2_equiangular", "nc2_maxangle", "nc2_etf", "nc3", "nc4"]) {
    if (k in r) console.log(`  ${k.padEnd(16)} ${num(r[k], 6)}`);
  }
}

async function run(sub: string, p: Parsed, core: CoreModule): Promise<void> {
  const json = p.flags.has("json");
  if (p.values.has("arch") && p.values.has("activation")) {
    throw new AnalyzeUsageError(`--activation applies to MLP archives; with --arch the architecture fixes its activations (an option where it has one, e.g. --arch lenet5:activation=tanh)`);
  }
  const v = (k: string) => p.values.get(k);
  if (sub === "hessian") {
    const r = await core.io.analyzeHessian({
      model: v("model"), data: v("data"), arch: v("arch"), activation: v("activation"),
      loss: oneOf(p, "loss", ["ce", "mse"]), top: integer(p, "top"),
      method: oneOf(p, "method", ["lanczos", "power", "dense"]),
      traceMethod: oneOf(p, "trace-method", ["auto", "exact", "hutchinson", "hutch++"]),
      probes: integer(p, "probes"), exactTraceMax: integer(p, "exact-trace-max"), seed: integer(p, "seed"),
    });
    if (json) console.log(JSON.stringify(r));
    else printHessian(r);
    return;
  }
  if (sub === "ntk") {
    if (p.flags.has("infinite")) {
      if (p.values.has("ntk-method")) throw new AnalyzeUsageError("--ntk-method applies to the empirical NTK, not --infinite");
      if (p.values.has("arch")) throw new AnalyzeUsageError("--arch applies to the empirical NTK of a state-dict archive, not --infinite");
      let depth = integer(p, "depth");
      if (depth === undefined && v("model") !== undefined) {
        const arrays = core.io.loadNpz(v("model")!);
        depth = 0;
        while (arrays[`W${depth + 1}`]) depth++;
      }
      if (depth === undefined) throw new AnalyzeUsageError("--infinite needs --depth L (hidden layers) or --model");
      const r = core.io.analyzeInfiniteNtk({
        data: v("data"), depth, activation: v("activation") ?? "relu",
        weightStd: real(p, "w-std"), biasStd: real(p, "b-std"),
        parametrization: oneOf(p, "parametrization", ["ntk", "standard"]), width: integer(p, "width"),
      });
      if (json) console.log(JSON.stringify(r));
      else {
        console.log(`Infinite-width kernels: depth ${r.depth}, ${r.activation}, W_std ${r.weightStd}, b_std ${r.biasStd}, ${r.parametrization} parametrization, n = ${r.n}`);
        printEigenvalues("NTK Θ(x, x) eigenvalues", symmetricEigenvalues(core, r.kernel as number[][]));
        printEigenvalues("NNGP K(x, x) eigenvalues", symmetricEigenvalues(core, r.nngp as number[][]));
        if (p.flags.has("matrix")) {
          printMatrix("NTK Θ(x, x):", r.kernel as number[][]);
          printMatrix("NNGP K(x, x):", r.nngp as number[][]);
        }
      }
      return;
    }
    for (const k of ["depth", "w-std", "b-std", "parametrization", "width"]) {
      if (p.values.has(k)) throw new AnalyzeUsageError(`--${k} applies to --infinite`);
    }
    if (!v("model")) throw new AnalyzeUsageError(`"analyze ntk" needs --model (or --infinite)`);
    const r = core.io.analyzeNtk({
      model: v("model"), data: v("data"), arch: v("arch"), activation: v("activation"),
      method: oneOf(p, "ntk-method", ["auto", "structured", "jacobian"]),
    });
    if (json) console.log(JSON.stringify(r));
    else {
      console.log(`Empirical NTK Θ(x, x) summed over ${r.outputs} outputs (${r.method}; p = ${r.numParams}, n = ${r.n})`);
      printEigenvalues("eigenvalues", r.eigenvalues as number[]);
      if (p.flags.has("matrix")) printMatrix("Θ(x, x):", r.kernel as number[][]);
    }
    return;
  }
  if (v("activation") !== undefined && v("model") === undefined) throw new AnalyzeUsageError("--activation applies with --model (which computes the features)");
  if (v("arch") !== undefined && v("model") === undefined) throw new AnalyzeUsageError("--arch applies with --model (the state_dict of that architecture)");
  const r = core.io.analyzeCollapse({ data: v("data"), model: v("model"), arch: v("arch"), activation: v("activation") });
  if (json) console.log(JSON.stringify(r));
  else printCollapse(r);
}

/** Runs `optlab analyze …` (args after "analyze"); returns the exit code. */
export async function analyze(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "-h" || sub === "--help" || sub === "help") {
    console.log(ANALYZE_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (!(sub in SPECS)) {
    console.error(`optlab analyze: unknown analysis ${JSON.stringify(sub)} (expected hessian, ntk or collapse)\n${ANALYZE_USAGE}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(ANALYZE_HELP);
    return 0;
  }
  let core: CoreModule;
  try {
    core = loadCore();
  } catch (e) {
    console.error(`optlab analyze: cannot load @optlab/core (build it with \`npm run build\`): ${(e as Error).message}`);
    return 1;
  }
  try {
    await run(sub, parseArgs(sub, rest), core);
    return 0;
  } catch (e) {
    if (e instanceof AnalyzeUsageError) {
      console.error(`optlab analyze ${sub}: ${e.message}\n${ANALYZE_USAGE}`);
      return 2;
    }
    if (e instanceof core.OptlabError) {
      console.error(`optlab analyze ${sub}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
