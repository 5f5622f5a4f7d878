import { Tensor } from "../tensor/Tensor";
import { fromStorage } from "../tensor/create";
import { add, mul } from "../tensor/ops/binary";
import { matmul } from "../tensor/ops/matmul";
import { transpose, astype } from "../tensor/ops/shape";
import { allocate, type DType } from "../tensor/dtype";
import { withBackend, type BackendChoice } from "../backend/registry";
import { noGrad } from "../autodiff/graph";
import { check, checkOptions } from "../util/errors";
import { checkInteger, checkOptionsObject, checkPositive } from "./validators";

/** Muon's quintic coefficients (a, b, c) (Jordan et al., 2024): fast, not exactly orthogonalizing. */
export const MUON_COEFFICIENTS: readonly [number, number, number] = Object.freeze([3.4445, -4.775, 2.0315]) as readonly [number, number, number];

export interface NewtonSchulzOptions {
  /** Number of iterations (default 5). */
  steps?: number;
  /** Coefficients (a, b, c) of X ← aX + (bA + cA²)X with A = XXᵀ (default Muon's 3.4445, −4.7750, 2.0315). */
  coefficients?: readonly [number, number, number];
  /** Added to ‖G‖_F before normalizing (default 1e-7). */
  eps?: number;
  /** Compute in this dtype (default: the input's). "f32" routes the products to the accelerated backends. */
  dtype?: DType;
  /** Backend for the whole iteration (default: the global choice; `auto` routes f32 by measured size). */
  backend?: BackendChoice;
}

const NS_OPTIONS = ["steps", "coefficients", "eps", "dtype", "backend"] as const;

/**
 * Approximate orthogonalization (the polar factor UVᵀ of G = UΣVᵀ) by the Newton–Schulz quintic
 * iteration of Muon: X₀ = G/(‖G‖_F + eps), then `steps` times
 *
 *     A = X·Xᵀ,   X ← a·X + (b·A + c·A²)·X
 *
 * working on the wide orientation (rows ≤ cols, transposing if needed, so A is the smaller Gram
 * matrix). Every singular value σ ∈ (0, 1] is mapped by the odd polynomial p(σ) = aσ + bσ³ + cσ⁵
 * per step; Muon's coefficients push small σ up fast and leave the result in roughly [0.7, 1.2]
 * instead of exactly 1. Built only from `matmul` and elementwise ops, so f32 input runs its
 * products on the accelerated backends (wasm/GPU.js) through the backend registry.
 *
 * Shapes: G [m, n] → [m, n]. Not differentiated (runs under noGrad).
 */
export function newtonSchulz(g: Tensor, opts?: NewtonSchulzOptions): Tensor {
  const where = "newtonSchulz";
  check(g instanceof Tensor, `${where}: g`, "expected a Tensor");
  check(g.rank === 2, `${where}: g`, `expected a matrix (rank 2), got shape [${g.shape}]`);
  checkOptionsObject(opts, where, false);
  checkOptions(opts, NS_OPTIONS, where);
  const o = opts ?? {};
  const { steps = 5, coefficients = MUON_COEFFICIENTS, eps = 1e-7, backend } = o;
  checkInteger(steps, "steps", where, 0);
  check(
    Array.isArray(coefficients) && coefficients.length === 3 && coefficients.every((c) => typeof c === "number" && Number.isFinite(c)),
    `${where}: coefficients`,
    "expected three finite numbers [a, b, c]",
  );
  checkPositive(eps, "eps", where);
  const dtype = o.dtype ?? g.dtype;
  check(dtype === "f64" || dtype === "f32", `${where}: dtype`, `expected "f64" or "f32", got ${String(dtype)}`);
  const [a, b, c] = coefficients;
  const run = () => noGrad(() => {
    let x = g.dtype === dtype ? g.detach() : astype(g.detach(), dtype);
    let fro = 0;
    for (let i = 0; i < x.size; i++) fro += x.data[i] * x.data[i];
    const scale = 1 / (Math.sqrt(fro) + eps);
    x = mul(x, scale);
    const tall = g.shape[0] > g.shape[1];
    if (tall) x = transpose(x);
    for (let k = 0; k < steps; k++) {
      const A = matmul(x, x, { transB: true, backend });
      const B = add(mul(A, b), mul(matmul(A, A, { backend }), c));
      x = add(mul(x, a), matmul(B, x, { backend }));
    }
    return tall ? transpose(x) : x;
  });
  // An explicit backend applies to the elementwise ops too (they follow the global default).
  return backend === undefined ? run() : withBackend(backend, run);
}

/** Newton–Schulz of a row-major matrix given as a plain array (float64 in and out). */
export function newtonSchulzArray(values: ArrayLike<number>, rows: number, cols: number, opts?: NewtonSchulzOptions): Float64Array {
  const data = allocate(opts?.dtype ?? "f64", rows * cols);
  data.set(values as ArrayLike<number>);
  const out = newtonSchulz(fromStorage(data, [rows, cols]), opts);
  return Float64Array.from(out.data);
}
