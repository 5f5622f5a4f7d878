import { fromFlatValues } from "../autodiff/ravel";
import type { Params } from "../autodiff/params";
import { check, checkOptions } from "../util/errors";
import { checkInteger, checkOptionsObject, checkUnitInterval, type Optimizer, type OptimizerState } from "./Optimizer";
import { readFlat } from "./flatState";

export interface AveragingOptions {
  /**
   * "polyak": uniform average of all iterates θ_1..θ_t (Polyak & Juditsky, 1992);
   * "suffix": uniform average of θ_k for k > `start` (tail/suffix averaging, Rakhlin et al., 2012);
   * "ema": exponential moving average with `decay`. Default "polyak".
   */
  mode?: "polyak" | "suffix" | "ema";
  /** Suffix averaging: iterates after this many steps are averaged (default 0). */
  start?: number;
  /** EMA decay in [0, 1) (default 0.999). */
  decay?: number;
}

/** An optimizer that also keeps an average of its iterates. */
export interface AveragedOptimizer extends Optimizer {
  /** The averaged parameters as a new tree shaped like `like` (the last iterate if nothing averaged yet). */
  averaged<P extends Params>(like: P): P;
  /** Number of iterates in the average. */
  readonly averagedCount: number;
}

/**
 * Wrap an optimizer so that it keeps an average of the iterates it produces (the parameters after
 * each step), for comparing the last iterate with Polyak, suffix or EMA averages. Stepping is
 * unchanged; read the average with `averaged(params)`. State: the inner state plus the slots
 * `average` and `averageMeta` ([count]).
 */
export function averaged(inner: Optimizer, opts?: AveragingOptions): AveragedOptimizer {
  const where = "averaged";
  check(inner !== null && typeof inner === "object" && typeof inner.step === "function", `${where}: inner`, "expected an optimizer");
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["mode", "start", "decay"], where);
  const { mode = "polyak", start = 0, decay = 0.999 } = opts ?? {};
  check(["polyak", "suffix", "ema"].includes(mode), `${where}: mode`, `expected "polyak", "suffix" or "ema", got ${String(mode)}`);
  checkInteger(start, "start", where, 0);
  checkUnitInterval(decay, "decay", where);
  let avg: Float64Array | null = null;
  let count = 0;
  let last: Float64Array | null = null;
  const name = `averaged(${inner.name})`;
  return {
    name,
    get hyper() {
      return { ...inner.hyper, averaging: mode, start, decay };
    },
    get stepCount() {
      return inner.stepCount;
    },
    get averagedCount() {
      return count;
    },
    lastLr: () => inner.lastLr(),
    step(params: Params, grads: Params) {
      inner.step(params, grads);
      const theta = readFlat(params);
      last = theta;
      if (mode === "suffix" && inner.stepCount <= start) return;
      if (!avg || avg.length !== theta.length) {
        avg = theta.slice();
        count = 1;
        return;
      }
      count++;
      const w = mode === "ema" ? 1 - decay : 1 / count;
      for (let j = 0; j < theta.length; j++) avg[j] += w * (theta[j] - avg[j]);
    },
    averaged<P extends Params>(like: P): P {
      const src = avg ?? last ?? readFlat(like);
      return fromFlatValues(src, like);
    },
    state(): OptimizerState {
      const s = inner.state();
      return { ...s, name, slots: { ...s.slots, average: avg ? [avg.slice()] : [], averageMeta: [Float64Array.of(count)] } };
    },
    load(state: OptimizerState) {
      check(state !== null && typeof state === "object" && state.name === name, `${where}.load: state.name`, `state was saved by "${String(state?.name)}", not "${name}"`);
      const { average, averageMeta, ...rest } = state.slots as Record<string, Float64Array[]>;
      inner.load({ ...state, name: inner.name, slots: rest });
      avg = average && average.length ? average[0].slice() : null;
      count = averageMeta ? averageMeta[0][0] : 0;
    },
    reset() {
      inner.reset();
      avg = null;
      last = null;
      count = 0;
    },
  };
}
