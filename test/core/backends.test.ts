import { strict as assert } from "node:assert";
import type { Backend, BinaryKernel, BroadcastSpec, MatmulSpec, ReduceSpec, UnaryKernel } from "../../src/backend/Backend";
import { cpu } from "../../src/backend/cpu";
import { createGpujsBackend, type GpujsBackend } from "../../src/backend/gpujs";
import { createWasmBackend, type WasmBackend } from "../../src/backend/wasm";
import { initBackends, disposeBackends, backendsInfo } from "../../src/backend/init";
import { CPU_HOST_TABLE, makeAutoRouter } from "../../src/backend/routing";
import { dispatch, setBackend, withBackend } from "../../src/backend/registry";
import { OptlabError } from "../../src/util/errors";

/*
 * Every gpujs and wasm kernel against the cpu backend in float64, on the same float32 inputs
 * (so only the kernels' own float32 arithmetic is being judged). u = 2^-24 is the float32 unit
 * roundoff. Tolerances, per element:
 *
 * - matmul / gram: |c − c_ref| ≤ (k + 2)·u·(|A|·|B|)_ij. A length-k dot product in float32 has
 *   |error| ≤ γ_k·Σ|a_p b_p| (γ_k = k·u/(1−k·u)) for ANY summation order, blocking or SIMD
 *   (Higham, Accuracy and Stability, §3.1), plus u for the final store: the bound holds for
 *   XNNPACK and for GPU.js alike, and a wrong index or a dropped term breaks it by orders of
 *   magnitude (one term is ~1/k of the whole sum, against a tolerance of ~k·u = 3e-5 of it).
 * - unary: |y − y_ref| ≤ 16·u·|y_ref|. GPU.js computes Math.* in double and rounds once (≤ u/2);
 *   our composite formulas (stable sigmoid, Goldberg's log1p, softplus, erf by Maclaurin below
 *   0.5 and Abramowitz–Stegun 7.1.26 above, |err| ≤ 1.5e-7 on |erf| ≥ 0.52, i.e. ≤ 5u relative)
 *   stay within a few u; 16u leaves room for the inputs' own rounding through exp.
 * - binary: add/sub/mul/div/pow are one correctly rounded f32 result of exact f32 inputs
 *   (≤ u relative; pow via double Math.pow then rounding): 2u. Comparisons, max, min: exact.
 * - reduceSum: GPU.js sums with Kahan compensation: |err| ≤ (2u + O(len·u²))·Σ|x| → 4u·Σ|x|.
 * - reduceMax: exact.
 */
const U = 2 ** -24;

// ---- helpers ----

/** Deterministic float32 values in [lo, hi). */
function randF32(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return a;
}

function f64(a: Float32Array): Float64Array {
  return Float64Array.from(a);
}

function abs64(a: Float32Array): Float64Array {
  return Float64Array.from(a, Math.abs);
}

/** Assert |got − ref| ≤ tol[i] for every i, reporting the worst offender. */
function assertWithin(got: ArrayLike<number>, ref: ArrayLike<number>, tol: (i: number) => number, what: string): void {
  assert.equal(got.length, ref.length, `${what}: length`);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(got[i] - ref[i]);
    const t = tol(i);
    if (!(err <= t)) {
      const r = err / t;
      if (!(r <= worstRatio)) {
        worstRatio = r;
        worst = i;
      }
    }
  }
  if (worst >= 0) {
    assert.fail(`${what}: element ${worst} = ${got[worst]}, reference ${ref[worst]}, |err| ${Math.abs(got[worst] - ref[worst])} > tol ${tol(worst)}`);
  }
}

function checkMatmul(b: Backend, spec: MatmulSpec, seed: number, what: string): void {
  const { batch, m, k, n, batchA, batchB } = spec;
  const a = randF32((batchA ? batch : 1) * m * k, seed);
  const bb = randF32((batchB ? batch : 1) * k * n, seed + 1);
  const out = new Float32Array(batch * m * n).fill(NaN);
  const ref = new Float64Array(batch * m * n);
  const absRef = new Float64Array(batch * m * n);
  assert.notEqual(b.matmul!(a, bb, spec, out), false, `${what}: ${b.name} declined`);
  cpu.matmul!(f64(a), f64(bb), spec, ref);
  cpu.matmul!(abs64(a), abs64(bb), spec, absRef);
  assertWithin(out, ref, (i) => (k + 2) * U * absRef[i], `${what} ${b.name} matmul ${JSON.stringify(spec)}`);
}

