import type { Tensor } from "../tensor/Tensor";
import { valueAndGrad } from "../autodiff/transforms";
import { linearize as linearizeTree } from "../autodiff/linearize";
import { ravel, type ParamBlock } from "../autodiff/ravel";
import { noGrad } from "../autodiff/graph";
import type { Params } from "../autodiff/params";
import { OptlabError } from "../util/errors";
import type { LinearOperator } from "../linalg/LinearOperator";
import { checkFiniteBlocks } from "./finite";
import type { Batch, Linearization, Objective } from "./Objective";

/** What a tree objective is made of: the centre and a loss of (tree, rows). */
export interface TreeObjectiveSpec<P extends Params> {
  /** θ₀ as a tree. */
  params: P;
  /** The loss at a tree, on `rows` of the data when given (null: the default rows). */
  evaluate(tree: P, rows: Int32Array | null): Tensor;
  /** Rows the default loss averages over (null: not a data objective). */
  n: number | null;
  /** Number of data rows a batch may index (null: batches are refused). */
  rows: number | null;
  /** Name used in error messages. */
  where: string;
}

/** An Objective over a parameter tree, from `spec` (the shared core of objective/modelObjective). */
export function treeObjective<P extends Params>(spec: TreeObjectiveSpec<P>): Objective<P> {
  const { params, evaluate, where } = spec;
  const r = ravel(params);
  const { p, blocks } = r;
  const dtype = r.dtype;
  const theta0 = r.theta;
  const point = (theta: Float64Array | undefined, argument: string): P => {
    if (theta === undefined) return params;
    if (!(theta instanceof Float64Array)) throw new OptlabError(`${where}: ${argument}: expected a Float64Array of length ${p}, got ${theta === null ? "null" : typeof theta}`);
    if (theta.length !== p) throw new OptlabError(`${where}: ${argument}: expected length ${p}, got ${theta.length}`);
    return r.unravel(theta);
  };
  const rowsOf = (batch: Batch | undefined): Int32Array | null => {
    if (batch === undefined) return null;
    if (spec.rows === null) throw new OptlabError(`${where}: batch: only a data objective (modelObjective) takes a batch of rows`);
    if (batch === null || typeof batch !== "object" || typeof batch.length !== "number" || batch.length < 1) {
      throw new OptlabError(`${where}: batch: expected a non-empty array of row indices`);
    }
    const out = Int32Array.from(batch);
    out.forEach((i, j) => {
      if (!Number.isInteger(batch[j]) || i < 0 || i >= (spec.rows as number)) {
        throw new OptlabError(`${where}: batch: entry ${batch[j]} at position ${j} is out of range [0, ${spec.rows})`);
      }
    });
    return out;
  };
  const lossOf = (rows: Int32Array | null) => (tree: P) => evaluate(tree, rows);
  const f = lossOf(null);
  let hvps = 0;
  let cache: { theta: Float64Array; rows: Int32Array | null; lin: Linearization } | null = null;

  const linearize = (theta?: Float64Array, batch?: Batch): Linearization => {
    const tree = point(theta, "theta");
    const rows = rowsOf(batch);
    const at = theta === undefined ? theta0 : theta;
    checkFiniteBlocks(at, blocks, `${where}: theta`);
    const lin = linearizeTree(lossOf(rows), tree);
    const grad = r.ravel(lin.grad);
    checkFiniteBlocks(grad, blocks, `${where}: gradient`);
    const op: LinearOperator & { count: number } = {
      n: p,
      count: 0,
      apply(v: Float64Array): Float64Array {
        if (!(v instanceof Float64Array) || v.length !== p) {
          throw new OptlabError(`${where}: hvp: v: expected a Float64Array of length ${p}, got ${v instanceof Float64Array ? `length ${v.length}` : v === null ? "null" : typeof v}`);
        }
        checkFiniteBlocks(v, blocks, `${where}: hvp: v`);
        op.count++;
        hvps++;
        // The seeds only feed the sweep, which never writes to them: views of v, not copies.
        const hv = r.ravel(lin.hvp(r.unravelView(v)));
        checkFiniteBlocks(hv, blocks, `${where}: Hessian–vector product`);
        return hv;
      },
    };
    return { theta: Float64Array.from(at), value: lin.value.item(), grad, hvp: op };
  };

  const obj: Objective<P> = {
    p,
    blocks: blocks as readonly ParamBlock[],
    dtype,
    params,
    f,
    n: spec.n,
    hasHvp: true,
    get hvps() {
      return hvps;
    },
    center: () => Float64Array.from(theta0),
    unravel: (theta) => point(theta, "theta"),
    value: (theta, batch) => {
      const rows = rowsOf(batch);
      return noGrad(() => evaluate(point(theta, "theta"), rows).item());
    },
    grad: (theta, batch) => obj.valueAndGrad(theta, batch).grad,
    valueAndGrad: (theta, batch) => {
      const rows = rowsOf(batch);
      const res = valueAndGrad(lossOf(rows))(point(theta, "theta"));
      return { value: res.value.item(), grad: r.ravel(res.grad) };
    },
    hvp: (theta, v, batch) => {
      const at = theta ?? theta0;
      const rows = rowsOf(batch);
      if (!cache || !sameValues(cache.theta, at) || !sameValues(cache.rows, rows)) {
        cache = { theta: Float64Array.from(at), rows, lin: linearize(theta, batch) };
      }
      return cache.lin.hvp.apply(v);
    },
    linearize,
  };
  return obj;
}

function sameValues(a: ArrayLike<number> | null, b: ArrayLike<number> | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
