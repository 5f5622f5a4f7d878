import { jvp, vjp } from "../autodiff/transforms";
import { Tensor } from "../tensor/Tensor";
import { tensor, zeros } from "../tensor/create";
import { OptlabError, checkOptions } from "../util/errors";
import { cg } from "./cg";
import { gmres } from "./gmres";
import { checkPositive, checkPositiveInt, checkVector, nowMs } from "./vector";

type LinearOperator = (v: Float64Array) => Float64Array;

/** Optimality conditions F(x, θ) = 0 defining x*(θ); F returns a tensor with as many entries as x. */
export type OptimalityConditions = (x: Tensor, theta: Tensor) => Tensor;

export interface ImplicitOptions {
  /**
   * Linear solver for the system with ∂F/∂x: "cg" when ∂F/∂x is symmetric positive definite
   * (F a gradient of a strongly convex objective; then only VJPs are used), "gmres" otherwise.
   * Default "gmres".
   */
  solver?: "cg" | "gmres";
  /** Relative residual of the linear solve; default 1e-12. */
  tol?: number;
  /** Most matvecs; default 10·dim(x). */
  maxIter?: number;
  /** GMRES restart length; default min(dim x, 50). */
  restart?: number;
}

export interface ImplicitSolveInfo {
  solver: "cg" | "gmres";
  iterations: number;
  converged: boolean;
  relativeResidual: number;
  tol: number;
}

export interface ImplicitGradResult {
  method: "implicit-function-theorem";
  mode: "reverse" | "forward";
  /** Reverse: dL/dθ (shape of θ, flat). Forward: d(x*)/dθ · t (shape of x, flat). */
  value: Float64Array;
  /** Reverse mode: the adjoint λ solving (∂F/∂x)ᵀλ = ∂L/∂x. Forward: the solution w of (∂F/∂x) w = −(∂F/∂θ) t. */
  solution: Float64Array;
  solve: ImplicitSolveInfo;
  backend: string;
  dtype: string;
  wallTimeMs: number;
}

function asTensor(v: Tensor | Float64Array, argument: string): Tensor {
  if (v instanceof Tensor) {
    for (let i = 0; i < v.data.length; i++) if (!Number.isFinite(v.data[i])) throw new OptlabError(`${argument}: non-finite value ${v.data[i]} at index ${i}`);
    return v;
  }
  const arr = checkVector(v, argument);
  return tensor(arr, [arr.length]);
}

function setup(F: OptimalityConditions, x: Tensor | Float64Array, theta: Tensor | Float64Array, opts: ImplicitOptions, where: string) {
  checkOptions(opts, ["solver", "tol", "maxIter", "restart"], where);
  if (typeof F !== "function") throw new OptlabError(`${where}: F: expected a function (x, θ) ↦ F(x, θ), got ${typeof F}`);
  const xs = asTensor(x, `${where}: xStar`);
  const th = asTensor(theta, `${where}: theta`);
  const solver = opts.solver ?? "gmres";
  if (solver !== "cg" && solver !== "gmres") throw new OptlabError(`${where}: solver: expected "cg" or "gmres", got ${String(solver)}`);
  const n = xs.size;
  const tol = checkPositive(opts.tol ?? 1e-12, `${where}: tol`);
  const maxIter = checkPositiveInt(opts.maxIter ?? 10 * n, `${where}: maxIter`);
  const restart = checkPositiveInt(opts.restart ?? Math.min(n, 50), `${where}: restart`);
  const f = (p: { x: Tensor; theta: Tensor }) => F(p.x, p.theta);
  const { out, vjp: pull } = vjp(f, { x: xs, theta: th });
  if (out.size !== n) throw new OptlabError(`${where}: F: expected an output with ${n} entries (the size of x), got shape [${out.shape.join(", ")}]`);
  const outShape = out.shape;
  const toOut = (v: Float64Array) => tensor(v, [...outShape]);
  const flat = (t: Tensor) => Float64Array.from(t.data);
  const solve = (op: LinearOperator, rhs: Float64Array): { x: Float64Array; info: ImplicitSolveInfo } => {
    const r = solver === "cg" ? cg(op, rhs, { tol, maxIter }) : gmres(op, rhs, { tol, maxIter, restart });
    if (!r.converged) throw new OptlabError(`${where}: the ${solver} solve with ∂F/∂x did not converge (relative residual ${r.relativeResidual.toExponential(2)} after ${r.iterations} iterations); is ∂F/∂x nonsingular${solver === "cg" ? " and SPD" : ""}?`);
    return { x: r.x, info: { solver, iterations: r.iterations, converged: r.converged, relativeResidual: r.relativeResidual, tol } };
  };
  return { xs, th, n, f, pull, toOut, flat, solve, solver };
}

