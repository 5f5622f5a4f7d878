/**
 * The cpu backend's float64 GEMM paths (JS loop, WebAssembly SIMD, system BLAS when built) against
 * a naive triple loop in float64, over shapes that miss every block size (MR = NR = 4, KC = 256,
 * MC = 64), transposes, and batched / broadcast batches; plus the routing and its fallbacks.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { configureGemm, gemmPathFor, gemmPaths, matmulF64, type GemmPath } from "../../src/backend/gemm/f64Matmul";
import { loadNativeBlas } from "../../src/backend/gemm/nativeBlas";
import type { MatmulSpec } from "../../src/backend/Backend";
import { matmul, randn } from "../../src/index";
import { cpu } from "../../src/backend/cpu";
import { disposeBackends, initBackends } from "../../src/backend/init";

/** Deterministic values in [-1, 1) with a few exact zeros, from a small LCG. */
function fill(len: number, seed: number): Float64Array {
  const x = new Float64Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = i % 11 === 3 ? 0 : (s / 2 ** 32) * 2 - 1;
  }
  return x;
}

/** Naive product and, per entry, Σ|a||b| (the scale of float64 summation error). */
function naive(a: Float64Array, b: Float64Array, s: MatmulSpec): { c: Float64Array; scale: Float64Array } {
  const { batch, m, k, n } = s;
  const c = new Float64Array(batch * m * n);
  const scale = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = s.batchA ? t * m * k : 0;
    const bo = s.batchB ? t * k * n : 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let acc = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const av = a[ao + (s.transA ? p * m + i : i * k + p)];
        const bv = b[bo + (s.transB ? j * k + p : p * n + j)];
        acc += av * bv;
        abs += Math.abs(av * bv);
      }
      c[t * m * n + i * n + j] = acc;
      scale[t * m * n + i * n + j] = abs;
    }
  }
  return { c, scale };
}

function check(path: GemmPath, s: MatmulSpec, seed: number): void {
  const a = fill((s.batchA ? s.batch : 1) * s.m * s.k, seed);
  const b = fill((s.batchB ? s.batch : 1) * s.k * s.n, seed + 1);
  const out = new Float64Array(s.batch * s.m * s.n).fill(NaN); // every entry must be written
  const prev = configureGemm({ path });
  try {
    assert.equal(matmulF64(a, b, s, out), path, "the forced path ran");
  } finally {
    configureGemm(prev);
  }
  const { c, scale } = naive(a, b, s);
  for (let i = 0; i < c.length; i++) {
    const err = Math.abs(out[i] - c[i]);
    assert.ok(err <= 1e-12 * scale[i] + 1e-300, `${path} ${JSON.stringify(s)} [${i}]: ${out[i]} vs ${c[i]}`);
  }
}

const here = gemmPaths();
const present = here.filter((p) => p.ok).map((p) => p.path);

const spec = (m: number, k: number, n: number, transA = false, transB = false, batch = 1, batchA = true, batchB = true): MatmulSpec =>
  ({ batch, m, k, n, transA, transB, batchA, batchB });

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 1], [1, 9, 5], [5, 3, 1], [4, 4, 4], [5, 7, 3], [9, 13, 6], [3, 1, 257],
  [17, 300, 13], // k > KC: the second k slice accumulates into C
  [70, 5, 9], // m > MC: a second A block
  [67, 529, 66], // both, with edge tiles in m and n
];

