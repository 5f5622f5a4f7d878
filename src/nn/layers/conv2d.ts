import type { Tensor } from "../../tensor/Tensor";
import { add, concat, im2col, matmul, reshape, slice } from "../../tensor/ops";
import type { Layer } from "./Layer";
import { checkInt, expectShape } from "./Layer";
import { fanInUniform } from "./init";
import { OptlabError } from "../../util/errors";

/** Parameters of a 2-D convolution in PyTorch's layout: weight [out, in/groups, kh, kw], bias [out]. */
export type Conv2dParams = { weight: Tensor; bias?: Tensor };

export interface Conv2dOptions {
  /** Stride (default 1). A number applies to both axes. */
  stride?: number | [number, number];
  /** Zero padding on each side (default 0). */
  padding?: number | [number, number];
  /** Spacing between kernel taps (default 1). */
  dilation?: number | [number, number];
  /** Channel groups: in and out channels must both be divisible (default 1). */
  groups?: number;
  bias?: boolean;
}

const pair = (v: number | [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === "number" ? [v, v] : v);

/**
 * 2-D cross-correlation (PyTorch's Conv2d): x [N, C_in, H, W] → [N, C_out, OH, OW] with
 * OH = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1. Computed as W [C_out, C_in·k·k] · im2col(x) per group, so
 * the backward (and every higher derivative) is GEMMs plus col2im.
 */
export function conv2d(inChannels: number, outChannels: number, kernelSize: number | [number, number], opts: Conv2dOptions = {}): Layer<Conv2dParams> {
  checkInt("conv2d", "inChannels", inChannels);
  checkInt("conv2d", "outChannels", outChannels);
  const [kh, kw] = pair(kernelSize, 1);
  const groups = checkInt("conv2d", "groups", opts.groups ?? 1);
  if (inChannels % groups || outChannels % groups) {
    throw new OptlabError(`conv2d: groups: ${groups} must divide inChannels (${inChannels}) and outChannels (${outChannels})`);
  }
  const spec = { kernel: [kh, kw] as [number, number], stride: pair(opts.stride, 1), padding: pair(opts.padding, 0), dilation: pair(opts.dilation, 1) };
  const bias = opts.bias ?? true;
  const cg = inChannels / groups;
  const og = outChannels / groups;
  const fanIn = cg * kh * kw;
  return {
    kind: `conv2d(${inChannels}→${outChannels}, k${kh}x${kw}, s${spec.stride}, p${spec.padding}${groups > 1 ? `, g${groups}` : ""})`,
    init(rng, dtype) {
      const p: Conv2dParams = { weight: fanInUniform([outChannels, cg, kh, kw], fanIn, rng, dtype) };
      if (bias) p.bias = fanInUniform([outChannels], fanIn, rng, dtype);
      return p;
    },
    apply(p, x) {
      expectShape("conv2d", x, 4, `[N, ${inChannels}, H, W]`, 1, inChannels);
      const cols = im2col(x, spec); // [N, C·kh·kw, L]
      const [N, , L] = cols.shape;
      const w = reshape(p.weight, [outChannels, fanIn]);
      let y: Tensor;
      if (groups === 1) y = matmul(w, cols);
      else {
        const parts: Tensor[] = [];
        for (let g = 0; g < groups; g++) {
          const wg = slice(w, [g * og, 0], [(g + 1) * og, fanIn]);
          const cgCols = slice(cols, [0, g * fanIn, 0], [N, (g + 1) * fanIn, L]);
          parts.push(matmul(wg, cgCols));
        }
        y = concat(parts, 1);
      }
      if (p.bias) y = add(y, reshape(p.bias, [outChannels, 1]));
      const OH = Math.floor((x.shape[2] + 2 * spec.padding[0] - spec.dilation[0] * (kh - 1) - 1) / spec.stride[0]) + 1;
      return reshape(y, [N, outChannels, OH, L / OH]);
    },
  };
}
