/**
 * Parameter sweeps over a notebook: grid → manifest → a backend runs each point (the notebook
 * runner with injected parameters) → collect tables the results.
 */
export * from "./grid";
export * from "./manifest";
export * from "./point";
export * from "./collect";
export * from "./figure";
export { runLocal } from "./backends/local";
export type { LocalOptions } from "./backends/local";
export { runSlurm, arraySpec, batchScript, SlurmError } from "./backends/slurm";
export type { SlurmOptions } from "./backends/slurm";
export { indexedJob, writeIndexedJob, jobName } from "./backends/k8s";
export type { K8sOptions } from "./backends/k8s";
export { sweepCommand, parseSweepArgs, SWEEP_USAGE, SWEEP_HELP, SweepUsageError } from "./cli";
