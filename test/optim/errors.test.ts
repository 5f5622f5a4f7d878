import { strict as assert } from "node:assert";
import { tensor } from "../../src/tensor/create";
import { OptlabError } from "../../src/util/errors";
import {
  adagradNorm, adahessian, adamp, averaged, cbo, cge, diffGrad, exadam, exponentiatedGradient, flatClosure, grNewton, lbfgs, lion, lionKappa,
  MfacWindow, mfacInverse, mfacSgd, muon, newtonSchulz, normalizedMomentum, normTest, refinedWeights, rge, sam, sgd, sgdp, zerothOrder,
} from "../../src/optim";

/* Bad hyper-parameters and inputs → OptlabError naming the function and the argument. */

function named(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof OptlabError, `expected OptlabError, got ${e.constructor.name}: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

const cases: Array<[string, () => unknown, RegExp]> = [
  ["lion negative lr", () => lion({ lr: -1 }), /lion: lr: expected a finite number >= 0/],
  ["lion beta1 = 1", () => lion({ beta1: 1 }), /lion: beta1: expected a number in \[0, 1\)/],
  ["lion negative weight decay", () => lion({ weightDecay: -0.1 }), /lion: weightDecay/],
  ["lion unknown option", () => lion({ lambda: 1 } as never), /lion: unknown option "lambda"/],
  ["lionKappa without kappaGrad", () => lionKappa({} as never), /lionKappa: kappaGrad: required/],
  ["muon momentum 1", () => muon({ momentum: 1 }), /muon: momentum/],
  ["muon nsDtype", () => muon({ nsDtype: "f16" as never }), /muon: nsDtype/],
  ["muon adamBeta2 negative", () => muon({ adamBeta2: -0.1 }), /muon: adamBeta2/],
  ["adamp beta2 > 1", () => adamp({ beta2: 1.5 }), /adamp: beta2/],
  ["adamp delta 0", () => adamp({ delta: 0 }), /adamp: delta: expected a finite number > 0/],
  ["sgdp negative lr", () => sgdp({ lr: -0.1 }), /sgdp: lr/],
  ["diffGrad eps 0", () => diffGrad({ eps: 0 }), /diffGrad: eps/],
  ["exadam beta1 1", () => exadam({ beta1: 1 }), /exadam: beta1/],
  ["EG simplex not boolean", () => exponentiatedGradient({ lr: 0.1, simplex: "yes" as never }), /exponentiatedGradient: simplex/],
  ["normalizedMomentum beta 1", () => normalizedMomentum({ lr: 0.1, beta: 1 }), /normalizedMomentum: beta/],
  ["adagradNorm b0 0", () => adagradNorm({ b0: 0 }), /adagradNorm: b0: expected a finite number > 0/],
  ["normTest one gradient", () => normTest([[1, 2]]), /normTest: perExampleGrads/],
  ["normTest ragged", () => normTest([[1, 2], [1]]), /normTest: perExampleGrads\[1\]: expected length 2/],
  ["mfacSgd damping 0", () => mfacSgd({ lr: 0.1, damping: 0 }), /mfacSgd: damping/],
  ["mfacSgd window 0", () => mfacSgd({ lr: 0.1, windowSize: 0 }), /mfacSgd: windowSize: expected an integer >= 1/],
  ["mfacInverse mixed lengths", () => mfacInverse([[1, 2], [1, 2, 3]], { damping: 1 }), /mfacInverse: grads\[1\]/],
  ["MfacWindow remove from empty", () => new MfacWindow(2, 2, 1).removeOldest(), /MfacWindow.removeOldest: the window is empty/],
  ["adahessian hessianPower 2", () => adahessian({ hessianPower: 2 }), /adahessian: hessianPower: expected a number in \(0, 1\]/],
  ["sam rho negative", () => sam({ base: sgd({ lr: 0.1 }), rho: -1 }), /sam: rho/],
  ["sam base missing", () => sam({} as never), /sam: base/],
  ["grNewton lipschitz 0", () => grNewton({ lipschitz: 0 }), /grNewton: lipschitz/],
  ["lbfgs c2 ≤ c1", () => lbfgs({ c1: 0.5, c2: 0.4 }), /lbfgs: c2: expected c1 < c2 < 1/],
  ["lbfgs lineSearch", () => lbfgs({ lineSearch: "exact" as never }), /lbfgs: lineSearch/],
  ["cbo one particle", () => cbo({ particles: 1 }), /cbo: particles: expected an integer >= 2/],
  ["cbo negative alpha", () => cbo({ alpha: -1 }), /cbo: alpha/],
  ["zerothOrder mu 0", () => zerothOrder({ lr: 0.1, mu: 0 }), /zerothOrder: mu/],
  ["zerothOrder estimator", () => zerothOrder({ lr: 0.1, estimator: "spsa" as never }), /zerothOrder: estimator/],
  ["cge mu negative", () => cge(() => 0, [1], { mu: -1 }), /cge: mu/],
  ["rge distribution", () => rge(() => 0, [1], { distribution: "cauchy" as never }), /rge: distribution/],
  ["refinedWeights smoothing 2", () => refinedWeights([1, 2, 3], { smoothing: 2 }), /refinedWeights: smoothing/],
  ["refinedWeights zero norm", () => refinedWeights([1, 0, 3]), /refinedWeights: gradNorms\[1\]/],
  ["averaged mode", () => averaged(sgd({ lr: 0.1 }), { mode: "swa" as never }), /averaged: mode/],
  ["averaged of a closure optimizer", () => averaged(lbfgs() as never), /averaged: inner: expected a gradient optimizer/],
  ["newtonSchulz vector", () => newtonSchulz(tensor([1, 2], [2])), /newtonSchulz: g: expected a matrix/],
  ["newtonSchulz steps -1", () => newtonSchulz(tensor([1, 2, 3, 4], [2, 2]), { steps: -1 }), /newtonSchulz: steps/],
];

describe("optim zoo: bad hyper-parameters and inputs are named errors", () => {
  for (const [label, fn, pattern] of cases) it(label, () => named(fn, pattern));

  it("EG on a non-positive parameter names the leaf", () => {
    named(() => exponentiatedGradient({ lr: 0.1 }).step(tensor([1, -1], [2]), tensor([0, 0], [2])), /exponentiatedGradient: params: leaf .* non-positive value -1/);
  });

  it("a closure optimizer needing HVPs rejects a closure without them; p mismatch is named", () => {
    const c = flatClosure({ p: 2, value: (x) => x[0] ** 2, gradient: (x) => [2 * x[0], 0] });
    named(() => adahessian().step(tensor([1, 2], [2]), c), /adahessian.step: closure: adahessian needs Hessian–vector products/);
    named(() => lbfgs().step(tensor([1, 2, 3], [3]), c), /lbfgs.step: closure: it has p = 2 but params has 3 elements/);
    named(() => grNewton().step(tensor([1, 2], [2]), c), /grNewton.step: closure: grNewton needs Hessian–vector products/);
  });

  it("a gradient optimizer with a non-finite gradient or a changed parameter size is named", () => {
    named(() => lion().step(tensor([1, 2], [2]), tensor([NaN, 0], [2])), /lion.step: grads: leaf 0 .* non-finite/);
    const opt = adagradNorm();
    opt.step(tensor([1, 2], [2]), tensor([1, 1], [2]));
    opt.step(tensor([1, 2, 3], [3]), tensor([1, 1, 1], [3])); // AdaGradNorm's state is one scalar: fine
    const nm = normalizedMomentum({ lr: 0.1 });
    nm.step(tensor([1, 2], [2]), tensor([1, 1], [2]));
    named(() => nm.step(tensor([1, 2, 3], [3]), tensor([1, 1, 1], [3])), /"momentum" buffer has 2 elements, expected 3 .*reset\(\)/);
  });

  it("load() of another optimizer's state is named", () => {
    const a = lion();
    a.step(tensor([1], [1]), tensor([1], [1]));
    named(() => diffGrad().load(a.state()), /diffGrad.load: state.name: state was saved by "lion"/);
    named(() => lbfgs().load(a.state()), /lbfgs.load: state.name/);
  });
});
