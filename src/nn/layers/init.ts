import { Tensor } from "../../tensor/Tensor";
import { allocate, type DType } from "../../tensor/dtype";
import type { Rng } from "../../random/Rng";

/**
 * U(−1/√fan_in, 1/√fan_in): PyTorch's default initialisation of Linear/Conv weights
 * (kaiming_uniform with a = √5) and biases.
 */
export function fanInUniform(shape: readonly number[], fanIn: number, rng: Rng, dtype: DType): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const d = allocate(dtype, shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < d.length; i++) d[i] = bound * (2 * rng.uniform() - 1);
  return new Tensor(d, shape);
}

/** A constant tensor. */
export function filled(shape: readonly number[], value: number, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, shape.reduce((a, b) => a * b, 1)).fill(value), shape);
}
