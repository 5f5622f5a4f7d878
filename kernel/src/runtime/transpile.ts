import * as path from "path";
import type * as TS from "typescript";
import { expandShorthandProperties } from "./shorthand";

/**
 * A cell compiled without the type checker: syntax only, so it costs a parse, a bind and one
 * `transpileModule` (well under a millisecond for a short cell) instead of a program rebuild.
 * The output has the shape tslab's converter gives the executor: a CommonJS body whose top-level
 * declarations land on `exports`, references to earlier cells' values read `exports.<name>`, and
 * the last expression statement is stored in `exports[lastExpressionVar]`.
 */
export interface TranspiledCell {
  /** CommonJS code to run inside `function (exports, require) { ... }`. */
  output: string;
  /** The cell awaits at top level: run it inside an async function. */
  hasToplevelAwait: boolean;
  /** Name under `exports` holding the value of the cell's last expression, if it ends in one. */
  lastExpressionVar?: string;
  /** The cell imports a relative module (a `.ts` file next to the notebook, a `//%module` cell). */
  importsRelative: boolean;
}

/** A syntax error, positioned in the cell (0-based line and character). */
export interface SyntaxDiagnostic {
  line: number;
  character: number;
  messageText: string;
}

/** tslab's TypeScript fork: the same compiler the checker uses, so both parse cells alike. */
let tsModule: typeof TS | undefined;
export function compiler(): typeof TS {
  const tslabDir = path.dirname(require.resolve("tslab/package.json"));
  return (tsModule ??= require(require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] })) as typeof TS);
}

/** Internal compiler entry points (present at runtime in TypeScript 5.0, not in its .d.ts). */
interface TsInternals {
  bindSourceFile(file: TS.SourceFile, options: TS.CompilerOptions): void;
  isDeclarationName(node: TS.Node): boolean;
}
type Bound = TS.Node & { locals?: Map<string, TS.Symbol>; symbol?: TS.Symbol };

const LAST_EXPR = "tsLastExpr";

/**
 * Transpiles one cell. `previous` holds the names earlier cells defined (the executor's exports):
 * a reference to one of them that no declaration in the cell shadows becomes `exports.<name>`.
 * Returns the syntax errors instead when the cell does not parse.
 *
 * Most cells take the quick route: types are blanked out in place (same lines and columns, so
 * stack traces point into the cell as written) and the cell's top-level declarations are copied
 * onto `exports` as they run. Cells using TypeScript constructs that generate code (enums,
 * namespaces, decorators, parameter properties), imports, or anything the blanking does not
 * cover go through `ts.transpileModule` instead (a few milliseconds: it builds a program).
 */
