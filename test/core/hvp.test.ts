import { strict as assert } from "node:assert";
import { Tensor } from "../../src/tensor/Tensor";
import * as ops from "../../src/tensor/ops";
import { grad, hvp, jvp, vjp, jacobian, flatten, unflatten, leaves, noGrad } from "../../src/autodiff";
import * as nn from "../../src/nn";
import { Rng } from "../../src/random/Rng";
import { randnT, relErr, norm } from "./fd";

/*
 * Acceptance: hvp(f, θ, v) equals H·v where H is
 *   (a) H_fd, built column by column from central differences of gradients,
 *       H_fd[:, j] = (∇f(θ + h e_j) − ∇f(θ − h e_j)) / 2h, and
 *   (b) H_dd, built by double backward column by column, H_dd[:, j] = hvp(f, θ, e_j),
 * to ≤ 1e-6 relative, for MLPs with relu and tanh, CE and MSE losses, p ≈ 1000.
 *
 * The network [12, 24, 24, 4] with biases has p = 1012. Data: 32 seeded Gaussian inputs, random
 * labels. For relu, a central difference of ∇f is the exact (piecewise) Hessian only when no
 * pre-activation crosses 0 within ±h; the test asserts that margin for its seed rather than hoping.
 */

const SIZES = [12, 24, 24, 4];
const N = 32;
const H_STEP = 1e-6;
const TOL = 1e-6;

interface Setup {
  f: (theta: Tensor) => Tensor;
  theta: Tensor;
  p: number;
  model: nn.Model<nn.DenseParams[]>;
  x: Tensor;
  y: Int32Array;
}

function setup(activation: "relu" | "tanh", loss: "ce" | "mse", seed: number): Setup {
  const model = nn.mlp(SIZES, { activation, bias: true, biasStd: 0.1, seed });
  const x = randnT([N, SIZES[0]], new Rng(seed + 100));
  const r = new Rng(seed + 200);
  const y = Int32Array.from({ length: N }, () => r.int(SIZES[SIZES.length - 1]));
  const L = loss === "ce" ? nn.crossEntropy : nn.mse;
  const params = model.params;
  const f = (theta: Tensor) => L(model.apply(unflatten(theta, params), x), y);
  const theta = flatten(params).detach();
  return { f, theta, p: theta.size, model, x, y };
}

/** Smallest |pre-activation| over all hidden units and examples, by plain float64 loops. */
function minPreactivation(model: nn.Model<nn.DenseParams[]>, x: Tensor): number {
  let h: number[][] = [];
  for (let i = 0; i < x.shape[0]; i++) h.push(Array.from(x.data.subarray(i * x.shape[1], (i + 1) * x.shape[1])));
  let smallest = Infinity;
  const layers = model.params;
  for (let l = 0; l < layers.length - 1; l++) {
    const { W, b } = layers[l];
    const [fin, fout] = W.shape;
    h = h.map((row) => {
      const z = new Array<number>(fout).fill(0);
      for (let j = 0; j < fout; j++) {
        let s = b ? b.data[j] : 0;
        for (let k = 0; k < fin; k++) s += row[k] * W.data[k * fout + j];
        smallest = Math.min(smallest, Math.abs(s));
        z[j] = Math.max(s, 0);
      }
      return z;
    });
  }
  return smallest;
}

/** Dense p×p matrix (row-major Float64Array) from its columns. */
function fromColumns(cols: Float64Array[]): Float64Array {
  const p = cols.length;
  const M = new Float64Array(p * p);
  cols.forEach((c, j) => {
    for (let i = 0; i < p; i++) M[i * p + j] = c[i];
  });
  return M;
}

function matvec(M: Float64Array, v: ArrayLike<number>): Float64Array {
  const p = v.length;
  const out = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += M[i * p + j] * v[j];
    out[i] = s;
  }
  return out;
}

function transposeOf(M: Float64Array, p: number): Float64Array {
  const T = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) T[j * p + i] = M[i * p + j];
  return T;
}

