/**
 * notebooks/papers/10-frankle-mode-connectivity.ipynb through the real `optlab run` CLI with a
 * broken setting: when the "spawned" pairs do not really share their start (independent inits),
 * their barrier is as high as the independent pair's and the check fails for that reason.
 */
import { strict as assert } from "assert";
import { checkCellId, runPaper } from "./run";

const FILE = "10-frankle-mode-connectivity.ipynb";

describe("notebook 10 (Frankle et al., linear mode connectivity): broken setting fails the check", function () {
  this.timeout(180_000);

  it("shareStart = false: the 'spawned' pairs have a barrier too, so sharedConnected fails (exit 1 at the check cell)", async () => {
    const r = await runPaper(FILE, { shareStart: false, spawnEpochs: [1] });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${FILE}: cell \\d+/\\d+ \\[id ${checkCellId(FILE)}\\] .* raised ClaimFailed: linear-mode-connectivity`));
    const [check] = r.checks;
    assert.ok(check.numbers.spawnedBarriers["1"] > 0.2, `barrier ${check.numbers.spawnedBarriers["1"]}`);
    assert.match(check.detail!, /failed: sharedConnected$/);
  });
});
