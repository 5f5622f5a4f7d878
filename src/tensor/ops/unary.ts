import { Tensor } from "../Tensor";
import { allocateOutput } from "../dtype";
import type { UnaryKernel } from "../../backend/Backend";
import { dispatch } from "../../backend/registry";
import { record } from "../../autodiff/graph";
import { OptlabError } from "../../util/errors";
import { describe } from "./util";
import { add, mul, div, tanhGrad, sigmoidGrad, reluGrad } from "./binary";

/** Apply an elementwise kernel; `vjp` (if any) maps (g, x, y) to the input cotangent. */
function unary(op: UnaryKernel, x: Tensor, vjp: ((g: Tensor, x: Tensor, y: Tensor) => Tensor) | null): Tensor {
  if (!(x instanceof Tensor)) throw new OptlabError(`${op}: argument x: expected a Tensor, got ${describe(x)}`);
  const out = allocateOutput(x.dtype, x.size);
  const used = dispatch("unary", x.dtype, x.size, undefined, (b) => b.unary?.(op, x.data, out) ?? false);
  const y = new Tensor(out, x.shape, used);
  return vjp ? record(op, [x], y, (g) => [vjp(g, x, y)]) : y;
}

export const neg = (x: Tensor): Tensor => unary("neg", x, (g) => neg(g));
export const exp = (x: Tensor): Tensor => unary("exp", x, (g, _x, y) => mul(g, y));
export const log = (x: Tensor): Tensor => unary("log", x, (g, x) => div(g, x));
export const log1p = (x: Tensor): Tensor => unary("log1p", x, (g, x) => div(g, add(x, 1)));
export const tanh = (x: Tensor): Tensor => unary("tanh", x, (g, _x, y) => tanhGrad(g, y));
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x, (g, _x, y) => sigmoidGrad(g, y));
/** max(x, 0); its derivative at 0 is taken as 0. */
export const relu = (x: Tensor): Tensor => unary("relu", x, (g, x) => reluGrad(g, x));
/** Heaviside step 1[x > 0] (no gradient). */
export const step = (x: Tensor): Tensor => unary("step", x, null);
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x, (g, _x, y) => div(g, mul(y, 2)));
export const abs = (x: Tensor): Tensor => unary("abs", x, (g, x) => mul(g, sign(x)));
/** sign(x) ∈ {−1, 0, 1} (no gradient). */
export const sign = (x: Tensor): Tensor => unary("sign", x, null);
export const erf = (x: Tensor): Tensor =>
  unary("erf", x, (g, x) => mul(g, mul(exp(neg(square(x))), 2 / Math.sqrt(Math.PI))));
export const square = (x: Tensor): Tensor => unary("square", x, (g, x) => mul(g, mul(x, 2)));
/** log(1 + eˣ), computed without overflow. */
export const softplus = (x: Tensor): Tensor => unary("softplus", x, (g, x) => mul(g, sigmoid(x)));
export const reciprocal = (x: Tensor): Tensor => unary("reciprocal", x, (g, _x, y) => neg(mul(g, square(y))));
export const cos = (x: Tensor): Tensor => unary("cos", x, (g, x) => neg(mul(g, sin(x))));
export const sin = (x: Tensor): Tensor => unary("sin", x, (g, x) => mul(g, cos(x)));

/** Exact GELU x·Φ(x) = ½x(1 + erf(x/√2)), composed so its derivatives follow. */
export const gelu = (x: Tensor): Tensor => mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
