import { Kernel } from "../kernel";
import { ConnectionFileError, readConnectionFile } from "../wire/connection";
import { VERSION } from "../version";
import { install, InstallError, specDir } from "./install";
import { historyFile, InstallScope, ScopeError } from "./paths";
import { analyze } from "./analyze";
import { reproduceCommand, RUN_HELP, RUN_USAGE, runCommand, RunUsageError } from "./run";
import { COURSE_USAGE, courseCommand, CourseUsageError, gradeCommand } from "../course/cli";
import { SWEEP_HELP, SWEEP_USAGE, sweepCommand, SweepUsageError } from "../sweep/cli";

const USAGE = `usage:
  optlab install [--user | --sys-prefix | --prefix P] [--name N] [--display-name D]
  optlab kernelspec [--user | --sys-prefix | --prefix P] [--name N]
  optlab kernel -f <connection-file>
  optlab analyze hessian|ntk|collapse --model M.npz --data D.npz [options] [--json]   (optlab analyze --help)
${RUN_USAGE}
${SWEEP_USAGE}
${COURSE_USAGE}
  optlab --version

optlab <command> --help describes a command.`;

/** `optlab <command> --help`: what each command does and its options. */
const HELP: Record<string, string> = {
  install: `usage: optlab install [--user | --sys-prefix | --prefix P] [--name N] [--display-name D]

Writes the Jupyter kernelspec (kernel.json and logos) and the @optlab/widgets JupyterLab
extension where Jupyter looks for them:
  --user         (default) the per-user data directory: $JUPYTER_DATA_DIR, else
                 $XDG_DATA_HOME/jupyter or ~/.local/share/jupyter
  --sys-prefix   the active virtualenv or conda env: $VIRTUAL_ENV or $CONDA_PREFIX/share/jupyter
  --prefix P     P/share/jupyter (system-wide, e.g. --prefix /usr/local for a JupyterHub):
                 kernelspec in P/share/jupyter/kernels/N, extension in P/share/jupyter/labextensions
  --name N       kernelspec directory name (default optlab)
  --display-name D   name shown in the launcher (default "TypeScript (optlab)")`,
  kernelspec: `usage: optlab kernelspec [--user | --sys-prefix | --prefix P] [--name N]

Prints the directory \`optlab install\` with the same options writes the kernelspec to.`,
  kernel: `usage: optlab kernel -f <connection-file>

Runs the kernel on the ports of a Jupyter connection file (what kernel.json's argv does);
Jupyter starts it, not you.`,
};

/** A command-line mistake; printed with the usage. */
class UsageError extends Error {}

interface Parsed {
  scope: InstallScope;
  name: string;
  displayName: string;
  connectionFile?: string;
}

function parse(args: string[]): Parsed {
  const out: Parsed = { scope: { kind: "user" }, name: "optlab", displayName: "TypeScript (optlab)" };
  let scopes = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} expects a value`);
      return v;
    };
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const val = () => inline ?? value();
    switch (flag) {
      case "--user": out.scope = { kind: "user" }; scopes++; break;
      case "--sys-prefix": out.scope = { kind: "sys-prefix" }; scopes++; break;
      case "--prefix": out.scope = { kind: "prefix", prefix: val() }; scopes++; break;
      case "--name": out.name = val(); break;
      case "--display-name": out.displayName = val(); break;
      case "-f": case "--connection-file": out.connectionFile = val(); break;
      default: throw new UsageError(`unknown option ${JSON.stringify(a)}`);
    }
  }
  if (scopes > 1) throw new UsageError("choose one of --user, --sys-prefix, --prefix P");
  return out;
}

/** Runs the `optlab` command line; returns the exit code (the kernel command never returns). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "analyze" && (rest.includes("--help") || rest.includes("-h"))) {
    const help = command === "run" || command === "reproduce" ? RUN_HELP[command] : command === "sweep" ? SWEEP_HELP : HELP[command];
    if (help !== undefined) {
      console.log(help);
      return 0;
    }
  }
  try {
    switch (command) {
      case "--version":
      case "-V":
        console.log(VERSION);
        return 0;
      case "install": {
        const p = parse(rest);
        const dir = install({ scope: p.scope, name: p.name, displayName: p.displayName });
        console.log(`Installed kernelspec ${p.name} in ${dir}`);
        return 0;
      }
      case "kernelspec": {
        const p = parse(rest);
        console.log(specDir(p.scope, p.name));
        return 0;
      }
      case "run":
        return await runCommand(rest);
      case "reproduce":
        return await reproduceCommand(rest);
      case "analyze":
        return await analyze(rest);
      case "sweep":
        return await sweepCommand(rest);
      case "course":
        return await courseCommand(rest);
      case "grade":
        return await gradeCommand(rest);
      case "kernel": {
        const p = parse(rest);
        if (!p.connectionFile) throw new UsageError("optlab kernel needs -f <connection-file>");
        const info = readConnectionFile(p.connectionFile);
        const kernel = new Kernel(info, { historyFile: historyFile() });
        await kernel.start();
        return await new Promise<number>(() => {}); // serves until shutdown_request exits the process
      }
      case undefined:
      case "-h":
      case "--help":
        console.log(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof RunUsageError || e instanceof CourseUsageError || e instanceof SweepUsageError) {
      console.error(`optlab: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof ConnectionFileError || e instanceof InstallError || e instanceof ScopeError) {
      console.error(`optlab ${command}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
