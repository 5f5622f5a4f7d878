import type { Tensor } from "../tensor/Tensor";
import { transpose } from "../tensor/ops/shape";
import type { DenseParams } from "../nn/mlp";
import type { Model } from "../nn/Model";
import { OptlabError } from "../util/errors";

/** Whether a value is a Model (has `apply` and `params`) rather than an object of arrays. */
export function isModel(v: unknown): v is Model {
  return !!v && typeof v === "object" && typeof (v as Model).apply === "function" && "params" in v && "config" in v;
}

/**
 * The arrays of the model archive `optlab analyze` and `io.mlpFromNpz` read, for an `nn.mlp`
 * (or `nn.mlpFromWeights`) model: `W0, b0, W1, b1, …` in PyTorch nn.Linear layout, W_l [out, in]
 * (the transpose of nn.mlp's [in, out]), b_l [out]. The activation is not stored: pass it
 * (`model.config.activation`) to `--activation`.
 *
 * @throws OptlabError when the model is not a standard-parametrization MLP with output scale 1:
 *   its layer multipliers have no place in this layout.
 */
export function mlpArchiveArrays(model: Model): Record<string, Tensor> {
  const c = model.config as Record<string, unknown>;
  const params = model.params as unknown;
  const isMlp = Array.isArray(c.sizes) && Array.isArray(params) && params.every((p) => p && typeof p === "object" && "W" in p);
  if (!isMlp) throw new OptlabError(`model: expected an nn.mlp model (layers {W, b}), got ${model.name ?? typeof model}`);
  if ((c.parametrization ?? "standard") !== "standard" || (c.outputScale ?? 1) !== 1) {
    throw new OptlabError(`model: ${model.name} has ${String(c.parametrization)} parametrization and output scale ${String(c.outputScale)}; ` +
      `the archive layout holds a standard-parametrization MLP with output scale 1 (y = x Wᵀ + b per layer), so its multipliers would be lost`);
  }
  const out: Record<string, Tensor> = {};
  (params as DenseParams[]).forEach((layer, l) => {
    out[`W${l}`] = transpose(layer.W);
    if (layer.b) out[`b${l}`] = layer.b;
  });
  return out;
}
