// Convolutions on im2col + GEMM, next to PyTorch (Debian python3-torch, float64, one thread) on the
// same weights and data, measured in this run: (1) conv2d 16→32, 3×3, padding 1 on [32, 16, 16, 16]
// forward + backward (∂x, ∂W, ∂b); (2) one Hessian-vector product of the LeNet-5 cross-entropy on
// 128 MNIST digits (double backward through conv, max-pool and linear layers). Best of `reps`.
// `npm run bench -- conv [--quick]`.
import { spawnSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root, require } from "./_util.mjs";

const best = (fn, reps) => {
  fn();
  let m = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    m = Math.min(m, performance.now() - t);
  }
  return m;
};

export default async function main(flags = []) {
  const quick = flags.includes("--quick");
  const reps = quick ? 2 : 5;
  const build = spawnSync("npx", ["tsc", "-p", "src"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) console.log("(tsc -p src reported errors; using the dist as built)");
  const { nn, data, ops, Tensor, Rng, grad, leaves, withLeaves, leafPaths } = loadCore();
  const rng = new Rng(0);
  const T = (shape) => new Tensor(rng.normals(shape.reduce((a, b) => a * b, 1)), shape);
  const pack = (t) => ({ shape: [...t.shape], data: Array.from(t.data) });

  // (1) conv forward + backward.
  const layer = nn.conv2d(16, 32, 3, { padding: 1 });
  const p = layer.init(rng, "f64");
  const x = T([32, 16, 16, 16]);
  const g = T([32, 32, 16, 16]);
  const ctx = new nn.ForwardContext();
  const convFb = () => grad(([xx, w, b]) => ops.sum(ops.mul(layer.apply({ weight: w, bias: b }, xx, ctx), g)))([x, p.weight, p.bias]);
  const convMs = best(convFb, reps);

  // (2) LeNet-5 HVP.
  const net = nn.lenet5({ seed: 1 });
  const ds = data.mnist({ n: 128, testFraction: 0, seed: 2 }).train;
  const ls = leaves(net.params);
  const v = ls.map((t) => T([...t.shape]));
  const lossOf = (xs) => nn.crossEntropy(net.apply(withLeaves(net.params, xs), ds.x), ds.labels);
  const hvp = () => grad((xs) => grad(lossOf)(xs).map((gi, k) => ops.sum(ops.mul(gi, v[k]))).reduce((a, b) => ops.add(a, b)))(ls);
  const hvpMs = best(hvp, reps);
  const hv0 = Array.from(hvp()[0].data.slice(0, 4));

  console.log("float64, optlab vs PyTorch (1 thread), best of", reps);
  const dir = mkdtempSync(join(tmpdir(), "optlab-bench-conv-"));
  const job = join(dir, "job.json");
  const params = {};
  leafPaths(net.params).forEach((k, i) => (params[k] = pack(ls[i])));
  writeFileSync(job, JSON.stringify({
    reps,
    conv: { x: pack(x), w: pack(p.weight), b: pack(p.bias), g: pack(g) },
    lenet: { params, order: leafPaths(net.params), x: { shape: [128, 1, 28, 28], data: Array.from(ds.x.data) }, y: Array.from(ds.labels), v: v.map(pack) },
  }));
  // One thread: torch.set_num_threads does not bound the OpenBLAS pool of Debian's torch.
  const env = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const r = spawnSync("/usr/bin/python3", [join(root, "bench", "_conv_torch.py"), job], { encoding: "utf8", timeout: 600_000, env });
  const torch = r.status === 0 ? JSON.parse(r.stdout.trim().split("\n").pop()) : null;
  if (!torch) console.log(`  (PyTorch reference unavailable: ${r.stderr.trim().split("\n").pop()})`);
  const row = (name, mine, theirs) =>
    console.log(`  ${name.padEnd(52)} optlab ${mine.toFixed(1).padStart(8)} ms   torch ${theirs === undefined ? "     n/a" : theirs.toFixed(1).padStart(8)} ms   ratio ${theirs === undefined ? "n/a" : (mine / theirs).toFixed(2)}×`);
  row("conv2d 16→32 3×3 p1 on [32,16,16,16] fwd+bwd", convMs, torch?.conv_ms);
  row("LeNet-5 CE Hessian-vector product, 128 digits", hvpMs, torch?.hvp_ms);
  if (torch) {
    const d = Math.max(...hv0.map((a, i) => Math.abs(a - torch.hv0[i]) / Math.max(Math.abs(torch.hv0[i]), 1e-300)));
    console.log(`  same HVP in both: first entries agree to ${d.toExponential(1)} relative`);
  }
}

function loadCore() {
  const core = require(join(root, "src", "dist", "index.js"));
  return { ...core, ops: core, nn: core.nn };
}
