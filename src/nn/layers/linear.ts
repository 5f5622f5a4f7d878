import type { Tensor } from "../../tensor/Tensor";
import { add, matmul } from "../../tensor/ops";
import type { Layer } from "./Layer";
import { checkInt } from "./Layer";
import { fanInUniform } from "./init";
import { OptlabError } from "../../util/errors";

/** Parameters of a linear layer in PyTorch's layout: weight [out, in], bias [out]. */
export type LinearParams = { weight: Tensor; bias?: Tensor };

/**
 * Affine map y = x·Wᵀ + b on the last axis: x [..., in] → [..., out]. PyTorch's default init
 * U(±1/√in) for weight and bias.
 */
export function linear(inFeatures: number, outFeatures: number, opts: { bias?: boolean } = {}): Layer<LinearParams> {
  checkInt("linear", "inFeatures", inFeatures);
  checkInt("linear", "outFeatures", outFeatures);
  const bias = opts.bias ?? true;
  return {
    kind: `linear(${inFeatures}→${outFeatures})`,
    init(rng, dtype) {
      const p: LinearParams = { weight: fanInUniform([outFeatures, inFeatures], inFeatures, rng, dtype) };
      if (bias) p.bias = fanInUniform([outFeatures], inFeatures, rng, dtype);
      return p;
    },
    apply(p, x) {
      if (x.rank < 1 || x.shape[x.rank - 1] !== inFeatures) {
        throw new OptlabError(`linear: x: expected last axis of size ${inFeatures}, got shape [${x.shape.join(", ")}]`);
      }
      const y = matmul(x, p.weight, { transB: true });
      return p.bias ? add(y, p.bias) : y;
    },
  };
}
