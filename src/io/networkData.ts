import type { Params } from "../autodiff/params";
import type { Network } from "../nn/network";
import { OptlabError } from "../util/errors";
import type { NpzArrays } from "./npz";

/**
 * A data archive's `x` for a network with a multi-axis input (images [n, C, H, W], token ids
 * [n, T]): x stored as [n, ...inputShape] (what a DataLoader batch holds) or flattened to
 * [n, prod(inputShape)]. Returns the arrays with x viewed as [n, prod(inputShape)] — the layout
 * every analysis passes to the network — so the usual data readers (`datasetFromNpz`,
 * `inputsFromNpz`) check y, dtypes and finiteness as for an MLP.
 */
export function flattenInputs(arrays: NpzArrays, net: Network<Params>, file = "data.npz"): NpzArrays {
  const x = arrays.x;
  if (!x) return arrays; // the readers report the missing x
  const d = net.inputDim;
  const want = [...net.inputShape];
  const asImages = x.shape.length === want.length + 1 && want.every((s, i) => x.shape[i + 1] === s);
  const flat = x.shape.length === 2 && x.shape[1] === d;
  if (!asImages && !flat) {
    const perm = want.length === 3 && x.shape.length === 4 && x.shape[3] === want[0] && x.shape[1] === want[1] && x.shape[2] === want[2]
      ? `; it looks channels-last (n, H, W, C): save np.transpose(x, (0, 3, 1, 2))`
      : "";
    throw new OptlabError(`${file}: x: shape (${x.shape.join(", ")}) does not fit ${net.name}: expected (n, ${want.join(", ")}) or flattened (n, ${d})${perm}`);
  }
  return { ...arrays, x: { ...x, shape: [x.shape[0], d] } };
}
