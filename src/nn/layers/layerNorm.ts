import type { Tensor } from "../../tensor/Tensor";
import { add, div, mean, mul, sqrt, square, sub } from "../../tensor/ops";
import type { Layer } from "./Layer";
import { checkInt } from "./Layer";
import { filled } from "./init";
import { OptlabError } from "../../util/errors";

/** Parameters of layer norm (PyTorch's names): weight γ [D], bias β [D]. */
export type LayerNormParams = { weight: Tensor; bias: Tensor };

/**
 * Layer normalisation over the last axis (size D) by its mean and biased variance, then γ·x̂ + β:
 * x [..., D] → [..., D]. Same in training and evaluation.
 */
export function layerNorm(dim: number, opts: { eps?: number } = {}): Layer<LayerNormParams> {
  checkInt("layerNorm", "dim", dim);
  const eps = opts.eps ?? 1e-5;
  if (!(eps > 0)) throw new OptlabError(`layerNorm: eps: expected a number > 0, got ${eps}`);
  return {
    kind: `layerNorm(${dim})`,
    init: (_rng, dtype) => ({ weight: filled([dim], 1, dtype), bias: filled([dim], 0, dtype) }),
    apply(p, x) {
      if (x.rank < 1 || x.shape[x.rank - 1] !== dim) throw new OptlabError(`layerNorm: x: expected last axis of size ${dim}, got shape [${x.shape.join(", ")}]`);
      const mu = mean(x, -1, true);
      const c = sub(x, mu);
      const v = mean(square(c), -1, true);
      return add(mul(div(c, sqrt(add(v, eps))), p.weight), p.bias);
    },
  };
}
