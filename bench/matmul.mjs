// Square matmul GFLOP/s, float32 and float64, n = 128, 256, 512, 1024, on every optlab backend
// available here, next to tfjs-wasm (raw tfjs API) and numpy (Debian python3-numpy, when
// present), all measured in this run; then the ratios. `npm run bench -- matmul [--quick]`.
// float64: the cpu backend as routed (`auto`), then each of its GEMM paths forced (JS loop, wasm
// SIMD f64x2, wasm relaxed-SIMD FMA when this Node validates it, the system-BLAS addon when
// built), next to NumPy f64 on all cores and on one thread (OPENBLAS_NUM_THREADS=1). The addon
// runs OpenBLAS on 1 thread (OPTLAB_BLAS_THREADS changes that); OPENBLAS_CORETYPE, when set in
// this process's environment, also steers the addon's kernel choice (it is unset for NumPy).
import { availableParallelism } from "node:os";
import { core, numpyMatmul, rand, require, timeMs } from "./_util.mjs";

export default async function main(flags = []) {
  const quick = flags.includes("--quick");
  const sizes = quick ? [128, 256] : [128, 256, 512, 1024];
  const { cpu } = core("backend/cpu.js");
  const { createWasmBackend } = core("backend/wasm.js");
  const { createGpujsBackend } = core("backend/gpujs.js");
  const cores = availableParallelism();

  const rows = []; // { label, dtype, gflops: {n: value} }
  const add = (label, dtype) => {
    const r = { label, dtype, gflops: {} };
    rows.push(r);
    return r;
  };
  const spec = (n) => ({ batch: 1, m: n, k: n, n, transA: false, transB: false, batchA: false, batchB: false });
  const gf = (n, ms) => (2 * n ** 3) / (ms * 1e6);
  const budget = (n) => (n >= 1024 ? 3000 : 1500);

  // optlab backends ----------------------------------------------------------------------------
  const gemm = core("backend/gemm/f64Matmul.js");
  const cpu64 = add("optlab cpu (auto route)", "f64");
  const f64Paths = [];
  for (const p of gemm.gemmPaths()) {
    const label = { js: "optlab cpu: JS loop", wasm: "optlab cpu: wasm SIMD f64x2", "wasm-relaxed": "optlab cpu: wasm relaxed FMA", native: "optlab cpu: native BLAS" }[p.path];
    if (p.ok) f64Paths.push({ path: p.path, row: add(p.path === "native" ? `${label} (${p.reason.split(" ").slice(0, 2).join(" ")}, ${p.reason.match(/(\d+) thread/)[1]} thr)` : label, "f64") });
    else console.log(`f64 path ${p.path}: absent (${p.reason})`);
  }
  const cpu32 = add("optlab cpu (JS loops)", "f32");
  const wasms = [];
  for (const threads of [...new Set([1, Math.min(4, cores)])]) {
    try {
      const b = await createWasmBackend({ threads });
      wasms.push({ b, row: add(`optlab wasm (tfjs XNNPACK, ${threads} thread${threads > 1 ? "s" : ""})`, "f32") });
    } catch (e) {
      console.log(`wasm backend (threads ${threads}) unavailable: ${e.message}`);
    }
  }
  let gpujs = null;
  try {
    gpujs = await createGpujsBackend({ mode: "auto" });
  } catch (e) {
    console.log(`gpujs backend unavailable: ${e.message}`);
  }
  const gRow = gpujs && add(`optlab gpujs (GPU.js ${gpujs.mode}${gpujs.onGpu ? "" : ", sync = 1 thread"})`, "f32");

  // tfjs-wasm through its own API, tensors created once (compute + readback only).
  const tf = require("@tensorflow/tfjs-core");
  require("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend("wasm");
  const tfRow = add("tfjs-wasm (raw API: upload+matMul+dataSync)", "f32");

  for (const n of sizes) {
    const a64 = rand(n * n, Float64Array, 1), b64 = rand(n * n, Float64Array, 2);
    const a32 = Float32Array.from(a64), b32 = Float32Array.from(b64);
    const o64 = new Float64Array(n * n), o32 = new Float32Array(n * n);
    const s = spec(n);
    const slow = { budgetMs: budget(n), min: n >= 1024 ? 2 : 3 };
    cpu64.gflops[n] = gf(n, timeMs(() => cpu.matmul(a64, b64, s, o64), slow));
    for (const { path, row } of f64Paths) {
      const prev = gemm.configureGemm({ path });
      try {
        row.gflops[n] = gf(n, timeMs(() => gemm.matmulF64(a64, b64, s, o64), path === "js" ? slow : { budgetMs: budget(n) }));
      } finally {
        gemm.configureGemm(prev);
      }
    }
    cpu32.gflops[n] = gf(n, timeMs(() => cpu.matmul(a32, b32, s, o32), slow));
    for (const { b, row } of wasms) row.gflops[n] = gf(n, timeMs(() => b.matmul(a32, b32, s, o32), { budgetMs: budget(n) }));
    if (gpujs) gRow.gflops[n] = gf(n, timeMs(() => gpujs.matmul(a32, b32, s, o32), slow));
    // Upload, multiply, read back, dispose — what a caller of tfjs pays per product. (Explicit
    // dispose, not tf.tidy: tidy with a 2D matMul measured 10x slower here at n=256.)
    tfRow.gflops[n] = gf(
      n,
      timeMs(() => {
        const A = tf.tensor2d(a32, [n, n]), B = tf.tensor2d(b32, [n, n]);
        const C = tf.matMul(A, B);
        C.dataSync();
        A.dispose();
        B.dispose();
        C.dispose();
      }, { budgetMs: budget(n) }),
    );
    process.stdout.write(`  n=${n} done\n`);
  }

  const np = numpyMatmul(sizes);
  // The same script told to use one BLAS thread (it sets OPENBLAS_NUM_THREADS before numpy loads).
  const np1 = np && numpyMatmul(["--threads=1", ...sizes]);
  if (np) {
    for (const dt of ["f32", "f64"]) {
      const r = add(`numpy ${np.numpy} (${np.blas})`, dt);
      for (const n of sizes) r.gflops[n] = np.results[`${dt}:${n}`];
    }
    if (np1) {
      const r = add(`numpy ${np1.numpy} (${np1.blas}, 1 thread)`, "f64");
      for (const n of sizes) r.gflops[n] = np1.results[`f64:${n}`];
    }
  } else {
    console.log("numpy: not present (apt-get install -y python3-numpy); skipping the numpy column");
  }

  // print ------------------------------------------------------------------------------------
  const w = Math.max(...rows.map((r) => r.label.length)) + 2;
  const head = "backend".padEnd(w) + "dtype " + sizes.map((n) => `n=${n}`.padStart(10)).join("");
  console.log(`\nmatmul GFLOP/s (median of repeated calls; ${cores} cores; higher is better)`);
  console.log(head);
  for (const r of rows) console.log(r.label.padEnd(w) + r.dtype.padEnd(6) + sizes.map((n) => fmt(r.gflops[n])).join(""));

  const ref = (label, dtype) => rows.find((r) => (r.label === label || (r.label.startsWith(label) && !r.label.endsWith("1 thread)"))) && r.dtype === dtype);
  const refs = [["tfjs-wasm", "f32"], ["numpy", "f32"], ["numpy", "f64"]];
  if (np1) refs.push([`numpy ${np1.numpy} (${np1.blas}, 1 thread)`, "f64"]);
  for (const [label, dtype] of refs) {
    const R = ref(label, dtype);
    if (!R) continue;
    console.log(`\nratio to ${R.label} ${dtype} (x; >1 = faster than it)`);
    console.log(head);
    for (const r of rows) {
      if (r === R) continue;
      console.log(r.label.padEnd(w) + r.dtype.padEnd(6) + sizes.map((n) => fmt(r.gflops[n] / R.gflops[n], 3)).join(""));
    }
  }
  for (const { b } of wasms) await b.destroy();
  gpujs?.destroy();
  hvpShapes(gemm);
}

/**
 * The products of one HVP of bench/hessian.mjs's MLP (n = 1000, widths 20-100-80-10) on the native
 * path: the addon's small-k kernel (what `auto` runs when it fits) against cblas_dgemm on the same
 * operands, fastest of 5 × 100 calls each (warm caches; in an HVP the operands are colder).
 */
function hvpShapes(gemm) {
  const native = gemm.gemmPaths().find((p) => p.path === "native");
  if (!native?.ok) return;
  const shapes = [[1000, 20, 100, false, false], [1000, 100, 80, false, false], [1000, 80, 100, false, true], [1000, 10, 80, false, true],
    [1000, 80, 10, false, false], [100, 1000, 80, true, false], [20, 1000, 100, true, false]];
  console.log("\nf64 products of the hessian bench's HVP, native path: small-k kernel vs cblas_dgemm (µs per call, fastest of 5 × 100)");
  const time = (a, b, s, out) => {
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      for (let i = 0; i < 100; i++) gemm.matmulF64(a, b, s, out);
      best = Math.min(best, ((performance.now() - t0) / 100) * 1000);
    }
    return best;
  };
  const prev = gemm.configureGemm({ path: "native" });
  try {
    for (const [m, k, n, transA, transB] of shapes) {
      const s = { batch: 1, m, k, n, transA, transB, batchA: false, batchB: false };
      const a = rand(m * k, Float64Array, 1), b = rand(k * n, Float64Array, 2), out = new Float64Array(m * n);
      // small_gemm.c's optlab_small_gemm_fits, restated for the label.
      const routed = !transA && m >= 32 && k <= 128 && n >= 16 && k * Math.ceil(n / 16) * 16 <= 1 << 15;
      gemm.configureGemm({ smallK: true });
      const small = time(a, b, s, out);
      gemm.configureGemm({ smallK: false });
      const blas = time(a, b, s, out);
      const label = `${m}×${k}·${k}×${n}${transA ? " Aᵀ" : ""}${transB ? " Bᵀ" : ""}`;
      console.log(`  ${label.padEnd(22)} as routed ${small.toFixed(1).padStart(8)}  cblas ${blas.toFixed(1).padStart(8)}  ratio ${(small / blas).toFixed(2)}${routed ? "" : "  (cblas either way)"}`);
    }
  } finally {
    gemm.configureGemm({ ...prev, smallK: true });
  }
}

function fmt(v, digits = 2) {
  if (v === undefined || !Number.isFinite(v)) return "—".padStart(10);
  return (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(digits)).padStart(10);
}
