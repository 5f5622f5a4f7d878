import { Tensor } from "../../tensor/Tensor";
import { OptlabError } from "../../util/errors";
import { layerScales, biasScales, type Parametrization } from "../../nn/parametrization";
import type { Model } from "../../nn/Model";
import type { Params } from "../../autodiff/params";
import type { Classifier } from "./metrics";

/**
 * The last layer of a model as a classifier z = W h + b in [C, d] layout (our layers store W as
 * [d, C]). Works for `nn.mlp` (params `DenseParams[]`; the parametrization's weight and bias
 * multipliers and the output scale are folded in, so z equals the model's logits) and for models
 * whose params hold a final `{ W [d, C], b? }` such as `nn.unconstrainedFeatures`.
 *
 * @throws OptlabError when the model has no such last layer.
 */
export function classifierOf(model: Model<Params>): Classifier {
  const params = model?.params as unknown;
  const last = (Array.isArray(params) ? params[params.length - 1] : params) as { W?: unknown; b?: unknown } | undefined;
  if (!last || !(last.W instanceof Tensor) || last.W.rank !== 2) {
    const torchStyle = lastLinear(params);
    if (torchStyle) return torchStyle;
    throw new OptlabError("classifierOf: model: expected an MLP (params: [{W, b?}, …]), params with a final { W [d, C], b? }, or a network whose last layer is a linear { weight [C, d], bias? }");
  }
  const Wt = last.W;
  const b = last.b instanceof Tensor ? last.b : undefined;
  const [d, C] = Wt.shape;
  if (b && b.size !== C) throw new OptlabError(`classifierOf: model: the last bias has ${b.size} entries, expected ${C}`);
  // Effective multipliers of the output layer under the model's parametrization (nn.mlp config).
  let wMult = 1;
  let bMult = 1;
  const cfg = model.config ?? {};
  if (Array.isArray(params) && typeof cfg.parametrization === "string") {
    const param = cfg.parametrization as Parametrization;
    wMult = layerScales(param, "output", d, C, (cfg.weightStd as number) ?? 1).mult;
    bMult = biasScales(param, (cfg.biasStd as number) ?? 0).mult;
  }
  const alpha = typeof cfg.outputScale === "number" ? cfg.outputScale : 1;
  const W = new Float64Array(C * d);
  for (let k = 0; k < d; k++) for (let c = 0; c < C; c++) W[c * d + k] = alpha * wMult * Wt.data[k * C + c];
  const out: Classifier = { W: new Tensor(W, [C, d]) };
  if (b) out.b = new Tensor(Float64Array.from(b.data, (v) => alpha * bMult * v), [C]);
  return out;
}

/**
 * The last linear layer `{ weight [C, d], bias? [C] }` of a network's parameter tree (the layout
 * `nn.network` layers and PyTorch share), in depth-first order; null when there is none.
 */
function lastLinear(params: unknown): Classifier | null {
  let found: Classifier | null = null;
  const walk = (p: unknown) => {
    if (p === null || typeof p !== "object" || p instanceof Tensor) return;
    const rec = p as Record<string, unknown>;
    const w = rec.weight;
    if (w instanceof Tensor && w.rank === 2) {
      const b = rec.bias instanceof Tensor && rec.bias.size === w.shape[0] ? rec.bias : undefined;
      found = { W: w, ...(b ? { b } : {}) };
    }
    for (const v of Array.isArray(p) ? p : Object.values(rec)) walk(v);
  };
  walk(params);
  return found;
}
