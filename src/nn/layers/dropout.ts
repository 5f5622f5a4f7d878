import { Tensor } from "../../tensor/Tensor";
import { allocate } from "../../tensor/dtype";
import { mul } from "../../tensor/ops";
import type { Layer } from "./Layer";
import { OptlabError } from "../../util/errors";

/**
 * Inverted dropout: in training each entry is kept with probability 1 − p and scaled by 1/(1 − p);
 * in evaluation it is the identity. The mask is drawn from the context's (seed, layer path), so a
 * training forward with a fixed seed is a fixed, differentiable function of θ (change the seed
 * between steps for fresh masks).
 */
export function dropout(p: number): Layer<Record<string, never>> {
  if (typeof p !== "number" || !(p >= 0 && p < 1)) throw new OptlabError(`dropout: p: expected a probability in [0, 1), got ${String(p)}`);
  return {
    kind: `dropout(${p})`,
    init: () => ({}),
    apply(_params, x, ctx) {
      if (!ctx.training || p === 0) return x;
      const rng = ctx.rng();
      const m = allocate(x.dtype, x.size);
      const keep = 1 / (1 - p);
      for (let i = 0; i < m.length; i++) m[i] = rng.uniform() < p ? 0 : keep;
      return mul(x, new Tensor(m, x.shape));
    },
  };
}
