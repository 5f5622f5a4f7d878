import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { closedFormLoss, writeFixtureNotebook } from "./fixture";
import { optlab, parseCsv } from "./cli";

describe("optlab sweep --backend local, and run-point as a Kubernetes Job index runs it", function () {
  this.timeout(600_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-sweep-local-"));
  const faults = path.join(work, "faults");
  const env = { ...process.env, SWEEP_FAULTS: faults };
  const manifest = (dir: string) => JSON.parse(fs.readFileSync(path.join(work, dir, "manifest.json"), "utf8"));

  before(() => {
    fs.mkdirSync(faults);
    writeFixtureNotebook(work);
  });

  it("checks the grid's names against the parameters cell before running any point", async () => {
    const r = await optlab(["sweep", "gd.ipynb", "-p", "momentum=0.9", "--out", "undeclared"], { cwd: work, env });
    assert.equal(r.code, 2);
    assert.match(r.err, /--param momentum: the cell tagged "parameters" declares no parameter "momentum" \(it declares lr, x0, steps\)/);
    assert.ok(!fs.existsSync(path.join(work, "undeclared")), "nothing was started");
    const missing = await optlab(["sweep", "missing.ipynb", "-p", "lr=1"], { cwd: work, env });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /missing\.ipynb: cannot read the notebook \(ENOENT\)/);
  });

  it("runs the points two at a time; without retries a failing point fails once and is reported", async () => {
    fs.writeFileSync(path.join(faults, "fail-2.5-1"), "");
    const r = await optlab(["sweep", "gd.ipynb", "-p", "lr=0.1,2.5", "-p", "x0=1", "--jobs", "2", "--retries", "0", "--out", "local"], { cwd: work, env });
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /1\/2 points done, 1 failed/);
    const m = manifest("local");
    assert.deepEqual(m.points.map((p: { status: string; attempts: number }) => [p.status, p.attempts]), [["done", 1], ["failed", 1]]);
    assert.match(m.points[1].error, /deliberate failure at lr-x0 2\.5-1/);
  });

  it("resumes: done points are not run again", async () => {
    fs.rmSync(path.join(faults, "fail-2.5-1"));
    const done = path.join(work, "local", "runs", "0000", "gd.ipynb");
    const mtime = fs.statSync(done).mtimeMs;
    const r = await optlab(["sweep", "gd.ipynb", "-p", "lr=0.1,2.5", "-p", "x0=1", "--retries", "0", "--out", "local"], { cwd: work, env });
    assert.equal(r.code, 0, r.err);
    assert.equal(fs.statSync(done).mtimeMs, mtime, "point 0's executed notebook was not rewritten");
    assert.deepEqual(manifest("local").points.map((p: { status: string; attempts: number }) => [p.status, p.attempts]), [["done", 1], ["done", 2]]);
    const other = await optlab(["sweep", "gd.ipynb", "-p", "lr=0.1", "--out", "local"], { cwd: work, env });
    assert.equal(other.code, 1);
    assert.match(other.err, /--out local: holds a sweep of .*choose another --out directory/);
  });

  it("the Job's container command runs the point JOB_COMPLETION_INDEX names; collect picks it up", async () => {
    const w = await optlab(["sweep", "gd.ipynb", "-p", "lr=0.1,0.5", "--backend", "k8s", "--image", "optlab:test", "--out", "k8s"], { cwd: work, env });
    assert.equal(w.code, 0, w.err);
    const job = JSON.parse(fs.readFileSync(path.join(work, "k8s", "k8s", "job.json"), "utf8"));
    const [cmd, ...args] = job.spec.template.spec.containers[0].command;
    assert.equal(cmd, "optlab");
    // What the pod of index 1 runs, with this checkout's CLI standing in for the image's optlab.
    const pod = await optlab(args, { cwd: work, env: { ...env, JOB_COMPLETION_INDEX: "1" } });
    assert.equal(pod.code, 0, pod.err);
    assert.ok(!fs.existsSync(path.join(work, "k8s", "runs", "0000")), "index 1 ran point 1 only");
    const again = await optlab(args, { cwd: work, env: { ...env, JOB_COMPLETION_INDEX: "1" } });
    assert.match(again.out, /point 1: already done/);
    const c = await optlab(["sweep", "collect", "k8s"], { cwd: work, env });
    assert.equal(c.code, 0, c.err);
    const rows = parseCsv(fs.readFileSync(path.join(work, "k8s", "sweep.csv"), "utf8"));
    assert.deepEqual(rows.map((r) => r.status), ["pending", "done"]);
    assert.equal(rows[0].loss, "");
    const want = closedFormLoss(0.5, 1);
    assert.ok(Math.abs(Number(rows[1].loss) - want) <= 1e-12, `loss ${rows[1].loss} vs ${want}`);
    const bad = await optlab(["sweep", "run-point", "k8s", "7"], { cwd: work, env });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /INDEX: expected an integer in \[0, 1\], got "7"/);
  });
});
