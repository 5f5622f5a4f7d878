// Where each accelerated backend starts beating cpu on this host: the numbers behind the
// thresholds in src/backend/routing.ts (and wasm.ts's POOL_MIN_FLOPS). Median ms per call.
// `npm run bench -- crossover [--f64]` (--f64: only the float64 GEMM paths of the cpu backend,
// the numbers behind src/backend/gemm/f64Matmul.ts's GEMM_THRESHOLDS).
import { availableParallelism } from "node:os";
import { core, rand, timeMs } from "./_util.mjs";

export default async function main(flags = []) {
  await f64Paths();
  if (flags.includes("--f64")) return;
  const { cpu } = core("backend/cpu.js");
  const { createWasmBackend } = core("backend/wasm.js");
  const { createGpujsBackend } = core("backend/gpujs.js");
  const w1 = await createWasmBackend({ threads: 1 });
  const cores = Math.min(4, availableParallelism());
  const wN = cores > 1 ? await createWasmBackend({ threads: cores }) : null;
  const g = await createGpujsBackend({ mode: "auto" });
  const spec = (n) => ({ batch: 1, m: n, k: n, n, transA: false, transB: false, batchA: false, batchB: false });
  const opts = { budgetMs: 400 };

  const table = (title, header, rows) => {
    console.log(`\n${title}`);
    console.log(header.map((h) => String(h).padStart(12)).join(""));
    for (const r of rows) console.log(r.map((v) => (typeof v === "number" ? fmt(v) : v).padStart(12)).join(""));
  };
  const first = (rows, faster) => {
    let at = null;
    for (let i = rows.length - 1; i >= 0; i--) {
      if (faster(rows[i])) at = rows[i][0];
      else break;
    }
    return at;
  };

  // 1. wasm (1 thread) vs cpu, f32 square matmul
  const mm = [];
  for (const n of [4, 8, 12, 16, 20, 24, 32, 48, 64, 96, 128]) {
    const a = rand(n * n, Float32Array, 1), b = rand(n * n, Float32Array, 2), o = new Float32Array(n * n);
    const c = timeMs(() => cpu.matmul(a, b, spec(n), o), opts);
    const w = timeMs(() => w1.matmul(a, b, spec(n), o), opts);
    mm.push([n, 2 * n ** 3, c, w, c / w]);
  }
  table("matmul f32: cpu vs wasm (1 thread), ms per call", ["n", "flops", "cpu ms", "wasm ms", "cpu/wasm"], mm);
  const nW = first(mm, (r) => r[4] > 1);
  console.log(`=> wasm beats cpu from n = ${nW} (flops ${nW ? 2 * nW ** 3 : "∞"})`);

  // 2. wasm pool vs one thread
  if (wN) {
    const pool = [];
    for (const n of [64, 96, 128, 192, 256, 384, 512, 768]) {
      const a = rand(n * n, Float32Array, 1), b = rand(n * n, Float32Array, 2), o = new Float32Array(n * n);
      const t1 = timeMs(() => w1.matmul(a, b, spec(n), o), opts);
      const tN = timeMs(() => wN.pool.matmul(wN.tf, a, b, spec(n), o), opts);
      pool.push([n, 2 * n ** 3, t1, tN, t1 / tN]);
    }
    table(`matmul f32: wasm 1 thread vs ${cores} threads (pool forced), ms per call`, ["n", "flops", "1 thr ms", `${cores} thr ms`, "speedup"], pool);
    const nP = first(pool, (r) => r[4] > 1.05);
    console.log(`=> the pool pays (>5%) from n = ${nP} (flops ${nP ? 2 * nP ** 3 : "∞"})`);
  }

  // 3. gpujs vs cpu: matmul and the elementwise/reduction kernels
  const gm = [];
  for (const n of [64, 128, 256]) {
    const a = rand(n * n, Float32Array, 1), b = rand(n * n, Float32Array, 2), o = new Float32Array(n * n);
    const c = timeMs(() => cpu.matmul(a, b, spec(n), o), opts);
    const t = timeMs(() => g.matmul(a, b, spec(n), o), opts);
    gm.push([n, c, t, c / t]);
  }
  table(`matmul f32: cpu vs gpujs (${g.mode}), ms per call`, ["n", "cpu ms", "gpujs ms", "cpu/gpujs"], gm);
  const el = [];
  for (const len of [1 << 12, 1 << 16, 1 << 20]) {
    const x = rand(len, Float32Array, 1), y = rand(len, Float32Array, 2), o = new Float32Array(len);
    const bs = { outShape: [len], aStrides: [1], bStrides: [1] };
    const rs = { outer: len >> 6, len: 64, inner: 1 }, ro = new Float32Array(len >> 6);
    const r = [len];
    r.push(timeMs(() => cpu.unary("exp", x, o), opts) / timeMs(() => g.unary("exp", x, o), opts));
    r.push(timeMs(() => cpu.binary("add", x, y, bs, o), opts) / timeMs(() => g.binary("add", x, y, bs, o), opts));
    r.push(timeMs(() => cpu.reduceSum(x, rs, ro), opts) / timeMs(() => g.reduceSum(x, rs, ro), opts));
    el.push(r);
  }
  table(`elementwise f32: cpu time / gpujs (${g.mode}) time (>1 = gpujs faster)`, ["elements", "exp", "add", "sum"], el);

  await w1.destroy();
  await wN?.destroy();
  g.destroy();
}

