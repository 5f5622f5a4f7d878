import { Tensor } from "../../tensor/Tensor";
import { gather, softmax, sigmoid } from "../../tensor/ops";
import { grad, hvp, jvp, vjp } from "../../autodiff/transforms";
import { flatValues, fromFlatValues } from "../../autodiff/ravel";
import type { Params } from "../../autodiff/params";
import type { Dataset } from "../../data/Dataset";
import type { Model } from "../../nn/Model";
import { LOSSES, getLoss, type Loss, type LossName } from "../../nn/losses";
import type { Objective } from "../../objective";
import { toRng, type Rng } from "../../random/Rng";
import { OptlabError } from "../../util/errors";
import type { CurvatureKind, CurvatureOperator } from "./operator";

interface OutputCurvatureOptions {
  curvature: Exclude<CurvatureKind, "hessian">;
  loss?: LossName | Loss;
  indices: number[] | null;
  batch: number | null;
  fisherSamples: number;
  seed: number;
}

/** Which likelihood a named loss is the negative log of (for sampling the true Fisher's labels). */
function likelihoodOf(loss: Loss): "categorical" | "gaussian" | "bernoulli" | null {
  if (loss === LOSSES.ce) return "categorical";
  if (loss === LOSSES.mse) return "gaussian";
  if (loss === LOSSES.logistic) return "bernoulli";
  return null;
}

/**
 * Curvature operators built from the model's output Jacobian J = ∂f(X; θ)/∂θ ([n·C, p]):
 * - GGN = Jᵀ H_out J with H_out = ∂²L/∂f² (block-diagonal over examples), via jvp → output HVP → vjp;
 * - empirical Fisher = (1/n) Σᵢ ∇ℓᵢ∇ℓᵢᵀ = Jᵀ diag(rᵢrᵢᵀ/n) J with rᵢ = ∂ℓᵢ/∂fᵢ at the true labels
 *   (equal to stacking per-example gradients, without n backward passes);
 * - true Fisher = (1/(nS)) Σᵢ Σₛ ∇ℓ(xᵢ, ŷᵢₛ)∇ℓ(xᵢ, ŷᵢₛ)ᵀ with ŷ drawn from the model's predictive
 *   distribution (softmax for ce, N(f, I) for mse, Bernoulli(σ(f)) for logistic), seeded;
 * - residual = H − GGN (the Σᵢ Σ_c ∂ℓ/∂f_c ∇²f_c part, zero for models linear in θ).
 * No p×p or Jacobian matrix is ever formed.
 */