function checkGram(b: Backend, n: number, d: number, seed: number): void {
  const x = randF32(n * d, seed);
  const out = new Float32Array(n * n).fill(NaN);
  const ref = new Float64Array(n * n);
  const absRef = new Float64Array(n * n);
  assert.notEqual(b.gram!(x, n, d, out), false, `${b.name} declined gram`);
  cpu.gram!(f64(x), n, d, ref);
  cpu.gram!(abs64(x), n, d, absRef);
  assertWithin(out, ref, (i) => (d + 2) * U * absRef[i], `${b.name} gram ${n}x${d}`);
}

const MATMUL_CASES: MatmulSpec[] = [
  { batch: 1, m: 1, k: 1, n: 1, transA: false, transB: false, batchA: false, batchB: false },
  { batch: 1, m: 7, k: 13, n: 5, transA: false, transB: false, batchA: false, batchB: false },
  { batch: 1, m: 33, k: 17, n: 65, transA: true, transB: false, batchA: false, batchB: false },
  { batch: 1, m: 40, k: 31, n: 9, transA: false, transB: true, batchA: false, batchB: false },
  { batch: 1, m: 19, k: 64, n: 23, transA: true, transB: true, batchA: false, batchB: false },
  { batch: 3, m: 16, k: 9, n: 12, transA: false, transB: false, batchA: true, batchB: true },
  { batch: 4, m: 11, k: 6, n: 8, transA: true, transB: false, batchA: true, batchB: false },
  { batch: 2, m: 10, k: 21, n: 7, transA: false, transB: true, batchA: false, batchB: true },
  { batch: 3, m: 130, k: 70, n: 129, transA: true, transB: true, batchA: true, batchB: true },
  { batch: 1, m: 300, k: 257, n: 200, transA: false, transB: false, batchA: false, batchB: false },
  { batch: 1, m: 512, k: 512, n: 512, transA: false, transB: false, batchA: false, batchB: false },
  { batch: 1, m: 512, k: 512, n: 512, transA: true, transB: true, batchA: false, batchB: false },
];

const UNARY_OPS: UnaryKernel[] = [
  "neg", "exp", "log", "log1p", "tanh", "sigmoid", "relu", "step", "sqrt", "abs", "sign", "erf", "square",
  "softplus", "reciprocal", "cos", "sin",
];

/** Inputs inside each op's domain, including values near 0 where relative accuracy is hardest. */
function unaryInput(op: UnaryKernel, len: number, seed: number): Float32Array {
  switch (op) {
    case "log":
    case "sqrt":
      return randF32(len, seed, 1e-3, 50);
    case "log1p":
      return Float32Array.from(randF32(len, seed, -0.9, 10), (v, i) => (i % 7 === 0 ? v * 1e-6 : v));
    case "reciprocal":
      return Float32Array.from(randF32(len, seed, 0.01, 10), (v, i) => (i % 2 ? v : -v));
    case "exp":
    case "sigmoid":
    case "softplus":
    case "tanh":
      return randF32(len, seed, -20, 20);
    case "erf":
      return Float32Array.from(randF32(len, seed, -4, 4), (v, i) => (i % 5 === 0 ? v * 1e-3 : v));
    case "sin":
    case "cos":
      return randF32(len, seed, -3, 3);
    default:
      return Float32Array.from(randF32(len, seed, -5, 5), (v, i) => (i % 11 === 0 ? 0 : v));
  }
}

function checkUnary(b: Backend, op: UnaryKernel, len: number, seed: number): void {
  const x = unaryInput(op, len, seed);
  const out = new Float32Array(len).fill(NaN);
  const ref = new Float64Array(len);
  assert.notEqual(b.unary!(op, x, out), false, `${b.name} declined unary ${op}`);
  cpu.unary!(op, f64(x), ref);
  assertWithin(out, ref, (i) => 16 * U * Math.abs(ref[i]), `${b.name} unary ${op} (len ${len})`);
}

