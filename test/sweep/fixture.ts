import * as fs from "fs";
import * as path from "path";

/** Steps of gradient descent the fixture notebook takes. */
export const STEPS = 20;

/**
 * The closed form the fixture's loss must equal: gradient descent on f(x) = x²/2 maps
 * x ← (1 − lr)·x, so after n steps f = ((1 − lr)ⁿ·x0)² / 2.
 */
export const closedFormLoss = (lr: number, x0: number, steps = STEPS) => 0.5 * ((1 - lr) ** steps * x0) ** 2;

const code = (id: string, source: string, tags?: string[]) => ({
  cell_type: "code", id, metadata: tags ? { tags } : {}, source, execution_count: null, outputs: [],
});

/**
 * Writes `gd.ipynb` into `dir`: a parameters cell (lr, x0, steps), gradient descent that glues
 * `loss` (scrapbook bundle), a fault cell driven by marker files in $SWEEP_FAULTS
 * (`fail-<lr>-<x0>`: always raises; `flaky-<lr>-<x0>`: raises once, deleting the marker), and a
 * reportClaim check. Returns the notebook's path.
 */
export function writeFixtureNotebook(dir: string): string {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "optlab", display_name: "TypeScript (optlab)", language: "typescript" } },
    cells: [
      { cell_type: "markdown", id: "m0", metadata: {}, source: "# Sweep fixture: gradient descent on x²/2" },
      code("p", `const params = { lr: 0.1, x0: 1, steps: ${STEPS} };`, ["parameters"]),
      code("gd", [
        "let x = params.x0;",
        "for (let t = 0; t < params.steps; t++) x -= params.lr * x;",
        "const loss = 0.5 * x * x;",
        'display.mime({ "application/scrapbook.scrap.json+json": { name: "loss", data: loss, encoder: "json", version: 1 } });',
      ].join("\n")),
      code("faults", [
        'import * as fs from "fs";',
        "const faults = process.env.SWEEP_FAULTS ?? \"\";",
        "const key = `${params.lr}-${params.x0}`;",
        'if (faults && fs.existsSync(`${faults}/fail-${key}`)) throw new Error(`deliberate failure at lr-x0 ${key}`);',
        'if (faults && fs.existsSync(`${faults}/flaky-${key}`)) { fs.rmSync(`${faults}/flaky-${key}`); throw new Error(`flaky failure at lr-x0 ${key}`); }',
      ].join("\n")),
      code("check", [
        "const predicted = 0.5 * ((1 - params.lr) ** params.steps * params.x0) ** 2;",
        'reportClaim({ id: "gd", claim: "GD on x²/2 contracts x by (1 − lr) per step", numbers: { loss, predicted }, passed: Math.abs(loss - predicted) <= 1e-9 * Math.max(1, predicted) });',
      ].join("\n")),
    ],
  };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "gd.ipynb");
  fs.writeFileSync(file, JSON.stringify(nb, null, 1) + "\n");
  return file;
}
