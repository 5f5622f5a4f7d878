import type { Tensor } from "../tensor/Tensor";
import { gather } from "../tensor/ops";
import type { Params } from "../autodiff/params";
import { getLoss, type Loss, type LossName } from "../nn/losses";
import type { Model } from "../nn/Model";
import type { Dataset } from "../data/Dataset";
import { OptlabError, NonFiniteError, checkOptions } from "../util/errors";
import { firstNonFinite } from "./finite";
import type { Objective } from "./Objective";
import { treeObjective } from "./treeObjective";

export interface ModelObjectiveOptions {
  /** Loss by name or function; default "ce" for classification, "mse" for regression. */
  loss?: LossName | Loss;
  /** Rows of the data the default loss averages over (a fixed mini-batch); default all. */
  indices?: ArrayLike<number>;
}

/**
 * The mean training loss of `model` on `data` as an Objective around the model's current
 * parameters. A per-call `batch` (row indices into `data`) evaluates the mean over those rows
 * instead, for stochastic gradients and mini-batch curvature. Non-finite inputs or targets are
 * refused here, naming the row and column, so no analysis starts on NaN data.
 */
export function modelObjective<P extends Params>(model: Model<P>, data: Dataset, opts: ModelObjectiveOptions = {}): Objective<P> {
  const where = "modelObjective";
  checkOptions(opts, ["loss", "indices"], where);
  if (!model || typeof model.apply !== "function" || !("params" in model)) throw new OptlabError(`${where}: model: expected a Model { params, apply }`);
  if (!data || typeof data !== "object" || !data.x || !data.y) throw new OptlabError(`${where}: data: expected a Dataset { x, y, labels, … }`);
  checkFiniteRows(data.x, `${where}: data.x`);
  if (!data.labels) checkFiniteRows(data.y, `${where}: data.y`);
  const loss = getLoss(opts.loss ?? (data.task === "classification" ? "ce" : "mse"));
  const nAll = data.x.shape[0];
  let fixed: Int32Array | null = null;
  if (opts.indices !== undefined) {
    const idx = opts.indices;
    if (idx === null || typeof idx !== "object" || typeof idx.length !== "number" || idx.length < 1) throw new OptlabError(`${where}: indices: expected a non-empty array of row indices`);
    fixed = Int32Array.from(idx);
    fixed.forEach((i, j) => {
      if (!Number.isInteger(idx[j]) || i < 0 || i >= nAll) throw new OptlabError(`${where}: indices: entry ${idx[j]} at position ${j} is out of range [0, ${nAll})`);
    });
  }
  // The default rows are gathered once; a per-call batch gathers its own.
  const inputs = (rows: Int32Array | null) => (rows ? gather(data.x, rows) : data.x);
  const targets = (rows: Int32Array | null): Tensor | Int32Array => {
    const labels = data.labels;
    if (labels) return rows ? rows.map((i) => labels[i]) : labels;
    return rows ? gather(data.y, rows) : data.y;
  };
  const x0 = inputs(fixed);
  const y0 = targets(fixed);
  return treeObjective({
    params: model.params,
    evaluate: (tree, rows) => (rows ? loss(model.apply(tree, inputs(rows)), targets(rows)) : loss(model.apply(tree, x0), y0)),
    n: fixed ? fixed.length : nAll,
    rows: nAll,
    where,
  });
}

function checkFiniteRows(t: Tensor, argument: string): void {
  const i = firstNonFinite(t.data);
  if (i < 0) return;
  const cols = t.shape.length > 1 ? t.size / t.shape[0] : 1;
  const at = t.shape.length > 1 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `row ${i}`;
  throw new NonFiniteError(`${argument}: ${t.data[i]} at ${at}`, t.data[i], i);
}
