import * as ts from "typescript";
import { joinLines, type Cell, type Notebook } from "./notebook";

/** Tag of the cell that declares the notebook's parameters (papermill's convention). */
export const PARAMETERS_TAG = "parameters";
/** Tag of the cell `optlab run --param` inserts after it (papermill's name). */
export const INJECTED_TAG = "injected-parameters";

/** A command-line parameter that is not `name=<JSON>`, or one the notebook does not declare. */
export class ParamError extends Error {
  override name = "ParamError";
}

/** Parses `name=<JSON>` (e.g. `lr=0.5`, `widths='[64,128]'`, `mode='"sgd"'`). */
export function parseParam(arg: string): [string, unknown] {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new ParamError(`--param ${JSON.stringify(arg)}: expected name=<JSON value>, e.g. lr=0.5`);
  const name = arg.slice(0, eq);
  const text = arg.slice(eq + 1);
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new ParamError(`--param ${JSON.stringify(arg)}: ${JSON.stringify(name)} is not an identifier`);
  try {
    return [name, JSON.parse(text)];
  } catch {
    throw new ParamError(`--param ${name}: ${JSON.stringify(text)} is not JSON (strings need JSON quotes: ${name}='"${text}"')`);
  }
}

/** A top-level `let`/`const`/`var` of the parameters cell: its keyword and type annotation (if any). */
interface Declared {
  keyword: "let" | "const" | "var";
  type?: string;
}

/** What a parameters cell declares: top-level variables, and the properties of `const params = {…}`. */
export interface DeclaredParameters {
  variables: Map<string, Declared>;
  /** Property names of an object literal assigned to a top-level `params`, in source order. */
  paramsProperties: string[];
}

/** Reads the declarations of a parameters cell's source (TypeScript syntax). */
export function declaredParameters(source: string): DeclaredParameters {
  const sf = ts.createSourceFile("parameters.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: DeclaredParameters = { variables: new Map(), paramsProperties: [] };
  for (const stmt of sf.statements) {
    if (!ts.isVariableStatement(stmt)) continue;
    const flags = stmt.declarationList.flags;
    const keyword = flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
    for (const d of stmt.declarationList.declarations) {
      if (!ts.isIdentifier(d.name)) continue; // destructuring: nothing to override by name
      out.variables.set(d.name.text, { keyword, type: d.type?.getText(sf) });
      let init = d.initializer;
      while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init))) init = init.expression;
      if (d.name.text === "params" && init && ts.isObjectLiteralExpression(init)) {
        for (const p of init.properties) {
          const n = p.name;
          if (n && (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n))) out.paramsProperties.push(n.text);
        }
      }
    }
  }
  return out;
}

const tags = (c: Cell): string[] => (Array.isArray(c.metadata?.tags) ? c.metadata.tags : []);

/**
 * The source of the injected cell: each parameter declared as a top-level variable is declared
 * again with its keyword and type (the kernel lets a later cell redeclare a name, so `const`
 * works), and properties of `params` are overridden with one `Object.assign(params, {...})`.
 * Throws a ParamError naming the declared parameters when a name is not one of them.
 */
export function injectedSource(declared: DeclaredParameters, params: Record<string, unknown>, file: string): string {
  const lines = ["// Injected by optlab run --param"];
  const props: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    const v = declared.variables.get(name);
    if (v) lines.push(`${v.keyword} ${name}${v.type ? `: ${v.type}` : ""} = ${JSON.stringify(value)};`);
    else if (declared.paramsProperties.includes(name)) props[name] = value;
    else {
      const known = [...declared.variables.keys(), ...declared.paramsProperties].filter((k, i, all) => k !== "params" && all.indexOf(k) === i);
      throw new ParamError(`${file}: --param ${name}: the cell tagged "${PARAMETERS_TAG}" declares no parameter ${JSON.stringify(name)} ` +
        `(it declares ${known.length ? known.join(", ") : "none: declare it there with let/const, or in const params = {…}"})`);
    }
  }
  if (Object.keys(props).length > 0) lines.push(`Object.assign(params, ${JSON.stringify(props, null, 1).replace(/\n\s*/g, " ")});`);
  return lines.join("\n");
}

/**
 * Removes cells injected by an earlier run, then (when `params` is non-empty) inserts after the
 * first code cell tagged `parameters` a code cell tagged `injected-parameters` that overrides the
 * given parameters (see `injectedSource`). Returns the new cell list; throws a ParamError when
 * there are parameters but no parameters cell, or a name the parameters cell does not declare.
 */
export function injectParameters(nb: Notebook, params: Record<string, unknown>, file: string): Cell[] {
  const cells = nb.cells.filter((c) => !tags(c).includes(INJECTED_TAG));
  const names = Object.keys(params);
  if (names.length === 0) return cells;
  const at = cells.findIndex((c) => c.cell_type === "code" && tags(c).includes(PARAMETERS_TAG));
  if (at < 0) {
    throw new ParamError(`${file}: --param ${names.join(", ")} given but no code cell is tagged "${PARAMETERS_TAG}" (the cell declaring \`let lr = 0.1;\` or \`const params = {...}\`)`);
  }
  const cell: Cell = {
    cell_type: "code",
    metadata: { tags: [INJECTED_TAG] },
    source: injectedSource(declaredParameters(joinLines(cells[at].source)), params, file),
    execution_count: null,
    outputs: [],
  };
  if (nb.nbformat_minor >= 5) {
    const ids = new Set(cells.map((c) => c.id));
    let id = INJECTED_TAG;
    for (let i = 2; ids.has(id); i++) id = `${INJECTED_TAG}-${i}`;
    cell.id = id;
  }
  return [...cells.slice(0, at + 1), cell, ...cells.slice(at + 1)];
}
