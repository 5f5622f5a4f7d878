import type { Params } from "../autodiff/params";
import type { Network } from "../nn/network";
import { lenet5 } from "../nn/models/lenet5";
import { resnetCifar } from "../nn/models/resnet";
import { vitTiny, grokkingTransformer } from "../nn/models/transformer";
import { OptlabError } from "../util/errors";

/**
 * The model architectures `optlab analyze --arch` builds before it loads a PyTorch state dict
 * into them: a name and its construction options, written `name` or `name:key=value,key=value`
 * (e.g. `resnet:blocks=1,width=4`). Options are the ones of the builder in nn.models.
 */

type OptionKind = "int" | "bool" | readonly string[];

interface Architecture {
  /** The builder in nn (for messages). */
  builder: string;
  options: Record<string, OptionKind>;
  build(opts: Record<string, unknown>): Network<Params>;
}

export const ARCHITECTURES: Record<string, Architecture> = {
  lenet5: {
    builder: "nn.lenet5",
    options: { channels: "int", size: ["28", "32"], classes: "int", activation: ["relu", "tanh"], pooling: ["max", "avg"] },
    build: (o) => lenet5({ ...o, size: o.size === undefined ? undefined : (Number(o.size) as 28 | 32) }),
  },
  resnet: {
    builder: "nn.resnetCifar",
    options: { blocks: "int", width: "int", channels: "int", size: "int", classes: "int" },
    build: (o) => resnetCifar(o),
  },
  vit: {
    builder: "nn.vitTiny",
    options: { patch: "int", dim: "int", depth: "int", heads: "int", channels: "int", size: "int", classes: "int" },
    build: (o) => vitTiny(o),
  },
  grokking: {
    builder: "nn.grokkingTransformer",
    options: { p: "int", dim: "int", depth: "int", heads: "int", layerNorm: "bool" },
    build: (o) => grokkingTransformer(o),
  },
};

/** Other names users reach for: the builders' own names and the usual depth names. */
const ALIASES: Record<string, { arch: string; options?: Record<string, string> }> = {
  "lenet-5": { arch: "lenet5" },
  resnetcifar: { arch: "resnet" },
  resnet8: { arch: "resnet", options: { blocks: "1" } },
  resnet20: { arch: "resnet", options: { blocks: "3" } },
  resnet32: { arch: "resnet", options: { blocks: "5" } },
  vittiny: { arch: "vit" },
  "vit-tiny": { arch: "vit" },
  grokkingtransformer: { arch: "grokking" },
};

/** An architecture by name with its options, as `--arch` spells it. */
export interface ArchitectureSpec {
  /** One of ARCHITECTURES' keys (lenet5, resnet, vit, grokking). */
  name: string;
  /** Builder options (numbers, booleans, strings); the builder's defaults fill the rest. */
  options: Record<string, unknown>;
}

/** What `--arch` accepts, for help and error messages. */
export function architectureList(): string {
  return Object.entries(ARCHITECTURES)
    .map(([name, a]) => `${name} (${a.builder}: ${Object.entries(a.options).map(([k, kind]) => `${k}=${Array.isArray(kind) ? kind.join("|") : kind}`).join(", ")})`)
    .join("; ");
}

/**
 * Parses `name[:key=value,…]`. Unknown names and options, and values of the wrong kind, are
 * errors that list what is accepted.
 */
export function parseArchitecture(text: string): ArchitectureSpec {
  if (typeof text !== "string" || text.trim() === "") throw new OptlabError(`arch: expected an architecture name, one of ${Object.keys(ARCHITECTURES).join(", ")}`);
  const colon = text.indexOf(":");
  const rawName = (colon < 0 ? text : text.slice(0, colon)).trim();
  const alias = ALIASES[rawName.toLowerCase()];
  const name = alias ? alias.arch : rawName;
  const arch = ARCHITECTURES[name];
  if (!arch) throw new OptlabError(`arch: unknown architecture '${rawName}' (expected one of ${Object.keys(ARCHITECTURES).join(", ")}; also ${Object.keys(ALIASES).join(", ")})`);
  const pairs: [string, string][] = Object.entries(alias?.options ?? {});
  const rest = colon < 0 ? "" : text.slice(colon + 1).trim();
  if (rest !== "") {
    for (const part of rest.split(",")) {
      const eq = part.indexOf("=");
      if (eq < 0) throw new OptlabError(`arch: '${part.trim()}' in '${text}' is not key=value (write ${name}:key=value,key=value)`);
      pairs.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
    }
  }
  const options: Record<string, unknown> = {};
  for (const [k, v] of pairs) {
    const kind = arch.options[k];
    if (!kind) throw new OptlabError(`arch: ${name} has no option '${k}' (expected ${Object.keys(arch.options).join(", ")})`);
    if (kind === "int") {
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new OptlabError(`arch: ${name} option ${k}: expected a positive integer, got '${v}'`);
      options[k] = Number(v);
    } else if (kind === "bool") {
      if (v !== "true" && v !== "false") throw new OptlabError(`arch: ${name} option ${k}: expected true or false, got '${v}'`);
      options[k] = v === "true";
    } else {
      if (!kind.includes(v)) throw new OptlabError(`arch: ${name} option ${k}: expected one of ${kind.join(", ")}, got '${v}'`);
      options[k] = v;
    }
  }
  return { name, options };
}

/** `name:key=value,…` of a spec (the form parseArchitecture reads), for reports. */
export function formatArchitecture(spec: ArchitectureSpec): string {
  const opts = Object.entries(spec.options).map(([k, v]) => `${k}=${String(v)}`).join(",");
  return opts ? `${spec.name}:${opts}` : spec.name;
}

/** A float64 network of the architecture, seed 0 (its parameters are replaced by the loader). */
export function buildArchitecture(spec: ArchitectureSpec): Network<Params> {
  const arch = ARCHITECTURES[spec.name];
  if (!arch) throw new OptlabError(`arch: unknown architecture '${spec.name}' (expected one of ${Object.keys(ARCHITECTURES).join(", ")})`);
  try {
    return arch.build({ ...spec.options, seed: 0, dtype: "f64" });
  } catch (e) {
    if (e instanceof OptlabError) throw new OptlabError(`arch: ${formatArchitecture(spec)}: ${e.message}`);
    throw e;
  }
}
