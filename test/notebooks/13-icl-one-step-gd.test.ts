/**
 * notebooks/papers/13-icl-one-step-gd.ipynb through the real `optlab run` CLI with a broken
 * setting: with anisotropic inputs the optimal LSA is *preconditioned* GD, so it no longer matches
 * plain one-step GD with the scalar η* and the check fails for that reason.
 */
import { strict as assert } from "assert";
import { checkCellId, runPaper } from "./run";

const FILE = "13-icl-one-step-gd.ipynb";

describe("notebook 13 (one-step GD is the optimal LSA in-context learner): broken setting fails the check", function () {
  this.timeout(180_000);

  it("anisotropic inputs: the trained LSA is preconditioned GD, not η*·I (predictsLikeOneGdStep and gammaIsEtaStarIdentity fail)", async () => {
    const r = await runPaper(FILE, { scales: [2, 1, 1, 0.3], steps: 800 });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${FILE}: cell \\d+/\\d+ \\[id ${checkCellId(FILE)}\\] .* raised ClaimFailed: icl-one-step-gd`));
    const [check] = r.checks;
    // Γ's diagonal follows the inverse input scales (a preconditioner), far from η*·I.
    const g = check.numbers.gamma as number[];
    assert.ok(g[0] < g[3 * 4 + 3], `Γ₀₀ ${g[0]} vs Γ₃₃ ${g[15]}`);
    assert.match(check.detail!, /failed: predictsLikeOneGdStep, gammaIsEtaStarIdentity/);
  });
});