/** H_fd: central differences of the autodiff gradient, one column per coordinate. */
function hessianFD(s: Setup, h: number): Float64Array {
  const g = grad(s.f);
  const cols: Float64Array[] = [];
  for (let j = 0; j < s.p; j++) {
    const plus = Float64Array.from(s.theta.data);
    const minus = Float64Array.from(s.theta.data);
    plus[j] += h;
    minus[j] -= h;
    const gp = g(new Tensor(plus, [s.p])).data;
    const gm = g(new Tensor(minus, [s.p])).data;
    cols.push(Float64Array.from(gp, (v, i) => (v - gm[i]) / (2 * h)));
  }
  return fromColumns(cols);
}

/** H_dd: double backward, column j = hvp(f, θ, e_j). */
function hessianDD(s: Setup): Float64Array {
  const cols: Float64Array[] = [];
  for (let j = 0; j < s.p; j++) {
    const e = new Float64Array(s.p);
    e[j] = 1;
    cols.push(Float64Array.from(hvp(s.f, s.theta, new Tensor(e, [s.p])).data));
  }
  return fromColumns(cols);
}

const CONFIGS: ["relu" | "tanh", "ce" | "mse", number][] = [
  ["relu", "ce", 1],
  ["relu", "mse", 2],
  ["tanh", "ce", 3],
  ["tanh", "mse", 4],
];