const EXACT_BINARY = new Set<BinaryKernel>(["maximum", "minimum", "gt", "ge", "lt", "le", "eq"]);
const BINARY_OPS: BinaryKernel[] = [
  "add", "sub", "mul", "div", "pow", "maximum", "minimum", "gt", "ge", "lt", "le", "eq",
  "tanhGrad", "sigmoidGrad", "sigmoidGradY", "mulNeg2", "reluGrad",
];
/** The fused activation derivatives round each of their 2–3 float32 steps: bound by magnitudes. */
const FUSED_BINARY = new Set<BinaryKernel>(["tanhGrad", "sigmoidGrad", "sigmoidGradY", "mulNeg2", "reluGrad"]);

/** Broadcast spec for shapes a, b (right-aligned, numpy rules). */
function broadcast(aShape: number[], bShape: number[]): BroadcastSpec {
  const nd = Math.max(aShape.length, bShape.length);
  const pa = [...Array(nd - aShape.length).fill(1), ...aShape];
  const pb = [...Array(nd - bShape.length).fill(1), ...bShape];
  const outShape = pa.map((d, i) => Math.max(d, pb[i]));
  const strides = (shape: number[]) => {
    const s = new Array<number>(nd);
    let acc = 1;
    for (let d = nd - 1; d >= 0; d--) {
      s[d] = shape[d] === 1 ? 0 : acc;
      acc *= shape[d];
    }
    return s;
  };
  return { outShape, aStrides: strides(pa), bStrides: strides(pb) };
}

const BROADCAST_CASES: [number[], number[]][] = [
  [[512, 512], [512, 512]],
  [[64, 32], []],
  [[], [17, 5]],
  [[3, 1, 5], [1, 4, 5]],
  [[6, 7], [7]],
  [[6, 7], [6, 1]],
  [[2, 1, 3, 1], [1, 5, 1, 4]],
  [[256, 1], [1, 512]],
];

function checkBinary(b: Backend, op: BinaryKernel, aShape: number[], bShape: number[], seed: number): void {
  const spec = broadcast(aShape, bShape);
  const size = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
  const positive = op === "pow";
  let a = randF32(size(aShape), seed, positive ? 0.1 : -3, 3);
  const bv = randF32(size(bShape), seed + 1, positive ? -2 : -3, 3);
  if (op === "div") for (let i = 0; i < bv.length; i++) if (Math.abs(bv[i]) < 0.05) bv[i] = 0.5;
  if (EXACT_BINARY.has(op)) {
    // make ties happen, so eq/ge/le and max/min on equal values are exercised
    a = Float32Array.from(a, (v, i) => (i % 3 === 0 ? bv[i % bv.length] : v));
  }
  const total = size(spec.outShape);
  const out = new Float32Array(total).fill(NaN);
  const ref = new Float64Array(total);
  assert.notEqual(b.binary!(op, a, bv, spec, out), false, `${b.name} declined binary ${op}`);
  cpu.binary!(op, f64(a), f64(bv), spec, ref);
  const ai = (i: number) => Math.abs(a[spec.aStrides.length ? strided(i, spec, spec.aStrides) : 0]);
  const bi = (i: number) => Math.abs(bv[spec.bStrides.length ? strided(i, spec, spec.bStrides) : 0]);
  const tol = EXACT_BINARY.has(op)
    ? () => 0
    : FUSED_BINARY.has(op)
      ? (i: number) => 4 * U * ai(i) * (1 + 2 * bi(i)) ** 2
      : (i: number) => 2 * U * Math.abs(ref[i]);
  assertWithin(out, ref, tol, `${b.name} binary ${op} [${aShape}] with [${bShape}]`);
}

/** Index into an operand with `strides` of output element i. */
function strided(i: number, spec: BroadcastSpec, strides: readonly number[]): number {
  let rest = i;
  let at = 0;
  for (let d = spec.outShape.length - 1; d >= 0; d--) {
    at += (rest % spec.outShape[d]) * strides[d];
    rest = Math.floor(rest / spec.outShape[d]);
  }
  return at;
}

