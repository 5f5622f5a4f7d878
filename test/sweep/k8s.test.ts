import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { indexedJob, jobName, writeIndexedJob } from "../../kernel/src/sweep/backends/k8s";
import { openManifest } from "../../kernel/src/sweep/manifest";

/** Validates against the Kubernetes OpenAPI schema of batch/v1 Job (kubernetes-models, ESM-only). */
async function validateJob(obj: unknown): Promise<void> {
  // The package's base-class types need bundler resolution; the test only needs validate().
  const { Job } = (await import("kubernetes-models/batch/v1")) as unknown as { Job: new (data: unknown) => { validate(): void } };
  new Job(obj).validate();
}

describe("sweep k8s backend", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-k8s-"));
  const m = openManifest(dir, "My Sweep_v2.ipynb", { seed: [0, 1, 2], lr: [0.1, 0.5] });

  it("writes an Indexed Job that validates against the batch/v1 Job schema", async () => {
    const file = writeIndexedJob(dir, m, { image: "ghcr.io/example/optlab:1", jobs: 3, retries: 2, pvc: "sweeps", namespace: "lab" });
    const job = JSON.parse(fs.readFileSync(file, "utf8"));
    await validateJob(job);
    assert.equal(job.apiVersion, "batch/v1");
    assert.equal(job.kind, "Job");
    assert.equal(job.spec.completionMode, "Indexed");
    assert.equal(job.spec.completions, 6);
    assert.equal(job.spec.parallelism, 3);
    assert.equal(job.spec.backoffLimitPerIndex, 2);
    const c = job.spec.template.spec.containers[0];
    // The container names no index: run-point reads JOB_COMPLETION_INDEX from its environment.
    assert.deepEqual(c.command, ["optlab", "sweep", "run-point", path.resolve(dir)]);
    assert.equal(c.volumeMounts[0].mountPath, path.resolve(dir));
    assert.equal(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, "sweeps");
    assert.match(job.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    assert.equal(job.metadata.name, "optlab-sweep-my-sweep-v2");
  });

  it("the schema check is real: a malformed Job is rejected", async () => {
    const job = indexedJob(dir, m, { image: "x", jobs: 1, retries: 0 }) as { spec: Record<string, unknown> };
    await validateJob(job);
    await assert.rejects(validateJob({ ...job, spec: { ...job.spec, completions: "6" } }), /completions must be integer/);
    const noImage = JSON.parse(JSON.stringify(job));
    noImage.spec.template = { spec: { containers: [{ image: "x" }] } };
    await assert.rejects(validateJob(noImage), /name/);
  });

  it("Job names stay DNS labels of at most 63 characters", () => {
    assert.equal(jobName("/a/" + "x".repeat(100) + ".ipynb").length, 63);
    assert.equal(jobName("___.ipynb"), "optlab-sweep-notebook");
  });
});
