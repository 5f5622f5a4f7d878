import { check, checkOptions } from "../util/errors";
import { checkInteger, checkNonNegative, checkOptionsObject, checkPositive } from "./validators";
import { checkLearningRate, isSchedule, makeSchedule, type LearningRate, type Schedule } from "./learningRate";

/*
 * Learning-rate schedules: functions of the 0-based step count t (the step about to be taken).
 * Each checks its argument (t must be a finite number >= 0) and carries a description.
 */

function checkStep(t: number, where: string): void {
  check(typeof t === "number" && Number.isFinite(t) && t >= 0, `${where}: step`, `expected a finite step count >= 0, got ${String(t)}`);
}

function checkBaseLr(lr: unknown, where: string): asserts lr is number {
  checkNonNegative(lr, "lr", where);
}

/** lr(t) = lr. */
export function constant(lr: number): Schedule {
  checkBaseLr(lr, "constant");
  return makeSchedule((t) => {
    checkStep(t, "constant");
    return lr;
  }, `constant(${lr})`);
}

export interface StepDecayOptions {
  /** Steps between decays (integer >= 1). */
  stepSize: number;
  /** Multiplicative factor per decay, > 0 (default 0.1). */
  gamma?: number;
}

/** lr(t) = lr · gamma^⌊t / stepSize⌋ (PyTorch's StepLR). */
export function stepDecay(lr: number, opts: StepDecayOptions): Schedule {
  const where = "stepDecay";
  checkBaseLr(lr, where);
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["stepSize", "gamma"], where);
  const { stepSize, gamma = 0.1 } = opts;
  checkInteger(stepSize, "stepSize", where, 1);
  checkPositive(gamma, "gamma", where);
  return makeSchedule((t) => {
    checkStep(t, where);
    return lr * Math.pow(gamma, Math.floor(t / stepSize));
  }, `stepDecay(${lr}, stepSize=${stepSize}, gamma=${gamma})`);
}

export interface ExponentialOptions {
  /** Multiplicative factor per step, > 0. */
  gamma: number;
}

/** lr(t) = lr · gamma^t (PyTorch's ExponentialLR). */
export function exponential(lr: number, opts: ExponentialOptions): Schedule {
  const where = "exponential";
  checkBaseLr(lr, where);
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["gamma"], where);
  const { gamma } = opts;
  checkPositive(gamma, "gamma", where);
  return makeSchedule((t) => {
    checkStep(t, where);
    return lr * Math.pow(gamma, t);
  }, `exponential(${lr}, gamma=${gamma})`);
}

export interface CosineOptions {
  /** Length T of the decay (integer >= 1); lr(t) = minLr for t >= T. */
  totalSteps: number;
  /** Final learning rate (default 0). */
  minLr?: number;
}

/**
 * Cosine annealing without restarts (Loshchilov & Hutter, 2017):
 * lr(t) = minLr + (lr − minLr) · (1 + cos(π·t/T)) / 2 for t < T, and minLr for t >= T.
 */
export function cosine(lr: number, opts: CosineOptions): Schedule {
  const where = "cosine";
  checkBaseLr(lr, where);
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["totalSteps", "minLr"], where);
  const { totalSteps, minLr = 0 } = opts;
  checkInteger(totalSteps, "totalSteps", where, 1);
  checkNonNegative(minLr, "minLr", where);
  return makeSchedule((t) => {
    checkStep(t, where);
    if (t >= totalSteps) return minLr;
    return minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * t) / totalSteps))) / 2;
  }, `cosine(${lr}, totalSteps=${totalSteps}, minLr=${minLr})`);
}

export interface LinearDecayOptions {
  /** Length T of the decay (integer >= 1); lr(t) = end for t >= T. */
  totalSteps: number;
  /** Final learning rate (an absolute value, not a factor; default 0). */
  end?: number;
}

/**
 * Linear decay from lr to `end` over T steps: lr(t) = end + (lr − end)·(1 − t/T) for t < T, and
 * `end` for t >= T. With end = 0 this is lr·(1 − t/T).
 */
export function linearDecay(lr: number, opts: LinearDecayOptions): Schedule {
  const where = "linearDecay";
  checkBaseLr(lr, where);
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["totalSteps", "end"], where);
  const { totalSteps, end = 0 } = opts;
  checkInteger(totalSteps, "totalSteps", where, 1);
  checkNonNegative(end, "end", where);
  return makeSchedule((t) => {
    checkStep(t, where);
    if (t >= totalSteps) return end;
    return end + (lr - end) * (1 - t / totalSteps);
  }, `linearDecay(${lr}, totalSteps=${totalSteps}, end=${end})`);
}

export interface WarmupOptions {
  /** Number W of warmup steps (integer >= 1). */
  steps: number;
  /** Factor of the first step's lr, in [0, 1] (default 0). */
  startFactor?: number;
  /**
   * Whether the wrapped schedule starts after the warmup (default true): lr(t) = inner(t − W) for
   * t >= W. With `shift: false` the wrapped schedule runs on the global clock: lr(t) = inner(t).
   */
  shift?: boolean;
}

/**
 * Linear warmup in front of a schedule (or a fixed lr). For t < W the lr ramps linearly,
 *
 *     lr(t) = (startFactor + (1 − startFactor)·t/W) · inner(s),   s = 0 (shift) or t (no shift)
 *
 * and for t >= W it is inner(t − W) (shift, the default — so e.g. `warmup(cosine(lr, {totalSteps:
 * T − W}), {steps: W})` warms up for W steps then decays over the remaining T − W), or inner(t)
 * without shift. With startFactor = 0 the first step (t = 0) has lr 0.
 */
export function warmup(schedule: LearningRate, opts: WarmupOptions): Schedule {
  const where = "warmup";
  checkLearningRate(schedule, where, "schedule");
  checkOptionsObject(opts, where, true);
  checkOptions(opts, ["steps", "startFactor", "shift"], where);
  const { steps, startFactor = 0, shift = true } = opts;
  checkInteger(steps, "steps", where, 1);
  checkNonNegative(startFactor, "startFactor", where);
  check(startFactor <= 1, `${where}: startFactor`, `expected a number in [0, 1], got ${startFactor}`);
  check(typeof shift === "boolean", `${where}: shift`, `expected true or false, got ${String(shift)}`);
  const inner: Schedule = isSchedule(schedule) ? schedule : constant(schedule);
  return makeSchedule((t) => {
    checkStep(t, where);
    if (t < steps) return (startFactor + ((1 - startFactor) * t) / steps) * inner(shift ? 0 : t);
    return inner(shift ? t - steps : t);
  }, `warmup(${inner.description}, steps=${steps}, startFactor=${startFactor}, shift=${shift})`);
}
