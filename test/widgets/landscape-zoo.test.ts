/** A LandscapeView races any optimizer of the core zoo (optim.get), not a private 2-D set. */
import { strict as assert } from "node:assert";
import { headless } from "../../widgets/src/model/Widget";
import { LandscapeView } from "../../widgets/src/views/landscape";
import { LANDSCAPE_OPTIMIZERS } from "../../widgets/src/views/optimizers2d";

const rosenbrock = {
  name: "rosenbrock",
  dim: 2,
  value: (x: ArrayLike<number>) => (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2,
  gradient: (x: ArrayLike<number>) => [-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)],
  domain: [[-2, 2], [-1, 3]] as const,
};

describe("LandscapeView races the optimizer zoo", () => {
  it("offers every registered optimizer", () => {
    for (const n of ["gd", "momentum", "nesterov", "lion", "adamw", "lbfgs", "diffGrad"]) assert.ok(LANDSCAPE_OPTIMIZERS.includes(n), n);
  });

  it("gradient and closure optimizers both produce trajectories that lower the loss from (−1.2, 1)", () => {
    const v = headless(() =>
      LandscapeView.fromFunction(rosenbrock, { optimizers: ["adam", "lion", "lbfgs"], lr: 0.01, steps: 200, start: [-1.2, 1], resolution: 9 }),
    );
    const lens = Array.from(v.get("trajectory_lengths") as Int32Array);
    const losses = Array.from(v.get("trajectory_losses") as Float64Array);
    assert.deepEqual(v.get("trajectory_labels"), ["adam", "lion", "lbfgs"]);
    lens.forEach((l, i) => assert.ok(l > 1, `trajectory ${i} has ${l} points`));
    losses.forEach((l, i) => assert.ok(l < rosenbrock.value([-1.2, 1]), `optimizer ${i} ended at loss ${l}`));
    assert.ok(losses[2] < 1e-6, `L-BFGS reaches the minimum (loss ${losses[2]})`);
  });

  it("an unknown optimizer is an error naming the option and the name: thrown for an option, the view's error state when set later", () => {
    assert.throws(() => headless(() => LandscapeView.fromFunction(rosenbrock, { optimizers: ["adamm"], resolution: 5 })), /optimizers: expected names from gd, .*got "adamm"/);
    const v = headless(() => LandscapeView.fromFunction(rosenbrock, { optimizers: ["gd"], resolution: 5, steps: 3 }));
    assert.equal(v.get("status"), "ready");
    headless(() => v.set({ optimizers: ["adamm"] }));
    assert.equal(v.get("status"), "error");
    assert.match(String(v.get("error")), /adamm/);
  });
});
