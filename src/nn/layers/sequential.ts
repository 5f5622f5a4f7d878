import type { Tensor } from "../../tensor/Tensor";
import type { Params } from "../../autodiff/params";
import type { Layer, ForwardContext } from "./Layer";
import { OptlabError } from "../../util/errors";

/** A sequential container: layers in an array (params an array) or a record (params a record, keys = PyTorch module names). */
export interface Sequential extends Layer<Params> {
  /** The child layers in order, with their names ("0", "1", … or the record keys). */
  readonly children: readonly { name: string; layer: Layer }[];
  /** Apply only the first `upTo` children (the activations after child `upTo`). */
  applyPrefix(params: Params, x: Tensor, ctx: ForwardContext, upTo: number): Tensor;
}

/**
 * Compose layers: x ↦ f_k(… f_1(x)). `nn.sequential([a, b])` has params [θ_a, θ_b];
 * `nn.sequential({ conv1: a, relu: b })` has params { conv1: θ_a, relu: θ_b }, so leaf paths follow
 * PyTorch's state-dict names.
 */
export function sequential(layers: readonly Layer[] | Readonly<Record<string, Layer>>): Sequential {
  const isArray = Array.isArray(layers);
  const entries: [string, Layer][] = isArray ? (layers as readonly Layer[]).map((l, i) => [String(i), l]) : Object.entries(layers as Record<string, Layer>);
  if (entries.length === 0) throw new OptlabError("sequential: layers: expected at least one layer");
  entries.forEach(([name, l]) => {
    if (!l || typeof l.init !== "function" || typeof l.apply !== "function") {
      throw new OptlabError(`sequential: layers[${name}]: expected a layer { kind, init(rng, dtype), apply(params, x, ctx) }`);
    }
  });
  const get = (params: Params, i: number): Params => {
    const key = isArray ? i : entries[i][0];
    const p = (params as Record<string | number, Params>)[key];
    if (p === undefined) throw new OptlabError(`sequential: params: missing entry ${key} for layer ${entries[i][1].kind}`);
    return p;
  };
  const applyPrefix = (params: Params, x: Tensor, ctx: ForwardContext, upTo: number): Tensor => {
    let h = x;
    for (let i = 0; i < upTo; i++) h = entries[i][1].apply(get(params, i), h, ctx.child(entries[i][0]));
    return h;
  };
  return {
    kind: `sequential[${entries.map(([, l]) => l.kind).join(", ")}]`,
    children: entries.map(([name, layer]) => ({ name, layer })),
    init(rng, dtype) {
      if (isArray) return entries.map(([, l]) => l.init(rng, dtype));
      const out: Record<string, Params> = {};
      for (const [k, l] of entries) out[k] = l.init(rng, dtype);
      return out;
    },
    apply: (params, x, ctx) => applyPrefix(params, x, ctx, entries.length),
    applyPrefix,
  };
}
