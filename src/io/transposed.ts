import { OptlabError } from "../util/errors";
import type { NpzArrays } from "./npz";
import type { NamedLayer } from "./stateDict";

/**
 * Detects weights stored the wrong way round. optlab analyze reads PyTorch's nn.Linear layout,
 * W (out, in); a W saved as (in, out) — optlab's own nn.mlp, JAX/Flax, or a stray `.T` — gives
 * shapes that do not chain. When the transposed reading fits (x's features, the previous layer,
 * the bias) and the stored one does not, the error says so and what to do.
 */
export class TransposedWeightError extends OptlabError {
  override name = "TransposedWeightError";
}

const shape = (s: readonly number[]) => `(${s.join(", ")})`;

interface Known {
  /** Size the layer's input must have (from x or the previous layer), and where it comes from. */
  input?: number;
  inputFrom?: string;
}

function fits(out: number, inp: number, bias: number | undefined, k: Known): boolean {
  return (k.input === undefined || inp === k.input) && (bias === undefined || bias === out);
}

/**
 * Throws a TransposedWeightError when the layers read as (in, out) fit where (out, in) does not:
 * every W at once (a whole model saved in (in, out) layout), or one W. Otherwise returns, leaving
 * other shape errors to the usual checks.
 *
 * @param inputDim the number of features of the inputs (x's columns), when known
 */
export function checkNotTransposed(layers: readonly NamedLayer[], arrays: NpzArrays, file: string, inputDim?: number, inputFrom?: string): void {
  const dims = layers.map((l) => {
    const [r, c] = arrays[l.weight].shape;
    const b = l.bias ? arrays[l.bias] : undefined;
    return { r, c, bias: b && b.shape.length === 1 ? b.shape[0] : undefined };
  });
  const chains = (transposed: boolean) => {
    let k: Known = { input: inputDim };
    for (const d of dims) {
      const [out, inp] = transposed ? [d.c, d.r] : [d.r, d.c];
      if (!fits(out, inp, d.bias, k)) return false;
      k = { input: out };
    }
    return true;
  };
  const layout = "optlab analyze reads PyTorch's nn.Linear layout, W (out, in)";
  if (!chains(false) && chains(true) && dims.some((d) => d.r !== d.c)) {
    const names = layers.map((l, i) => `${l.weight} ${shape([dims[i].r, dims[i].c])}`).join(", ");
    throw new TransposedWeightError(`${file}: the weights look transposed: ${names} chain as (in, out) — the layout of optlab's nn.mlp ` +
      `and JAX — but not as (out, in); ${layout}: save each weight transposed (W.T in NumPy; io.saveNpz(path, model) writes this layout)`);
  }
  let k: Known = { input: inputDim, inputFrom: inputFrom ?? "x" };
  for (let l = 0; l < layers.length; l++) {
    const d = dims[l];
    if (fits(d.r, d.c, d.bias, k)) {
      k = { input: d.r, inputFrom: `${layers[l].weight} ${shape([d.r, d.c])}` };
      continue;
    }
    if (d.r !== d.c && fits(d.c, d.r, d.bias, k)) {
      const why = [
        k.input !== undefined ? `its input has ${k.input} features (${k.inputFrom})` : undefined,
        d.bias !== undefined ? `${layers[l].bias} has ${d.bias} entries` : undefined,
      ].filter(Boolean).join(" and ");
      throw new TransposedWeightError(`${file}: ${layers[l].weight} has shape ${shape([d.r, d.c])} but ${why}, so the expected shape is ` +
        `${shape([d.c, d.r])}: it looks transposed; ${layout}: save ${layers[l].weight} transposed (W.T in NumPy)`);
    }
    return;
  }
}
