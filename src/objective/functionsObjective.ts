import { Tensor } from "../tensor/Tensor";
import { OptlabError, check } from "../util/errors";
import { linearOperator } from "../linalg/LinearOperator";
import type { ParamBlock } from "../autodiff/ravel";
import { checkFiniteBlocks } from "./finite";
import type { Batch, Linearization, Objective } from "./Objective";

/** Plain number functions of θ ∈ ℝᵖ (e.g. a closed-form test function). */
export interface ObjectiveFunctions {
  /** Number of parameters p. */
  p: number;
  value(theta: Float64Array): number;
  /** ∇f(θ); needed by gradient-based methods (checked when called). */
  gradient?(theta: Float64Array): ArrayLike<number>;
  /** H(θ)·v; or give `hessian`. */
  hvp?(theta: Float64Array, v: Float64Array): ArrayLike<number>;
  /** Dense H(θ), row-major p×p; multiplied here when `hvp` is absent. */
  hessian?(theta: Float64Array): ArrayLike<number>;
  /** The centre θ₀ (default zeros). */
  theta0?: ArrayLike<number>;
}

/** An Objective from plain number functions of a flat vector (no autodiff, no parameter tree). */
export function functionsObjective(fns: ObjectiveFunctions): Objective<Tensor> {
  const where = "functionsObjective";
  check(fns !== null && typeof fns === "object" && typeof fns.value === "function", `${where}: fns`, "expected { p, value, gradient?, hvp?, hessian?, theta0? }");
  const p = fns.p;
  check(Number.isInteger(p) && p >= 1, `${where}: p`, `expected an integer >= 1, got ${String(p)}`);
  const theta0 = fns.theta0 === undefined ? new Float64Array(p) : Float64Array.from(fns.theta0);
  check(theta0.length === p, `${where}: theta0`, `expected length ${p}, got ${theta0.length}`);
  const blocks: ParamBlock[] = [{ path: "theta", offset: 0, size: p, shape: [p] }];
  const at = (theta: Float64Array | undefined, batch: Batch | undefined): Float64Array => {
    if (batch !== undefined) throw new OptlabError(`${where}: batch: a plain-function objective has no data rows`);
    if (theta === undefined) return theta0;
    if (!(theta instanceof Float64Array) || theta.length !== p) throw new OptlabError(`${where}: theta: expected a Float64Array of length ${p}`);
    return theta;
  };
  const gradient = (theta: Float64Array): Float64Array => {
    if (!fns.gradient) throw new OptlabError(`${where}: gradient: this objective has no gradient (give functionsObjective a gradient function)`);
    const g = Float64Array.from(fns.gradient(theta));
    if (g.length !== p) throw new OptlabError(`${where}: gradient returned length ${g.length}, expected ${p}`);
    return g;
  };
  const product = (theta: Float64Array): ((v: Float64Array) => Float64Array) => {
    if (fns.hvp) {
      const h = fns.hvp;
      return (v) => Float64Array.from(h(theta, v));
    }
    if (fns.hessian) {
      const H = Float64Array.from(fns.hessian(theta));
      if (H.length !== p * p) throw new OptlabError(`${where}: hessian returned ${H.length} entries, expected ${p}×${p}`);
      return (v) => {
        const out = new Float64Array(p);
        for (let i = 0; i < p; i++) {
          let s = 0;
          for (let j = 0; j < p; j++) s += H[i * p + j] * v[j];
          out[i] = s;
        }
        return out;
      };
    }
    throw new OptlabError(`${where}: hvp: this objective has no Hessian (give functionsObjective an hvp or hessian function)`);
  };
  let hvps = 0;
  const linearize = (theta?: Float64Array, batch?: Batch): Linearization => {
    const x = at(theta, batch);
    checkFiniteBlocks(x, blocks, `${where}: theta`);
    const g = gradient(x);
    const mv = product(x);
    const op = linearOperator(p, (v) => {
      if (!(v instanceof Float64Array) || v.length !== p) throw new OptlabError(`${where}: hvp: v: expected a Float64Array of length ${p}`);
      hvps++;
      const hv = mv(v);
      checkFiniteBlocks(hv, blocks, `${where}: Hessian–vector product`);
      return hv;
    });
    return { theta: Float64Array.from(x), value: fns.value(x), grad: g, hvp: op };
  };
  const obj: Objective<Tensor> = {
    p,
    blocks,
    dtype: "f64",
    params: new Tensor(Float64Array.from(theta0), [p]),
    n: null,
    hasHvp: !!(fns.hvp || fns.hessian),
    get hvps() {
      return hvps;
    },
    center: () => Float64Array.from(theta0),
    unravel: (theta) => new Tensor(Float64Array.from(at(theta, undefined)), [p]),
    value: (theta, batch) => fns.value(at(theta, batch)),
    grad: (theta, batch) => gradient(at(theta, batch)),
    valueAndGrad: (theta, batch) => {
      const x = at(theta, batch);
      return { value: fns.value(x), grad: gradient(x) };
    },
    hvp: (theta, v, batch) => {
      hvps++;
      return Float64Array.from(product(at(theta, batch))(v));
    },
    linearize,
  };
  return obj;
}