export function transpileCell(source: string, previous: ReadonlySet<string>): TranspiledCell | { syntaxErrors: SyntaxDiagnostic[] } {
  const ts = compiler();
  const internals = ts as unknown as TsInternals;
  const src = expandShorthandProperties(source);
  const sf = ts.createSourceFile("cell.ts", src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const parseDiags = (sf as unknown as { parseDiagnostics: TS.DiagnosticWithLocation[] }).parseDiagnostics;
  if (parseDiags.length > 0) {
    return {
      syntaxErrors: parseDiags.map((d) => {
        const { line, character } = sf.getLineAndCharacterOfPosition(d.start);
        return { line, character, messageText: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
      }),
    };
  }
  internals.bindSourceFile(sf, { target: ts.ScriptTarget.ES2022 });
  const SK = ts.SyntaxKind;

  const VALUE = ts.SymbolFlags.Value | ts.SymbolFlags.Alias;
  const isValue = (s: TS.Symbol | undefined) => s !== undefined && (s.flags & VALUE) !== 0;
  const fileLocals = (sf as Bound).locals ?? new Map<string, TS.Symbol>();

  /** The innermost declaration in the cell binding `name` where `node` sits: a scope node, or undefined. */
  const scopeOf = (node: TS.Node, name: string): TS.Node | undefined => {
    for (let p: TS.Node | undefined = node.parent; p; p = p.parent) {
      const b = p as Bound;
      if (isValue(b.locals?.get(name))) return p;
      if ((ts.isFunctionExpression(p) || ts.isClassExpression(p)) && p.name?.text === name) return p;
      if ((ts.isEnumDeclaration(p) || ts.isModuleDeclaration(p)) && b.symbol?.exports?.has(name as TS.__String)) return p;
    }
    return undefined;
  };

  /** Edits shared by both routes (references to earlier cells, the last expression). */
  const edits: { at: number; remove: number; text: string }[] = [];
  /** Ranges the quick route blanks (types) and text it inserts (copies onto exports). */
  const blanks: [number, number][] = [];
  const quick: { at: number; remove: number; text: string }[] = [];
  let fullTranspile = false;
  let hasToplevelAwait = false;
  let importsRelative = false;

  const isAmbient = (n: TS.Node) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === SK.DeclareKeyword);
  const isFunctionBoundary = (n: TS.Node) =>
    ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isModuleDeclaration(n) || ts.isClassStaticBlockDeclaration(n);
  const blankNode = (n: TS.Node): void => void blanks.push([n.getStart(sf), n.end]);
  /** Blanks `<...>` around a type parameter or argument list; false when the brackets are not where expected. */
  const blankAngles = (list: TS.NodeArray<TS.Node>): void => {
    let close = list.end;
    while (close < src.length && /\s/.test(src[close])) close++;
    if (src[list.pos - 1] !== "<" || src[close] !== ">") fullTranspile = true;
    else blanks.push([list.pos - 1, close + 1]);
  };
  /** Blanks `: T` (the colon sits right before the type's full start). */
  const blankAnnotation = (type: TS.TypeNode, arrow = false): void => {
    if (src[type.pos - 1] !== ":") fullTranspile = true;
    // A line break inside an arrow function's return type would end up before `=>`.
    else if (arrow && src.slice(type.pos, type.end).includes("\n")) fullTranspile = true;
    else blanks.push([type.pos - 1, type.end]);
  };
  /** Top-level let/var names of this cell: assignments to them are copied onto exports too. */
  const mutableTopLevel = new Set<string>();
  for (const stmt of sf.statements) {
    if (ts.isVariableStatement(stmt) && !(stmt.declarationList.flags & ts.NodeFlags.Const)) {
      for (const d of stmt.declarationList.declarations) for (const n of boundNames(ts, d.name)) mutableTopLevel.add(n);
    }
  }

  const visitIdentifier = (id: TS.Identifier) => {
    const name = id.text;
    const parent = id.parent;
    if (internals.isDeclarationName(id)) return;
    if (ts.isPropertyAccessExpression(parent) && parent.name === id) return;
    if (ts.isQualifiedName(parent)) return;
    if (ts.isBindingElement(parent) && parent.propertyName === id) return;
    if ((ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) && parent.label === id) return;
    if (ts.isMetaProperty(parent)) return;
    if (ts.isPropertyAssignment(parent) && parent.name === id) return;
    const scope = scopeOf(id, name);
    if (scope === undefined && previous.has(name)) {
      edits.push({ at: id.getStart(sf), remove: 0, text: "exports." });
      return;
    }
    if (scope === sf && mutableTopLevel.has(name) && isAssignmentTarget(ts, id)) {
      // Keep exports in step with the variable, even when a callback assigns it later.
      if (ts.isBinaryExpression(parent) && parent.left === id) quick.push({ at: id.getStart(sf), remove: 0, text: `exports.${name} = ` });
      else fullTranspile = true; // x++, destructuring, for-in/of targets: let TypeScript do it
    }
  };

  const visit = (node: TS.Node, topLevel: boolean): void => {
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || isAmbient(node)) return blankNode(node);
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isExportAssignment(node)) {
      fullTranspile = true;
      const spec = ts.isExportAssignment(node) ? undefined : node.moduleSpecifier;
      if (spec && ts.isStringLiteral(spec) && spec.text.startsWith(".")) importsRelative = true;
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      fullTranspile = true;
      return;
    }
    if (ts.isEnumDeclaration(node) || ts.isModuleDeclaration(node) || ts.isDecorator(node) || ts.isTypeAssertionExpression(node)) fullTranspile = true;
    if (ts.isParameter(node) && (ts.getModifiers(node) ?? []).length > 0) fullTranspile = true; // parameter properties
    if (ts.isParameter(node) && ts.isIdentifier(node.name) && node.name.text === "this") fullTranspile = true;
    if (ts.isHeritageClause(node)) {
      // `extends Base` names a value; `implements I` only types.
      if (node.token === SK.ExtendsKeyword && ts.isClassLike(node.parent)) for (const t of node.types) visit(t, topLevel);
      else blankNode(node);
      return;
    }
    if (ts.isExpressionWithTypeArguments(node)) {
      if (node.typeArguments) blankAngles(node.typeArguments);
      visit(node.expression, topLevel); // `extends Base<T>` or an instantiation expression `f<T>`
      return;
    }
    if (ts.isTypeNode(node) || ts.isTypeParameterDeclaration(node)) return; // blanked by the parent
    if (ts.isIdentifier(node)) return visitIdentifier(node);
    if (topLevel && (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier))) hasToplevelAwait = true;

    // Type syntax hanging off this node.
    const n = node as TS.Node & {
      type?: TS.TypeNode; typeParameters?: TS.NodeArray<TS.Node>; typeArguments?: TS.NodeArray<TS.Node>;
      questionToken?: TS.Node; exclamationToken?: TS.Node; body?: TS.Node;
    };
    if (ts.canHaveModifiers(node)) {
      for (const m of ts.getModifiers(node) ?? []) {
        if (m.kind === SK.AbstractKeyword) fullTranspile = true;
        else if (m.kind === SK.PublicKeyword || m.kind === SK.PrivateKeyword || m.kind === SK.ProtectedKeyword || m.kind === SK.ReadonlyKeyword || m.kind === SK.OverrideKeyword) blankNode(m);
      }
    }
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node)) && !n.body) return blankNode(node); // overload signature
    if (ts.isIndexSignatureDeclaration(node)) return blankNode(node);
    if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) {
      blanks.push([node.expression.end, node.end]);
      visit(node.expression, topLevel);
      return;
    }
    if (ts.isNonNullExpression(node)) {
      if (src[node.end - 1] !== "!") fullTranspile = true;
      else blanks.push([node.end - 1, node.end]);
    }
    if (n.typeParameters) blankAngles(n.typeParameters);
    if (n.typeArguments) blankAngles(n.typeArguments);
    if (n.type && (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isPropertyDeclaration(node) || ts.isFunctionLike(node))) {
      blankAnnotation(n.type, ts.isArrowFunction(node));
    }
    if (n.questionToken && (ts.isParameter(node) || ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node))) blankNode(n.questionToken);
    if (n.exclamationToken && (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node))) blankNode(n.exclamationToken);
    if (ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node)) fullTranspile = true;

    const inner = topLevel && !isFunctionBoundary(node);
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  for (const stmt of sf.statements) visit(stmt, true);

  // The last expression statement (type-only statements after it emit nothing) keeps its value.
  let lastExpressionVar: string | undefined;
  let lastExpression: TS.Expression | undefined;
  for (let i = sf.statements.length - 1; i >= 0; i--) {
    const stmt = sf.statements[i];
    if (ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt) || isAmbient(stmt)) continue;
    if (!ts.isExpressionStatement(stmt)) break;
    lastExpressionVar = LAST_EXPR;
    for (let k = 0; fileLocals.has(lastExpressionVar as TS.__String & string); k++) lastExpressionVar = `${LAST_EXPR}${k}`;
    lastExpression = stmt.expression;
    break;
  }

  // Every top-level value the cell declares goes on `exports` for the cells after it.
  const exported: string[] = [];
  fileLocals.forEach((sym, name) => {
    if (!isValue(sym)) return;
    if (sym.declarations?.every((d) => isAmbient(d) || (ts.isVariableDeclaration(d) && isAmbient(d.parent.parent)))) return;
    exported.push(name as string);
  });

  const common = { hasToplevelAwait, lastExpressionVar, importsRelative };
  if (!fullTranspile) {
    // Copies onto exports right after each declaration, functions included: within the cell a
    // function is hoisted as usual, but later cells see it only if the cell got that far (a cell
    // that throws first does not hand on what it declares after the throw, as with tslab).
    for (const stmt of sf.statements) {
      if (isAmbient(stmt)) continue;
      let names: string[] = [];
      if (ts.isFunctionDeclaration(stmt) && stmt.body && stmt.name) names = [stmt.name.text];
      if (ts.isVariableStatement(stmt)) names = stmt.declarationList.declarations.flatMap((d) => boundNames(ts, d.name));
      if (ts.isClassDeclaration(stmt) && stmt.name) names = [stmt.name.text];
      if (names.length > 0) quick.push({ at: stmt.end, remove: 0, text: ";" + names.map((x) => `exports.${x} = ${x};`).join(" ") });
    }
    if (lastExpression) {
      quick.push({ at: lastExpression.getStart(sf), remove: 0, text: `exports.${lastExpressionVar} = (` });
      quick.push({ at: lastExpression.end, remove: 0, text: ")" });
    }
    const out = applyEdits(blankRanges(src, blanks), [...edits, ...quick]);
    return { output: out, ...common };
  }

  if (lastExpression) {
    edits.push({ at: lastExpression.getStart(sf), remove: 0, text: `export const ${lastExpressionVar} = (` });
    edits.push({ at: lastExpression.end, remove: 0, text: ")" });
  }
  let out = applyEdits(src, edits);
  if (exported.length > 0) out += `\nexport { ${exported.join(", ")} };`;
  const js = ts.transpileModule(out, {
    fileName: "cell.ts",
    reportDiagnostics: false,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: true,
      noImplicitUseStrict: true,
      newLine: ts.NewLineKind.LineFeed,
    },
  }).outputText;
  return { output: js, ...common };
}

