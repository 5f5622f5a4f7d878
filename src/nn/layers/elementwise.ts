import type { Tensor } from "../../tensor/Tensor";
import { reshape } from "../../tensor/ops";
import type { Layer } from "./Layer";
import { activation, type ActivationName } from "../activations";
import { OptlabError } from "../../util/errors";

/** A parameter-free layer from a differentiable function of x. */
export function lambda(kind: string, fn: (x: Tensor) => Tensor): Layer<Record<string, never>> {
  if (typeof fn !== "function") throw new OptlabError(`lambda: fn: expected a function of a Tensor, got ${typeof fn}`);
  return { kind, init: () => ({}), apply: (_p, x) => fn(x) };
}

/** An elementwise activation by name (relu, tanh, gelu, …) as a layer. */
export function act(name: ActivationName): Layer<Record<string, never>> {
  return lambda(name, activation(name, "act: name"));
}

/** Flatten all axes from `startAxis` (default 1): [N, C, H, W] → [N, C·H·W]. */
export function flatten(startAxis = 1): Layer<Record<string, never>> {
  return lambda("flatten", (x) => {
    if (x.rank < startAxis) throw new OptlabError(`flatten: x: expected rank ≥ ${startAxis}, got shape [${x.shape.join(", ")}]`);
    return reshape(x, [...x.shape.slice(0, startAxis), -1]);
  });
}
