import { scratchBuffer } from "./scratch";

/** Element type of a tensor: `f64` is the float64 reference, `f32` what GPU.js and WASM compute in. */
export type DType = "f64" | "f32";

/** The typed array that stores a tensor of the given dtype. */
export type Storage = Float64Array | Float32Array;

/** A zero-filled buffer of n elements (recycled inside a reverse sweep's scratch scope). */
export function allocate(dtype: DType, n: number): Storage {
  return scratchBuffer(dtype, n, true) ?? (dtype === "f64" ? new Float64Array(n) : new Float32Array(n));
}

/** A buffer of n elements for an op that writes every element (not zero-filled when recycled). */
export function allocateOutput(dtype: DType, n: number): Storage {
  return scratchBuffer(dtype, n, false) ?? (dtype === "f64" ? new Float64Array(n) : new Float32Array(n));
}

export function dtypeOf(data: Storage): DType {
  return data instanceof Float64Array ? "f64" : "f32";
}

export function isDType(x: unknown): x is DType {
  return x === "f64" || x === "f32";
}

/** Result dtype of combining two tensors: f64 wins, so mixing never silently loses precision. */
export function promote(a: DType, b: DType): DType {
  return a === "f64" || b === "f64" ? "f64" : "f32";
}