describe("f64 GEMM paths vs a naive triple loop (1e-12 of Σ|a·b|)", () => {
  it("JS and wasm SIMD are available on Node 20; every absent path says why", () => {
    assert.ok(present.includes("js") && present.includes("wasm"), JSON.stringify(here));
    for (const p of here) if (!p.ok) assert.ok(p.reason && p.reason.length > 10, `${p.path}: no reason`);
  });

  // Paths absent here (relaxed SIMD on Node 20, native without libopenblas-dev) are covered by
  // the reason check above and the fallback tests below.
  for (const path of present) {
    describe(`path ${path}`, () => {
      const run = (title: string, fn: () => void) => it(title, fn);
      for (const [m, k, n] of SHAPES) {
        for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
          run(`${m}×${k}·${k}×${n}${tA ? " Aᵀ" : ""}${tB ? " Bᵀ" : ""}`, () => check(path, spec(m, k, n, tA, tB), m * 7 + k * 3 + n));
        }
      }
      run("batched: both operands per item, Aᵀ", () => check(path, spec(6, 11, 5, true, false, 3, true, true), 5));
      run("batched: B shared by every item (broadcast batch)", () => check(path, spec(9, 6, 7, false, true, 4, true, false), 6));
      run("batched: A shared by every item", () => check(path, spec(5, 10, 13, false, false, 3, false, true), 7));
      run("k = 0 gives zeros; m = 0 and n = 0 write nothing", () => {
        check(path, spec(3, 0, 4), 8);
        check(path, spec(0, 5, 4), 9);
        check(path, spec(4, 5, 0), 10);
      });
      run("operands and output that are views into larger buffers (byteOffset ≠ 0)", () => {
        const s = spec(13, 21, 11, false, true);
        const a = fill(13 * 21 + 5, 41).subarray(3, 3 + 13 * 21);
        const b = fill(11 * 21 + 7, 42).subarray(7);
        const big = new Float64Array(13 * 11 + 9).fill(-7);
        const out = big.subarray(4, 4 + 13 * 11);
        const prev = configureGemm({ path });
        try {
          matmulF64(a, b, s, out);
        } finally {
          configureGemm(prev);
        }
        const { c, scale } = naive(a, b, s);
        c.forEach((v, i) => assert.ok(Math.abs(out[i] - v) <= 1e-12 * scale[i], `[${i}] ${out[i]} vs ${v}`));
        for (const i of [0, 1, 2, 3, big.length - 1]) assert.equal(big[i], -7, `wrote outside the view at ${i}`);
      });
      run("a large product after a larger and before a smaller one (reused buffers hold no stale data)", () => {
        check(path, spec(130, 300, 70), 11);
        check(path, spec(6, 5, 7, true, true), 12);
        check(path, spec(33, 40, 29, false, true, 2, true, false), 13);
      });
    });
  }
});

