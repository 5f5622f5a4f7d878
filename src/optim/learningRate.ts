import { OptlabError, check } from "../util/errors";
import { describe } from "./validators";

/**
 * A learning-rate schedule: the learning rate as a function of the 0-based step count `t`
 * (the step about to be taken). `description` says what it is, for records and reports.
 */
export interface Schedule {
  (step: number): number;
  readonly description: string;
}

/** A learning rate: a fixed number or a schedule t ↦ lr (t = 0-based step count). */
export type LearningRate = number | Schedule;

/** Whether `x` is a schedule (a function with a description). */
export function isSchedule(x: unknown): x is Schedule {
  return typeof x === "function" && typeof (x as { description?: unknown }).description === "string";
}

/** Make a schedule from a function and a description. */
export function makeSchedule(fn: (step: number) => number, description: string): Schedule {
  const s = (step: number) => fn(step);
  Object.defineProperty(s, "description", { value: description, enumerable: true });
  return s as Schedule;
}

/** Check that `lr` is a finite non-negative number or a schedule; `where` names the caller. */
export function checkLearningRate(lr: unknown, where: string, name = "lr"): asserts lr is LearningRate {
  if (typeof lr === "number") {
    check(Number.isFinite(lr) && lr >= 0, `${where}: ${name}`, `expected a finite number >= 0, got ${lr}`);
    return;
  }
  check(isSchedule(lr), `${where}: ${name}`, `expected a number or a schedule (optim.constant, optim.cosine, …), got ${describe(lr)}`);
}

/** The learning rate at 0-based step `t`; throws naming `where` if a schedule gives a negative or non-finite value. */
export function lrAt(lr: LearningRate, t: number, where = "lr"): number {
  const v = typeof lr === "number" ? lr : lr(t);
  if (!(typeof v === "number" && Number.isFinite(v) && v >= 0)) {
    throw new OptlabError(`${where}: lr: schedule ${typeof lr === "number" ? "" : `"${lr.description}" `}gave ${String(v)} at step ${t}; expected a finite number >= 0`);
  }
  return v;
}

/** A learning rate as it should appear in `hyper`: the number, or the schedule's description. */
export function lrRecord(lr: LearningRate): number | string {
  return typeof lr === "number" ? lr : lr.description;
}
