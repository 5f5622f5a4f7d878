/**
 * The flat-vector helpers every θ-space algorithm uses (one home: solvers, Hessian analyses,
 * stability and optimizers import these). Lengths are assumed equal; callers validate.
 */

/** Inner product ⟨x, y⟩. */
export function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** Euclidean norm ‖x‖₂. */
export function norm2(x: ArrayLike<number>): number {
  return Math.sqrt(dot(x, x));
}

/** y ← y + a·x in place. */
export function axpy(a: number, x: ArrayLike<number>, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

/** x − y as a new array. */
export function sub(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] - y[i];
  return out;
}