export function outputCurvatureOperator(where: string, model: Model, data: Dataset, objective: Objective, o: OutputCurvatureOptions): CurvatureOperator {
  const loss = getLoss(o.loss ?? (data.task === "classification" ? "ce" : "mse"));
  const idx = o.indices;
  const x = idx ? gather(data.x, idx) : data.x;
  const labels = data.labels;
  const y: Tensor | Int32Array = labels ? (idx ? Int32Array.from(idx, (i) => labels[i]) : labels) : idx ? gather(data.y, idx) : data.y;
  const params = model.params as Params;
  const forward = (p: Params) => model.apply(p, x);
  const { out, vjp: pullback } = vjp(forward, params);
  const outputs = out.detach();
  const n = outputs.shape[0];
  const lossOf = (target: Tensor | Int32Array) => (f: Tensor) => loss(f, target);
  const dtype = objective.dtype;
  const flat = (t: Params) => flatValues(t, "f64") as Float64Array;
  const toTree = (v: Float64Array) => fromFlatValues(dtype === "f64" ? v : Float32Array.from(v), params);

  // Per-example output gradients rᵢ (rows of R, [n, C]): n·∂L/∂f for a mean-reduced loss.
  const outputGradients = (target: Tensor | Int32Array): Float64Array => {
    const g = grad(lossOf(target))(outputs) as Tensor;
    return Float64Array.from(g.data, (v) => v * n);
  };
  let Rs: Float64Array[] = [];
  let sampledTargets: (Int32Array | Float64Array)[] | undefined;
  if (o.curvature === "empiricalFisher") Rs = [outputGradients(y)];
  if (o.curvature === "fisher") {
    const kind = likelihoodOf(loss);
    if (!kind) throw new OptlabError(`${where}: curvature: "fisher" needs a likelihood loss ("ce", "mse" or "logistic") to sample labels from; got a custom loss (use "empiricalFisher" or "ggn")`);
    const rng = toRng(o.seed).fork().fork(); // distinct from the batch stream
    sampledTargets = [];
    for (let s = 0; s < o.fisherSamples; s++) {
      const t = sampleTargets(kind, outputs, rng);
      sampledTargets.push(t instanceof Tensor ? (t.data as Float64Array) : t);
      Rs.push(outputGradients(t));
    }
  }
  const C = outputs.size / n;

  const jv = (v: Float64Array): Tensor => jvp(forward, params, toTree(v)).tangent;
  const jtu = (u: Tensor): Float64Array => flat(pullback(u));
  const op: CurvatureOperator = {
    p: objective.p,
    curvature: o.curvature,
    blocks: objective.blocks,
    dtype,
    n: objective.p,
    examples: n,
    batch: o.batch,
    indices: o.indices,
    count: 0,
    objective,
    sampledTargets,
    apply(v) {
      if (!(v instanceof Float64Array) || v.length !== objective.p) throw new OptlabError(`v: expected a Float64Array of length ${objective.p}, got ${v instanceof Float64Array ? `length ${v.length}` : typeof v}`);
      op.count++;
      if (o.curvature === "ggn" || o.curvature === "residual") {
        const u = jv(v);
        const hu = hvp(lossOf(y), outputs, u) as Tensor;
        const g = jtu(hu);
        if (o.curvature === "ggn") return g;
        const h = objective.hvp(undefined, v);
        for (let i = 0; i < h.length; i++) h[i] -= g[i];
        return h;
      }
      // Fisher forms: Jᵀ [ (1/(nS)) Σₛ rᵢₛ (rᵢₛ · (Jv)ᵢ) ] per example i.
      const u = jv(v).data;
      const w = new Float64Array(n * C);
      const scale = 1 / (n * Rs.length);
      for (const R of Rs) {
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let c = 0; c < C; c++) s += R[i * C + c] * u[i * C + c];
          s *= scale;
          for (let c = 0; c < C; c++) w[i * C + c] += s * R[i * C + c];
        }
      }
      return jtu(new Tensor(dtype === "f64" ? w : Float32Array.from(w), outputs.shape));
    },
  };
  return op;
}

/** Targets drawn from the model's predictive distribution at `outputs` [n, C]. */
function sampleTargets(kind: "categorical" | "gaussian" | "bernoulli", outputs: Tensor, rng: Rng): Tensor | Int32Array {
  const n = outputs.shape[0];
  const C = outputs.size / n;
  if (kind === "categorical") {
    const P = softmax(outputs, -1).data;
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let u = rng.uniform();
      let c = 0;
      for (; c < C - 1; c++) {
        u -= P[i * C + c];
        if (u < 0) break;
      }
      labels[i] = c;
    }
    return labels;
  }
  if (kind === "bernoulli") {
    const P = sigmoid(outputs).data;
    return Int32Array.from({ length: n }, (_, i) => (rng.uniform() < P[i] ? 1 : 0));
  }
  // ŷ = f + ε, ε ~ N(0, I): the unit-variance Gaussian whose negative log-likelihood is ½‖f − y‖².
  const f = outputs.data;
  const out = new Float64Array(n * C);
  for (let i = 0; i < n * C; i++) out[i] = f[i] + rng.normal();
  return new Tensor(outputs.dtype === "f64" ? out : Float32Array.from(out), outputs.rank === 1 ? [n, 1] : outputs.shape);
}
