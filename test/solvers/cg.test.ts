import { strict as assert } from "node:assert";
import { Rng } from "../../src/random/Rng";
import { OptlabError } from "../../src/util/errors";
import {
  cg, csrFromDense, denseOperator, incompleteCholesky, jacobi, NonPositiveCurvatureError, poisson2d,
  PreconditionerError, randomSpd, scaledPreconditioner, symmetricFromSpectrum, tridiagonal, csrOperator, csrToDense,
} from "../../src/solvers/index";
import { denseSolve, matvec, maxAbsDiff, norm } from "./helpers";

describe("solvers: conjugate gradient", () => {
  const n = 50;
  const A = randomSpd(n, { condition: 1e3, seed: 1 });
  const b = new Rng(2).normals(n);
  const xStar = denseSolve(A.data, b, n);

  it("A-norm error is non-increasing at every step", () => {
    const res = cg(denseOperator(A), b, { xStar, tol: 1e-12 });
    const e = res.aNormErrorHistory!;
    assert.ok(e.length > 10);
    for (let k = 1; k < e.length; k++) assert.ok(e[k] <= e[k - 1] * (1 + 1e-12) + 1e-14, `step ${k}: ${e[k]} > ${e[k - 1]}`);
    assert.ok(e[e.length - 1] < 1e-8 * e[0]);
  });

  it("is exact in ≤ n steps on a 50×50 SPD system (1e-8)", () => {
    // Uniform spectrum in [1, 1e4]: the Chebyshev bound 2((√κ−1)/(√κ+1))^50 ≈ 0.74 promises almost
    // nothing at k = n, so reaching 1e-8 there is finite termination, not fast convergence.
    const kappa = 1e4;
    const U = randomSpd(n, { eigenvalues: Array.from({ length: n }, (_, i) => 1 + ((kappa - 1) * i) / (n - 1)), seed: 11 });
    const xu = denseSolve(U.data, b, n);
    const res = cg(denseOperator(U), b, { maxIter: n, tol: 1e-300, xStar: xu });
    assert.equal(res.iterations, n);
    assert.ok(2 * ((Math.sqrt(kappa) - 1) / (Math.sqrt(kappa) + 1)) ** n > 0.5);
    const rel = maxAbsDiff(res.x, xu) / Math.max(...xu.map(Math.abs));
    assert.ok(rel < 1e-8, `relative error ${rel}`);
    assert.ok(res.aNormErrorHistory![n] < 1e-8 * res.aNormErrorHistory![0]);
    // Few distinct eigenvalues: CG terminates in (#distinct) steps.
    const A5 = symmetricFromSpectrum(Array.from({ length: n }, (_, i) => 1 + (i % 5)), 3);
    const r5 = cg(denseOperator(A5), b, { tol: 1e-12 });
    assert.ok(r5.iterations <= 6, `5 distinct eigenvalues took ${r5.iterations} steps`);
    assert.ok(maxAbsDiff(r5.x, denseSolve(A5.data, b, n)) < 1e-8);
  });

  it("records residual history, convergence flag and tolerance; iterations bounded by √κ on 2-D Poisson", () => {
    const P = poisson2d(32);
    const bp = new Rng(4).normals(P.n);
    const res = cg(P.operator, bp, { tol: 1e-8 });
    assert.equal(res.converged, true);
    assert.ok(res.relativeResidual <= 1e-8);
    assert.equal(res.residualHistory.length, res.iterations + 1);
    // Classical bound: e_k ≤ 2((√κ−1)/(√κ+1))^k e_0 ⇒ k ≲ ½√κ ln(2/ε); with ε = 1e-8/√κ slack for the residual.
    const kappa = P.lambdaMax / P.lambdaMin;
    const bound = Math.ceil(0.5 * Math.sqrt(kappa) * Math.log((2 * Math.sqrt(kappa)) / 1e-8));
    assert.ok(res.iterations <= bound, `${res.iterations} > ${bound}`);
    const truth = P.operator(res.x).map((v, i) => bp[i] - v);
    assert.ok(norm(truth) <= 2e-8 * norm(bp));
  });

  it("Jacobi and IC(0) PCG solve 2-D Poisson and tridiagonal systems; IC(0) needs fewer iterations", () => {
    const P = poisson2d(24);
    const bp = new Rng(5).normals(P.n);
    const plain = cg(P.operator, bp, { tol: 1e-10 });
    const jac = cg(P.operator, bp, { tol: 1e-10, preconditioner: jacobi(P.csr) });
    const ic = cg(P.operator, bp, { tol: 1e-10, preconditioner: incompleteCholesky(P.csr) });
    assert.equal(ic.method, "pcg");
    assert.equal(ic.preconditioner, "ic0");
    for (const r of [plain, jac, ic]) assert.ok(maxAbsDiff(r.x, plain.x) < 1e-8);
    assert.ok(ic.iterations < 0.6 * plain.iterations, `ic0 ${ic.iterations} vs cg ${plain.iterations}`);
    // IC(0) of a tridiagonal matrix is its exact Cholesky factor: PCG converges in one step.
    const T = tridiagonal(40, 3, -1);
    const bt = new Rng(6).normals(40);
    const rt = cg(csrOperator(T), bt, { preconditioner: incompleteCholesky(T), tol: 1e-12 });
    assert.equal(rt.iterations, 1);
    assert.ok(maxAbsDiff(rt.x, denseSolve(csrToDense(T).data, bt, 40)) < 1e-12);
  });

  it("PCG iterates are unchanged when the preconditioner is scaled by a constant", () => {
    // A badly row/column-scaled SPD matrix (Jacobi matters) and 2-D Poisson with IC(0). The scale
    // 1e3 is not a power of two, so the runs round differently; agreement is to rounding level.
    // Diagonally dominant with a diagonal spread over [2.5, 102.5]: Jacobi changes the iterates.
    const d = new Float64Array(40);
    const rng = new Rng(3);
    for (let i = 0; i < 40; i++) d[i] = 2.5 + 100 * rng.uniform();
    const Ad = { rows: 40, cols: 40, data: new Float64Array(1600) };
    for (let i = 0; i < 40; i++) {
      Ad.data[i * 41] = d[i];
      if (i > 0) Ad.data[i * 40 + i - 1] = Ad.data[(i - 1) * 40 + i] = -1;
    }
    const P = poisson2d(12);
    const cases = [
      { op: denseOperator(Ad), pre: jacobi(csrFromDense(Ad)), b: new Rng(5).normals(40) },
      { op: P.operator, pre: incompleteCholesky(P.csr), b: new Rng(8).normals(P.n) },
    ];
    for (const { op, pre, b: bb } of cases) {
      const r1 = cg(op, bb, { preconditioner: pre, recordIterates: true, tol: 1e-12 });
      const r2 = cg(op, bb, { preconditioner: scaledPreconditioner(pre, 1e3), recordIterates: true, tol: 1e-12 });
      assert.ok(r1.iterations >= 8, `${pre.name}: ${r1.iterations}`);
      assert.equal(r1.iterations, r2.iterations);
      r1.iterates!.forEach((x, k) => {
        const d = maxAbsDiff(x, r2.iterates![k]) / (norm(x) || 1);
        assert.ok(d < 1e-10, `${pre.name} iterate ${k} differs by ${d}`);
      });
    }
  });

  it("non-SPD A → NonPositiveCurvatureError (indefinite and negative definite)", () => {
    const ind = symmetricFromSpectrum(Array.from({ length: 20 }, (_, i) => (i < 3 ? -1 - i : 1 + i)), 9);
    const bi = new Rng(10).normals(20);
    assert.throws(() => cg(denseOperator(ind), bi), (e: Error) => e instanceof NonPositiveCurvatureError && e instanceof OptlabError && /non-positive curvature/.test(e.message));
    assert.throws(() => cg((v) => v.map((x) => -x), bi), NonPositiveCurvatureError);
  });

  it("non-SPD preconditioner → PreconditionerError; IC(0) breakdown → PreconditionerError", () => {
    const P = poisson2d(5);
    const bad = { name: "neg", apply: (r: Float64Array) => r.map((x) => -x) };
    assert.throws(() => cg(P.operator, new Rng(1).normals(P.n), { preconditioner: bad }), PreconditionerError);
    assert.throws(() => jacobi(new Float64Array([1, 0, 2])), (e: Error) => e instanceof PreconditionerError && /jacobi: diagonal/.test(e.message));
    // SPD (eigenvalues > 0) but not an M-matrix: dropping fill-in makes an IC(0) pivot negative.
    const S = { rows: 4, cols: 4, data: new Float64Array([3, -2, 0, 2, -2, 3, -2, 0, 0, -2, 3, -2, 2, 0, -2, 3]) };
    assert.throws(() => incompleteCholesky(csrFromDense(S)), PreconditionerError);
  });

  it("bad input → named errors", () => {
    const op = (v: Float64Array) => Float64Array.from(v);
    assert.throws(() => cg(op, new Float64Array([1, NaN])), /cg: b: non-finite value NaN at index 1/);
    assert.throws(() => cg(op, new Float64Array(3), { x0: new Float64Array(2) }), /cg: x0: expected length 3, got 2/);
    assert.throws(() => cg(op, new Float64Array(3), { xStar: new Float64Array(4) }), /cg: xStar: expected length 3, got 4/);
    assert.throws(() => cg(() => new Float64Array(2), new Float64Array([1, 1, 1])), /cg: A: the operator returned length 2, expected 3/);
    assert.throws(() => cg(() => new Float64Array([NaN, 0, 0]), new Float64Array([1, 1, 1])), /cg: A: the operator returned non-finite/);
    assert.throws(() => cg(op, new Float64Array([1]), { tol: -1 }), /cg: tol: expected a finite number > 0/);
    assert.throws(() => cg(op, new Float64Array([1]), { maxIter: 0 }), /cg: maxIter: expected a positive integer/);
    assert.throws(() => cg(op, new Float64Array([1]), { tolerance: 1 } as never), /cg: unknown option "tolerance"/);
    assert.throws(() => cg("A" as never, new Float64Array([1])), /cg: A: expected a function/);
  });
});
