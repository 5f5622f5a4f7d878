import type { Tensor } from "../../tensor/Tensor";
import { im2col, max, mean, reshape } from "../../tensor/ops";
import type { Layer } from "./Layer";
import { expectShape } from "./Layer";

type Pair = number | [number, number];
const pair = (v: Pair | undefined, d: [number, number]): [number, number] => (v === undefined ? d : typeof v === "number" ? [v, v] : v);

export interface PoolOptions {
  /** Stride (default: the kernel size, as in PyTorch). */
  stride?: Pair;
  /** Padding on each side (default 0): −∞ for max pooling, zeros counted in the mean for average pooling (count_include_pad). */
  padding?: Pair;
}

function pool(kind: "max" | "avg", kernelSize: Pair, opts: PoolOptions): Layer<Record<string, never>> {
  const kernel = pair(kernelSize, [1, 1]);
  const spec = { kernel, stride: pair(opts.stride, kernel), padding: pair(opts.padding, [0, 0]), padValue: kind === "max" ? -Infinity : 0 };
  const name = `${kind}Pool2d`;
  return {
    kind: `${name}(k${kernel}, s${spec.stride})`,
    init: () => ({}),
    apply(_p, x) {
      expectShape(name, x, 4, "[N, C, H, W]");
      const [N, C, H, W] = x.shape;
      // Each channel pools alone: treat it as a one-channel image.
      const cols = im2col(reshape(x, [N * C, 1, H, W]), spec); // [N·C, kh·kw, L]
      const r = kind === "max" ? max(cols, 1) : mean(cols, 1);
      const OH = Math.floor((H + 2 * spec.padding[0] - kernel[0]) / spec.stride[0]) + 1;
      const OW = Math.floor((W + 2 * spec.padding[1] - kernel[1]) / spec.stride[1]) + 1;
      return reshape(r, [N, C, OH, OW]);
    },
  };
}

/** Max pooling x [N, C, H, W] → [N, C, OH, OW]; ties share the gradient equally. */
export const maxPool2d = (kernelSize: Pair, opts: PoolOptions = {}) => pool("max", kernelSize, opts);

/** Average pooling x [N, C, H, W] → [N, C, OH, OW]. */
export const avgPool2d = (kernelSize: Pair, opts: PoolOptions = {}) => pool("avg", kernelSize, opts);

/** Global average pooling x [N, C, H, W] → [N, C]. */
export function globalAvgPool2d(): Layer<Record<string, never>> {
  return {
    kind: "globalAvgPool2d",
    init: () => ({}),
    apply(_p, x: Tensor) {
      expectShape("globalAvgPool2d", x, 4, "[N, C, H, W]");
      return mean(x, [2, 3]);
    },
  };
}
