import * as fs from "fs";
import * as path from "path";
import { Manifest } from "../manifest";

/** Options of the Kubernetes backend. */
export interface K8sOptions {
  /** Container image with node, optlab and the notebook at the manifest's path. */
  image: string;
  /** Pods running at once (`parallelism`). */
  jobs: number;
  /** Retries per index (`backoffLimitPerIndex`, Kubernetes ≥ 1.29). */
  retries: number;
  /** A PersistentVolumeClaim mounted at the sweep directory's path, so results outlive the pods. */
  pvc?: string;
  namespace?: string;
  /** The command starting optlab inside the image (default `optlab`). */
  optlab?: string[];
}

/** A Job name from the notebook: a DNS-1123 label of at most 63 characters. */
export function jobName(notebook: string): string {
  const stem = path.basename(notebook).replace(/\.ipynb$/i, "").toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return `optlab-sweep-${stem || "notebook"}`.slice(0, 63).replace(/-+$/, "");
}

/**
 * A batch/v1 Indexed Job running every point of the sweep: `completions` = points, index i runs
 * `optlab sweep run-point DIR`, which reads `JOB_COMPLETION_INDEX` (set by the Job controller) to
 * pick point i, and skips a point whose result already says done, so re-applying resumes.
 */
export function indexedJob(dir: string, m: Manifest, opts: K8sOptions): Record<string, unknown> {
  const abs = path.resolve(dir);
  const mount = opts.pvc ? { volumeMounts: [{ name: "sweep", mountPath: abs }] } : {};
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: jobName(m.notebook), ...(opts.namespace ? { namespace: opts.namespace } : {}), labels: { "app.kubernetes.io/name": "optlab-sweep" } },
    spec: {
      completionMode: "Indexed",
      completions: m.points.length,
      parallelism: Math.max(1, opts.jobs),
      backoffLimitPerIndex: opts.retries,
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "optlab-sweep" } },
        spec: {
          restartPolicy: "Never",
          containers: [{
            name: "point",
            image: opts.image,
            command: [...(opts.optlab ?? ["optlab"]), "sweep", "run-point", abs],
            workingDir: abs,
            ...mount,
          }],
          ...(opts.pvc ? { volumes: [{ name: "sweep", persistentVolumeClaim: { claimName: opts.pvc } }] } : {}),
        },
      },
    },
  };
}

/** Writes `DIR/k8s/job.json` (JSON is YAML too: `kubectl apply -f` takes it); returns its path. */
export function writeIndexedJob(dir: string, m: Manifest, opts: K8sOptions): string {
  const file = path.join(dir, "k8s", "job.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(indexedJob(dir, m, opts), null, 2) + "\n");
  return file;
}
