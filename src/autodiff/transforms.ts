import { Tensor } from "../tensor/Tensor";
import { allocate } from "../tensor/dtype";
import { shapeStr, sameShape } from "../tensor/shape";
import { enableGrad, isGradEnabled } from "./graph";
import { backward } from "./backward";
import { leaves, withLeaves, type Params } from "./params";
import { OptlabError } from "../util/errors";
import { add, mul } from "../tensor/ops/binary";
import { sum } from "../tensor/ops/reduce";
import { concat, reshape, stack } from "../tensor/ops/shape";

/** How many differentiations are currently evaluating their function (for grad-of-grad). */
let depth = 0;

/** A fresh differentiable stand-in for `t`: a leaf, or (when t is itself tracked) an identity node. */
function track(t: Tensor): Tensor {
  if (!t.requiresGrad) return t.requireGrad();
  const y = new Tensor(t.data, t.shape, t.backend);
  // Recorded unconditionally: the outer differentiation must see through it.
  y.node = { op: "identity", inputs: [t], vjp: (g) => [g] };
  return y;
}

function zerosLike(t: Tensor): Tensor {
  return new Tensor(allocate(t.dtype, t.size), t.shape);
}

function onesLike(t: Tensor): Tensor {
  return new Tensor(allocate(t.dtype, t.size).fill(1), t.shape);
}

/** Evaluate f on tracked copies of the leaves; decides whether the backward pass must be recorded. */
function trace<P extends Params>(f: (p: P) => Tensor | Params, params: P, extra: readonly Tensor[] = []) {
  const ls = leaves(params);
  const outer = isGradEnabled() && (depth > 0 || ls.some((t) => t.requiresGrad) || extra.some((t) => t.requiresGrad));
  const xs = ls.map(track);
  depth++;
  let out: Tensor | Params;
  try {
    out = enableGrad(() => f(withLeaves(params, xs)));
  } finally {
    depth--;
  }
  return { ls, xs, out, createGraph: outer };
}

function asScalar(y: unknown, where: string): Tensor {
  if (!(y instanceof Tensor)) throw new OptlabError(`${where}: the function must return a Tensor, got ${typeof y}`);
  if (y.size !== 1) throw new OptlabError(`${where}: the function must return a scalar (one element), got shape ${shapeStr(y.shape)}`);
  return y;
}

function fillNull(gs: (Tensor | null)[], like: Tensor[]): Tensor[] {
  return gs.map((g, i) => g ?? zerosLike(like[i]));
}

/**
 * ∇f: a function returning the gradient of scalar-valued `f` at `params`, with the same structure.
 * Inside another differentiation the gradient is itself differentiable (grad of grad).
 */
export function grad<P extends Params>(f: (params: P) => Tensor): (params: P) => P {
  return (params) => valueAndGrad(f)(params).grad;
}

/** Value and gradient of scalar-valued `f` in one forward and one backward pass. */
export function valueAndGrad<P extends Params>(f: (params: P) => Tensor): (params: P) => { value: Tensor; grad: P } {
  return (params) => {
    const { ls, xs, out, createGraph } = trace(f, params);
    const y = asScalar(out, "grad");
    const gs = backward([y], [onesLike(y)], xs, createGraph);
    return { value: createGraph ? y : y.detach(), grad: withLeaves(params, fillNull(gs, ls)) };
  };
}

/**
 * Reverse mode: f's output at `primals` and its vector–Jacobian product u ↦ uᵀ·J (same structure
 * as `primals`). The pullback may be called many times.
 */
export function vjp<P extends Params>(f: (p: P) => Tensor, primals: P): { out: Tensor; vjp: (cotangent: Tensor) => P } {
  const { ls, xs, out } = trace(f, primals);
  if (!(out instanceof Tensor)) throw new OptlabError("vjp: the function must return a Tensor");
  return {
    out,
    vjp: (u: Tensor) => {
      if (!(u instanceof Tensor) || !sameShape(u.shape, out.shape)) {
        throw new OptlabError(`vjp: cotangent: expected shape ${shapeStr(out.shape)}, got ${u instanceof Tensor ? shapeStr(u.shape) : typeof u}`);
      }
      const create = isGradEnabled() && (depth > 0 || u.requiresGrad || ls.some((t) => t.requiresGrad));
      return withLeaves(primals, fillNull(backward([out], [u], xs, create), ls));
    },
  };
}