describe("hvp: exact Hessian–vector products vs H from finite differences and from double backward (p ≈ 1000)", function () {
  this.timeout(120_000);
  for (const [activation, loss, seed] of CONFIGS) {
    describe(`mlp [${SIZES}] ${activation}, ${loss} loss, n = ${N}`, () => {
      let s: Setup;
      let Hfd: Float64Array;
      let Hdd: Float64Array;
      before(() => {
        s = setup(activation, loss, seed);
        Hfd = hessianFD(s, H_STEP);
        Hdd = hessianDD(s);
      });

      it("has p ≈ 1000 parameters", () => {
        assert.equal(s.p, 12 * 24 + 24 + 24 * 24 + 24 + 24 * 4 + 4);
        assert.ok(s.p >= 900 && s.p <= 1100);
      });

      if (activation === "relu") {
        it("keeps every pre-activation away from the relu kink by far more than the FD step", () => {
          // A step h in one parameter moves a pre-activation by at most h·max(|x|, |h_l|, 1) ≪ 1e-4.
          const m = minPreactivation(s.model, s.x);
          assert.ok(m > 1e-4, `smallest |pre-activation| ${m} is too close to the kink for h = ${H_STEP}`);
        });
      }

      it("hvp(v) = H_fd·v and = H_dd·v for random v (rel ≤ 1e-6)", () => {
        const r = new Rng(seed + 300);
        for (let trial = 0; trial < 3; trial++) {
          const v = randnT([s.p], r);
          const hv = hvp(s.f, s.theta, v).data;
          assert.ok(norm(hv) > 1e-6, "H·v is essentially zero; the comparison would be vacuous");
          const eFd = relErr(hv, matvec(Hfd, v.data), 0);
          const eDd = relErr(hv, matvec(Hdd, v.data), 0);
          assert.ok(eFd <= TOL, `trial ${trial}: ‖hvp(v) − H_fd v‖/‖H_fd v‖ = ${eFd.toExponential(3)} > ${TOL}`);
          assert.ok(eDd <= TOL, `trial ${trial}: ‖hvp(v) − H_dd v‖/‖H_dd v‖ = ${eDd.toExponential(3)} > ${TOL}`);
        }
      });

      it("H_dd equals H_fd entrywise (relative Frobenius ≤ 1e-6) and is symmetric", () => {
        const e = relErr(Hdd, Hfd, 0);
        assert.ok(e <= TOL, `‖H_dd − H_fd‖_F/‖H_fd‖_F = ${e.toExponential(3)}`);
        const sym = relErr(Hdd, transposeOf(Hdd, s.p), 0);
        assert.ok(sym <= 1e-10, `‖H_dd − H_ddᵀ‖_F/‖H_dd‖_F = ${sym.toExponential(3)}`);
        // Non-trivial: the Hessian is far from zero and couples layers (not block diagonal).
        assert.ok(norm(Hdd) > 1e-3);
        const first = s.model.params[0].W.size; // a W1 row index vs a last-layer column index
        assert.ok(Math.abs(Hdd[0 * s.p + (s.p - 1)]) + Math.abs(Hdd[1 * s.p + (s.p - 2)]) + Math.abs(Hdd[first * s.p + s.p - 3]) > 0);
      });

      it("hvp on the parameter tree equals hvp on the flat vector", () => {
        const v = randnT([s.p], new Rng(seed + 400));
        const L = loss === "ce" ? nn.crossEntropy : nn.mse;
        const params = s.model.params;
        const fTree = (p: nn.DenseParams[]) => L(s.model.apply(p, s.x), s.y);
        const hvTree = flatten(hvp(fTree, params, unflatten(v, params))).data;
        const hvFlat = hvp(s.f, s.theta, v).data;
        assert.ok(relErr(hvTree, hvFlat, 0) <= 1e-12, `tree vs flat hvp differ: ${relErr(hvTree, hvFlat, 0)}`);
        assert.equal(leaves(hvp(fTree, params, unflatten(v, params))).length, leaves(params).length);
      });

      it("jvp and vjp of the network outputs are consistent: uᵀ(J v) = (uᵀ J) v", () => {
        const params = s.model.params;
        const out = (theta: Tensor) => s.model.apply(unflatten(theta, params), s.x); // [N, C]
        const r = new Rng(seed + 500);
        for (let trial = 0; trial < 3; trial++) {
          const v = randnT([s.p], r);
          const u = randnT([N, SIZES[SIZES.length - 1]], r);
          const Jv = jvp(out, s.theta, v).tangent;
          const uJ = vjp(out, s.theta).vjp(u);
          const lhs = noGrad(() => ops.sum(ops.mul(u, Jv)).item());
          const rhs = noGrad(() => ops.sum(ops.mul(uJ, v)).item());
          assert.ok(Math.abs(lhs - rhs) <= 1e-10 * Math.max(Math.abs(lhs), Math.abs(rhs)), `uᵀ(Jv) = ${lhs}, (uᵀJ)v = ${rhs}`);
          // J v against a central difference of the outputs.
          const h = 1e-6;
          const plus = out(new Tensor(Float64Array.from(s.theta.data, (t, i) => t + h * v.data[i]), [s.p])).data;
          const minus = out(new Tensor(Float64Array.from(s.theta.data, (t, i) => t - h * v.data[i]), [s.p])).data;
          const fd = Float64Array.from(plus, (a, i) => (a - minus[i]) / (2 * h));
          assert.ok(relErr(Jv.data, fd, 0) <= TOL, `Jv vs FD: ${relErr(Jv.data, fd, 0)}`);
        }
      });
    });
  }

  it("H from the Jacobian of the gradient (one recorded forward, p reverse sweeps) equals H_dd columns", () => {
    // A smaller tanh/CE net keeps this third construction cheap; it checks jacobian over a
    // differentiable gradient graph against hvp columns and an FD column.
    const model = nn.mlp([5, 10, 3], { activation: "tanh", bias: true, biasStd: 0.2, seed: 9 });
    const x = randnT([16, 5], new Rng(10));
    const r = new Rng(11);
    const y = Int32Array.from({ length: 16 }, () => r.int(3));
    const f = (theta: Tensor) => nn.crossEntropy(model.apply(unflatten(theta, model.params), x), y);
    const theta = flatten(model.params).detach();
    const p = theta.size;
    const J = jacobian((t: Tensor) => grad(f)(t))(theta);
    assert.deepEqual([...J.shape], [p, p]);
    for (const j of [0, 7, p - 1]) {
      const e = new Float64Array(p);
      e[j] = 1;
      const col = hvp(f, theta, new Tensor(e, [p])).data;
      const Jcol = Float64Array.from({ length: p }, (_, i) => J.data[i * p + j]);
      assert.ok(relErr(Jcol, col, 0) <= 1e-10, `column ${j}: ${relErr(Jcol, col, 0)}`);
    }
  });
});
