/**
 * notebooks/papers/15-pyhessian-resnet-density.ipynb through the real `optlab run` CLI with a broken
 * setting: with only 3 Lanczos steps per probe the SLQ quadrature nodes cannot reach the top of the
 * spectrum, so the density's right edge falls short of the power-iteration λ₁ and the check fails
 * for exactly that reason (the other conditions still hold).
 */
import { strict as assert } from "assert";
import { checkCellId, runPaper } from "./run";

const FILE = "15-pyhessian-resnet-density.ipynb";

describe("notebook 15 (PyHessian: ResNet Hessian density vs power iteration and Hutchinson): a broken setting fails the check", function () {
  this.timeout(300_000);

  it("too few Lanczos steps (densitySteps = 3): the SLQ right edge misses λ₁ (exit 1 at the check cell)", async () => {
    const r = await runPaper(FILE, { densitySteps: 3 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${FILE}: cell \\d+/\\d+ \\[id ${checkCellId(FILE)}\\] .* raised ClaimFailed: pyhessian-resnet-density`));
    const [check] = r.checks;
    assert.equal(check.passed, false);
    assert.equal(check.numbers.densitySteps, 3);
    // The right edge lies below λ₁ (Ritz values interlace inside the spectrum), by more than the tolerance.
    assert.ok(check.numbers.slqRightEdge < check.numbers.lambdaMaxMean, `edge ${check.numbers.slqRightEdge} vs λ₁ ${check.numbers.lambdaMaxMean}`);
    assert.ok(check.numbers.relEdgeGap > 0.005, `relative gap ${check.numbers.relEdgeGap}`);
    assert.match(check.detail!, /; failed: densityEdgeAtLambdaMax$/);
  });
});
