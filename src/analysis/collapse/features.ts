import { Tensor } from "../../tensor/Tensor";
import { noGrad } from "../../autodiff/graph";
import { OptlabError, checkOptions } from "../../util/errors";
import type { Model } from "../../nn/Model";
import type { Params } from "../../autodiff/params";
import type { Dataset } from "../../data/Dataset";
import { metrics, type Classifier, type CollapseMetrics } from "./metrics";
import { classifierOf } from "./classifier";

/**
 * Activations of hidden layer `layer` of `model` at its current parameters (1-based; −1 = the last
 * hidden layer, the "features" of neural-collapse analyses): x [n, inputDim] → [n, width], detached.
 *
 * @throws OptlabError for a missing model, a non-matrix x, or a layer the model does not have.
 */
export function features<P extends Params>(model: Model<P>, x: Tensor, layer = -1): Tensor {
  if (!model || typeof model.features !== "function") throw new OptlabError("collapse.features: model: expected an optlab Model");
  if (!(x instanceof Tensor) || x.rank < 2) throw new OptlabError(`collapse.features: x: expected a Tensor [n, ${model.inputDim}] (or [n, …] for a network with an input shape)`);
  const n = model.numHidden;
  if (!Number.isInteger(layer) || layer === 0 || layer > n || layer < -n) {
    throw new OptlabError(`collapse.features: layer: expected a hidden layer in 1..${n} (or −1..−${n}), got ${layer}`);
  }
  return noGrad(() => model.features(model.params, x, layer)).detach();
}

export interface MeasureOptions {
  /** Hidden layer whose activations are the features (default −1, the last hidden layer). */
  layer?: number;
  /**
   * Classifier for NC3/NC4: "auto" (default) uses the model's last layer (`classifierOf`) when
   * `layer` is the last hidden layer and none otherwise; `false` for none; or an explicit one.
   */
  classifier?: "auto" | false | Classifier;
}

/** Which layer index (1-based) a possibly negative layer names. */
function resolveLayer(model: Model<Params>, layer: number): number {
  return layer < 0 ? model.numHidden + 1 + layer : layer;
}

/** The classifier `measure` uses for a given option (exported for `track`). */
export function classifierFor(model: Model<Params>, layer: number, opt: MeasureOptions["classifier"]): Classifier | undefined {
  if (opt === false) return undefined;
  if (opt === undefined || opt === "auto") return resolveLayer(model, layer) === model.numHidden ? classifierOf(model) : undefined;
  if (typeof opt !== "object") throw new OptlabError(`collapse: classifier: expected "auto", false or { W, b? }, got ${String(opt)}`);
  return opt;
}

/**
 * Neural-collapse metrics of `model` on a classification data set, with the features of any
 * hidden layer (`features(model, data.x, layer)`) and, by default, the model's own last layer
 * as the classifier when the features are the last hidden layer's.
 *
 * @throws OptlabError for a data set without class labels and every case `metrics` rejects.
 */
export function measure<P extends Params>(model: Model<P>, data: Dataset, opts: MeasureOptions = {}): CollapseMetrics & { layer: number } {
  checkOptions(opts, ["layer", "classifier"], "collapse.measure");
  if (!data || !data.labels) throw new OptlabError("collapse.measure: data: expected a classification Dataset with labels");
  const layer = opts.layer ?? -1;
  const h = features(model, data.x, layer);
  const m = metrics(h, data.labels, classifierFor(model as unknown as Model<Params>, layer, opts.classifier));
  return { ...m, layer: resolveLayer(model as unknown as Model<Params>, layer) };
}