const REDUCE_CASES: ReduceSpec[] = [
  { outer: 1, len: 1, inner: 1 },
  { outer: 1, len: 100, inner: 1 },
  { outer: 7, len: 13, inner: 5 },
  { outer: 512, len: 512, inner: 1 }, // 512×512 along the last axis
  { outer: 1, len: 512, inner: 512 }, // 512×512 along the first axis
  { outer: 4, len: 3, inner: 200 },
];

function checkReduce(b: Backend, kind: "reduceSum" | "reduceMax", spec: ReduceSpec, seed: number): void {
  const { outer, len, inner } = spec;
  const x = randF32(outer * len * inner, seed, -2, 2);
  const out = new Float32Array(outer * inner).fill(NaN);
  const ref = new Float64Array(outer * inner);
  const absSum = new Float64Array(outer * inner);
  assert.notEqual(b[kind]!(x, spec, out), false, `${b.name} declined ${kind}`);
  cpu[kind]!(f64(x), spec, ref);
  cpu.reduceSum!(abs64(x), spec, absSum);
  const tol = kind === "reduceMax" ? () => 0 : (i: number) => 4 * U * absSum[i];
  assertWithin(out, ref, tol, `${b.name} ${kind} ${JSON.stringify(spec)}`);
}

// ---- gpujs, in every GPU.js mode that exists on this host ----

/*
 * Modes exercised here: `webasm` (what `auto` resolves to on this CPU-only Node host) and `cpu`
 * (GPU.js's JavaScript fallback). `headlessgl` needs the optional `gl` package and a GL driver,
 * `webgpu` a WebGPU adapter; neither exists on this machine, so for them we test the clear
 * refusal (below), not kernels.
 */
for (const mode of ["webasm", "cpu"] as const) {
  describe(`backend gpujs (GPU.js mode ${mode}) vs cpu float64`, function () {
    let g: GpujsBackend;
    before(async () => {
      g = await createGpujsBackend({ mode });
    });
    after(() => g.destroy());

    it(`runs in mode ${mode}, not a silent fallback`, () => {
      assert.equal(g.mode, mode);
      assert.equal(g.onGpu, false);
      assert.deepEqual(g.dtypes, ["f32"]);
    });

    it("matmul: plain, transposed and batched (broadcast batch) up to 512x512", () => {
      MATMUL_CASES.forEach((s, i) => checkMatmul(g, s, 100 + i, mode));
      assert.equal(g.mode, mode, "a kernel degraded to another GPU.js mode");
    });

    it("gram X·Xᵀ up to 512x512", () => {
      checkGram(g, 1, 1, 1);
      checkGram(g, 37, 11, 2);
      checkGram(g, 512, 512, 3);
    });

    it("every unary kernel", () => {
      UNARY_OPS.forEach((op, i) => checkUnary(g, op, 4099, 200 + i));
    });

    it("every binary kernel with broadcasting", () => {
      BINARY_OPS.forEach((op, i) => BROADCAST_CASES.forEach(([a, b], j) => checkBinary(g, op, a, b, 300 + 17 * i + j)));
    });

    it("reduceSum and reduceMax over outer × len × inner layouts", () => {
      REDUCE_CASES.forEach((s, i) => {
        checkReduce(g, "reduceSum", s, 400 + i);
        checkReduce(g, "reduceMax", s, 500 + i);
      });
    });

    it("compiles each kernel once per shape and reuses it", () => {
      const x = randF32(300, 1);
      const out = new Float32Array(300);
      g.unary!("exp", x, out);
      const before = g.kernelCount();
      g.unary!("exp", randF32(300, 2), out);
      assert.equal(g.kernelCount(), before, "same op and shape must reuse the compiled kernel");
      g.unary!("exp", randF32(301, 3), new Float32Array(301));
      assert.equal(g.kernelCount(), before + 1, "a new shape compiles a new kernel");
    });

    it("declines float64 storage (cpu then runs)", () => {
      const x = new Float64Array(4);
      assert.equal(g.unary!("exp", x, new Float64Array(4)), false);
    });
  });
}

