import * as os from "os";
import * as path from "path";

/** Jupyter's per-user data directory, computed as jupyter_core does (no Python needed). */
export function jupyterDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return path.resolve(env.JUPYTER_DATA_DIR);
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return path.join(env.APPDATA ?? path.join(os.homedir(), "AppData", "Roaming"), "jupyter");
  return path.join(env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "jupyter");
}

/** Where the kernel keeps its history file (OPTLAB_HISTORY_FILE overrides; empty disables). */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OPTLAB_HISTORY_FILE !== undefined) return env.OPTLAB_HISTORY_FILE || undefined;
  return path.join(jupyterDataDir(env), "optlab", "history.jsonl");
}

/** Which kernels directory an install targets. */
export type InstallScope = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; prefix: string };

/** Raised for a scope that cannot be resolved, naming what was expected. */
export class ScopeError extends Error {
  override name = "ScopeError";
}

/** The `kernels` directory for a scope. */
export function kernelsDir(scope: InstallScope, env: NodeJS.ProcessEnv = process.env): string {
  switch (scope.kind) {
    case "user":
      return path.join(jupyterDataDir(env), "kernels");
    case "prefix":
      return path.join(path.resolve(scope.prefix), "share", "jupyter", "kernels");
    case "sys-prefix": {
      const prefix = env.VIRTUAL_ENV || env.CONDA_PREFIX;
      if (!prefix) {
        throw new ScopeError("--sys-prefix needs an active virtualenv or conda env (VIRTUAL_ENV or CONDA_PREFIX); use --user or --prefix P instead (--prefix /usr/local for a distribution's Jupyter, e.g. Debian's)");
      }
      return path.join(prefix, "share", "jupyter", "kernels");
    }
  }
}
