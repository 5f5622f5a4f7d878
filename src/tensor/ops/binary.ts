import { Tensor } from "../Tensor";
import { allocateOutput, promote } from "../dtype";
import type { BinaryKernel } from "../../backend/Backend";
import { dispatch } from "../../backend/registry";
import { record } from "../../autodiff/graph";
import { broadcastShapes, broadcastStrides, sizeOf } from "../shape";
import { asTensor, dtypeOfLike, type TensorLike } from "./util";
import { sumTo } from "./broadcast";
import { neg, square, log } from "./unary";

type BinaryVjp = (g: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null];

/** Broadcast elementwise op; `vjp` gives cotangents in the broadcast shape (reduced here). */
function binary(op: BinaryKernel, x: TensorLike, z: TensorLike, vjp: BinaryVjp | null): Tensor {
  const dt = dtypeOfLike(x, z);
  const a = asTensor(x, dt, `${op}: argument a`);
  const b = asTensor(z, dt, `${op}: argument b`);
  const outShape = broadcastShapes(a.shape, b.shape, op);
  const out = allocateOutput(promote(a.dtype, b.dtype), sizeOf(outShape));
  const spec = { outShape, aStrides: broadcastStrides(a.shape, outShape), bStrides: broadcastStrides(b.shape, outShape) };
  const used = dispatch("binary", out instanceof Float64Array ? "f64" : "f32", out.length, undefined, (be) =>
    be.binary?.(op, a.data, b.data, spec, out) ?? false,
  );
  const y = new Tensor(out, outShape, used);
  if (!vjp) return y;
  return record(op, [a, b], y, (g) => {
    const [ga, gb] = vjp(g, a, b, y);
    return [
      ga && a.requiresGrad ? sumTo(ga, a.shape) : null,
      gb && b.requiresGrad ? sumTo(gb, b.shape) : null,
    ];
  });
}

/** a + b with broadcasting. */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary("add", a, b, (g) => [g, g]);
/** a − b with broadcasting. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary("sub", a, b, (g, _a, b) => [g, b.requiresGrad ? neg(g) : null]);
/** a · b elementwise with broadcasting. */
export const mul = (a: TensorLike, b: TensorLike): Tensor =>
  binary("mul", a, b, (g, a, b) => [a.requiresGrad ? mul(g, b) : null, b.requiresGrad ? mul(g, a) : null]);
/** a / b elementwise with broadcasting. */
export const div = (a: TensorLike, b: TensorLike): Tensor =>
  binary("div", a, b, (g, a, b) => [
    a.requiresGrad ? div(g, b) : null,
    b.requiresGrad ? neg(div(mul(g, a), square(b))) : null,
  ]);
/** a^b elementwise; d/db uses log(a), so it is only formed when b requires grad. */
export const pow = (a: TensorLike, b: TensorLike): Tensor =>
  binary("pow", a, b, (g, a, b, y) => [
    a.requiresGrad ? mul(g, mul(b, pow(a, sub(b, 1)))) : null,
    b.requiresGrad ? mul(g, mul(y, log(a))) : null,
  ]);
/** Elementwise maximum; ties send the gradient to a. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor =>
  binary("maximum", a, b, (g, a, b) => {
    const m = ge(a, b);
    return [mul(g, m), mul(g, sub(1, m))];
  });
/** Elementwise minimum; ties send the gradient to a. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor =>
  binary("minimum", a, b, (g, a, b) => {
    const m = le(a, b);
    return [mul(g, m), mul(g, sub(1, m))];
  });

/** Comparisons return 1/0 tensors and carry no gradient. */
export const gt = (a: TensorLike, b: TensorLike): Tensor => binary("gt", a, b, null);
export const ge = (a: TensorLike, b: TensorLike): Tensor => binary("ge", a, b, null);
export const lt = (a: TensorLike, b: TensorLike): Tensor => binary("lt", a, b, null);
export const le = (a: TensorLike, b: TensorLike): Tensor => binary("le", a, b, null);
export const eq = (a: TensorLike, b: TensorLike): Tensor => binary("eq", a, b, null);

// Fused derivative rules of the smooth activations. Backward passes recorded for second order
// (HVPs, grad-of-grad) otherwise spend three nodes (square, sub, mul) per activation, and the
// HVP sweep through those nodes another five elementwise passes; these are one pass each, with
// the same IEEE operations in the same order as the unfused expressions.

/** g·(1 − y²): the cotangent of tanh's input, given its output y. */
export const tanhGrad = (g: TensorLike, y: TensorLike): Tensor =>
  binary("tanhGrad", g, y, (c, g, y) => [
    g.requiresGrad ? tanhGrad(c, y) : null,
    y.requiresGrad ? mulNeg2(mul(c, g), y) : null,
  ]);
/** g·y(1 − y): the cotangent of the logistic sigmoid's input, given its output y. */
export const sigmoidGrad = (g: TensorLike, y: TensorLike): Tensor =>
  binary("sigmoidGrad", g, y, (c, g, y) => [
    g.requiresGrad ? sigmoidGrad(c, y) : null,
    y.requiresGrad ? sigmoidGradY(mul(c, g), y) : null,
  ]);
/** u·(1 − 2w) (∂/∂y of y(1 − y), times u). */
export const sigmoidGradY = (u: TensorLike, w: TensorLike): Tensor =>
  binary("sigmoidGradY", u, w, (c, u, w) => [
    u.requiresGrad ? sigmoidGradY(c, w) : null,
    w.requiresGrad ? mulNeg2(c, u) : null,
  ]);
/** g·1[x > 0]: the cotangent of relu's input x (its derivative at 0 taken as 0; none flows to x). */
export const reluGrad = (g: TensorLike, x: TensorLike): Tensor =>
  binary("reluGrad", g, x, (c, g, x) => [g.requiresGrad ? reluGrad(c, x) : null, null]);
/** −2·u·w, computed as −(u·(2w)) (∂/∂y of 1 − y², times u; symmetric in u and w). */
export const mulNeg2 = (u: TensorLike, w: TensorLike): Tensor =>
  binary("mulNeg2", u, w, (c, u, w) => [u.requiresGrad ? mulNeg2(c, w) : null, w.requiresGrad ? mulNeg2(c, u) : null]);
