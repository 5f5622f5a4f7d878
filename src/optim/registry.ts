import { OptlabError } from "../util/errors";
import type { Optimizer } from "./Optimizer";
import type { ClosureOptimizer } from "./closureOptimizer";
import { sgd } from "./sgd";
import { adam, adamw } from "./adam";
import { adagrad } from "./adagrad";
import { rmsprop } from "./rmsprop";
import { lion, lionKappa } from "./lion";
import { muon } from "./muon";
import { adamp, sgdp } from "./adamp";
import { diffGrad } from "./diffgrad";
import { adahessian } from "./adahessian";
import { mfacSgd } from "./mfac";
import { adagradNorm } from "./adagradNorm";
import { exadam } from "./exadam";
import { exponentiatedGradient } from "./exponentiatedGradient";
import { normalizedMomentum } from "./normalizedMomentum";
import { sam } from "./sam";
import { grNewton } from "./grNewton";
import { lbfgs } from "./lbfgs";
import { cbo } from "./cbo";
import { zerothOrder } from "./zerothOrder";

type Factory = (opts: never) => Optimizer | ClosureOptimizer;

/** Every optimizer by the name a notebook, a widget control or a CLI flag uses. */
const REGISTRY: Record<string, Factory> = {
  sgd, adam, adamw, adagrad, rmsprop, lion, lionKappa, muon, adamp, sgdp, diffGrad, adahessian, mfacSgd, adagradNorm,
  exadam, exponentiatedGradient, normalizedMomentum, sam, grNewton, lbfgs, cbo, zerothOrder,
};

/** Names accepted by `get`, sorted. */
export function names(): string[] {
  return Object.keys(REGISTRY).sort();
}

/**
 * Make an optimizer by name with its options, e.g. `optim.get("lion", { lr: 1e-4 })` — so a
 * LandscapeView control or a config file can pick any of them. Names are case-insensitive.
 */
export function get(name: string, opts: object = {}): Optimizer | ClosureOptimizer {
  const key = Object.keys(REGISTRY).find((k) => k.toLowerCase() === String(name).toLowerCase());
  if (!key) throw new OptlabError(`optim.get: name: unknown optimizer "${String(name)}" (expected one of ${names().join(", ")})`);
  return REGISTRY[key](opts as never);
}
