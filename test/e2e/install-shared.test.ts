/**
 * `optlab install --prefix P` is a system-wide install (P=/usr/local for Debian's Jupyter): what it
 * writes must serve every user. Run as root with a restrictive umask, then used by another account
 * (nobody, switched to with util-linux setpriv) through Debian's jupyter_client, with a HOME of its
 * own: the kernelspec is found, and the kernel starts and runs as that user.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { notUsableByOthers } from "../../kernel/src/cli/install";
import { KERNEL_BIN, tempDir } from "../kernel/client";
import { PYTHON, requirePythonModules } from "./python";

const NOBODY = 65534;

/** Starts kernel "optlab" with jupyter_client, runs one cell, prints its stdout as JSON. */
const RUN_AS_USER = `
import json, sys
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="optlab", startup_timeout=60)
try:
    out = []
    def hook(msg):
        if msg["msg_type"] == "stream": out.append(msg["content"]["text"])
        if msg["msg_type"] == "error": out.append("ERROR " + msg["content"]["evalue"])
    reply = kc.execute_interactive(sys.argv[1], output_hook=hook, timeout=60)
    print(json.dumps({"status": reply["content"]["status"], "out": "".join(out)}))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
`;

/** Every path under `root` with its permission bits. */
function modes(root: string): Map<string, number> {
  const found = new Map<string, number>();
  const walk = (p: string) => {
    const st = fs.statSync(p);
    found.set(p, st.mode);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(root);
  return found;
}

describe("optlab install --prefix / --sys-prefix: a kernel every user can start", function () {
  this.timeout(180_000);

  for (const scope of ["--prefix", "--sys-prefix"] as const) {
    it(`${scope}: writes a world-readable kernelspec and labextension even under umask 077`, function () {
      const dir = tempDir("optlab-shared-");
      try {
        const prefix = path.join(dir, "prefix");
        // --sys-prefix targets the active virtualenv: VIRTUAL_ENV's share/jupyter, as jupyter's own --sys-prefix.
        const args = scope === "--prefix" ? ["install", "--prefix", prefix] : ["install", "--sys-prefix"];
        const env = { ...process.env, VIRTUAL_ENV: scope === "--sys-prefix" ? prefix : "" };
        const r = spawnSync("sh", ["-c", 'umask 077 && exec "$0" "$@"', process.execPath, KERNEL_BIN, ...args], { encoding: "utf8", env });
        assert.equal(r.status, 0, r.stderr);
        const written = modes(path.join(prefix, "share"));
        assert.ok([...written.keys()].some((p) => p.endsWith(path.join("jupyter", "kernels", "optlab", "kernel.json"))));
        assert.ok([...written.keys()].some((p) => /jupyter\/labextensions\/@optlab\/widgets\/static\/remoteEntry\.[0-9a-f]+\.js$/.test(p)));
        for (const [p, mode] of written) {
          assert.equal(mode & 0o004, 0o004, `${p} is not readable by others (${(mode & 0o777).toString(8)})`);
          if (fs.statSync(p).isDirectory()) assert.equal(mode & 0o001, 0o001, `${p} is not searchable by others (${(mode & 0o777).toString(8)})`);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("starts for another user (nobody) with that user's HOME, or warns at install time why it cannot", function () {
    if (process.getuid?.() !== 0) throw new Error("this test switches to the user nobody and needs root (CI runs as root)");
    requirePythonModules({ jupyter_client: "python3-jupyter-client" });
    const dir = tempDir("optlab-shared-");
    try {
      fs.chmodSync(dir, 0o755); // a prefix like /usr/local: readable by all
      const prefix = path.join(dir, "prefix");
      const install = spawnSync(process.execPath, [KERNEL_BIN, "install", "--prefix", prefix], { encoding: "utf8" });
      assert.equal(install.status, 0, install.stderr);
      const spec = JSON.parse(fs.readFileSync(path.join(prefix, "share", "jupyter", "kernels", "optlab", "kernel.json"), "utf8"));
      assert.ok(path.isAbsolute(spec.argv[0]) && path.isAbsolute(spec.argv[1]), `argv must be absolute: ${spec.argv}`);
      assert.equal(spec.argv[1], fs.realpathSync(KERNEL_BIN), "the kernel runs the optlab that was installed");
      const home = path.join(dir, "home-nobody");
      fs.mkdirSync(home);
      fs.chownSync(home, NOBODY, NOBODY);
      const r = spawnSync("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", PYTHON, "-c", RUN_AS_USER,
        `console.log(JSON.stringify({ uid: process.getuid(), home: require("os").homedir() }))`], {
        cwd: home, encoding: "utf8", timeout: 120_000,
        env: { PATH: process.env.PATH, HOME: home, JUPYTER_PATH: path.join(prefix, "share", "jupyter"), PYTHONDONTWRITEBYTECODE: "1" },
      });
      const problems = notUsableByOthers([spec.argv[1]], [spec.argv[0]]);
      if (problems.length === 0) {
        assert.equal(r.status, 0, `as nobody: ${r.stdout}\n${r.stderr}`);
        const res = JSON.parse(r.stdout.trim().split("\n").pop()!);
        assert.equal(res.status, "ok", res.out);
        assert.deepEqual(JSON.parse(res.out.trim()), { uid: NOBODY, home });
        assert.doesNotMatch(install.stderr, /warning/);
      } else {
        // This checkout (or node) is private to its owner: the kernel cannot start for others,
        // and the install said so, naming the path.
        assert.notEqual(r.status, 0, "the kernel started for nobody although its files are not readable by others");
        assert.match(install.stderr, /other users cannot start this kernel/);
        assert.ok(problems.some((p) => install.stderr.includes(p)), install.stderr);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