describe("f64 GEMM routing", () => {
  it("tiny products stay on JS; larger ones go to native when built, else wasm", () => {
    assert.equal(gemmPathFor(spec(2, 2, 2)), "js");
    const big = spec(64, 64, 64);
    assert.equal(gemmPathFor(big), loadNativeBlas().ok ? "native" : "wasm");
    const prev = configureGemm({ native: false });
    try {
      assert.equal(gemmPathFor(big), "wasm");
    } finally {
      configureGemm(prev);
    }
  });

  it("with native off (the fallback a host without BLAS gets) the product is still right", () => {
    const prev = configureGemm({ native: false });
    try {
      const s = spec(65, 70, 66, true, false);
      const a = fill(65 * 70, 21);
      const b = fill(70 * 66, 22);
      const out = new Float64Array(65 * 66);
      assert.equal(matmulF64(a, b, s, out), "wasm");
      const { c, scale } = naive(a, b, s);
      c.forEach((v, i) => assert.ok(Math.abs(out[i] - v) <= 1e-12 * scale[i], `[${i}]`));
    } finally {
      configureGemm(prev);
    }
  });

  it("OPTLAB_NATIVE_BLAS=0 turns the addon off with a recorded reason, no error, and auto still computes", () => {
    const root = join(__dirname, "..", "..");
    const script = `
      const g = require("./src/backend/gemm/f64Matmul.ts");
      const s = { batch: 1, m: 40, k: 30, n: 20, transA: false, transB: true, batchA: true, batchB: true };
      const a = Float64Array.from({ length: 1200 }, (_, i) => Math.sin(i));
      const b = Float64Array.from({ length: 600 }, (_, i) => Math.cos(i));
      const out = new Float64Array(800);
      const path = g.matmulF64(a, b, s, out);
      let err = 0;
      for (let i = 0; i < 40; i++) for (let j = 0; j < 20; j++) {
        let t = 0; for (let p = 0; p < 30; p++) t += a[i * 30 + p] * b[j * 30 + p];
        err = Math.max(err, Math.abs(t - out[i * 20 + j]));
      }
      console.log(JSON.stringify({ path, err, native: g.gemmPaths().find((p) => p.path === "native") }));`;
    const r = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script], {
      cwd: root,
      env: { ...process.env, OPTLAB_NATIVE_BLAS: "0" },
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout.trim().split("\n").pop()!);
    assert.equal(got.path, "wasm");
    assert.ok(got.err <= 1e-13, `max error ${got.err}`);
    assert.equal(got.native.ok, false);
    assert.match(got.native.reason, /OPTLAB_NATIVE_BLAS=0/);
  });

  it("OPTLAB_BLAS_THREADS sets the addon's threads; a bad value is an error naming it", function () {
    if (!loadNativeBlas().ok) return assert.ok(!gemmPaths().find((p) => p.path === "native")!.ok);
    const root = join(__dirname, "..", "..");
    const script = `
      const g = require("./src/backend/gemm/f64Matmul.ts");
      try {
        const out = new Float64Array(4);
        g.matmulF64(new Float64Array([1, 2, 3, 4]), new Float64Array([1, 0, 0, 1]), { batch: 1, m: 2, k: 2, n: 2, transA: false, transB: false, batchA: true, batchB: true }, out);
        console.log(JSON.stringify({ out: Array.from(out), native: g.gemmPaths().find((p) => p.path === "native") }));
      } catch (e) { console.log(JSON.stringify({ error: e.message })); }`;
    const run = (threads: string) => {
      const r = spawnSync(process.execPath, ["-r", "tsx/cjs", "-e", script], { cwd: root, env: { ...process.env, OPTLAB_BLAS_THREADS: threads }, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout.trim().split("\n").pop()!);
    };
    const two = run("2");
    assert.deepEqual(two.out, [1, 2, 3, 4]);
    assert.match(two.native.reason, /, 2 thread\(s\)$/);
    assert.match(run("zero").error, /OPTLAB_BLAS_THREADS: expected a positive integer, got "zero"/);
  });

  it("forcing a path that cannot run here is an error naming it", () => {
    const prev = configureGemm({ native: false, path: "wasm-relaxed" });
    try {
      if (gemmPaths().find((p) => p.path === "wasm-relaxed")!.ok) return assert.ok(true);
      assert.throws(() => matmulF64(fill(4, 1), fill(4, 2), spec(2, 2, 2), new Float64Array(4)), /wasm-relaxed.*not available/);
    } finally {
      configureGemm(prev);
    }
    assert.throws(() => configureGemm({ path: "blas" as GemmPath }), /configureGemm: path must be/);
  });

  it("through the public matmul, a routed f64 product is f64 and matches the naive loop", () => {
    const a = randn([3, 45, 70], 1);
    const b = randn([70, 38], 2);
    const c = matmul(a, b, { backend: "cpu" });
    assert.equal(c.dtype, "f64");
    assert.deepEqual(c.shape, [3, 45, 38]);
    const { c: ref, scale } = naive(a.data as Float64Array, b.data as Float64Array, spec(45, 70, 38, false, false, 3, true, false));
    ref.forEach((v, i) => assert.ok(Math.abs(c.data[i] - v) <= 1e-12 * scale[i], `[${i}] ${c.data[i]} vs ${v}`));
  });
});

describe("cpu gram (f64) through the routed GEMM", () => {
  it("X·Xᵀ matches the naive loop and is exactly symmetric, on every path", () => {

    const n = 37;
    const d = 301;
    const x = fill(n * d, 31);
    const { c, scale } = naive(x, x, spec(n, d, n, false, true));
    for (const path of present) {
      const prev = configureGemm({ path });
      try {
        const out = new Float64Array(n * n).fill(NaN);
        cpu.gram!(x, n, d, out);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          assert.ok(Math.abs(out[i * n + j] - c[i * n + j]) <= 1e-12 * scale[i * n + j], `${path} [${i},${j}]`);
          assert.ok(Object.is(out[i * n + j], out[j * n + i]), `${path} asymmetric at [${i},${j}]`);
        }
      } finally {
        configureGemm(prev);
      }
    }
  });
});

