import { fromFlatValues } from "../autodiff/ravel";
import type { Params } from "../autodiff/params";
import { check, checkOptions } from "../util/errors";
import { readFlat } from "./layout";
import type { Optimizer, PureOptimizer } from "./Optimizer";
import { checkSlots } from "./state";
import { checkInteger, checkOptionsObject, checkUnitInterval } from "./validators";
import { Stepper } from "./withStep";

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
  /** The averaged parameters as a new tree shaped like `like` (`like`'s values if nothing is averaged yet). */
  averaged<P extends Params>(like: P): P;
  /** Number of iterates in the average. */
  readonly averagedCount: number;
}

const OWN = ["average", "averageMeta"] as const;

/**
 * Wrap an optimizer so that it keeps an average of the iterates it produces (the parameters after
 * each step), for comparing the last iterate with Polyak, suffix or EMA averages. Stepping is
 * unchanged; read the average with `averaged(params)`. State: the inner state plus the slots
 * `average` (p values) and `averageMeta` ([count]). Pure like every optimizer: `update` runs the
 * inner `update` and then folds the new θ into the average.
 */
export function averaged(inner: Optimizer, opts?: AveragingOptions): AveragedOptimizer {
  const where = "averaged";
  check(
    inner !== null && typeof inner === "object" && typeof inner.update === "function" && !(inner as { usesClosure?: unknown }).usesClosure,
    `${where}: inner`,
    "expected a gradient optimizer (e.g. optim.sgd({ lr: 0.1 }))",
  );
  checkOptionsObject(opts, where, false);
  checkOptions(opts, ["mode", "start", "decay"], where);
  const { mode = "polyak", start = 0, decay = 0.999 } = opts ?? {};
  check(["polyak", "suffix", "ema"].includes(mode), `${where}: mode`, `expected "polyak", "suffix" or "ema", got ${String(mode)}`);
  checkInteger(start, "start", where, 0);
  checkUnitInterval(decay, "decay", where);
  const name = `averaged(${inner.name})`;
  const hyper = Object.freeze({ ...inner.hyper, averaging: mode, start, decay });
  const slotNames = Object.freeze([...inner.slotNames, ...OWN]);
  const core: PureOptimizer = {
    name,
    hyper,
    slotNames,
    init(theta, blocks) {
      const s = inner.init(theta, blocks);
      return { ...s, name, hyper, slots: { ...s.slots, average: [new Float64Array(theta.length)], averageMeta: [Float64Array.of(0)] } };
    },
    update(grads, state, theta) {
      checkSlots(state, name, slotNames, `${name}.update`);
      const { average, averageMeta, ...rest } = state.slots;
      check(average.length === 1, `${name}.update: state`, `it has no buffers yet; start from ${name}.init(theta)`);
      const r = inner.update(grads, { ...state, name: inner.name, hyper: inner.hyper, slots: rest }, theta);
      const th = r.theta;
      let avg = average[0];
      let count = averageMeta[0][0];
      if (!(mode === "suffix" && r.state.stepCount <= start)) {
        if (count === 0 || avg.length !== th.length) {
          avg = th.slice();
          count = 1;
        } else {
          avg = avg.slice();
          count++;
          const w = mode === "ema" ? 1 - decay : 1 / count;
          for (let j = 0; j < th.length; j++) avg[j] += w * (th[j] - avg[j]);
        }
      }
      return { theta: th, state: { ...r.state, name, hyper, slots: { ...r.state.slots, average: [avg], averageMeta: [Float64Array.of(count)] } } };
    },
  };
  return new AveragedStepper(core);
}

class AveragedStepper extends Stepper implements AveragedOptimizer {
  get averagedCount(): number {
    const meta = this.current.slots.averageMeta;
    return meta.length ? meta[0][0] : 0;
  }

  averaged<P extends Params>(like: P): P {
    const avg = this.current.slots.average;
    return fromFlatValues(this.averagedCount > 0 ? avg[0] : readFlat(like), like);
  }
}
