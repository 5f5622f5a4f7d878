import type { Tensor } from "../../tensor/Tensor";
import { mean, reshape, slice, transpose } from "../../tensor/ops";
import type { Layer } from "./Layer";
import { expectShape } from "./Layer";
import { OptlabError } from "../../util/errors";

/** Reduce a sequence x [N, T, D] to [N, D]: its last token (a causal model's prediction) or the mean over tokens. */
export function tokenPool(how: "last" | "mean"): Layer<Record<string, never>> {
  if (how !== "last" && how !== "mean") throw new OptlabError(`tokenPool: how: expected "last" or "mean", got ${String(how)}`);
  return {
    kind: `tokenPool(${how})`,
    init: () => ({}),
    apply(_p, x) {
      expectShape("tokenPool", x, 3, "[N, T, D]");
      const [N, T, D] = x.shape;
      return how === "mean" ? mean(x, 1) : reshape(slice(x, [0, T - 1, 0], [N, T, D]), [N, D]);
    },
  };
}

/** Feature maps to a token sequence: x [N, D, H, W] → [N, H·W, D] (patch tokens after a patch-embedding conv). */
export function toTokens(): Layer<Record<string, never>> {
  return {
    kind: "toTokens",
    init: () => ({}),
    apply(_p, x: Tensor) {
      expectShape("toTokens", x, 4, "[N, D, H, W]");
      const [N, D, H, W] = x.shape;
      return transpose(reshape(x, [N, D, H * W]), [0, 2, 1]);
    },
  };
}