/** The identifiers a binding name (identifier or destructuring pattern) declares. */
function boundNames(ts: typeof TS, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const out: string[] = [];
  for (const el of name.elements) if (!ts.isOmittedExpression(el)) out.push(...boundNames(ts, el.name));
  return out;
}

/** Whether an identifier is written to (assignment, ++/--, destructuring assignment, for-in/of target). */
function isAssignmentTarget(ts: typeof TS, id: TS.Identifier): boolean {
  let node: TS.Node = id;
  let parent = node.parent;
  // Climb through destructuring-assignment patterns and parentheses.
  while (ts.isParenthesizedExpression(parent) || ts.isArrayLiteralExpression(parent) || ts.isSpreadElement(parent) ||
    (ts.isPropertyAssignment(parent) && parent.initializer === node) || ts.isObjectLiteralExpression(parent) ||
    (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.left === node && (ts.isArrayLiteralExpression(parent.parent) || ts.isPropertyAssignment(parent.parent)))) {
    node = parent;
    parent = node.parent;
  }
  if (ts.isBinaryExpression(parent)) return parent.left === node && parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
  if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
    return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
  }
  if ((ts.isForOfStatement(parent) || ts.isForInStatement(parent)) && parent.initializer === node) return true;
  return false;
}

/** Replaces each range with spaces, keeping line breaks (so positions and line numbers stay). */
function blankRanges(src: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return src;
  const chars = src.split("");
  for (const [a, b] of ranges) for (let i = a; i < b; i++) if (chars[i] !== "\n" && chars[i] !== "\r") chars[i] = " ";
  return chars.join("");
}

/**
 * Applies insertions back to front. At one position the earlier-pushed edit is applied first, so
 * a later one lands in front of it: `exports.tsLastExpr = (` before `exports.` of an identifier.
 */
function applyEdits(src: string, edits: { at: number; remove: number; text: string }[]): string {
  const ordered = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.at - a.at || a.i - b.i);
  let out = src;
  for (const e of ordered) out = out.slice(0, e.at) + e.text + out.slice(e.at + e.remove);
  return out;
}
