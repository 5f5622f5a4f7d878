import * as fs from "fs";

/**
 * A sweep grid: each parameter name with the values it takes. The points are the cartesian
 * product, enumerated with the last parameter varying fastest (like nested for-loops written in
 * the grid's order), so point i of a grid is the same on every machine that reads it.
 *
 * grid.json format — one JSON object mapping each parameter to a non-empty array of JSON values:
 *
 * ```json
 * { "seed": [0, 1, 2], "lr": [0.1, 0.5], "mode": ["sgd", "adam"] }
 * ```
 */
export type Grid = Record<string, unknown[]>;

/** One point of a grid: a value for every parameter. */
export type Point = Record<string, unknown>;

/** A grid that cannot be read or expanded; the message names the argument at fault. */
export class GridError extends Error {
  override name = "GridError";
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Checks a parsed grid object; `where` names its source (e.g. `--grid g.json`) in errors. */
export function validateGrid(raw: unknown, where: string): Grid {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new GridError(`${where}: expected a JSON object { "name": [values…], … }, got ${Array.isArray(raw) ? "an array" : raw === null ? "null" : typeof raw}`);
  }
  const grid: Grid = {};
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length === 0) throw new GridError(`${where}: expected at least one parameter, got {}`);
  for (const [name, values] of entries) {
    if (!IDENTIFIER.test(name)) throw new GridError(`${where}: parameter ${JSON.stringify(name)} is not an identifier (the notebook's parameters cell declares it as a variable or a property of params)`);
    if (!Array.isArray(values) || values.length === 0) {
      throw new GridError(`${where}: parameter ${name}: expected a non-empty array of values, got ${JSON.stringify(values)}`);
    }
    const seen = new Set<string>();
    for (const v of values) {
      const key = JSON.stringify(v);
      if (seen.has(key)) throw new GridError(`${where}: parameter ${name}: value ${key} appears twice`);
      seen.add(key);
    }
    grid[name] = values;
  }
  return grid;
}

/** Reads a grid.json file (format: see {@link Grid}). */
export function readGrid(file: string): Grid {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new GridError(`--grid ${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new GridError(`--grid ${file}: not JSON: ${(e as Error).message}`);
  }
  return validateGrid(raw, `--grid ${file}`);
}

/**
 * Parses one `-p name=v1,v2,…` argument: the values are a comma-separated list of JSON values
 * (`lr=0.1,0.5`, `widths=[64,64],[128]`, `mode='"sgd","adam"'`). Returns `[name, values]`.
 */
export function parseSweepParam(arg: string): [string, unknown[]] {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new GridError(`-p ${JSON.stringify(arg)}: expected name=v1,v2,… (JSON values), e.g. lr=0.1,0.5`);
  const name = arg.slice(0, eq);
  const text = arg.slice(eq + 1);
  if (!IDENTIFIER.test(name)) throw new GridError(`-p ${JSON.stringify(arg)}: ${JSON.stringify(name)} is not an identifier`);
  if (text.trim() === "") throw new GridError(`-p ${name}: expected at least one value after "=", e.g. ${name}=0.1,0.5`);
  let values: unknown;
  try {
    // A comma-separated list of JSON values is the inside of a JSON array.
    values = JSON.parse(`[${text}]`);
  } catch {
    throw new GridError(`-p ${name}: ${JSON.stringify(text)} is not a comma-separated list of JSON values (strings need JSON quotes: ${name}='${text.split(",").map((v) => JSON.stringify(v.trim())).join(",")}')`);
  }
  return [name, validateGrid({ [name]: values }, `-p ${name}`)[name]];
}

/** Builds a grid from `-p` arguments; a parameter given twice is an error. */
export function gridFromParams(args: string[]): Grid {
  const grid: Grid = {};
  for (const a of args) {
    const [name, values] = parseSweepParam(a);
    if (name in grid) throw new GridError(`-p ${name}: given twice (list all its values in one -p ${name}=v1,v2,…)`);
    grid[name] = values;
  }
  return grid;
}

/** Number of points of a grid: the product of the value counts. */
export function gridSize(grid: Grid): number {
  return Object.values(grid).reduce((n, v) => n * v.length, 1);
}

/** Point `index` (0-based) of the grid, last parameter fastest. */
export function gridPoint(grid: Grid, index: number): Point {
  const size = gridSize(grid);
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new GridError(`point index: expected an integer in [0, ${size - 1}], got ${index}`);
  }
  const names = Object.keys(grid);
  const point: Point = {};
  let rest = index;
  for (let k = names.length - 1; k >= 0; k--) {
    const values = grid[names[k]];
    point[names[k]] = values[rest % values.length];
    rest = Math.floor(rest / values.length);
  }
  // Keep the grid's parameter order in the object.
  return Object.fromEntries(names.map((n) => [n, point[n]]));
}

/** All points of the grid, in index order. */
export function expandGrid(grid: Grid): Point[] {
  return Array.from({ length: gridSize(grid) }, (_, i) => gridPoint(grid, i));
}
