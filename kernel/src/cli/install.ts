import * as fs from "fs";
import * as path from "path";
import { VERSION } from "../version";
import { LOGO_SVG, logoPng } from "./logo";
import { InstallScope, kernelsDir } from "./paths";

/** What `optlab install` writes. */
export interface InstallOptions {
  scope: InstallScope;
  name: string;
  displayName: string;
  /** Where warnings go (default: stderr), e.g. a kernel other users cannot start. */
  warn?: (message: string) => void;
}

/** Raised when the kernelspec cannot be written; the message names the directory. */
export class InstallError extends Error {
  override name = "InstallError";
}

/** The script kernel.json runs with node: this package's CLI, as an absolute path. */
export function entryPoint(): string {
  return path.resolve(__dirname, "..", "..", "bin", "optlab.js");
}

/** The kernel.json for this install: node running this package's CLI with `kernel -f`. */
export function kernelSpec(displayName: string): Record<string, unknown> {
  return {
    argv: [process.execPath, entryPoint(), "kernel", "-f", "{connection_file}"],
    display_name: displayName,
    language: "typescript",
    interrupt_mode: "message",
    env: {},
    metadata: { optlab: { version: VERSION } },
  };
}

/** The directory a kernelspec named `name` would be written to. */
export function specDir(scope: InstallScope, name: string): string {
  return path.join(kernelsDir(scope), name);
}

/** Writes kernel.json and the logos; returns the kernelspec directory. */
export function install(opts: InstallOptions): string {
  if (!/^[a-z0-9._-]+$/i.test(opts.name)) {
    throw new InstallError(`--name: expected letters, digits, ".", "_" or "-", got ${JSON.stringify(opts.name)}`);
  }
  const dir = specDir(opts.scope, opts.name);
  // A --prefix/--sys-prefix install serves every user: what it writes must be readable by all
  // whatever the installer's umask (root's is often 077); a --user install stays private.
  const shared = opts.scope.kind !== "user";
  try {
    makeDirs(dir, shared);
    writeFile(path.join(dir, "kernel.json"), JSON.stringify(kernelSpec(opts.displayName), null, 2) + "\n", shared);
    writeFile(path.join(dir, "logo-svg.svg"), LOGO_SVG, shared);
    writeFile(path.join(dir, "logo-32x32.png"), logoPng(32), shared);
    writeFile(path.join(dir, "logo-64x64.png"), logoPng(64), shared);
    installLabextension(opts.scope);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InstallError(`cannot write the kernelspec to ${dir}: ${err.code ?? err.message}` +
      (err.code === "EACCES" || err.code === "EPERM" ? " (not writable; try --user or --prefix P)" : ""));
  }
  if (shared) {
    const warn = opts.warn ?? ((m: string) => console.error(m));
    for (const problem of notUsableByOthers([entryPoint()], [process.execPath])) {
      warn(`optlab install: warning: other users cannot start this kernel: ${problem}. Put optlab (and node) where ` +
        "every user can read them, e.g. a checkout in /opt/optlab, and run that copy's optlab install.");
    }
  }
  return dir;
}

/** Directory and file modes of a shared install: readable (and directories enterable) by all. */
const SHARED_DIR_MODE = 0o755;
const SHARED_FILE_MODE = 0o644;

/** mkdir -p; in a shared install every directory it creates gets SHARED_DIR_MODE (existing ones are left alone). */
function makeDirs(dir: string, shared: boolean): void {
  const first = fs.mkdirSync(dir, { recursive: true });
  if (!shared || first === undefined) return;
  for (let d = dir; ; d = path.dirname(d)) {
    fs.chmodSync(d, SHARED_DIR_MODE);
    if (d === first || d === path.dirname(d)) break;
  }
}

function writeFile(file: string, data: string | Uint8Array, shared: boolean): void {
  fs.writeFileSync(file, data);
  if (shared) fs.chmodSync(file, SHARED_FILE_MODE);
}

/** Makes a copied tree readable by all: cpSync keeps the source's modes, which follow the builder's umask. */
function shareTree(dir: string): void {
  fs.chmodSync(dir, SHARED_DIR_MODE);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) shareTree(p);
    else if (entry.isFile()) fs.chmodSync(p, SHARED_FILE_MODE);
  }
}

/**
 * Why a user other than the owner could not use `files` (read) and `executables` (read and run):
 * a file without those rights for others, or a directory on its path they cannot enter. Empty
 * when all is usable. Judged on the "other" permission bits, what a user in no shared group gets.
 */
export function notUsableByOthers(files: string[], executables: string[] = []): string[] {
  const problems: string[] = [];
  for (const file of [...files, ...executables]) {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      problems.push(`${file} does not exist`);
      continue;
    }
    const need = executables.includes(file) ? 0o005 : 0o004;
    if ((st.mode & need) !== need) {
      problems.push(`${file} is not ${need === 0o005 ? "executable" : "readable"} by others (mode ${(st.mode & 0o777).toString(8)})`);
    }
    for (let d = path.dirname(file); ; d = path.dirname(d)) {
      const mode = fs.statSync(d).mode;
      if ((mode & 0o001) === 0) {
        problems.push(`${d} is not searchable by others (mode ${(mode & 0o777).toString(8)}), so ${file} cannot be reached`);
        break;
      }
      if (d === path.dirname(d)) break;
    }
  }
  return problems;
}

/**
 * The built JupyterLab extension of @optlab/widgets (widgets/labextension/, made by its `build`),
 * or null when that package is not installed next to the kernel or not built.
 */
export function builtLabextension(): string | null {
  let pkg: string;
  try {
    pkg = require.resolve("@optlab/widgets/package.json");
  } catch {
    return null;
  }
  const dir = path.join(path.dirname(pkg), "labextension");
  return fs.existsSync(path.join(dir, "package.json")) ? dir : null;
}

/** `<data dir>/labextensions` for a scope: the sibling of its `kernels` directory. */
export function labextensionsDir(scope: InstallScope): string {
  return path.join(path.dirname(kernelsDir(scope)), "labextensions");
}

/**
 * Copies the built extension to `<data dir>/labextensions/@optlab/widgets/` (replacing an older
 * copy, so no stale remoteEntry stays behind); returns that directory, or null when there is no build.
 */
export function installLabextension(scope: InstallScope): string | null {
  const src = builtLabextension();
  if (!src) return null;
  const shared = scope.kind !== "user";
  const dest = path.join(labextensionsDir(scope), "@optlab", "widgets");
  fs.rmSync(dest, { recursive: true, force: true });
  makeDirs(path.dirname(dest), shared);
  fs.cpSync(src, dest, { recursive: true });
  if (shared) shareTree(dest);
  return dest;
}
