/**
 * notebooks/papers/14-grokking.ipynb through the real `optlab run` CLI with broken settings:
 * - the loss evaluated in float64, whose 53-bit significand moves the collapse margin to
 *   53·ln 2 ≈ 36.7, so no training example collapses and the softmax-collapse condition fails —
 *   and only that one;
 * - only a large output scale (α = 30), so no run trains richly: the lazy-vs-rich conditions fail.
 */
import { strict as assert } from "assert";
import { checkCellId, runPaper } from "./run";

const FILE = "14-grokking.ipynb";
const CLAIM_FAILED = new RegExp(`${FILE}: cell \\d+/\\d+ \\[id ${checkCellId(FILE)}\\] .* raised ClaimFailed: grokking-lazy-rich-softmax-collapse`);

interface LazyRichRun {
  alpha: number;
  finalTrain: number;
  finalTest: number;
  finalNovel: number;
  fitStep: number;
  driftAtFit: number;
}

describe("notebook 14 (grokking on the transformer: lazy vs rich, softmax collapse): broken settings fail the check", function () {
  this.timeout(480_000);

  it("lossDtype 'f64': margins pass 24·ln 2 but no example reaches 53·ln 2, so softmaxCollapses fails (exit 1 at the check cell)", async () => {
    const r = await runPaper(FILE, { lossDtype: "f64" });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, CLAIM_FAILED);
    const [check] = r.checks;
    assert.equal(check.passed, false);
    assert.equal(check.numbers.lossDtype, "f64");
    assert.ok(Math.abs(check.numbers.collapseMargin - 53 * Math.LN2) < 1e-12, `collapse margin ${check.numbers.collapseMargin}`);
    assert.equal(check.numbers.collapsedMost.softmax, 0);
    assert.equal(check.numbers.collapsedMost.stablemax, 0);
    // The margins grew past float32's threshold, so the same run in float32 would have collapsed.
    assert.ok(check.numbers.maxMargin > 24 * Math.LN2 && check.numbers.maxMargin < 53 * Math.LN2, `largest margin ${check.numbers.maxMargin}`);
    // The closed form still predicts every example (none collapsed, none past the margin), and the lazy/rich part is untouched.
    assert.equal(check.numbers.mismatches, 0);
    assert.match(check.detail!, /failed: softmaxCollapses$/);
  });

  it("alphas [30]: the only run is lazy (its NTK barely moves, it answers no novel test pair), so richGroks and kernelMovesOnlyWhenRich fail", async () => {
    const r = await runPaper(FILE, { alphas: [30] });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, CLAIM_FAILED);
    const [check] = r.checks;
    assert.equal(check.passed, false);
    const runs = check.numbers.lazyRich as LazyRichRun[];
    assert.equal(runs.length, 1);
    const [lazy] = runs;
    assert.equal(lazy.alpha, 30);
    // It fits the training table but generalises only to the swapped pairs: its test accuracy is their share.
    assert.equal(lazy.finalTrain, 1);
    assert.ok(lazy.finalNovel <= 0.2, `novel-pair accuracy ${lazy.finalNovel}`);
    assert.ok(Math.abs(lazy.finalTest - check.numbers.swapShare) <= 0.05, `test ${lazy.finalTest} vs swap share ${check.numbers.swapShare}`);
    assert.ok(lazy.driftAtFit < 0.3, `NTK drift at fit ${lazy.driftAtFit}`);
    assert.match(check.detail!, /failed: richGroks, kernelMovesOnlyWhenRich$/);
  });
});
