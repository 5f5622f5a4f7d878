/**
 * notebooks/papers/09-advani-saxe-overtraining.ipynb through the real `optlab run` CLI with a
 * broken setting: an ℓ2 penalty (ridge) shrinks the null-space weights and removes the
 * overtraining peak, so the check fails for those reasons.
 */
import { strict as assert } from "assert";
import { checkCellId, runPaper } from "./run";

const FILE = "09-advani-saxe-overtraining.ipynb";

describe("notebook 09 (Advani & Saxe, overtraining peak): broken setting fails the check", function () {
  this.timeout(180_000);

  it("weight decay λ = 0.1: the null space decays and the peak at p = n is gone (exit 1 at the check cell)", async () => {
    const r = await runPaper(FILE, { weightDecay: 0.1, ratios: [0.25, 0.9, 1, 1.1, 3], steps: 1000 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${FILE}: cell \\d+/\\d+ \\[id ${checkCellId(FILE)}\\] .* raised ClaimFailed: advani-saxe-overtraining`));
    const [check] = r.checks;
    assert.ok(check.numbers.nullSpaceDrift > 0.5, `null-space drift ${check.numbers.nullSpaceDrift}`);
    assert.ok(check.numbers.peakOverExtremes < 3, `peak ratio ${check.numbers.peakOverExtremes}`);
    assert.match(check.detail!, /failed: nullSpaceFrozen, peakAtPEqualsN, overtrainingAtPEqualsN$/);
  });
});
