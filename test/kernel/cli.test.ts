import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as net from "net";
import { KERNEL_BIN, makeConnection, tempDir } from "./client";
import { PYTHON, requirePythonModules } from "../e2e/python";

/** The kernelspecs and labextension paths Debian's jupyter_client / jupyter_core see from `python`. */
function jupyterSees(python: string, env: NodeJS.ProcessEnv): { specs: Record<string, string>; labextensions: string[] } {
  const code = "import json; from jupyter_client.kernelspec import KernelSpecManager as K; import jupyter_core.paths as p; " +
    "print(json.dumps({'specs': K().find_kernel_specs(), 'labextensions': p.jupyter_path('labextensions')}))";
  const r = spawnSync(python, ["-c", code], { encoding: "utf8", env: { ...env, PYTHONDONTWRITEBYTECODE: "1" } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** process.env without the variables that move Jupyter's directories. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ["JUPYTER_PATH", "JUPYTER_DATA_DIR", "XDG_DATA_HOME", "VIRTUAL_ENV", "CONDA_PREFIX"]) delete env[k];
  return env;
}

function optlab(args: string[], env: NodeJS.ProcessEnv = {}) {
  // The timeout turns a kernel that serves when it should have failed into a failure, not a hang.
  const r = spawnSync(process.execPath, [KERNEL_BIN, ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("optlab CLI", () => {
  it("--version prints the package version", () => {
    const r = optlab(["--version"]);
    assert.equal(r.code, 0);
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../kernel/package.json"), "utf8"));
    assert.equal(r.out.trim(), pkg.version);
  });

  it("install --prefix writes a kernelspec pointing at the installed kernel, with logos", () => {
    const prefix = tempDir();
    const r = optlab(["install", "--prefix", prefix]);
    assert.equal(r.code, 0, r.err);
    const dir = path.join(prefix, "share", "jupyter", "kernels", "optlab");
    const spec = JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8"));
    assert.equal(spec.display_name, "TypeScript (optlab)");
    assert.equal(spec.language, "typescript");
    // "message": clients send interrupt_request, which stops loops after an await too (a signal cannot).
    assert.equal(spec.interrupt_mode, "message");
    assert.deepEqual(spec.argv.slice(1), [KERNEL_BIN, "kernel", "-f", "{connection_file}"]);
    assert.ok(fs.existsSync(spec.argv[0]), "argv[0] is an existing node binary");
    for (const logo of ["logo-32x32.png", "logo-64x64.png"]) {
      const png = fs.readFileSync(path.join(dir, logo));
      assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), `${logo} is a PNG`);
      const size = Number(logo.match(/(\d+)x/)![1]);
      assert.equal(png.readUInt32BE(16), size);
    }
    assert.match(fs.readFileSync(path.join(dir, "logo-svg.svg"), "utf8"), /^<svg/);
  });

  it("--name and --display-name; --user honours JUPYTER_DATA_DIR; kernelspec prints the target", () => {
    const data = tempDir();
    const where = optlab(["kernelspec", "--user", "--name", "optlab-dev"], { JUPYTER_DATA_DIR: data });
    assert.equal(where.out.trim(), path.join(data, "kernels", "optlab-dev"));
    assert.ok(!fs.existsSync(where.out.trim()), "kernelspec only prints");
    const r = optlab(["install", "--user", "--name", "optlab-dev", "--display-name", "TS dev"], { JUPYTER_DATA_DIR: data });
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(fs.readFileSync(path.join(data, "kernels", "optlab-dev", "kernel.json"), "utf8")).display_name, "TS dev");
  });

  it("every command answers --help and -h with exit 0 and its usage", () => {
    for (const command of ["install", "kernelspec", "kernel", "run", "reproduce", "analyze"]) {
      for (const flag of ["--help", "-h"]) {
        const r = optlab([command, flag]);
        assert.equal(r.code, 0, `${command} ${flag}: ${r.err}`);
        assert.match(r.out, new RegExp(`optlab ${command}`), `${command} ${flag} prints its usage`);
        assert.equal(r.err, "");
      }
    }
    for (const sub of ["hessian", "ntk", "collapse"]) assert.equal(optlab(["analyze", sub, "-h"]).code, 0);
    assert.match(optlab(["--help"]).out, /optlab <command> --help/);
  });

  it("install --user, --sys-prefix and --prefix write where Debian's jupyter_client and jupyter_core look", function () {
    this.timeout(60_000);
    requirePythonModules({ jupyter_client: "python3-jupyter-client" });
    const home = tempDir("optlab-home-");
    // --user: the per-user data directory jupyter_core derives from XDG_DATA_HOME.
    const user = { ...cleanEnv(), HOME: home, XDG_DATA_HOME: path.join(home, "xdg") };
    assert.equal(optlab(["install", "--user", "--name", "optlab-user"], user).code, 0);
    assert.equal(jupyterSees(PYTHON, user).specs["optlab-user"], path.join(home, "xdg", "jupyter", "kernels", "optlab-user"));
    // --sys-prefix: a real virtualenv of Debian's python; its interpreter finds the kernelspec in sys.prefix.
    const venv = path.join(home, "venv");
    const mk = spawnSync(PYTHON, ["-m", "venv", "--without-pip", "--system-site-packages", venv], { encoding: "utf8" });
    assert.equal(mk.status, 0, mk.stderr);
    const inVenv = { ...cleanEnv(), HOME: home, VIRTUAL_ENV: venv };
    const r = optlab(["install", "--sys-prefix", "--name", "optlab-venv"], inVenv);
    assert.equal(r.code, 0, r.err);
    const seen = jupyterSees(path.join(venv, "bin", "python3"), inVenv);
    assert.equal(seen.specs["optlab-venv"], path.join(venv, "share", "jupyter", "kernels", "optlab-venv"));
    // --prefix P: what a JupyterHub's system-wide install uses; found through JUPYTER_PATH=P/share/jupyter.
    const prefix = path.join(home, "usr-local");
    assert.equal(optlab(["install", "--prefix", prefix], cleanEnv()).code, 0);
    const sys = jupyterSees(PYTHON, { ...cleanEnv(), HOME: home, JUPYTER_PATH: path.join(prefix, "share", "jupyter") });
    assert.equal(sys.specs.optlab, path.join(prefix, "share", "jupyter", "kernels", "optlab"));
    const labext = path.join(prefix, "share", "jupyter", "labextensions");
    assert.ok(sys.labextensions.includes(labext), `${labext} in ${sys.labextensions}`);
    assert.ok(fs.existsSync(path.join(labext, "@optlab", "widgets", "package.json")), "the widgets lab extension is installed next to the kernelspec");
  });

  it("an unwritable target gives a clear error and exit code 1", () => {
    const parent = tempDir();
    const blocker = path.join(parent, "not-a-dir");
    fs.writeFileSync(blocker, "a file where the prefix directory should be");
    const r = optlab(["install", "--prefix", blocker]);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot write the kernelspec to .*not-a-dir/);
  });

  it("--sys-prefix without a virtualenv says what it needs", () => {
    const env = { ...process.env };
    delete env.VIRTUAL_ENV;
    delete env.CONDA_PREFIX;
    const r = spawnSync(process.execPath, [KERNEL_BIN, "install", "--sys-prefix"], { encoding: "utf8", env });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--sys-prefix needs an active virtualenv or conda env/);
  });

  it("kernel with a missing or malformed connection file fails clearly", () => {
    const missing = optlab(["kernel", "-f", "/nonexistent/conn.json"]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /connection file not readable: \/nonexistent\/conn\.json \(ENOENT\)/);
    const dir = tempDir();
    const bad = path.join(dir, "conn.json");
    fs.writeFileSync(bad, JSON.stringify({ ip: "127.0.0.1", shell_port: "x" }));
    const r = optlab(["kernel", "-f", bad]);
    assert.equal(r.code, 1);
    assert.match(r.err, /expected "shell_port" to be an integer port/);
    assert.equal(optlab(["kernel"]).code, 2);
  });

  it("kernel whose port is taken exits 1 naming the channel and the endpoint (main thread and control worker)", async () => {
    const dir = tempDir();
    for (const channel of ["shell", "hb"] as const) {
      const conn = await makeConnection();
      const squatter = net.createServer();
      await new Promise<void>((r) => squatter.listen(conn[`${channel}_port`], "127.0.0.1", () => r()));
      try {
        const file = path.join(dir, `conn-${channel}.json`);
        fs.writeFileSync(file, JSON.stringify(conn));
        const r = optlab(["kernel", "-f", file]);
        assert.equal(r.code, 1, r.err);
        assert.match(r.err, new RegExp(`cannot bind the ${channel} socket to tcp://127\\.0\\.0\\.1:${conn[`${channel}_port`]} \\(${channel}_port in the connection file\\): Address already in use`));
      } finally {
        await new Promise((r) => squatter.close(r));
      }
    }
  });

  it("unknown commands and options print usage with exit code 2", () => {
    const r = optlab(["instal"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown command "instal"/);
    assert.match(r.err, /usage:/);
    assert.equal(optlab(["install", "--bogus"]).code, 2);
  });
});
