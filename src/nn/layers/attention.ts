import { Tensor } from "../../tensor/Tensor";
import { allocate } from "../../tensor/dtype";
import { add, matmul, mul, reshape, slice, softmax, transpose, where } from "../../tensor/ops";
import type { Layer } from "./Layer";
import { checkInt } from "./Layer";
import { fanInUniform, filled } from "./init";
import { OptlabError } from "../../util/errors";

/**
 * Parameters of multi-head self-attention in PyTorch's MultiheadAttention layout: packed
 * in_proj_weight [3D, D] (rows: Q, K, V), in_proj_bias [3D], out_proj.weight [D, D], out_proj.bias [D].
 */
export type AttentionParams = {
  in_proj_weight: Tensor;
  in_proj_bias?: Tensor;
  out_proj: { weight: Tensor; bias?: Tensor };
};

export interface AttentionOptions {
  /** Mask future positions: query t attends to keys ≤ t (default false). */
  causal?: boolean;
  bias?: boolean;
}

/** Causal mask [T, T]: 1 where key ≤ query. */
function causalMask(T: number): Tensor {
  const m = allocate("f64", T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) m[i * T + j] = 1;
  return new Tensor(m, [T, T]);
}

/**
 * Multi-head self-attention: x [N, T, D] → [N, T, D]. Per head h (dimension d = D/heads),
 * softmax(Q_h K_hᵀ/√d + mask) V_h, heads concatenated and projected by out_proj. Masked scores are
 * replaced by −10³⁰ (exactly zero weight after the softmax, no infinities in the graph).
 */
export function multiHeadAttention(dim: number, heads: number, opts: AttentionOptions = {}): Layer<AttentionParams> {
  checkInt("multiHeadAttention", "dim", dim);
  checkInt("multiHeadAttention", "heads", heads);
  if (dim % heads) throw new OptlabError(`multiHeadAttention: heads: ${heads} must divide dim ${dim}`);
  const d = dim / heads;
  const causal = opts.causal ?? false;
  const bias = opts.bias ?? true;
  return {
    kind: `multiHeadAttention(${dim}, ${heads} heads${causal ? ", causal" : ""})`,
    init(rng, dtype) {
      // Xavier-uniform in-projection and zero biases, as PyTorch initialises MultiheadAttention.
      // fanInUniform's bound is 1/√fan; Xavier's is √(6/(fan_in + fan_out)) = √(6/(4D)).
      const p: AttentionParams = {
        in_proj_weight: fanInUniform([3 * dim, dim], (4 * dim) / 6, rng, dtype),
        out_proj: { weight: fanInUniform([dim, dim], dim, rng, dtype) },
      };
      if (bias) {
        p.in_proj_bias = filled([3 * dim], 0, dtype);
        p.out_proj.bias = filled([dim], 0, dtype);
      }
      return p;
    },
    apply(p, x) {
      if (x.rank !== 3 || x.shape[2] !== dim) throw new OptlabError(`multiHeadAttention: x: expected [N, T, ${dim}], got shape [${x.shape.join(", ")}]`);
      const [N, T] = x.shape;
      let qkv = matmul(x, p.in_proj_weight, { transB: true });
      if (p.in_proj_bias) qkv = add(qkv, p.in_proj_bias);
      const head = (k: number) => transpose(reshape(slice(qkv, [0, 0, k * dim], [N, T, (k + 1) * dim]), [N, T, heads, d]), [0, 2, 1, 3]);
      const q = head(0);
      const kk = head(1);
      const v = head(2);
      let s = mul(matmul(q, kk, { transB: true }), 1 / Math.sqrt(d)); // [N, h, T, T]
      if (causal) s = where(causalMask(T), s, -1e30);
      const o = matmul(softmax(s, -1), v); // [N, h, T, d]
      const merged = reshape(transpose(o, [0, 2, 1, 3]), [N, T, dim]);
      const y = matmul(merged, p.out_proj.weight, { transB: true });
      return p.out_proj.bias ? add(y, p.out_proj.bias) : y;
    },
  };
}
