import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadManifest, ManifestError, openManifest, recordAttempt, unfinished, writeManifest } from "../../kernel/src/sweep/manifest";
import { readPointResult, resultFile } from "../../kernel/src/sweep/point";
import { reconcile } from "../../kernel/src/sweep/collect";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "optlab-manifest-"));

describe("sweep manifest", () => {
  const grid = { seed: [0, 1, 2], lr: [0.1, 0.5] };

  it("starts with every point pending, an output path per point", () => {
    const dir = tmp();
    const m = openManifest(dir, "nb/gd.ipynb", grid);
    assert.equal(m.points.length, 6);
    assert.ok(m.points.every((p) => p.status === "pending" && p.attempts === 0));
    assert.deepEqual(m.points[3].params, { seed: 1, lr: 0.5 });
    assert.equal(m.points[3].output, "runs/0003/gd.ipynb");
    assert.equal(m.notebook, path.resolve("nb/gd.ipynb"));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")), m);
  });

  it("resumes: a second open keeps the states, and only unfinished points are left to run", () => {
    const dir = tmp();
    const m = openManifest(dir, "gd.ipynb", grid);
    recordAttempt(m, { index: 0, ok: true, seconds: 1 });
    recordAttempt(m, { index: 4, ok: false, seconds: 1, error: "cell 3 raised" });
    recordAttempt(m, { index: 4, ok: false, seconds: 1, error: "cell 3 raised again" });
    writeManifest(dir, m);
    const again = openManifest(dir, "gd.ipynb", grid, { timeoutS: 60 });
    assert.equal(again.points[0].status, "done");
    assert.equal(again.points[4].status, "failed");
    assert.equal(again.points[4].attempts, 2);
    assert.equal(again.points[4].error, "cell 3 raised again");
    assert.equal(again.timeoutS, 60);
    assert.deepEqual(unfinished(again).map((p) => p.index), [1, 2, 3, 4, 5]);
    recordAttempt(again, { index: 4, ok: true, seconds: 1 });
    assert.equal(again.points[4].error, undefined);
    assert.equal(again.points[4].attempts, 3);
  });

  it("refuses to reuse --out for another notebook or grid", () => {
    const dir = tmp();
    openManifest(dir, "gd.ipynb", grid);
    assert.throws(() => openManifest(dir, "gd.ipynb", { seed: [0, 1] }), (e: Error) => e instanceof ManifestError && /^--out .*: holds a sweep of .*gd\.ipynb .*choose another --out/.test(e.message));
    assert.throws(() => openManifest(dir, "other.ipynb", grid), /--out .*holds a sweep/);
  });

  it("names the directory when there is no manifest or a foreign file", () => {
    const dir = tmp();
    assert.throws(() => loadManifest(dir), /no sweep here \(no manifest\.json/);
    fs.writeFileSync(path.join(dir, "manifest.json"), '{"format": "something-else"}');
    assert.throws(() => loadManifest(dir), /expected a sweep manifest with format "optlab-sweep\/1", got format "something-else"/);
  });

  it("reconciles results written by workers it did not wait for (a Kubernetes Job)", () => {
    const dir = tmp();
    const m = openManifest(dir, "gd.ipynb", grid);
    for (const [index, ok] of [[1, true], [2, false]] as const) {
      fs.mkdirSync(path.dirname(resultFile(dir, index)), { recursive: true });
      fs.writeFileSync(resultFile(dir, index), JSON.stringify({ index, ok, seconds: 2, ...(ok ? {} : { error: "boom" }) }));
    }
    fs.mkdirSync(path.dirname(resultFile(dir, 3)), { recursive: true });
    fs.writeFileSync(resultFile(dir, 3), "not json");
    assert.equal(readPointResult(dir, 3), undefined);
    assert.equal(reconcile(dir, m), true);
    const back = loadManifest(dir);
    assert.deepEqual(back.points.map((p) => p.status), ["pending", "done", "failed", "pending", "pending", "pending"]);
    assert.equal(back.points[2].error, "boom");
    assert.equal(reconcile(dir, back), false);
  });
});
