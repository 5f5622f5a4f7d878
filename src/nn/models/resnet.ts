import type { Tensor } from "../../tensor/Tensor";
import type { DType } from "../../tensor/dtype";
import { add, relu } from "../../tensor/ops";
import type { Params } from "../../autodiff/params";
import { toRng, type Rng } from "../../random/Rng";
import { OptlabError } from "../../util/errors";
import type { Layer } from "../layers/Layer";
import { conv2d } from "../layers/conv2d";
import { batchNorm } from "../layers/batchNorm";
import { linear } from "../layers/linear";
import { globalAvgPool2d } from "../layers/pooling";
import { act } from "../layers/elementwise";
import { sequential } from "../layers/sequential";
import { network, type Network } from "../network";

type BlockParams = { conv1: Params; bn1: Params; conv2: Params; bn2: Params; shortcut?: Params };

/**
 * The basic residual block of CIFAR ResNets: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)),
 * 3×3 convs without bias; when stride ≠ 1 or the width changes the shortcut is a 1×1 strided conv
 * + batch norm (He et al.'s option B). Params and buffers carry PyTorch's names (conv1, bn1, …,
 * shortcut.0, shortcut.1).
 */
export function basicBlock(inPlanes: number, planes: number, stride = 1): Layer<BlockParams> {
  const c1 = conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false });
  const b1 = batchNorm(planes);
  const c2 = conv2d(planes, planes, 3, { padding: 1, bias: false });
  const b2 = batchNorm(planes);
  const sc = stride !== 1 || inPlanes !== planes ? sequential([conv2d(inPlanes, planes, 1, { stride, bias: false }), batchNorm(planes)]) : null;
  return {
    kind: `basicBlock(${inPlanes}→${planes}, s${stride})`,
    init(rng, dtype) {
      const p: BlockParams = { conv1: c1.init(rng, dtype), bn1: b1.init(rng, dtype), conv2: c2.init(rng, dtype), bn2: b2.init(rng, dtype) };
      if (sc) p.shortcut = sc.init(rng, dtype);
      return p;
    },
    apply(p, x: Tensor, ctx) {
      let h = relu(b1.apply(p.bn1 as never, c1.apply(p.conv1 as never, x, ctx.child("conv1")), ctx.child("bn1")));
      h = b2.apply(p.bn2 as never, c2.apply(p.conv2 as never, h, ctx.child("conv2")), ctx.child("bn2"));
      return relu(add(h, sc ? sc.apply(p.shortcut as Params, x, ctx.child("shortcut")) : x));
    },
  };
}

export interface ResNetOptions {
  /** Residual blocks per stage n: depth 6n + 2 (1 → ResNet-8, 3 → ResNet-20). Default 1. */
  blocks?: number;
  /** Width of the first stage (stages are w, 2w, 4w); default 16 as in He et al. */
  width?: number;
  channels?: number;
  /** Input side length (default 32). */
  size?: number;
  classes?: number;
  seed?: number | Rng;
  dtype?: DType;
}

/**
 * CIFAR ResNet-(6n+2) (He et al. 2016, §4.2): conv3×3(w) → bn → relu → 3 stages of n basic blocks
 * (widths w, 2w, 4w; strides 1, 2, 2) → global average pool → fc. Inputs [n, C, S, S]. Names follow
 * the common PyTorch CIFAR implementation (conv1, bn1, layer1.0.conv1, …, fc); `features(…, −1)` is
 * the pooled 4w-wide representation.
 */
export function resnetCifar(opts: ResNetOptions = {}): Network<Params> {
  const n = opts.blocks ?? 1;
  const w = opts.width ?? 16;
  for (const [k, v] of [["blocks", n], ["width", w]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new OptlabError(`resnetCifar: ${k}: expected a positive integer, got ${v}`);
  }
  const C = opts.channels ?? 3;
  const S = opts.size ?? 32;
  const classes = opts.classes ?? 10;
  const stage = (inP: number, outP: number, stride: number) => {
    const blocks: Layer[] = [];
    for (let i = 0; i < n; i++) blocks.push(basicBlock(i === 0 ? inP : outP, outP, i === 0 ? stride : 1) as Layer);
    return sequential(blocks);
  };
  const body = sequential({
    conv1: conv2d(C, w, 3, { padding: 1, bias: false }),
    bn1: batchNorm(w),
    relu: act("relu"),
    layer1: stage(w, w, 1),
    layer2: stage(w, 2 * w, 2),
    layer3: stage(2 * w, 4 * w, 2),
    pool: globalAvgPool2d(),
    fc: linear(4 * w, classes),
  });
  return network(body, { inputShape: [C, S, S], seed: toRng(opts.seed, 0), dtype: opts.dtype, name: `resnet${6 * n + 2} width ${w}` });
}
