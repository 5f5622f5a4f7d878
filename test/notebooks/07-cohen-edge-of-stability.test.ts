/**
 * notebooks/papers/07-cohen-edge-of-stability.ipynb through the real `optlab run` CLI: it passes as
 * shipped, and a step size too small to reach the edge (2/η = 100) fails the check for exactly
 * that reason.
 */
import { strict as assert } from "assert";
import { checkCellId, runPaper } from "./run";

const FILE = "07-cohen-edge-of-stability.ipynb";

describe("notebook 07 (Cohen et al., edge of stability): broken setting fails the check", function () {
  this.timeout(180_000);

  it("η = 0.02: sharpening stops far below 2/η = 100, so the 'hovers at 2/η' conditions fail (exit 1 at the check cell)", async () => {
    const r = await runPaper(FILE, { lrs: [0.02], epochs: 600 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${FILE}: cell \\d+/\\d+ \\[id ${checkCellId(FILE)}\\] .* raised ClaimFailed: edge-of-stability`));
    const [check] = r.checks;
    assert.equal(check.passed, false);
    const [only] = check.numbers.perLr;
    assert.equal(only.lr, 0.02);
    assert.ok(only.lateMeanLambdaEtaOver2 < 0.5, `λmax·η/2 = ${only.lateMeanLambdaEtaOver2}`);
    // It is the threshold conditions that fail, not the set-up (sharpening did start below 2/η).
    assert.match(check.detail!, /failed: η=0\.02: mean λmax·η\/2 = [0-9.]+ not within 0\.1 of 1; η=0\.02: λmax·η\/2 leaves/);
    assert.doesNotMatch(check.detail!, /starts above 2\/η/);
  });
});
