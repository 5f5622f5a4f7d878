import type { Tensor } from "../../tensor/Tensor";
import { add, gather, reshape, slice } from "../../tensor/ops";
import type { Layer } from "./Layer";
import { checkInt } from "./Layer";
import { gaussian } from "../init";
import { OptlabError } from "../../util/errors";

/** Parameters of an embedding table (PyTorch's name): weight [numEmbeddings, dim]. */
export type EmbeddingParams = { weight: Tensor };

/**
 * Token embedding: integer ids x [...] (stored as numbers in a float tensor) → [..., dim], rows of
 * the table. Init N(0, 1) as in PyTorch. The ids carry no gradient.
 */
export function embedding(numEmbeddings: number, dim: number): Layer<EmbeddingParams> {
  checkInt("embedding", "numEmbeddings", numEmbeddings);
  checkInt("embedding", "dim", dim);
  return {
    kind: `embedding(${numEmbeddings}, ${dim})`,
    init: (rng, dtype) => ({ weight: gaussian([numEmbeddings, dim], 1, rng, dtype) }),
    apply(p, x) {
      const ids = new Int32Array(x.size);
      for (let i = 0; i < x.size; i++) {
        const v = x.data[i];
        if (!Number.isInteger(v) || v < 0 || v >= numEmbeddings) {
          throw new OptlabError(`embedding: x: expected integer ids in [0, ${numEmbeddings}), got ${v} at position ${i}`);
        }
        ids[i] = v;
      }
      return reshape(gather(p.weight, ids, 0), [...x.shape, dim]);
    },
  };
}

/** Learned positional embedding: x [N, T, D] → x + P[:T] with P [maxLen, D] (init N(0, 0.02²)). */
export function positionalEmbedding(maxLen: number, dim: number): Layer<{ weight: Tensor }> {
  checkInt("positionalEmbedding", "maxLen", maxLen);
  checkInt("positionalEmbedding", "dim", dim);
  return {
    kind: `positionalEmbedding(${maxLen}, ${dim})`,
    init: (rng, dtype) => ({ weight: gaussian([maxLen, dim], 0.02, rng, dtype) }),
    apply(p, x) {
      if (x.rank !== 3 || x.shape[2] !== dim || x.shape[1] > maxLen) {
        throw new OptlabError(`positionalEmbedding: x: expected [N, T ≤ ${maxLen}, ${dim}], got shape [${x.shape.join(", ")}]`);
      }
      const T = x.shape[1];
      return addRows(x, p.weight, T);
    },
  };
}

function addRows(x: Tensor, w: Tensor, T: number): Tensor {
  return add(x, T === w.shape[0] ? w : slice(w, [0, 0], [T, w.shape[1]]));
}
