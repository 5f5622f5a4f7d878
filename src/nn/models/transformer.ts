import { Tensor } from "../../tensor/Tensor";
import type { DType } from "../../tensor/dtype";
import { allocate } from "../../tensor/dtype";
import { concat } from "../../tensor/ops";
import type { Params } from "../../autodiff/params";
import { toRng, type Rng } from "../../random/Rng";
import { OptlabError } from "../../util/errors";
import type { Layer } from "../layers/Layer";
import { linear, type LinearParams } from "../layers/linear";
import { layerNorm } from "../layers/layerNorm";
import { multiHeadAttention } from "../layers/attention";
import { residual } from "../layers/residual";
import { act, lambda } from "../layers/elementwise";
import { sequential, type Sequential } from "../layers/sequential";
import { embedding, positionalEmbedding } from "../layers/embedding";
import { conv2d } from "../layers/conv2d";
import { tokenPool, toTokens } from "../layers/tokens";
import { network, type Network } from "../network";

export interface BlockOptions {
  /** Causal self-attention (default false). */
  causal?: boolean;
  /** Hidden width of the MLP as a multiple of dim (default 4). */
  mlpRatio?: number;
  /** Pre-layer-norm before attention and MLP (default true); false gives the LN-free block of grokking studies. */
  layerNorm?: boolean;
  activation?: "relu" | "gelu";
}

/** Pre-LN transformer block on x [N, T, D]: x + attn(ln1(x)), then + mlp(ln2(·)). */
export function transformerBlock(dim: number, heads: number, opts: BlockOptions = {}): Layer {
  const ln = opts.layerNorm ?? true;
  const hidden = Math.round(dim * (opts.mlpRatio ?? 4));
  const attn = multiHeadAttention(dim, heads, { causal: opts.causal });
  const mlp = sequential({ fc1: linear(dim, hidden), act: act(opts.activation ?? "gelu"), fc2: linear(hidden, dim) });
  return sequential({
    attn: residual(ln ? sequential({ ln: layerNorm(dim), attn }) : attn) as Layer,
    mlp: residual(ln ? sequential({ ln: layerNorm(dim), mlp }) : mlp) as Layer,
  });
}

export interface VitOptions {
  /** Patch side length (default 4); the image side must be a multiple. */
  patch?: number;
  dim?: number;
  depth?: number;
  heads?: number;
  channels?: number;
  size?: number;
  classes?: number;
  seed?: number | Rng;
  dtype?: DType;
}

/**
 * ViT-tiny-style classifier (Dosovitskiy et al.) at laptop size: patch embedding (a p×p conv with
 * stride p) → learned positions → depth pre-LN blocks → LN → mean over tokens (instead of a class
 * token) → linear head. Inputs [n, C, S, S]; `features(…, −1)` is the pooled dim-wide token.
 */
export function vitTiny(opts: VitOptions = {}): Network<Params> {
  const p = opts.patch ?? 4;
  const D = opts.dim ?? 32;
  const depth = opts.depth ?? 2;
  const heads = opts.heads ?? 2;
  const C = opts.channels ?? 3;
  const S = opts.size ?? 32;
  const classes = opts.classes ?? 10;
  if (!Number.isInteger(p) || p < 1 || S % p) throw new OptlabError(`vitTiny: patch: expected a positive divisor of size ${S}, got ${p}`);
  const T = (S / p) ** 2;
  const blocks: Record<string, Layer> = {};
  for (let i = 0; i < depth; i++) blocks[`block${i}`] = transformerBlock(D, heads);
  const body = sequential({
    patch: conv2d(C, D, p, { stride: p }),
    tokens: toTokens(),
    pos: positionalEmbedding(T, D),
    blocks: sequential(blocks),
    ln: layerNorm(D),
    pool: tokenPool("mean"),
    head: linear(D, classes),
  });
  return network(body, { inputShape: [C, S, S], seed: toRng(opts.seed, 0), dtype: opts.dtype, name: `vit-tiny d${D} depth ${depth} patch ${p}` });
}

export interface GrokkingTransformerOptions {
  /** Modulus p (default 97): tokens 0..p−1 are numbers, token p is "=". */
  p?: number;
  dim?: number;
  /** 1 or 2 blocks (default 1). */
  depth?: number;
  heads?: number;
  /** Layer norm in the blocks (default false, as in Nanda et al.'s grokking model). */
  layerNorm?: boolean;
  seed?: number | Rng;
  dtype?: DType;
}

/**
 * The small decoder-only transformer of grokking studies: inputs [n, 2] = (a, b) as token ids
 * (data.modularArithmetic({ encoding: "index" })); the model appends "=", embeds, adds learned
 * positions, runs 1–2 causal blocks (relu MLP) and reads p logits off the "=" position.
 * `features(…, −1)` is the residual stream at "=".
 */
export function grokkingTransformer(opts: GrokkingTransformerOptions = {}): Network<Params> {
  const p = opts.p ?? 97;
  const D = opts.dim ?? 128;
  const depth = opts.depth ?? 1;
  const heads = opts.heads ?? 4;
  if (!Number.isInteger(p) || p < 2) throw new OptlabError(`grokkingTransformer: p: expected an integer ≥ 2, got ${p}`);
  if (depth !== 1 && depth !== 2) throw new OptlabError(`grokkingTransformer: depth: expected 1 or 2, got ${depth}`);
  const blocks: Record<string, Layer> = {};
  for (let i = 0; i < depth; i++) blocks[`block${i}`] = transformerBlock(D, heads, { causal: true, layerNorm: opts.layerNorm ?? false, activation: "relu" });
  const appendEq = lambda("append(=)", (x: Tensor) => {
    const eq = new Tensor(allocate(x.dtype, x.shape[0]).fill(p), [x.shape[0], 1]);
    return concat([x.detach(), eq], 1);
  });
  const last = tokenPool("last");
  const unembed = linear(D, p, { bias: false });
  const body = sequential({
    append: appendEq,
    embed: embedding(p + 1, D),
    pos: positionalEmbedding(3, D),
    blocks: sequential(blocks),
    last,
    unembed,
  });
  // The same function, cheaper: the MLP is per token and only the "=" token is read after the last
  // block, so the last block's MLP runs on the pooled "=" residual [N, D] instead of all 3 tokens
  // (its attention still sees every key). Children, parameter paths and `features` are the body's.
  const fast: Sequential = {
    ...body,
    apply(params, x, ctx) {
      const P = params as { blocks: Record<string, { attn: Params; mlp: Params }>; last: Params; unembed: LinearParams };
      let h = body.applyPrefix(params, x, ctx, 3); // append, embed, pos
      const bctx = ctx.child("blocks");
      for (let i = 0; i < depth; i++) {
        const name = `block${i}`;
        const blk = blocks[name] as Sequential;
        const c = bctx.child(name);
        if (i < depth - 1) {
          h = blk.apply(P.blocks[name], h, c);
        } else {
          h = blk.children[0].layer.apply(P.blocks[name].attn, h, c.child("attn"));
          h = last.apply(P.last as Record<string, never>, h, ctx.child("last"));
          h = blk.children[1].layer.apply(P.blocks[name].mlp, h, c.child("mlp"));
        }
      }
      return unembed.apply(P.unembed, h, ctx.child("unembed"));
    },
  };
  return network(fast, { inputShape: [2], seed: toRng(opts.seed, 0), dtype: opts.dtype, name: `grokking transformer p=${p} d${D} depth ${depth}` });
}
