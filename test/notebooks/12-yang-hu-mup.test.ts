/**
 * notebooks/papers/12-yang-hu-mup.ipynb through the real `optlab run` CLI with a broken setting:
 * μP's learning rate shrunk like SP's (∝ 1/width) puts μP back in the kernel regime, so its
 * features stop moving at large width and the μP condition fails.
 */
import { strict as assert } from "assert";
import { checkCellId, runPaper } from "./run";

const FILE = "12-yang-hu-mup.ipynb";

describe("notebook 12 (Yang & Hu, μP feature learning): broken setting fails the check", function () {
  this.timeout(180_000);

  it("μP with lr ∝ 1/width: feature movement decays with width (mupKeepsLearning fails)", async () => {
    const r = await runPaper(FILE, { mupLr: "inverseWidth", widths: [64, 128, 256] });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${FILE}: cell \\d+/\\d+ \\[id ${checkCellId(FILE)}\\] .* raised ClaimFailed: yang-hu-mup-feature-learning`));
    const [check] = r.checks;
    assert.ok(check.numbers.slopes.mup < -0.3, `μP slope ${check.numbers.slopes.mup}`);
    assert.match(check.detail!, /failed: mupKeepsLearning$/);
  });
});
