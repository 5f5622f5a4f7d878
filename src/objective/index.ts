export type { Objective, Linearization, Batch } from "./Objective";
export { objective } from "./fromFunction";
export { modelObjective, type ModelObjectiveOptions } from "./modelObjective";
export { functionsObjective, type ObjectiveFunctions } from "./functionsObjective";
export { treeObjective, type TreeObjectiveSpec } from "./treeObjective";
export { checkFiniteBlocks, firstNonFinite } from "./finite";
export { splitTarget, resolveObjective, isObjective, isModel, type Target, type ResolvedTarget } from "./target";