describe("gpujs modes: auto and the ones this host lacks", function () {
  it("auto resolves to webasm on this CPU-only Node host", async () => {
    const g = await createGpujsBackend({ mode: "auto" });
    try {
      assert.equal(g.mode, "webasm");
      assert.equal(g.onGpu, false);
      checkMatmul(g, MATMUL_CASES[2], 7, "auto");
    } finally {
      g.destroy();
    }
  });

  it("headlessgl without a GL context is refused, naming the mode", async () => {
    await assert.rejects(createGpujsBackend({ mode: "headlessgl" }), (e: Error) => e instanceof OptlabError && /headlessgl/.test(e.message) && /not available/.test(e.message));
  });

  it("webgpu is refused, naming the mode (no adapter here; async-only kernels anywhere)", async () => {
    await assert.rejects(createGpujsBackend({ mode: "webgpu" }), (e: Error) => e instanceof OptlabError && /"webgpu"/.test(e.message));
  });

  it("an unknown mode is an error naming the argument and the choices", async () => {
    await assert.rejects(
      createGpujsBackend({ mode: "webgl3" as never }),
      (e: Error) => e instanceof OptlabError && /unknown gpujs mode "webgl3"/.test(e.message) && /webasm/.test(e.message),
    );
    await assert.rejects(initBackends({ gpujs: "opengl" as never }), (e: Error) => /unknown gpujs mode "opengl"/.test(e.message));
  });
});

// ---- wasm (tfjs-wasm XNNPACK GEMM), single-threaded and with the worker pool ----

for (const threads of [1, 2]) {
  describe(`backend wasm (${threads} thread${threads > 1 ? "s" : ""}) vs cpu float64`, function () {
    let w: WasmBackend;
    before(async () => {
      w = await createWasmBackend({ threads });
    });
    after(async () => {
      await w.destroy();
    });

    it("loads the SIMD module", () => {
      assert.equal(w.simd, true);
      assert.equal(w.threads, threads);
      assert.equal(w.available(), true);
    });

    it("matmul: plain, transposed and batched (broadcast batch) up to 512x512", () => {
      MATMUL_CASES.forEach((s, i) => checkMatmul(w, s, 600 + i, `threads=${threads}`));
    });

    it("gram X·Xᵀ up to 512x512", () => {
      checkGram(w, 1, 1, 1);
      checkGram(w, 37, 11, 2);
      checkGram(w, 512, 512, 3);
    });

    it("k = 0 gives zeros; float64 storage is declined", () => {
      const out = new Float32Array(6).fill(7);
      w.matmul!(new Float32Array(0), new Float32Array(0), { batch: 1, m: 2, k: 0, n: 3, transA: false, transB: false, batchA: false, batchB: false }, out);
      assert.deepEqual([...out], [0, 0, 0, 0, 0, 0]);
      assert.equal(w.matmul!(new Float64Array(4), new Float64Array(4), MATMUL_CASES[0], new Float64Array(1)), false);
    });

    it("leaves the ops it does not accelerate to cpu", () => {
      assert.equal(w.unary, undefined);
      assert.equal(w.binary, undefined);
      assert.equal(w.reduceSum, undefined);
    });
  });
}

describe("wasm options", () => {
  it("rejects a bad thread count, naming it", async () => {
    await assert.rejects(createWasmBackend({ threads: 0 }), /wasm threads must be an integer in 1\.\.64, got 0/);
    await assert.rejects(initBackends({ threads: 2.5 }), /threads must be an integer in 1\.\.64, got 2\.5/);
  });
});

// ---- initBackends, registry and the auto router ----