/**
 * Reverse-mode implicit differentiation: for x*(θ) with F(x*(θ), θ) = 0 and a loss L(x*),
 * dL/dθ = −λᵀ ∂F/∂θ where (∂F/∂x)ᵀ λ = ∂L/∂x (implicit function theorem; e.g. Blondel et al. 2022).
 * The system is solved matrix-free with VJPs of F (src/autodiff) by CG (symmetric SPD ∂F/∂x) or GMRES.
 */
export function implicitGrad(F: OptimalityConditions, xStar: Tensor | Float64Array, theta: Tensor | Float64Array, dLdx: Tensor | Float64Array, opts: ImplicitOptions = {}): ImplicitGradResult {
  const t0 = nowMs();
  const s = setup(F, xStar, theta, opts, "implicitGrad");
  const g = s.flat(asTensor(dLdx, "implicitGrad: dLdx"));
  if (g.length !== s.n) throw new OptlabError(`implicitGrad: dLdx: expected ${s.n} entries, got ${g.length}`);
  const adjointOp: LinearOperator = (u) => s.flat(s.pull(s.toOut(u)).x);
  const { x: lambda, info } = s.solve(adjointOp, g);
  const gth = s.flat(s.pull(s.toOut(lambda)).theta).map((v) => -v);
  return { method: "implicit-function-theorem", mode: "reverse", value: gth, solution: lambda, solve: info, backend: s.xs.backend, dtype: s.xs.dtype, wallTimeMs: nowMs() - t0 };
}

/**
 * Forward-mode implicit differentiation: d(x*)/dθ · t = w solving (∂F/∂x) w = −(∂F/∂θ) t, with
 * JVPs of F (or VJPs when solver = "cg", valid because ∂F/∂x is then symmetric).
 * For scalar θ and t = 1 this is the full derivative d(x*)/dθ (e.g. a ridge hypergradient).
 */
export function implicitJvp(F: OptimalityConditions, xStar: Tensor | Float64Array, theta: Tensor | Float64Array, tangent: Tensor | Float64Array, opts: ImplicitOptions = {}): ImplicitGradResult {
  const t0 = nowMs();
  const s = setup(F, xStar, theta, opts, "implicitJvp");
  const t = asTensor(tangent, "implicitJvp: tangent");
  if (t.size !== s.th.size) throw new OptlabError(`implicitJvp: tangent: expected ${s.th.size} entries (the size of θ), got ${t.size}`);
  const tth = tensor(Float64Array.from(t.data), [...s.th.shape]);
  const zx = zeros([...s.xs.shape]);
  const zth = zeros([...s.th.shape]);
  const rhs = s.flat(jvp(s.f, { x: s.xs, theta: s.th }, { x: zx, theta: tth }).tangent).map((v) => -v);
  const op: LinearOperator = s.solver === "cg"
    ? (u) => s.flat(s.pull(s.toOut(u)).x)
    : (u) => s.flat(jvp(s.f, { x: s.xs, theta: s.th }, { x: tensor(u, [...s.xs.shape]), theta: zth }).tangent);
  const { x: w, info } = s.solve(op, rhs);
  return { method: "implicit-function-theorem", mode: "forward", value: w, solution: w, solve: info, backend: s.xs.backend, dtype: s.xs.dtype, wallTimeMs: nowMs() - t0 };
}
