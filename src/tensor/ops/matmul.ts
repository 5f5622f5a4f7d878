import { Tensor } from "../Tensor";
import { allocate, allocateOutput, promote } from "../dtype";
import { dispatch, type BackendChoice } from "../../backend/registry";
import { record } from "../../autodiff/graph";
import { shapeStr, sizeOf } from "../shape";
import { OptlabError } from "../../util/errors";
import { checkOptions } from "../../util/errors";
import { describe } from "./util";
import { reshape } from "./shape";
import { sumTo } from "./broadcast";
import { add } from "./binary";
import { astype, transpose } from "./shape";

export interface MatmulOptions {
  /** Use Aᵀ: `a` is stored [..., k, m]. */
  transA?: boolean;
  /** Use Bᵀ: `b` is stored [..., n, k]. */
  transB?: boolean;
  /** Backend for this call (overrides the global default). */
  backend?: BackendChoice;
}

const MATMUL_OPTIONS = ["transA", "transB", "backend"] as const;

/**
 * Matrix product op(A)·op(B) over the last two axes, batched over leading axes (a rank-2 operand
 * is shared across the batch; 1-D operands act as a row/column vector and that axis is dropped).
 * Shapes: op(A) [..., m, k] · op(B) [..., k, n] → [..., m, n].
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  checkOptions(opts, MATMUL_OPTIONS, "matmul");
  if (!(a instanceof Tensor)) throw new OptlabError(`matmul: argument a: expected a Tensor, got ${describe(a)}`);
  if (!(b instanceof Tensor)) throw new OptlabError(`matmul: argument b: expected a Tensor, got ${describe(b)}`);
  if (a.rank === 0 || b.rank === 0) throw new OptlabError(`matmul: operands must have rank ≥ 1, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  if (a.rank === 1 || b.rank === 1) {
    const a2 = a.rank === 1 ? reshape(a, transA ? [a.size, 1] : [1, a.size]) : a;
    const b2 = b.rank === 1 ? reshape(b, transB ? [1, b.size] : [b.size, 1]) : b;
    const c = matmul(a2, b2, opts);
    const shape = [...c.shape];
    if (b.rank === 1) shape.pop();
    if (a.rank === 1) shape.splice(shape.length - (b.rank === 1 ? 1 : 2), 1);
    return reshape(c, shape);
  }
  return matmulCore(a, b, transA, transB, opts.backend);
}

function matmulCore(a: Tensor, b: Tensor, transA: boolean, transB: boolean, backend: BackendChoice | undefined): Tensor {
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) {
    throw new OptlabError(
      `matmul: inner dimensions differ: a ${shapeStr(a.shape)}${transA ? "ᵀ" : ""} has k = ${k}, b ${shapeStr(b.shape)}${transB ? "ᵀ" : ""} has k = ${kb}`,
    );
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  if (aBatch.length && bBatch.length && shapeStr(aBatch) !== shapeStr(bBatch)) {
    throw new OptlabError(`matmul: batch dimensions differ: a ${shapeStr(a.shape)}, b ${shapeStr(b.shape)}`);
  }
  const batchShape = aBatch.length ? aBatch : bBatch;
  const batch = sizeOf(batchShape);
  if (aBatch.length && !bBatch.length && !transA && batch > 1) {
    // A batched [..., m, k] times one shared B: the same product as one [batch·m, k] GEMM. Folding
    // the batch into the rows makes the forward one GEMM, and its cotangent for B one GEMM over
    // batch·m rows instead of `batch` tiny products summed afterwards.
    return reshape(matmulCore(reshape(a, [batch * m, k]), b, false, transB, backend), [...batchShape, m, n]);
  }
  const dt = promote(a.dtype, b.dtype);
  // Mixed dtypes compute in the wider one, so f32 never silently downgrades an f64 operand.
  const A = a.dtype === dt ? a : astype(a, dt);
  const B = b.dtype === dt ? b : astype(b, dt);
  // Every f64 GEMM path (BLAS with β = 0, wasm, JS) assigns each output element, so a recycled
  // buffer needs no zeroing; f32 products may run on accelerated backends and keep zeroed memory.
  const out = dt === "f64" ? allocateOutput(dt, batch * m * n) : allocate(dt, batch * m * n);
  const spec = { batch, m, k, n, transA, transB, batchA: aBatch.length > 0, batchB: bBatch.length > 0 };
  const used = dispatch("matmul", dt, 2 * batch * m * n * k, backend, (be) => be.matmul?.(A.data, B.data, spec, out) ?? false);
  const y = new Tensor(out, [...batchShape, m, n], used);
  return record("matmul", [A, B], y, (g) => {
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (A.requiresGrad) {
      ga = !transA
        ? matmulCore(g, B, false, !transB, backend)
        : matmulCore(B, g, transB, true, backend);
      ga = sumTo(ga, A.shape);
    }
    if (B.requiresGrad) {
      gb = !transB
        ? matmulCore(A, g, !transA, false, backend)
        : matmulCore(g, A, true, transA, backend);
      gb = sumTo(gb, B.shape);
    }
    return [ga, gb];
  });
}

/**
 * Gram matrix G = X·Xᵀ of the rows of X [n, d] → [n, n] (the kernel of NTK and neural-collapse
 * computations). Its cotangent is (Ḡ + Ḡᵀ)·X.
 */
export function gram(x: Tensor, opts: { backend?: BackendChoice } = {}): Tensor {
  checkOptions(opts, ["backend"], "gram");
  if (!(x instanceof Tensor) || x.rank !== 2) {
    throw new OptlabError(`gram: argument x: expected a rank-2 Tensor [n, d], got ${x instanceof Tensor ? shapeStr(x.shape) : describe(x)}`);
  }
  const [n, d] = x.shape;
  const out = allocate(x.dtype, n * n);
  const used = dispatch("gram", x.dtype, n * n * d, opts.backend, (be) => be.gram?.(x.data, n, d, out) ?? false);
  const y = new Tensor(out, [n, n], used);
  return record("gram", [x], y, (g) => [matmul(add(g, transpose(g)), x)]);
}