describe("backendsInfo reports the f64 GEMM paths", () => {
  it("initBackends lists js/wasm/wasm-relaxed/native with reasons, and the thresholds in use", async () => {

    try {
      const info = await initBackends({ gpujs: false, wasm: false });
      assert.deepEqual(info.cpuGemm.paths.map((p) => p.path), ["js", "wasm", "wasm-relaxed", "native"]);
      assert.equal(info.cpuGemm.paths.find((p) => p.path === "native")!.ok, loadNativeBlas().ok);
      assert.ok(info.cpuGemm.thresholds.wasm > 0 && info.cpuGemm.thresholds.native > 0);
    } finally {
      await disposeBackends();
    }
  });
});

describe("native small-k kernel (small_gemm.c): the HVP's products", () => {
  // Shapes the addon routes to its own kernel (A not transposed, m ≥ 32, k ≤ 128, n ≥ 16), with
  // row tails (m mod 4), column tails (n mod 16) and Bᵀ. The kernel sums each entry in p order with
  // separate multiplies and adds, exactly as the naive loop does: the results are bit-identical to
  // it, which OpenBLAS's fused multiply-adds are not — so equality also shows the routing happened.
  const native = loadNativeBlas();
  const shapes: [number, number, number][] = [[32, 1, 16], [33, 5, 17], [70, 128, 31], [101, 64, 100], [1000, 20, 100]];
  it("is built with the addon, and can be switched off", () => {
    if (!native.ok) return assertNoNative();
    assert.equal(typeof native.setSmallGemm, "function", "addon without setSmallGemm");
  });
  for (const [m, k, n] of shapes) {
    for (const tB of [false, true]) {
      it(`${m}×${k}·${k}×${n}${tB ? " Bᵀ" : ""}: bit-identical to the naive loop; cblas_dgemm within 1e-12 of it`, () => {
        if (!native.ok) return assertNoNative();
        const s = spec(m, k, n, false, tB);
        const a = fill(m * k, m + k);
        const b = fill(k * n, n + 1);
        const { c, scale } = naive(a, b, s);
        const out = new Float64Array(m * n).fill(NaN);
        const prev = configureGemm({ path: "native", smallK: true });
        try {
          matmulF64(a, b, s, out);
          assert.deepEqual(Array.from(out), Array.from(c));
          configureGemm({ smallK: false });
          out.fill(NaN);
          matmulF64(a, b, s, out);
          c.forEach((v, i) => assert.ok(Math.abs(out[i] - v) <= 1e-12 * scale[i] + 1e-300, `cblas [${i}] ${out[i]} vs ${v}`));
        } finally {
          configureGemm(prev);
          configureGemm({ smallK: true });
        }
      });
    }
  }
  it("batched with a shared B, and operands that are views (byteOffset ≠ 0)", () => {
    if (!native.ok) return assertNoNative();
    const s = spec(40, 9, 18, false, true, 3, true, false);
    const a = fill(3 * 40 * 9 + 3, 5).subarray(3);
    const b = fill(9 * 18 + 1, 6).subarray(1);
    const big = new Float64Array(3 * 40 * 18 + 2).fill(-7);
    const out = big.subarray(1, 1 + 3 * 40 * 18);
    const prev = configureGemm({ path: "native" });
    try {
      matmulF64(a, b, s, out);
    } finally {
      configureGemm(prev);
    }
    assert.deepEqual(Array.from(out), Array.from(naive(a, b, s).c));
    assert.equal(big[0], -7);
    assert.equal(big[big.length - 1], -7);
  });
});

/** Where the addon is absent the kernel cannot run: the routing tests cover that host. */
function assertNoNative(): void {
  const n = loadNativeBlas();
  assert.ok(!n.ok && n.reason.length > 0);
}
