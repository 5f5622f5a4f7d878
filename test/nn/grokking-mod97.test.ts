/**
 * notebooks/models/02-grokking-mod97.ipynb through the real `optlab run` CLI at p = 97, with its
 * defaults passed explicitly except `losses` (softmax CE only here: the StableMax run takes longer
 * than a sane test time on a loaded 2-core machine and is left to the notebook) and `steps` (2500:
 * the softmax run ends at test accuracy 0.99, measured near step 1500). From the accuracy curves the
 * notebook records, the test recomputes the first step where the training accuracy reaches 0.9 and
 * the first where the test accuracy does, and asserts the grokking delay. A control run with 50% of
 * the pairs for training (measured: train and test both pass 0.9 within ≈ 160 steps) must fail the
 * notebook's check: there is no delay to find.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const NB = path.resolve(__dirname, "..", "..", "notebooks", "models", "02-grokking-mod97.ipynb");
const KERNEL_BIN = path.resolve(__dirname, "..", "..", "kernel", "dist", "bin", "optlab.js");
const CHECK_MIME = "application/vnd.optlab.check+json";
/** The notebook's defaults (p = 97, 40% of the pairs, width 32, full batch, AdamW lr 1e-2, weight decay 1), softmax CE only, at most 2500 steps (measured: train ≥ 0.9 near step 300, test ≥ 0.9 near step 1460). */
const P97 = { p: 97, fraction: 0.4, dim: 32, heads: 4, batchSize: 100000, steps: 2500, lr: 1e-2, weightDecay: 1, evalPoints: 60, stopAt: 0.99, losses: ["ce"] };

function run(params: Record<string, unknown>): Promise<{ code: number | null; stderr: string; checks: any[] }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-grok-"));
  const args = [KERNEL_BIN, "run", NB, "--out", out, "--timeout", "3600"];
  for (const [k, v] of Object.entries(params)) args.push("--param", `${k}=${JSON.stringify(v)}`);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => {
      const file = path.join(out, path.basename(NB));
      const nb = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : { cells: [] };
      const checks = nb.cells.flatMap((c: any) => (c.outputs ?? []).filter((o: any) => o.data?.[CHECK_MIME]).map((o: any) => o.data[CHECK_MIME]));
      resolve({ code, stderr, checks });
    });
  });
}

describe("models/02 grokking transformer on a + b mod 97 (its defaults, softmax CE)", function () {
  this.timeout(1_800_000);

  it("softmax CE: training accuracy reaches 0.9 long before test accuracy does", async () => {
    const r = await run(P97);
    assert.equal(r.code, 0, r.stderr);
    const [check] = r.checks;
    assert.equal(check.passed, true, check.detail);
    assert.equal(check.numbers.p, 97);
    assert.equal(check.numbers.curves.length, 1);
    for (const c of check.numbers.curves) {
      const steps: number[] = c.step;
      const first = (ys: number[]) => steps[ys.findIndex((v) => v >= 0.9)];
      const trainAt = first(c.train);
      const testAt = first(c.test);
      assert.ok(trainAt !== undefined && testAt !== undefined, `${c.loss}: train ${c.train.at(-1)}, test ${c.test.at(-1)}`);
      assert.ok(testAt >= 2 * trainAt, `${c.loss}: test ≥ 0.9 at step ${testAt}, train ≥ 0.9 at step ${trainAt}`);
      // While memorised but not yet generalised, the test accuracy is far below the training accuracy.
      const mid = steps.findIndex((s) => s >= trainAt);
      assert.ok(c.test[mid] <= c.train[mid] - 0.3, `${c.loss}: at step ${steps[mid]} train ${c.train[mid]} vs test ${c.test[mid]}`);
    }
  });

  it("control: with half of the pairs for training it generalises with no delay, and the check fails", async () => {
    const r = await run({ ...P97, fraction: 0.5, steps: 600 });
    // A failed check raises ClaimFailed in the check cell: `optlab run` exits non-zero and says why.
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /raised ClaimFailed: grokking-mod-p-transformer/);
    assert.match(r.stderr, /failed: ce: generalised at step \d+, less than 2× the memorisation step \d+/);
  });
});
