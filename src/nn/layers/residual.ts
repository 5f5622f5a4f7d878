import type { Params } from "../../autodiff/params";
import { add } from "../../tensor/ops";
import type { Layer } from "./Layer";

/** Parameters of a residual block: the block's, and the shortcut's when it has one (PyTorch's "downsample"). */
export type ResidualParams = { block: Params; shortcut?: Params };

/**
 * Residual connection x ↦ block(x) + shortcut(x), shortcut the identity unless given (e.g. a
 * strided 1×1 conv + batch norm when the shape changes).
 */
export function residual(block: Layer, shortcut?: Layer): Layer<ResidualParams> {
  return {
    kind: `residual(${block.kind}${shortcut ? ` + ${shortcut.kind}` : ""})`,
    init(rng, dtype) {
      const p: ResidualParams = { block: block.init(rng, dtype) };
      if (shortcut) p.shortcut = shortcut.init(rng, dtype);
      return p;
    },
    apply(p, x, ctx) {
      const y = block.apply(p.block, x, ctx.child("block"));
      return add(y, shortcut ? shortcut.apply(p.shortcut as Params, x, ctx.child("shortcut")) : x);
    },
  };
}