function fmt(v) {
  return Math.abs(v) >= 1e5 ? v.toExponential(2) : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(3) : v.toPrecision(3);
}

/**
 * The cpu backend's float64 GEMM paths against each other, forced one at a time: square sizes
 * and the shapes of the bench MLP's HVP (n = 1000 rows, widths 20/100/80/10, with the transposed
 * products of the backward pass). Median µs per call; the ratio columns are JS/wasm and
 * wasm/native (>1: the latter is faster).
 */
async function f64Paths() {
  const { configureGemm, gemmPaths, matmulF64, GEMM_THRESHOLDS } = core("backend/gemm/f64Matmul.js");
  const paths = gemmPaths();
  for (const p of paths) console.log(`f64 gemm path ${p.path}: ${p.ok ? "available" : "absent"}${p.reason ? ` (${p.reason})` : ""}`);
  const has = (name) => paths.find((p) => p.path === name).ok;
  const shapes = [];
  for (const n of [2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256]) shapes.push([`${n}³`, 1, n, n, n, false, false]);
  // HVP MLP shapes: forward X·W (1000×d_in · d_in×d_out), backward G·Wᵀ and Xᵀ·G.
  for (const [i, o] of [[20, 100], [100, 80], [80, 10]]) {
    shapes.push([`1000·${i}·${o}`, 1, 1000, i, o, false, false]);
    shapes.push([`G·Wᵀ ${o}→${i}`, 1, 1000, o, i, false, true]);
    shapes.push([`Xᵀ·G ${i}×${o}`, 1, i, 1000, o, true, false]);
  }
  const rows = [];
  const prev = configureGemm({});
  try {
    for (const [label, batch, m, k, n, transA, transB] of shapes) {
      const s = { batch, m, k, n, transA, transB, batchA: true, batchB: true };
      const a = rand(m * k, Float64Array, 1), b = rand(k * n, Float64Array, 2), o = new Float64Array(m * n);
      const flops = 2 * m * k * n;
      const opts = { budgetMs: 150, max: 2000 };
      const time = (path) => {
        configureGemm({ path });
        return 1000 * timeMs(() => matmulF64(a, b, s, o), opts);
      };
      const js = time("js");
      const wasm = has("wasm") ? time("wasm") : NaN;
      const relaxed = has("wasm-relaxed") ? time("wasm-relaxed") : NaN;
      const native = has("native") ? time("native") : NaN;
      rows.push([label, flops, js, wasm, relaxed, native, js / wasm, wasm / native]);
    }
  } finally {
    configureGemm(prev);
  }
  console.log("\nmatmul f64 (cpu backend paths), µs per call");
  const head = ["shape", "flops", "js µs", "wasm µs", "relaxed µs", "native µs", "js/wasm", "wasm/native"];
  console.log(head.map((h, i) => String(h).padStart(i === 0 ? 16 : 12)).join(""));
  for (const r of rows) console.log(r.map((v, i) => (typeof v === "number" ? (Number.isNaN(v) ? "—" : fmt(v)) : v).padStart(i === 0 ? 16 : 12)).join(""));
  const sq = rows.filter((r) => r[0].endsWith("³"));
  const from = (col) => {
    let at = null;
    for (let i = sq.length - 1; i >= 0; i--) {
      if (sq[i][col] > 1) at = sq[i][1];
      else break;
    }
    return at;
  };
  console.log(`=> square: wasm beats js from ${from(6) ?? "never"} flops; native beats wasm from ${from(7) ?? "never"} flops`);
  console.log(`   (in use: wasm from ${GEMM_THRESHOLDS.wasm} flops, native from ${GEMM_THRESHOLDS.native} flops)`);
}
