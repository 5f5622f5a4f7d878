import { Tensor } from "../../tensor/Tensor";
import { add, div, mean, mul, reshape, sqrt, square, sub } from "../../tensor/ops";
import { noGrad } from "../../autodiff/graph";
import type { Layer } from "./Layer";
import { checkInt } from "./Layer";
import { filled } from "./init";
import { OptlabError } from "../../util/errors";

/** Parameters of batch norm (PyTorch's names): weight γ [C], bias β [C]. */
export type BatchNormParams = { weight: Tensor; bias: Tensor };

export interface BatchNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Running-statistics update weight (default 0.1): r ← (1 − m)·r + m·batch statistic. */
  momentum?: number;
}

/**
 * Batch normalisation over channel axis 1 of x [N, C] or [N, C, H, W] (PyTorch's BatchNorm1d/2d).
 * Training: normalise by the batch mean and *biased* variance over all axes but 1; with
 * `updateState`, buffers `running_mean`, `running_var` (fed the *unbiased* variance, n/(n − 1)
 * times the biased one) and `num_batches_tracked` are updated. Evaluation: normalise by the
 * running statistics (initially 0 and 1). γ starts at 1, β at 0.
 */
export function batchNorm(numFeatures: number, opts: BatchNormOptions = {}): Layer<BatchNormParams> {
  checkInt("batchNorm", "numFeatures", numFeatures);
  const eps = opts.eps ?? 1e-5;
  const momentum = opts.momentum ?? 0.1;
  if (!(eps > 0)) throw new OptlabError(`batchNorm: eps: expected a number > 0, got ${eps}`);
  if (!(momentum >= 0 && momentum <= 1)) throw new OptlabError(`batchNorm: momentum: expected a number in [0, 1], got ${momentum}`);
  const C = numFeatures;
  return {
    kind: `batchNorm(${C})`,
    init: (_rng, dtype) => ({ weight: filled([C], 1, dtype), bias: filled([C], 0, dtype) }),
    apply(p, x, ctx) {
      if ((x.rank !== 2 && x.rank !== 4) || x.shape[1] !== C) {
        throw new OptlabError(`batchNorm: x: expected [N, ${C}] or [N, ${C}, H, W], got shape [${x.shape.join(", ")}]`);
      }
      const bshape = x.rank === 4 ? [1, C, 1, 1] : [1, C];
      const axes = x.rank === 4 ? [0, 2, 3] : [0];
      const dtype = x.dtype;
      const rm = ctx.buffer("running_mean", () => filled([C], 0, dtype));
      const rv = ctx.buffer("running_var", () => filled([C], 1, dtype));
      const nbt = ctx.buffer("num_batches_tracked", () => filled([], 0, "f64"));
      let mu: Tensor;
      let v: Tensor;
      if (ctx.training) {
        const count = x.size / C;
        if (count < 2) throw new OptlabError(`batchNorm: x: training needs more than one value per channel, got shape [${x.shape.join(", ")}]`);
        mu = mean(x, axes, true);
        v = mean(square(sub(x, mu)), axes, true);
        if (ctx.updateState) {
          noGrad(() => {
            const m = momentum;
            ctx.setBuffer("running_mean", add(mul(rm, 1 - m), mul(reshape(mu.detach(), [C]), m)));
            ctx.setBuffer("running_var", add(mul(rv, 1 - m), mul(reshape(v.detach(), [C]), (m * count) / (count - 1))));
            ctx.setBuffer("num_batches_tracked", add(nbt, 1));
          });
        }
      } else {
        mu = reshape(rm, bshape);
        v = reshape(rv, bshape);
      }
      const xhat = div(sub(x, mu), sqrt(add(v, eps)));
      return add(mul(xhat, reshape(p.weight, bshape)), reshape(p.bias, bshape));
    },
  };
}
