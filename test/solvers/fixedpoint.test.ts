import { strict as assert } from "node:assert";
import { Rng } from "../../src/random/Rng";
import { DivergenceError, bilinearGame, denseMatvec, fixedPoint, halpern, symmetricFromSpectrum } from "../../src/solvers/index";
import { denseSolve, maxAbsDiff, norm } from "./helpers";

describe("solvers: fixed points — Anderson acceleration and Halpern iteration", () => {
  it("Anderson (type II) speeds up a linear contraction and finds the same fixed point", () => {
    const n = 60;
    const M = symmetricFromSpectrum(Array.from({ length: n }, (_, i) => -0.95 + (1.9 * i) / (n - 1)), 41);
    const c = new Rng(42).normals(n);
    const G = (x: Float64Array) => denseMatvec(M, x).map((v, i) => v + c[i]);
    // Independent reference: (I − M) x = c.
    const IminusM = M.data.map((v, k) => (k % (n + 1) === 0 ? 1 : 0) - v);
    const xStar = denseSolve(IminusM, c, n);
    const plain = fixedPoint(G, new Float64Array(n), { tol: 1e-10 });
    const aa = fixedPoint(G, new Float64Array(n), { tol: 1e-10, anderson: { memory: 10 } });
    assert.equal(plain.converged, true);
    assert.equal(aa.converged, true);
    assert.ok(maxAbsDiff(plain.x, xStar) < 1e-8 && maxAbsDiff(aa.x, xStar) < 1e-8);
    // Plain iteration contracts by ρ = 0.95 per step: ≳ log(1e-10)/log(0.95) ≈ 450 steps.
    assert.ok(plain.iterations > 300, `plain ${plain.iterations}`);
    assert.ok(aa.iterations < plain.iterations / 4, `anderson ${aa.iterations} vs plain ${plain.iterations}`);
  });

  it("Anderson speeds up a nonlinear contraction G(x) = 0.97·tanh(Wx) + c (‖W‖ = 1)", () => {
    const n = 40;
    const W = symmetricFromSpectrum(Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1) * (0.2 + (0.8 * i) / (n - 1))), 43);
    const c = new Rng(44).normals(n).map((v) => 0.3 * v);
    const G = (x: Float64Array) => denseMatvec(W, x).map((v, i) => 0.97 * Math.tanh(v) + c[i]);
    const plain = fixedPoint(G, new Float64Array(n), { tol: 1e-11, maxIter: 5000 });
    const aa = fixedPoint(G, new Float64Array(n), { tol: 1e-11, anderson: { memory: 5 } });
    assert.equal(aa.converged, true);
    assert.equal(plain.converged, true);
    assert.ok(plain.iterations > 80);
    assert.ok(aa.iterations < plain.iterations / 2, `anderson ${aa.iterations} vs plain ${plain.iterations}`);
    assert.ok(norm(G(aa.x).map((v, i) => v - aa.x[i])) < 1e-10);
    assert.ok(maxAbsDiff(aa.x, plain.x) < 1e-9);
  });

  describe("Halpern on a bilinear game min_x max_y xᵀAy", () => {
    const p = 6;
    const rng = new Rng(45);
    const A = { rows: p, cols: p, data: rng.normals(p * p) };
    // Scale so σ_max(A) ≤ 1 (Frobenius norm bounds σ_max).
    const fro = norm(A.data);
    A.data.forEach((v, k) => (A.data[k] = v / fro));
    const game = bilinearGame(A);
    const z0 = new Rng(46).normals(2 * p);
    const xStar = new Float64Array(2 * p); // the unique saddle point (A invertible)

    it("simultaneous gradient descent–ascent diverges (‖z_k‖ strictly increases)", () => {
      const gda = game.gdaStep(0.2);
      let z = z0;
      let prev = norm(z);
      for (let k = 0; k < 2000; k++) {
        z = gda(z);
        const nz = norm(z);
        assert.ok(nz > prev, `step ${k}`);
        prev = nz;
      }
      assert.ok(prev > 1.05 * norm(z0), `‖z‖ grew from ${norm(z0)} to ${prev}`);
    });

    it("Halpern residual ≤ 2‖x0 − x*‖/(k+1) for T = extragradient and T = resolvent, and x_k → x*", () => {
      for (const T of [game.extragradient(0.5), game.resolvent(0.5)]) {
        const res = halpern(T, z0, { xStar, maxIter: 3000, tol: 1e-12 });
        const d0 = norm(z0);
        res.residualHistory.forEach((r, k) => assert.ok(r <= (2 * d0) / (k + 1) + 1e-14, `k = ${k}: ${r} > ${(2 * d0) / (k + 1)}`));
        assert.ok(res.distanceHistory![res.distanceHistory!.length - 1] < 0.05 * d0);
        assert.equal(res.boundHistory![0], 2 * d0);
      }
    });

    it("bad input → named errors", () => {
      assert.throws(() => halpern((x) => x, new Float64Array([1, NaN])), /halpern: x0: non-finite value NaN at index 1/);
      assert.throws(() => halpern(() => new Float64Array(3), new Float64Array(2)), /halpern: T: the operator returned length 3, expected 2/);
      assert.throws(() => game.extragradient(-1), /bilinearGame.extragradient: eta: expected a finite number > 0/);
      assert.throws(() => fixedPoint((x) => x.map((v) => 2 * v + 1), new Float64Array(2), { maxIter: 200 }), DivergenceError);
      assert.throws(() => fixedPoint((x) => x, new Float64Array(2), { anderson: { memory: 0 } }), /fixedPoint: anderson.memory: expected a positive integer, got 0/);
    });
  });
});
