import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PYTHON } from "../e2e/python";
import { KERNEL_BIN } from "../kernel/client";
import { closedFormLoss, writeFixtureNotebook } from "./fixture";
import { optlab, parseCsv } from "./cli";
import { SlurmCluster, startSlurmCluster } from "./slurm-cluster";

/** Array task ids of a Slurm job, from `scontrol show job` (the controller keeps finished jobs for MinJobAge). */
function arrayTasks(cluster: SlurmCluster, jobId: string): number[] {
  const r = spawnSync("/usr/bin/scontrol", ["-o", "show", "job", jobId], { env: cluster.env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split("\n").map((l) => {
    assert.match(l, new RegExp(`ArrayJobId=${jobId} `));
    return Number(/ArrayTaskId=(\d+)/.exec(l)![1]);
  }).sort((a, b) => a - b);
}

describe("optlab sweep on a one-node Slurm cluster (slurm-wlm + munge, started by the test)", function () {
  this.timeout(900_000);
  let cluster: SlurmCluster;
  let work: string;
  let faults: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    cluster = await startSlurmCluster();
    work = path.join(cluster.dir, "work");
    faults = path.join(work, "faults");
    fs.mkdirSync(faults, { recursive: true });
    writeFixtureNotebook(work);
    fs.writeFileSync(path.join(work, "grid.json"), JSON.stringify({ lr: [0.1, 0.5, 2.5], x0: [1, 2] }));
    env = { ...cluster.env, SWEEP_FAULTS: faults };
  });

  let failed = false;
  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });
  after(() => {
    cluster?.stop();
    // Keep the logs and executed notebooks of a failed run for a look.
    if (cluster && !failed) fs.rmSync(cluster.dir, { recursive: true, force: true });
    else if (cluster) console.error(`slurm e2e files kept in ${cluster.dir}`);
  });

  const sweep = () => optlab(["sweep", "gd.ipynb", "--grid", "grid.json", "--backend", "slurm", "--out", "out", "--jobs", "2", "--retries", "1", "--poll", "1"], { cwd: work, env });
  const manifest = () => JSON.parse(fs.readFileSync(path.join(work, "out", "manifest.json"), "utf8"));
  const jobIds = () => [...new Set(fs.readdirSync(path.join(work, "out", "slurm")).filter((f) => f.endsWith(".out")).map((f) => f.split("_")[0]))].sort((a, b) => Number(a) - Number(b));

  it("runs a 3×2 grid as one job array, retries a flaky point and reports one that keeps failing", async () => {
    // Point 2 (lr 0.5, x0 1) fails once; point 5 (lr 2.5, x0 2) fails every time.
    fs.writeFileSync(path.join(faults, "flaky-0.5-1"), "");
    fs.writeFileSync(path.join(faults, "fail-2.5-2"), "");
    const r = await sweep();
    assert.equal(r.code, 1, `expected exit 1 (a point failed)\n${r.err}`);
    assert.match(r.err, /5\/6 points done, 1 failed/);
    assert.match(r.err, /point 5 \{"lr":2\.5,"x0":2\} failed after 2 attempts: .*deliberate failure at lr-x0 2\.5-2/);

    const m = manifest();
    assert.deepEqual(m.points.map((p: { status: string }) => p.status), ["done", "done", "done", "done", "done", "failed"]);
    assert.deepEqual(m.points.map((p: { attempts: number }) => p.attempts), [1, 1, 2, 1, 1, 2]);
    assert.ok(!fs.existsSync(path.join(faults, "flaky-0.5-1")), "the flaky point ran its fault cell");

    // One array over all six points, then one over the two that failed.
    const jobs = jobIds();
    assert.equal(jobs.length, 2);
    assert.deepEqual(arrayTasks(cluster, jobs[0]), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(arrayTasks(cluster, jobs[1]), [2, 5]);
    const script = fs.readFileSync(path.join(work, "out", "slurm", "sweep.sbatch"), "utf8");
    assert.match(script, /sweep run-point/);
    for (const p of m.points) {
      const nb = JSON.parse(fs.readFileSync(path.join(work, "out", p.output), "utf8"));
      const injected = nb.cells.find((c: { metadata: { tags?: string[] } }) => c.metadata.tags?.includes("injected-parameters"));
      assert.ok(injected, `point ${p.index}: executed notebook has an injected-parameters cell`);
      assert.match(injected.source.join(""), new RegExp(`Object\\.assign\\(params, \\{ "lr": ${p.params.lr}, "x0": ${p.params.x0} \\}\\)`));
    }
  });

  it("collect tables all six points with the notebooks' scalars and checks", async () => {
    const r = await optlab(["sweep", "collect", "out"], { cwd: work, env });
    assert.equal(r.code, 0, r.err);
    const rows = parseCsv(fs.readFileSync(path.join(work, "out", "sweep.csv"), "utf8"));
    assert.equal(rows.length, 6);
    const grid: [number, number][] = [[0.1, 1], [0.1, 2], [0.5, 1], [0.5, 2], [2.5, 1], [2.5, 2]];
    rows.forEach((row, i) => {
      const [lr, x0] = grid[i];
      assert.equal(Number(row.lr), lr);
      assert.equal(Number(row.x0), x0);
      const want = closedFormLoss(lr, x0);
      // The loss cell runs before the fault cell, so even the failed point glued its loss.
      assert.ok(Math.abs(Number(row.loss) - want) <= 1e-12 * Math.max(1, want), `point ${i}: loss ${row.loss} vs closed form ${want}`);
      if (i === 5) {
        assert.equal(row.status, "failed");
        assert.equal(row.checks, "");
        assert.match(row.error, /deliberate failure/);
      } else {
        assert.equal(row.status, "done");
        assert.equal(row.checks, "1/1");
        assert.equal(row["gd.passed"], "true");
      }
    });
    const summary = path.join(work, "out", "summary.ipynb");
    const v = spawnSync(PYTHON, ["-c", "import sys, nbformat\nnb = nbformat.read(sys.argv[1], as_version=4)\nnbformat.validate(nb)\nprint(sum(1 for c in nb.cells for o in c.get('outputs', []) if 'image/svg+xml' in o.get('data', {})))", summary], { encoding: "utf8" });
    assert.equal(v.status, 0, v.stderr);
    assert.ok(Number(v.stdout.trim()) >= 1, "the summary notebook holds figures");
    assert.match(fs.readFileSync(summary, "utf8"), /loss vs lr/);
  });

  it("rerunning resumes: only the failed point is submitted again", async () => {
    fs.rmSync(path.join(faults, "fail-2.5-2"));
    const before = manifest();
    const r = await sweep();
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /6\/6 points done/);
    const m = manifest();
    assert.deepEqual(m.points.map((p: { attempts: number }) => p.attempts), before.points.map((p: { attempts: number }, i: number) => p.attempts + (i === 5 ? 1 : 0)));
    const jobs = jobIds();
    assert.equal(jobs.length, 3);
    assert.deepEqual(arrayTasks(cluster, jobs[2]), [5]);
  });

  it("Ctrl-C (SIGTERM) of the driver cancels its job array", async () => {
    const p = spawn(process.execPath, [KERNEL_BIN, "sweep", "gd.ipynb", "--grid", "grid.json", "--backend", "slurm", "--out", "cancel", "--jobs", "1", "--poll", "1"], { cwd: work, env });
    let err = "";
    const jobId = await new Promise<string>((resolve, reject) => {
      p.stderr.on("data", (d) => {
        err += d;
        const m = /slurm job (\d+): array/.exec(err);
        if (m) resolve(m[1]);
      });
      p.on("close", (code) => reject(new Error(`the sweep ended (exit ${code}) before submitting:\n${err}`)));
    });
    const closed = new Promise<number | null>((r) => p.on("close", (code) => r(code)));
    p.kill("SIGTERM");
    assert.equal(await closed, 130, err);
    assert.match(err, new RegExp(`cancelled slurm job ${jobId}\\); rerun the same command to resume`));
    const deadline = Date.now() + 30_000;
    while (spawnSync("/usr/bin/squeue", ["-h", "-j", jobId], { env: cluster.env, encoding: "utf8" }).stdout.trim() !== "") {
      assert.ok(Date.now() < deadline, `job ${jobId} still queued 30 s after scancel`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const states = spawnSync("/usr/bin/scontrol", ["-o", "show", "job", jobId], { env: cluster.env, encoding: "utf8" }).stdout
      .trim().split("\n").map((l) => /JobState=(\w+)/.exec(l)![1]);
    assert.ok(states.includes("CANCELLED"), `states after scancel: ${states.join(", ")}`);
  });
});
