/**
 * notebooks/papers/08-tyurin-perceptron.ipynb through the real `optlab run` CLI with broken
 * settings: each must fail the check cell, for the reason the setting breaks.
 */
import { strict as assert } from "assert";
import { checkCellId, runPaper } from "./run";

const FILE = "08-tyurin-perceptron.ipynb";

describe("notebook 08 (Tyurin, large-step GD = batch perceptron): broken settings fail the check", function () {
  this.timeout(180_000);

  it("a perceptron that counts boundary points fully (not the ½ limit of σ(0)) is not GD's limit: largeStepIsPerceptron fails", async () => {
    const r = await runPaper(FILE, { boundaryWeight: 1, etas: [1, 1e5, 1e6, 1e8] });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${FILE}: cell \\d+/\\d+ \\[id ${checkCellId(FILE)}\\] .* raised ClaimFailed: tyurin-gd-is-perceptron`));
    const [check] = r.checks;
    // The first step (all margins 0 at w = 0) already differs at every step size.
    for (const eta of ["100000", "1000000", "100000000"]) assert.ok(check.numbers.agreement[eta] < 60, `η=${eta}: ${check.numbers.agreement[eta]}`);
    assert.match(check.detail!, /failed: largeStepIsPerceptron$/);
  });

  it("only moderate step sizes: GD has not reached the perceptron limit (largeStepIsPerceptron fails)", async () => {
    const r = await runPaper(FILE, { etas: [1, 10, 100, 1000] });
    assert.equal(r.code, 1, r.stderr);
    const [check] = r.checks;
    assert.equal(check.passed, false);
    assert.ok(Math.max(...Object.values(check.numbers.agreement as Record<string, number>)) < 60);
    assert.match(check.detail!, /failed: largeStepIsPerceptron$/);
  });
});
