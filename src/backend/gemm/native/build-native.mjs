// Build step (after tsc in @optlab/core's `build` script): compile the optional BLAS addon
// (blas_gemm.c + elementwise.c + small_gemm.c → dist/native/optlab_blas.node) when a C compiler, Node's headers, cblas.h and
// libopenblas are all here. It never fails the build: a missing piece or a compile error is
// written, with the reason, to dist/native/status.json, and the runtime falls back to wasm/JS.
//
// The compiler is invoked directly rather than through node-gyp: node-gyp wants to download
// Node's headers (no network in CI), while Node ships them under <prefix>/include/node.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, "..", "..", "..");
const outDir = join(pkg, "dist", "native");
const target = join(outDir, "optlab_blas.node");
mkdirSync(outDir, { recursive: true });

function done(ok, reason) {
  writeFileSync(join(outDir, "status.json"), JSON.stringify({ ok, reason, at: new Date().toISOString() }, null, 2) + "\n");
  console.log(ok ? `build-native: built ${target}` : `build-native: skipped the BLAS addon (${reason}); wasm/JS GEMM only`);
  process.exit(0);
}

if (process.env.OPTLAB_BUILD_NATIVE === "0") done(false, "OPTLAB_BUILD_NATIVE=0");
const cc = process.env.CC || "cc";
if (spawnSync(cc, ["--version"]).status !== 0) done(false, `no C compiler (${cc})`);
const nodeInc = [join(dirname(process.execPath), "..", "include", "node"), "/usr/include/node", "/usr/local/include/node"].find((d) =>
  existsSync(join(d, "node_api.h")),
);
if (!nodeInc) done(false, "Node's headers (node_api.h) not found");
const probe = spawnSync(cc, ["-E", "-x", "c", "-"], { input: "#include <cblas.h>\n" });
if (probe.status !== 0) done(false, "cblas.h not found (apt-get install libopenblas-dev)");
const r = spawnSync(
  cc,
  // -O3 vectorizes the elementwise loops; -ffp-contract=off (and no fast-math) keeps every element
  // the same IEEE operations as the JS loops, with no fused multiply-adds.
  ["-O3", "-ffp-contract=off", "-shared", "-fPIC", "-std=c11", "-DNODE_GYP_MODULE_NAME=optlab_blas", "-DNAPI_VERSION=8", `-I${nodeInc}`,
    join(here, "blas_gemm.c"), join(here, "elementwise.c"), join(here, "small_gemm.c"), "-o", target, "-lopenblas"],
  { encoding: "utf8" },
);
if (r.status !== 0) done(false, `compile failed: ${(r.stderr || r.error?.message || "").trim().split("\n").slice(-3).join(" | ")}`);
done(true, null);
