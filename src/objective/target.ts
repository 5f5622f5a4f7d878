import type { Dataset } from "../data/Dataset";
import type { Model } from "../nn/Model";
import type { Params } from "../autodiff/params";
import { OptlabError, checkOptions } from "../util/errors";
import type { Objective } from "./Objective";
import { modelObjective, type ModelObjectiveOptions } from "./modelObjective";

/** What a θ-space analysis runs on: an Objective, or a model followed by its data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any parameter tree
export type Target = Objective<any> | Model<any>;

/** A resolved target: the Objective itself, or the (model, data) pair. */
export type ResolvedTarget = Objective | { model: Model; data: Dataset };

/** Whether `x` is an Objective (has `linearize`, `p` and `blocks`). */
export function isObjective(x: unknown): x is Objective {
  return typeof x === "object" && x !== null && typeof (x as Objective).linearize === "function" && typeof (x as Objective).p === "number" && Array.isArray((x as Objective).blocks);
}

/** Whether `x` is a Model (has `apply` and `params`). */
export function isModel(x: unknown): x is Model {
  return typeof x === "object" && x !== null && typeof (x as Model).apply === "function" && "params" in x;
}

/**
 * The one parser of the two calling conventions every analysis shares: `f(objective, opts)` and
 * `f(model, data, opts)`. Returns the target and the options object (not yet checked).
 */
export function splitTarget<O>(where: string, a: unknown, b: unknown, c: unknown): { target: ResolvedTarget; opts: O } {
  if (isObjective(a)) {
    if (c !== undefined) throw new OptlabError(`${where}: with an Objective the options come second: ${where}(objective, opts)`);
    if (b !== undefined && (typeof b !== "object" || b === null)) throw new OptlabError(`${where}: opts: expected an object`);
    return { target: a, opts: (b ?? {}) as O };
  }
  if (isModel(a)) {
    const d = b as Dataset;
    if (typeof d !== "object" || d === null || !d.x || !d.y) throw new OptlabError(`${where}: data: expected a Dataset {x, y, labels, …} after the model, got ${d === null ? "null" : typeof d}`);
    if (c !== undefined && (typeof c !== "object" || c === null)) throw new OptlabError(`${where}: opts: expected an object`);
    return { target: { model: a, data: d }, opts: (c ?? {}) as O };
  }
  throw new OptlabError(`${where}: target: expected (model, data, opts) or (objective, opts) where objective comes from objective(f, params), modelObjective or functionsObjective`);
}

/**
 * Split the calling convention, check option names (the model form also takes `loss` and
 * `indices`) and build the Objective.
 */
export function resolveObjective<O extends object>(where: string, a: unknown, b: unknown, c: unknown, allowed: readonly string[]): { obj: Objective; opts: O & ModelObjectiveOptions } {
  const { target, opts } = splitTarget<O & ModelObjectiveOptions>(where, a, b, c);
  if (isObjective(target)) {
    checkOptions(opts, allowed, where);
    return { obj: target, opts };
  }
  checkOptions(opts, [...allowed, "loss", "indices"], where);
  return { obj: modelObjective(target.model as Model<Params>, target.data, { loss: opts.loss, indices: opts.indices }), opts };
}
