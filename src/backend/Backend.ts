import type { DType, Storage } from "../tensor/dtype";

/** Names of the compute backends. `cpu` is float64 (and exact float32 storage) and the reference. */
export type BackendName = "cpu" | "gpujs" | "wasm";

/** Elementwise unary kernels every backend understands. `step` is 1 for x > 0, else 0. */
export type UnaryKernel =
  | "neg" | "exp" | "log" | "log1p" | "tanh" | "sigmoid" | "relu" | "step" | "sqrt" | "abs" | "sign"
  | "erf" | "square" | "softplus" | "reciprocal" | "cos" | "sin";

/**
 * Elementwise binary kernels (comparisons return 1/0). The last four are the fused derivative
 * rules of the smooth activations (a = cotangent, b = the activation's output y):
 * `tanhGrad` a·(1 − b²), `sigmoidGrad` a·(b·(1 − b)), `sigmoidGradY` a·(1 − 2b), `mulNeg2` −(a·(2b));
 * and `reluGrad` a·1[b > 0] (b = relu's input), the relu derivative rule.
 */
export type BinaryKernel =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum" | "gt" | "ge" | "lt" | "le" | "eq"
  | "tanhGrad" | "sigmoidGrad" | "sigmoidGradY" | "mulNeg2" | "reluGrad";

/**
 * Batched matrix product C[b] = op(A[b]) · op(B[b]), row-major.
 * op(A) is m×k (A stored k×m when `transA`), op(B) is k×n (B stored n×k when `transB`).
 * `batchA`/`batchB` false means that operand is a single matrix shared by every batch.
 */
export interface MatmulSpec {
  batch: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  batchA: boolean;
  batchB: boolean;
}

/**
 * Broadcast elementwise layout: `outShape` is the result's shape and `aStrides`/`bStrides` the
 * operands' strides over it (0 along broadcast dimensions).
 */
export interface BroadcastSpec {
  outShape: readonly number[];
  aStrides: readonly number[];
  bStrides: readonly number[];
}

/**
 * Reduction layout: the input is viewed as outer × len × inner (row-major) and reduced over len.
 */
export interface ReduceSpec {
  outer: number;
  len: number;
  inner: number;
}

/**
 * Raw kernels of one backend. Methods take and fill typed arrays; shapes come in specs.
 * An accelerated backend may leave a method out or return `false` from it (size or layout it does
 * not handle): the caller then falls back to `cpu`. Every result a backend produces is tested
 * against `cpu` in float64.
 */
export interface Backend {
  readonly name: BackendName;
  /** Dtypes this backend computes in (accelerated backends: `f32` only). */
  readonly dtypes: readonly DType[];
  /** Whether it can run in this process (e.g. WASM module loaded, GPU.js importable). */
  available(): boolean;
  matmul?(a: Storage, b: Storage, spec: MatmulSpec, out: Storage): boolean | void;
  unary?(op: UnaryKernel, x: Storage, out: Storage): boolean | void;
  binary?(op: BinaryKernel, a: Storage, b: Storage, spec: BroadcastSpec, out: Storage): boolean | void;
  reduceSum?(x: Storage, spec: ReduceSpec, out: Storage): boolean | void;
  reduceMax?(x: Storage, spec: ReduceSpec, out: Storage): boolean | void;
  /** Gram product G = X·Xᵀ of X (n×d). */
  gram?(x: Storage, n: number, d: number, out: Storage): boolean | void;
}
