import { OptlabError, check } from "../util/errors";
import type { FlatBlock } from "./layout";
import { checkInteger } from "./validators";

/**
 * Serialisable optimizer state (a plain object of numbers, strings and Float64Arrays): the step
 * count, the lr of the last step, the optimizer's named float64 buffers ("slots": momentum,
 * first/second moments, …) and the layout of θ it was made for.
 *
 * Each slot holds ONE flat buffer, wrapped in a one-element array: for per-coordinate slots it is
 * laid out like θ (leaf `blocks[i]` at `offset … offset + size`); some optimizers keep other sizes
 * (M-FAC's gradient window, AdaGrad-Norm's scalar). Before an optimizer has seen parameters the
 * slots are empty arrays and `blocks` is absent. States are values: `update` returns a new one and
 * never writes into the one it was given.
 */
export interface OptimizerState {
  readonly name: string;
  readonly stepCount: number;
  /** lr used by the last step; NaN before the first. */
  readonly lastLr: number;
  readonly slots: Readonly<Record<string, readonly Float64Array[]>>;
  /** Hyperparameters at the time of saving (informational; `load` does not check them). */
  readonly hyper: Record<string, unknown>;
  /** The leaves' places in θ this state was made for (absent before the first step). */
  readonly blocks?: readonly FlatBlock[];
}

/** The state of an optimizer that has not seen parameters yet: step 0, empty slots, no layout. */
export function emptyState(name: string, slotNames: readonly string[], hyper: Record<string, unknown>): OptimizerState {
  return { name, stepCount: 0, lastLr: NaN, slots: Object.fromEntries(slotNames.map((s) => [s, []])), hyper };
}

/** A deep copy (buffers sliced), so a saved state never aliases a live one. */
export function cloneState(s: OptimizerState): OptimizerState {
  const slots: Record<string, Float64Array[]> = {};
  for (const [k, v] of Object.entries(s.slots)) slots[k] = v.map((b) => b.slice());
  const out: OptimizerState = { name: s.name, stepCount: s.stepCount, lastLr: s.lastLr, slots, hyper: { ...s.hyper } };
  return s.blocks ? { ...out, blocks: s.blocks.map((b) => ({ ...b, shape: [...b.shape] })) } : out;
}

/** Check a state object's common fields; throws OptlabError naming the field. */
export function checkStateHeader(state: OptimizerState, name: string, where: string): void {
  check(state !== null && typeof state === "object", `${where}: state`, `expected an object from state() or init(), got ${String(state)}`);
  check(state.name === name, `${where}: state.name`, `state was saved by "${String(state.name)}", not "${name}"`);
  checkInteger(state.stepCount, "state.stepCount", where, 0);
  check(typeof state.lastLr === "number", `${where}: state.lastLr`, `expected a number, got ${String(state.lastLr)}`);
}

/**
 * Check that `state` is a state of the optimizer `name` with exactly the slots `slotNames`, each
 * either empty (before the first step) or one Float64Array, all in the same condition; returns
 * whether the buffers are present.
 */
export function checkSlots(state: OptimizerState, name: string, slotNames: readonly string[], where: string): boolean {
  checkStateHeader(state, name, where);
  check(state.slots !== null && typeof state.slots === "object", `${where}: state.slots`, "expected an object of named buffers");
  const given = Object.keys(state.slots).sort();
  const want = [...slotNames].sort();
  check(
    given.length === want.length && given.every((s, i) => s === want[i]),
    `${where}: state.slots`,
    `expected slots [${want.join(", ")}], got [${given.join(", ")}] (were the hyperparameters, e.g. momentum or amsgrad, the same?)`,
  );
  let present: boolean | null = null;
  for (const s of slotNames) {
    const v = state.slots[s];
    check(Array.isArray(v) && v.length <= 1, `${where}: state.slots.${s}`, "expected [] or [Float64Array]");
    if (v.length === 1) check(v[0] instanceof Float64Array, `${where}: state.slots.${s}[0]`, "expected a Float64Array");
    if (present === null) present = v.length === 1;
    else check(present === (v.length === 1), `${where}: state.slots.${s}`, "some slots have buffers and others not");
  }
  const has = present ?? state.blocks !== undefined;
  if (slotNames.length > 0 && !has && state.stepCount !== 0) {
    throw new OptlabError(`${where}: state.slots: no buffers but stepCount is ${state.stepCount}`);
  }
  if (has) check(Array.isArray(state.blocks), `${where}: state.blocks`, "a state with buffers needs the layout `blocks` it was made for");
  return has;
}
