/**
 * notebooks/papers/11-xiong-matrix-sensing.ipynb through the real `optlab run` CLI with a broken
 * setting: with no over-parameterization (k = r) the "slow" symmetric arm converges geometrically,
 * so the sublinear condition fails.
 */
import { strict as assert } from "assert";
import { checkCellId, runPaper } from "./run";

const FILE = "11-xiong-matrix-sensing.ipynb";

describe("notebook 11 (Xiong et al., matrix sensing): broken setting fails the check", function () {
  this.timeout(180_000);

  it("overRank = r = 2: the symmetric run is not over-parameterized and converges linearly (overParamSublinear fails)", async () => {
    const r = await runPaper(FILE, { overRank: 2, steps: 4096 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${FILE}: cell \\d+/\\d+ \\[id ${checkCellId(FILE)}\\] .* raised ClaimFailed: xiong-matrix-sensing`));
    const [check] = r.checks;
    assert.ok(check.numbers.overFinalError < 1e-10, `error ${check.numbers.overFinalError}`);
    assert.match(check.detail!, /failed: .*overParamSublinear/);
  });
});