describe("initBackends + auto routing", function () {
  after(async () => {
    setBackend("auto");
    await disposeBackends();
  });

  it("loads gpujs and wasm, reports what runs, and installs the CPU-host table", async () => {
    const info = await initBackends({ threads: 2 });
    assert.equal(info.gpujs.loaded, true);
    assert.equal(info.gpujs.mode, "webasm");
    assert.equal(info.gpujs.onGpu, false);
    assert.equal(info.wasm.loaded, true);
    assert.equal(info.wasm.threads, 2);
    assert.equal(info.routing, CPU_HOST_TABLE);
    assert.equal(backendsInfo(), info);
  });

  it("auto: small matmul on cpu, large on wasm, f64 on cpu, elementwise on cpu (gpujs is not faster here)", () => {
    const t = CPU_HOST_TABLE.wasm.matmul;
    const run = () => true;
    assert.equal(dispatch("matmul", "f32", t / 2, undefined, run), "cpu");
    assert.equal(dispatch("matmul", "f32", t, undefined, run), "wasm");
    assert.equal(dispatch("matmul", "f32", 2 * 512 ** 3, undefined, run), "wasm");
    assert.equal(dispatch("gram", "f32", 512 ** 3, undefined, run), "wasm");
    assert.equal(dispatch("matmul", "f64", 2 * 512 ** 3, undefined, run), "cpu");
    assert.equal(dispatch("unary", "f32", 1 << 20, undefined, run), "cpu");
    assert.equal(dispatch("reduceSum", "f32", 1 << 20, undefined, run), "cpu");
  });

  it("explicit choice per call and globally; a declining backend falls back to cpu", () => {
    const a = randF32(64 * 64, 1);
    const spec: MatmulSpec = { batch: 1, m: 64, k: 64, n: 64, transA: false, transB: false, batchA: false, batchB: false };
    const out = new Float32Array(64 * 64);
    const mm = (b: Backend) => b.matmul?.(a, a, spec, out) ?? false;
    assert.equal(dispatch("matmul", "f32", 2 * 64 ** 3, "gpujs", mm), "gpujs");
    assert.equal(dispatch("matmul", "f32", 8, "wasm", mm), "wasm", "an explicit backend is used even below the auto threshold");
    assert.equal(withBackend("gpujs", () => dispatch("matmul", "f32", 8, undefined, mm)), "gpujs");
    const x = randF32(16, 2);
    assert.equal(dispatch("unary", "f32", 16, "wasm", (b) => b.unary?.("exp", x, new Float32Array(16)) ?? false), "cpu");
    assert.throws(() => dispatch("matmul", "f64", 8, "wasm", mm), /computes in f32/);
  });

  it("on a GPU host, auto would send heavy ops to gpujs (router logic, GPU numbers injected)", () => {
    const fakeGpu = { ...cpu, name: "gpujs" as const, dtypes: ["f32" as const], onGpu: true };
    const table = { ...CPU_HOST_TABLE, gpujs: { ...CPU_HOST_TABLE.gpujs, matmul: 1e6, unary: 1e5 } };
    const r = makeAutoRouter({ gpujs: fakeGpu, wasm: cpu }, table);
    assert.equal(r("matmul", "f32", 2e6), "gpujs");
    assert.equal(r("matmul", "f32", 5e5), "wasm");
    assert.equal(r("unary", "f32", 2e5), "gpujs");
    assert.equal(r("unary", "f32", 10), "cpu");
    assert.equal(r("matmul", "f64", 2e6), "cpu");
  });

  it("calibrate: true measures this host's crossovers (wasm beats cpu somewhere below 256³)", async () => {
    const info = await initBackends({ gpujs: false, threads: 1, calibrate: true });
    assert.equal(info.gpujs.loaded, false);
    assert.match(info.routing.source, /calibrated/);
    assert.ok(Number.isFinite(info.routing.wasm.matmul) && info.routing.wasm.matmul <= 2 * 256 ** 3, `wasm.matmul ${info.routing.wasm.matmul}`);
    assert.equal(info.routing.gpujs.matmul, Infinity);
  });

  it("after disposeBackends, auto is cpu and explicit gpujs/wasm say to call initBackends", async () => {
    await disposeBackends();
    assert.equal(dispatch("matmul", "f32", 2 * 512 ** 3, undefined, () => true), "cpu");
    assert.throws(() => dispatch("matmul", "f32", 8, "wasm", () => true), /not available.*initBackends/);
  });

  it("rejects unknown options and values, naming them", async () => {
    await assert.rejects(initBackends({ gpu: "auto" } as never), /initBackends: unknown option "gpu"/);
    await assert.rejects(initBackends({ calibrate: "yes" as never }), /calibrate must be/);
    await assert.rejects(initBackends({ backend: "tpu" as never }), /unknown backend "tpu"/);
  });
});
