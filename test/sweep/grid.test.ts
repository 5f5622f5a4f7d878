import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expandGrid, gridFromParams, gridPoint, gridSize, GridError, parseSweepParam, readGrid, validateGrid } from "../../kernel/src/sweep/grid";
import { parseSweepArgs, SweepUsageError } from "../../kernel/src/sweep/cli";

describe("sweep grid", () => {
  it("expands to the cartesian product, last parameter fastest, like nested loops", () => {
    const grid = { seed: [0, 1, 2], lr: [0.1, 0.5], mode: ["sgd", "adam"] };
    const loops: Record<string, unknown>[] = [];
    for (const seed of grid.seed) for (const lr of grid.lr) for (const mode of grid.mode) loops.push({ seed, lr, mode });
    assert.equal(gridSize(grid), 12);
    assert.deepEqual(expandGrid(grid), loops);
    assert.deepEqual(Object.keys(gridPoint(grid, 5)), ["seed", "lr", "mode"]);
    assert.deepEqual(gridPoint(grid, 11), { seed: 2, lr: 0.5, mode: "adam" });
  });

  it("keeps JSON values (arrays, strings, booleans) as they are", () => {
    assert.deepEqual(expandGrid({ widths: [[64, 64], [128]], bias: [true] }), [{ widths: [64, 64], bias: true }, { widths: [128], bias: true }]);
  });

  it("rejects an index outside the grid, naming the range", () => {
    assert.throws(() => gridPoint({ a: [1, 2] }, 2), (e: Error) => e instanceof GridError && /point index: expected an integer in \[0, 1\], got 2/.test(e.message));
    assert.throws(() => gridPoint({ a: [1, 2] }, 0.5), /got 0\.5/);
  });

  it("parses -p name=v1,v2 as comma-separated JSON values", () => {
    assert.deepEqual(parseSweepParam("lr=0.1,0.5,1e-3"), ["lr", [0.1, 0.5, 0.001]]);
    assert.deepEqual(parseSweepParam('mode="sgd","adam"'), ["mode", ["sgd", "adam"]]);
    assert.deepEqual(parseSweepParam("widths=[64,64],[128]"), ["widths", [[64, 64], [128]]]);
    assert.deepEqual(gridFromParams(["seed=0,1,2", "lr=0.1,0.5"]), { seed: [0, 1, 2], lr: [0.1, 0.5] });
  });

  it("rejects bad -p arguments, naming the parameter and what was expected", () => {
    const bad: [string, RegExp][] = [
      ["lr", /-p "lr": expected name=v1,v2/],
      ["=1,2", /expected name=v1,v2/],
      ["2lr=1", /"2lr" is not an identifier/],
      ["lr=", /-p lr: expected at least one value/],
      ["mode=sgd,adam", /-p mode: "sgd,adam" is not a comma-separated list of JSON values \(strings need JSON quotes/],
      ["lr=0.1,0.1", /-p lr: parameter lr: value 0\.1 appears twice/],
    ];
    for (const [arg, re] of bad) assert.throws(() => parseSweepParam(arg), (e: Error) => e instanceof GridError && re.test(e.message), arg);
    assert.throws(() => gridFromParams(["lr=0.1", "lr=0.5"]), /-p lr: given twice/);
  });

  it("reads grid.json and names --grid and the defect on bad files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-grid-"));
    const write = (name: string, text: string) => (fs.writeFileSync(path.join(dir, name), text), path.join(dir, name));
    assert.deepEqual(readGrid(write("ok.json", '{"seed": [0, 1], "lr": [0.1]}')), { seed: [0, 1], lr: [0.1] });
    const cases: [string, RegExp][] = [
      [path.join(dir, "missing.json"), /--grid .*missing\.json: cannot read the file \(ENOENT\)/],
      [write("notjson.json", "{seed: [0]}"), /--grid .*notjson\.json: not JSON/],
      [write("array.json", "[[0, 1]]"), /expected a JSON object .* got an array/],
      [write("empty.json", "{}"), /expected at least one parameter/],
      [write("scalar.json", '{"lr": 0.1}'), /parameter lr: expected a non-empty array of values, got 0\.1/],
      [write("none.json", '{"lr": []}'), /parameter lr: expected a non-empty array/],
      [write("name.json", '{"learning rate": [1]}'), /"learning rate" is not an identifier/],
    ];
    for (const [file, re] of cases) assert.throws(() => readGrid(file), (e: Error) => e instanceof GridError && re.test(e.message), file);
    assert.throws(() => validateGrid(null, "x"), /got null/);
  });

  it("parses the sweep command line and rejects bad options by name", () => {
    const a = parseSweepArgs(["nb.ipynb", "-p", "lr=0.1,0.5", "--backend", "slurm", "--jobs=3", "--retries", "0", "--sbatch-arg", "--partition=gpu", "--poll", "0.5"]);
    assert.equal(a.notebook, "nb.ipynb");
    assert.deepEqual(a.params, ["lr=0.1,0.5"]);
    assert.equal(a.backend, "slurm");
    assert.equal(a.jobs, 3);
    assert.equal(a.retries, 0);
    assert.deepEqual(a.sbatchArgs, ["--partition=gpu"]);
    assert.equal(a.pollS, 0.5);
    const bad: [string[], RegExp][] = [
      [["nb.ipynb", "-p", "a=1", "--jobs", "0"], /--jobs: expected an integer ≥ 1, got "0"/],
      [["nb.ipynb", "-p", "a=1", "--retries", "-1"], /--retries expects a value/],
      [["nb.ipynb", "-p", "a=1", "--retries=1.5"], /--retries: expected an integer ≥ 0, got "1\.5"/],
      [["nb.ipynb", "-p", "a=1", "--backend", "pbs"], /--backend: expected local, slurm or k8s, got "pbs"/],
      [["nb.ipynb", "-p", "a=1", "--grid", "g.json"], /--grid and -p/],
      [["nb.ipynb"], /needs a grid: --grid grid\.json or -p/],
      [["-p", "a=1"], /needs a notebook/],
      [["nb.ipynb", "-p", "a=1", "--backend", "k8s"], /--backend k8s needs --image/],
      [["nb.ipynb", "-p", "a=1", "--image", "x"], /--image belongs to --backend k8s/],
      [["nb.ipynb", "-p", "a=1", "--poll", "0"], /--poll: expected a positive number of seconds, got "0"/],
      [["a.ipynb", "b.ipynb", "-p", "a=1"], /takes one notebook/],
      [["nb.ipynb", "-p", "a=1", "--frobnicate"], /unknown option "--frobnicate"/],
    ];
    for (const [args, re] of bad) assert.throws(() => parseSweepArgs(args), (e: Error) => e instanceof SweepUsageError && re.test(e.message), args.join(" "));
  });
});