function checkLike(tangents: Params, like: Tensor[], argument: string): Tensor[] {
  const ts = leaves(tangents);
  if (ts.length !== like.length) throw new OptlabError(`${argument}: expected ${like.length} tensors, got ${ts.length}`);
  ts.forEach((t, i) => {
    if (!sameShape(t.shape, like[i].shape)) {
      throw new OptlabError(`${argument}: leaf ${i} has shape ${shapeStr(t.shape)}, expected ${shapeStr(like[i].shape)}`);
    }
  });
  return ts;
}

/**
 * Forward mode: f's output and the Jacobian–vector product J·t, computed as the derivative of the
 * (linear) pullback u ↦ uᵀJ in u — two reverse sweeps, exact for every op.
 */
export function jvp<P extends Params>(f: (p: P) => Tensor, primals: P, tangents: P): { out: Tensor; tangent: Tensor } {
  const { ls, xs, out, createGraph } = trace(f, primals);
  if (!(out instanceof Tensor)) throw new OptlabError("jvp: the function must return a Tensor");
  const ts = checkLike(tangents, ls, "jvp: tangents");
  const u = zerosLike(out).requireGrad();
  const gs = backward([out], [u], xs, true);
  let s: Tensor | null = null;
  gs.forEach((g, i) => {
    if (!g) return;
    const term = sum(mul(g, ts[i]));
    s = s ? add(s, term) : term;
  });
  if (s === null) return { out: out.detach(), tangent: zerosLike(out) };
  const [jt] = backward([s], [onesLike(s)], [u], createGraph);
  return { out: createGraph ? out : out.detach(), tangent: jt ?? zerosLike(out) };
}

/**
 * Exact Hessian–vector product H·v of scalar `f` at `params` by differentiating the backward pass:
 * ∇_θ ⟨∇f(θ), v⟩. `v` has the structure of `params`; so does the result.
 */
export function hvp<P extends Params>(f: (p: P) => Tensor, params: P, v: P): P {
  const vs = checkLike(v, leaves(params), "hvp: v");
  return grad((p: P) => {
    const g = leaves(grad(f)(p));
    let s: Tensor | null = null;
    g.forEach((gi, i) => {
      const term = sum(mul(gi, vs[i]));
      s = s ? add(s, term) : term;
    });
    return s ?? zerosLike(leaves(p)[0]).detach();
  })(params);
}

export interface JacobianOptions {
  /** Output indices (flat) whose rows to compute; default all. */
  rows?: ArrayLike<number>;
}

/**
 * The Jacobian transform (curried, like `grad`): `jacobian(f)(params)` is the matrix ∂f/∂θ of
 * shape [rows, p], row i = ∂f_i/∂θ over the flattened output, columns in `ravel(params)` order
 * (for a single Tensor argument, its row-major order). One reverse sweep per requested output row
 * over a single recorded forward pass; differentiable when called inside another differentiation.
 */
export function jacobian<P extends Params>(f: (params: P) => Tensor, opts: JacobianOptions = {}): (params: P) => Tensor {
  return (params) => {
    const { ls, xs, out, createGraph } = trace(f, params);
    if (!(out instanceof Tensor)) throw new OptlabError("jacobian: the function must return a Tensor");
    const p = ls.reduce((s, t) => s + t.size, 0);
    const rows = opts.rows ?? Array.from({ length: out.size }, (_, i) => i);
    const result: Tensor[] = [];
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r];
      if (!Number.isInteger(i) || i < 0 || i >= out.size) throw new OptlabError(`jacobian: rows: index ${i} at position ${r} is out of range [0, ${out.size})`);
      const e = zerosLike(out);
      e.data[i] = 1;
      const gs = fillNull(backward([out], [e], xs, createGraph), ls).map((g) => reshape(g, [-1]));
      result.push(gs.length === 1 ? gs[0] : concat(gs, 0));
    }
    if (result.length === 0) return new Tensor(allocate(ls[0].dtype, 0), [0, p]);
    return stack(result, 0);
  };
}

/**
 * The Hessian transform (curried): `hessian(f)(params)` is the dense p×p matrix ∇²f in
 * `ravel(params)` order — the Jacobian of the gradient. For large p prefer `linearize` (HVPs) or
 * the `hessian.*` analyses; this forms every column.
 */
export function hessian<P extends Params>(f: (params: P) => Tensor): (params: P) => Tensor {
  return (params) => {
    const g = grad(f);
    const flatGrad = (q: P) => {
      const gl = leaves(g(q)).map((t) => reshape(t, [-1]));
      return gl.length === 1 ? gl[0] : concat(gl, 0);
    };
    return jacobian(flatGrad)(params);
  };
}
