/**
 * The install path a newcomer takes, on a fresh clone of this repository's HEAD: `npm ci` links
 * `optlab` (before any build), the build makes it runnable, `npx optlab --help` answers, and
 * `npx optlab install --prefix P` writes a kernelspec and lab extension that Debian's
 * jupyter_core / jupyter_client find under P and whose argv starts a kernel that executes code.
 */
import { strict as assert } from "assert";
import { spawnSync, SpawnSyncOptions } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "../kernel/client";
import { PYTHON, requirePythonModules } from "./python";

const ROOT = path.resolve(__dirname, "..", "..");

function sh(cmd: string, args: string[], opts: SpawnSyncOptions & { what: string }) {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 400_000, ...opts });
  assert.equal(r.status, 0, `${opts.what} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ""}):\n${r.stdout}\n${r.stderr}`);
  return { out: String(r.stdout), err: String(r.stderr) };
}

// Asks jupyter_client for the kernelspecs it sees and runs `1 + 1` on the optlab one.
const JUPYTER_CHECK = `
import json, sys
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel
import jupyter_core.paths as paths
specs = KernelSpecManager().find_kernel_specs()
km, kc = start_new_kernel(kernel_name="optlab", startup_timeout=60)
results = []
reply = kc.execute_interactive("[1, 2].map((v) => v * 21).join()", timeout=60, output_hook=results.append)
km.shutdown_kernel(now=True)
value = [m["content"]["data"]["text/plain"] for m in results if m["msg_type"] == "execute_result"]
print(json.dumps({"specs": specs, "labextensions": paths.jupyter_path("labextensions"), "status": reply["content"]["status"], "value": value}))
`;

describe("fresh clone: npm ci, build, npx optlab install --prefix", function () {
  this.timeout(900_000);
  before(() => requirePythonModules({ jupyter_client: "python3-jupyter-client", jupyter_core: "python3-jupyter-core" }));

  it("links optlab at npm ci; after the build npx optlab --help and install --prefix P work and Jupyter runs the kernelspec", () => {
    const work = tempDir("optlab-clone-");
    const clone = path.join(work, "optlab");
    sh("git", ["clone", "-q", "--depth", "1", `file://${ROOT}`, clone], { what: "git clone" });
    sh("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: clone, what: "npm ci" });
    const bin = path.join(clone, "node_modules", ".bin", "optlab");
    assert.ok(fs.existsSync(bin), "npm ci linked no node_modules/.bin/optlab");
    // Before the build the command exists and says what to do.
    const early = spawnSync(bin, ["--help"], { cwd: clone, encoding: "utf8" });
    assert.equal(early.status, 1);
    assert.match(early.stderr, /not built yet .*npm run build/);

    sh("npm", ["run", "build"], { cwd: clone, what: "npm run build" });
    const help = sh("npx", ["optlab", "--help"], { cwd: clone, what: "npx optlab --help" });
    assert.match(help.out, /optlab install \[--user \| --sys-prefix \| --prefix P\]/);
    assert.match(sh("npx", ["optlab", "install", "--help"], { cwd: clone, what: "npx optlab install --help" }).out, /P\/share\/jupyter/);

    const prefix = path.join(work, "prefix");
    const inst = sh("npx", ["optlab", "install", "--prefix", prefix], { cwd: clone, what: "npx optlab install --prefix" });
    const specDir = path.join(prefix, "share", "jupyter", "kernels", "optlab");
    assert.match(inst.out, new RegExp(`Installed kernelspec optlab in ${specDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    const spec = JSON.parse(fs.readFileSync(path.join(specDir, "kernel.json"), "utf8"));
    assert.ok(String(spec.argv[1]).startsWith(clone + path.sep), `argv runs the clone's CLI: ${spec.argv[1]}`);
    const ext = path.join(prefix, "share", "jupyter", "labextensions", "@optlab", "widgets");
    assert.equal(JSON.parse(fs.readFileSync(path.join(ext, "package.json"), "utf8")).name, "@optlab/widgets");

    const env = {
      ...process.env,
      JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
      JUPYTER_DATA_DIR: path.join(work, "data"),
      JUPYTER_CONFIG_DIR: path.join(work, "config"),
      JUPYTER_RUNTIME_DIR: path.join(work, "runtime"),
      OPTLAB_HISTORY_FILE: "",
      PYTHONDONTWRITEBYTECODE: "1",
    };
    const check = sh(PYTHON, ["-c", JUPYTER_CHECK], { env, cwd: work, what: "jupyter_client on the installed kernelspec" });
    const r = JSON.parse(check.out.trim().split("\n").pop()!);
    assert.equal(r.specs.optlab, specDir);
    assert.ok((r.labextensions as string[]).includes(path.join(prefix, "share", "jupyter", "labextensions")));
    assert.equal(r.status, "ok");
    assert.deepEqual(r.value, ["'21,42'"]);
  });
});
