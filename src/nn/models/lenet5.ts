import { toRng, type Rng } from "../../random/Rng";
import type { DType } from "../../tensor/dtype";
import type { Params } from "../../autodiff/params";
import { OptlabError } from "../../util/errors";
import { conv2d } from "../layers/conv2d";
import { linear } from "../layers/linear";
import { maxPool2d, avgPool2d } from "../layers/pooling";
import { act, flatten } from "../layers/elementwise";
import { sequential } from "../layers/sequential";
import { network, type Network } from "../network";

export interface LeNet5Options {
  /** Input channels (default 1). */
  channels?: number;
  /** Input side length, 28 (MNIST; conv1 pads by 2) or 32 (the original, no padding). Default 28. */
  size?: 28 | 32;
  classes?: number;
  activation?: "relu" | "tanh";
  pooling?: "max" | "avg";
  seed?: number | Rng;
  dtype?: DType;
}

/**
 * LeNet-5 (LeCun et al. 1998, modern form): conv5(6) → act → pool2 → conv5(16) → act → pool2 →
 * fc 400→120 → act → fc 120→84 → act → fc 84→classes. Inputs [n, C, 28, 28] (or flattened).
 * Params are named like the usual PyTorch module (conv1, conv2, fc1, fc2, fc3); `features(…, −1)`
 * is the 84-wide penultimate layer.
 */
export function lenet5(opts: LeNet5Options = {}): Network<Params> {
  const C = opts.channels ?? 1;
  const size = opts.size ?? 28;
  if (size !== 28 && size !== 32) throw new OptlabError(`lenet5: size: expected 28 or 32, got ${String(size)}`);
  const classes = opts.classes ?? 10;
  const a = opts.activation ?? "relu";
  if (a !== "relu" && a !== "tanh") throw new OptlabError(`lenet5: activation: expected "relu" or "tanh", got ${String(a)}`);
  const pool = opts.pooling === "avg" ? avgPool2d : opts.pooling === undefined || opts.pooling === "max" ? maxPool2d : null;
  if (!pool) throw new OptlabError(`lenet5: pooling: expected "max" or "avg", got ${String(opts.pooling)}`);
  const body = sequential({
    conv1: conv2d(C, 6, 5, { padding: size === 28 ? 2 : 0 }),
    act1: act(a),
    pool1: pool(2),
    conv2: conv2d(6, 16, 5),
    act2: act(a),
    pool2: pool(2),
    flatten: flatten(),
    fc1: linear(400, 120),
    act3: act(a),
    fc2: linear(120, 84),
    act4: act(a),
    fc3: linear(84, classes),
  });
  return network(body, { inputShape: [C, size, size], seed: toRng(opts.seed, 0), dtype: opts.dtype, name: `lenet5 ${a} ${opts.pooling ?? "max"}` });
}
