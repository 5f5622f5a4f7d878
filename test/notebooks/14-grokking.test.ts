/**
 * notebooks/papers/14-grokking.ipynb through the real `optlab run` CLI with a broken setting: the
 * loss evaluated in float64, whose 53-bit significand moves the collapse margin to 53·ln 2 ≈ 36.7,
 * so no training example collapses and the softmax-collapse condition fails — and only that one.
 */
import { strict as assert } from "assert";
import { checkCellId, runPaper } from "./run";

const FILE = "14-grokking.ipynb";

describe("notebook 14 (grokking: lazy vs rich, softmax collapse): broken setting fails the check", function () {
  this.timeout(240_000);

  it("lossDtype 'f64': no example reaches μ > 53·ln 2, so softmaxCollapses fails (exit 1 at the check cell)", async () => {
    const r = await runPaper(FILE, { lossDtype: "f64" });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${FILE}: cell \\d+/\\d+ \\[id ${checkCellId(FILE)}\\] .* raised ClaimFailed: grokking-lazy-rich-softmax-collapse`));
    const [check] = r.checks;
    assert.equal(check.passed, false);
    assert.equal(check.numbers.lossDtype, "f64");
    assert.ok(Math.abs(check.numbers.collapseMargin - 53 * Math.LN2) < 1e-12, `collapse margin ${check.numbers.collapseMargin}`);
    assert.equal(check.numbers.collapsedFinal.softmax, 0);
    assert.ok(check.numbers.maxMargin < 53 * Math.LN2, `largest margin ${check.numbers.maxMargin}`);
    // The closed form still predicts every example (none collapsed, none past the margin), and the lazy/rich part is untouched.
    assert.equal(check.numbers.mismatches, 0);
    assert.match(check.detail!, /failed: softmaxCollapses$/);
  });
});
