import { execFileSync, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort } from "../freePort";

/** Daemons and client commands of Debian's slurm-wlm and munge packages. */
const BINARIES = ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/squeue", "/usr/bin/scontrol", "/usr/bin/sinfo"];


/** A one-node Slurm cluster on localhost, started by the test and stopped by `stop`. */
export interface SlurmCluster {
  dir: string;
  /** Environment for Slurm client commands (SLURM_CONF points at the test's slurm.conf). */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

const pidOf = (file: string): number | undefined => {
  try {
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Writes a munge key and a slurm.conf for one node (localhost, all its CPUs; linuxproc process
 * tracking, no task plugin, cons_tres selection, state and spool in a temp dir, root as
 * SlurmUser, free ports), starts munged, slurmctld and slurmd, and waits until the node is idle.
 * Requires root and the Debian packages slurm-wlm and munge (.ci/apt-packages).
 */
export async function startSlurmCluster(): Promise<SlurmCluster> {
  const missing = BINARIES.filter((b) => !fs.existsSync(b));
  if (missing.length > 0) throw new Error(`the Slurm e2e needs the Debian packages slurm-wlm and munge (.ci/apt-packages); missing ${missing.join(", ")}`);
  if (process.getuid?.() !== 0) throw new Error("the Slurm e2e starts slurmd/slurmctld as SlurmUser=root: run it as root");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-slurm-"));
  for (const d of ["munge", "state", "spool", "log"]) fs.mkdirSync(path.join(dir, d), { mode: 0o755 });
  fs.chmodSync(dir, 0o755); // munged wants every directory on the socket's path searchable
  const key = path.join(dir, "munge", "munge.key");
  fs.writeFileSync(key, crypto.randomBytes(128), { mode: 0o400 });
  const socket = path.join(dir, "munge", "munge.socket");
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = path.join(dir, "slurm.conf");
  fs.writeFileSync(conf, [
    "ClusterName=optlabtest",
    "SlurmctldHost=localhost",
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${slurmdPort}`,
    "SlurmUser=root",
    "SlurmdUser=root",
    "AuthType=auth/munge",
    `AuthInfo=socket=${socket}`,
    "CredType=cred/munge",
    "ProctrackType=proctrack/linuxproc",
    "TaskPlugin=task/none",
    "SelectType=select/cons_tres",
    "SelectTypeParameters=CR_Core",
    "SchedulerType=sched/backfill",
    "MpiDefault=none",
    "ReturnToService=2",
    "JobCompType=jobcomp/none",
    "AccountingStorageType=accounting_storage/none",
    `StateSaveLocation=${path.join(dir, "state")}`,
    `SlurmdSpoolDir=${path.join(dir, "spool")}`,
    `SlurmctldPidFile=${path.join(dir, "slurmctld.pid")}`,
    `SlurmdPidFile=${path.join(dir, "slurmd.pid")}`,
    `SlurmctldLogFile=${path.join(dir, "log", "slurmctld.log")}`,
    `SlurmdLogFile=${path.join(dir, "log", "slurmd.log")}`,
    `NodeName=localhost CPUs=${os.cpus().length} State=UNKNOWN`,
    "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP",
    "",
  ].join("\n"));
  const env = { ...process.env, SLURM_CONF: conf };
  const start = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}): ${r.stderr}`);
  };
  const cluster: SlurmCluster = {
    dir,
    env,
    stop() {
      spawnSync("/usr/bin/scontrol", ["shutdown"], { env, encoding: "utf8" });
      const pids = ["slurmctld.pid", "slurmd.pid", path.join("munge", "munged.pid")].map((f) => pidOf(path.join(dir, f)));
      const deadline = Date.now() + 10_000;
      while (pids.slice(0, 2).some(alive) && Date.now() < deadline) spawnSync("sleep", ["0.2"]);
      for (const pid of pids) if (alive(pid)) process.kill(pid!, "SIGTERM");
    },
  };
  try {
    start("/usr/sbin/munged", ["--force", `--socket=${socket}`, `--key-file=${key}`, `--log-file=${path.join(dir, "log", "munged.log")}`,
      `--pid-file=${path.join(dir, "munge", "munged.pid")}`, `--seed-file=${path.join(dir, "munge", "munged.seed")}`]);
    start("/usr/sbin/slurmctld", ["-f", conf]);
    start("/usr/sbin/slurmd", ["-f", conf, "-N", "localhost"]); // the node name, whatever the hostname
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = spawnSync("/usr/bin/sinfo", ["-h", "-o", "%t"], { env, encoding: "utf8" }).stdout?.trim();
      if (state === "idle") break;
      if (Date.now() > deadline) {
        const log = (f: string) => { try { return execFileSync("tail", ["-n", "20", path.join(dir, "log", f)], { encoding: "utf8" }); } catch { return ""; } };
        throw new Error(`the one-node Slurm cluster did not become idle within 60 s (sinfo: ${JSON.stringify(state)})\nslurmctld.log:\n${log("slurmctld.log")}\nslurmd.log:\n${log("slurmd.log")}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (e) {
    cluster.stop();
    throw e;
  }
  return cluster;
}
