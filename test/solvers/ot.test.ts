import { strict as assert } from "node:assert";
import { Rng } from "../../src/random/Rng";
import { marginalErrors, quadraticOt, sinkhorn, sinkhornNewtonSparse, type DenseMatrix } from "../../src/solvers/index";

/** Random points in the unit square, squared-Euclidean cost, uniform a and a random b. */
function problem(n: number, seed: number): { cost: DenseMatrix; a: Float64Array; b: Float64Array } {
  const rng = new Rng(seed);
  const X = Array.from({ length: 2 * n }, () => rng.uniform());
  const Y = Array.from({ length: 2 * n }, () => rng.uniform());
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data[i * n + j] = (X[2 * i] - Y[2 * j]) ** 2 + (X[2 * i + 1] - Y[2 * j + 1]) ** 2;
  const a = new Float64Array(n).fill(1 / n);
  const b = new Float64Array(n).map(() => 0.5 + rng.uniform());
  const s = b.reduce((t, v) => t + v, 0);
  return { cost: { rows: n, cols: n, data }, a, b: b.map((v) => v / s) };
}

describe("solvers: Sinkhorn (log domain, ε-scaling), Sinkhorn–Newton–Sparse, quadratic OT", () => {
  it("Sinkhorn: the dual objective never decreases at fixed ε and marginal errors → 0", () => {
    const { cost, a, b } = problem(60, 1);
    const res = sinkhorn(cost, a, b, { epsilon: 0.01, tol: 1e-10 });
    assert.equal(res.converged, true);
    assert.ok(new Set(res.epsilonHistory).size > 3, "ε-scaling ran several stages");
    let pairs = 0;
    for (let k = 1; k < res.dualHistory.length; k++) {
      if (res.epsilonHistory[k] !== res.epsilonHistory[k - 1]) continue;
      pairs++;
      const d0 = res.dualHistory[k - 1];
      assert.ok(res.dualHistory[k] >= d0 - 1e-14 * Math.max(1, Math.abs(d0)), `iteration ${k}: ${res.dualHistory[k]} < ${d0}`);
    }
    assert.ok(pairs > 20);
    const last = res.rowErrors.length - 1;
    assert.ok(res.rowErrors[last] + res.colErrors[last] <= 1e-10);
    assert.ok(res.rowErrors[0] + res.colErrors[0] > 1e-3);
    // Measured independently on the returned plan.
    const me = marginalErrors(res.plan, 60, 60, a, b);
    assert.ok(me.row + me.col < 1e-9);
    // Weak duality: the entropic dual bounds the entropic primal ⟨P,C⟩ + ε Σ P(log P − 1) + ε·mass from below; equal at optimum.
    let ent = 0;
    for (const p of res.plan) if (p > 0) ent += p * (Math.log(p) - 1);
    const primal = res.transportCost + 0.01 * ent + 0.01;
    assert.ok(Math.abs(primal - res.dual) < 1e-8, `primal ${primal} dual ${res.dual}`);
  });

  it("Sinkhorn's plan matches the kernel-domain Sinkhorn–Knopp iteration (independent reference) at moderate ε", () => {
    const { cost, a, b } = problem(12, 2);
    const eps = 0.1;
    const n = 12;
    const K = cost.data.map((c) => Math.exp(-c / eps));
    const u = new Float64Array(n).fill(1);
    const v = new Float64Array(n).fill(1);
    for (let it = 0; it < 5000; it++) {
      for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += K[i * n + j] * v[j]; u[i] = a[i] / s; }
      for (let j = 0; j < n; j++) { let s = 0; for (let i = 0; i < n; i++) s += K[i * n + j] * u[i]; v[j] = b[j] / s; }
    }
    const res = sinkhorn(cost, a, b, { epsilon: eps, tol: 1e-13, epsScaling: false });
    for (let k = 0; k < n * n; k++) assert.ok(Math.abs(res.plan[k] - u[Math.floor(k / n)] * K[k] * v[k % n]) < 1e-12);
  });

  it("SNS reaches 1e-8 marginal error in fewer iterations than Sinkhorn on n = 200, with the same plan", () => {
    const { cost, a, b } = problem(200, 3);
    const eps = 0.004;
    const sk = sinkhorn(cost, a, b, { epsilon: eps, tol: 1e-8 });
    const sns = sinkhornNewtonSparse(cost, a, b, { epsilon: eps, tol: 1e-8 });
    assert.equal(sk.converged, true);
    assert.equal(sns.converged, true);
    const me = marginalErrors(sns.plan, 200, 200, a, b);
    assert.ok(me.row + me.col <= 1e-8);
    assert.ok(sns.iterations < sk.iterations / 5, `SNS ${sns.iterations} (${sns.newtonIterations} Newton) vs Sinkhorn ${sk.iterations}`);
    assert.ok(sns.density <= 0.1);
    // Both solve the same strictly concave dual (up to the constant shift): plans agree.
    let diff = 0;
    for (let k = 0; k < sns.plan.length; k++) diff += Math.abs(sns.plan[k] - sk.plan[k]);
    assert.ok(diff < 1e-7, `‖P_sns − P_sk‖₁ = ${diff}`);
    // The Newton phase increases the dual at every step (Armijo line search).
    const nd = sns.dualHistory.slice(-sns.newtonIterations - 1);
    for (let k = 1; k < nd.length; k++) assert.ok(nd[k] >= nd[k - 1] - 1e-15);
  });

  it("quadratically regularized OT gives a sparse plan with zero duality gap", () => {
    const { cost, a, b } = problem(30, 4);
    const res = quadraticOt(cost, a, b, { gamma: 0.05, tol: 1e-9 });
    assert.equal(res.converged, true);
    const me = marginalErrors(res.plan, 30, 30, a, b);
    assert.ok(me.row + me.col <= 1e-9);
    assert.ok(res.density < 0.25, `density ${res.density}`);
    // Weak duality makes dual ≤ primal for feasible plans; the gap closes at the optimum.
    assert.ok(Math.abs(res.primal - res.dual) < 1e-9 * Math.max(1, Math.abs(res.primal)), `gap ${res.primal - res.dual}`);
    for (let k = 1; k < res.dualHistory.length; k++) assert.ok(res.dualHistory[k] >= res.dualHistory[k - 1] - 1e-15);
    const ent = sinkhorn(cost, a, b, { epsilon: 0.01, tol: 1e-8 });
    assert.ok(ent.plan.every((p) => p > 0), "entropic plans are dense");
  });

  it("bad input → named errors", () => {
    const { cost, a, b } = problem(5, 5);
    assert.throws(() => sinkhorn(cost, a, b, { epsilon: 0 }), /sinkhorn: epsilon: expected a finite number > 0, got 0/);
    assert.throws(() => sinkhorn(cost, a.subarray(0, 4), b, { epsilon: 0.1 }), /sinkhorn: a: expected length 5, got 4/);
    assert.throws(() => sinkhorn(cost, a.map((v) => 2 * v), b, { epsilon: 0.1 }), /sinkhorn: a, b: expected equal total mass/);
    assert.throws(() => sinkhorn(cost, a.map((v, i) => (i ? v : -v)), b, { epsilon: 0.1 }), /sinkhorn: a: expected positive entries/);
    assert.throws(() => sinkhorn({ ...cost, data: cost.data.map((v, k) => (k === 3 ? NaN : v)) }, a, b, { epsilon: 0.1 }), /sinkhorn: cost: non-finite value NaN at index 3/);
    assert.throws(() => sinkhorn(cost, a, b, { epsilon: 0.1, epsScaling: { factor: 1.5 } }), /sinkhorn: epsScaling.factor: expected a number in \(0, 1\)/);
    assert.throws(() => sinkhornNewtonSparse(cost, a, b, { epsilon: 0.1, keepPerRow: 6 }), /sinkhornNewtonSparse: keepPerRow: expected ≤ 5, got 6/);
    assert.throws(() => quadraticOt(cost, a, b, { gamma: -1 }), /quadraticOt: gamma: expected a finite number > 0/);
  });
});
