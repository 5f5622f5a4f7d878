import { strict as assert } from "assert";
import * as vm from "vm";
import { transpileCell, TranspiledCell } from "../../kernel/src/runtime/transpile";

/** Runs cells one after another the way the executor does, against one shared exports object. */
function session() {
  const exports: Record<string, unknown> = {};
  return {
    exports,
    run(src: string): unknown {
      const cell = transpileCell(src, new Set(Object.keys(exports)));
      if ("syntaxErrors" in cell) throw new Error(`syntax: ${cell.syntaxErrors[0].messageText}`);
      const c = cell as TranspiledCell;
      vm.runInThisContext(`(function (exports, require) { ${c.output}\n})`)(exports, require);
      if (!c.lastExpressionVar) return undefined;
      const v = exports[c.lastExpressionVar];
      delete exports[c.lastExpressionVar];
      return v;
    },
  };
}

describe("cell transpiler (types stripped, no checker)", () => {
  it("shadowing: parameters, block scopes, catch variables and named function expressions keep their own binding", () => {
    const s = session();
    s.run("const x = 10; const e = 20");
    assert.equal(s.run("function add(x: number) { return x + 1 }\nadd(1)"), 2);
    assert.equal(s.run("{ const x = 5; x }"), undefined, "a block is not an expression statement");
    assert.equal(s.run("let r = 0; { const x = 5; r = x } r"), 5);
    assert.equal(s.run("let c = ''; try { throw 'inner' } catch (e) { c = e as string } c"), "inner");
    assert.equal(s.run("const fact = function x(n: number): number { return n <= 1 ? 1 : n * x(n - 1) }; fact(4)"), 24);
    assert.equal(s.run("x + e"), 30, "the earlier cell's values are untouched");
  });

  it("property names, object keys and labels named like earlier values are not rewritten", () => {
    const s = session();
    s.run("const lr = 0.5; const steps = 3");
    assert.deepEqual(s.run("const o = { lr: 1, steps }; o.lr + o.steps"), 4);
    assert.equal(s.run("let n = 0; steps: for (let i = 0; i < 10; i++) { n++; if (i === 1) break steps } n"), 2);
    assert.equal(s.run("class K { lr = lr * 2; steps() { return steps } }\nnew K().lr + new K().steps()"), 4);
  });

  it("reassigning an earlier cell's let and a top-level let updated from a callback", () => {
    const s = session();
    s.run("let loss = 1");
    s.run("loss = loss / 2");
    assert.equal(s.exports.loss, 0.5);
    s.run("let ticks = 0\nconst tick = () => { ticks += 1 }");
    s.run("tick(); tick()");
    assert.equal(s.exports.ticks, 2);
  });

  it("type-only syntax leaves no trace in the output", () => {
    const s = session();
    const v = s.run([
      "type V = number[];",
      "interface Box<T> { value: T }",
      "declare const ambient: string;",
      "class Base<T> { t?: T; constructor(t?: T) { this.t = t } }",
      "class Sub<T> extends Base<T> implements Box<T> { value!: T; private k?: number; }",
      "const xs = [1, 2] as V satisfies number[];",
      "const f = <T,>(a: T): T => a;",
      "f<number>(xs[0]!) + new Sub<string>().value?.length!",
    ].join("\n"));
    assert.ok(Number.isNaN(v as number), "1 + undefined");
    assert.ok(!("ambient" in s.exports) && !("V" in s.exports));
    assert.ok("Sub" in s.exports && "Base" in s.exports && "f" in s.exports);
  });

  it("enums and parameter properties (code-generating TypeScript) go through TypeScript's own emit", () => {
    const s = session();
    assert.equal(s.run("enum Dir { Up = 1, Down }\nclass P { constructor(public readonly at: Dir) {} }\nnew P(Dir.Down).at"), 2);
    assert.equal(s.run("Dir[1]"), "Up");
  });

  it("syntax errors come back positioned in the cell", () => {
    const r = transpileCell("const a = 1\nconst = 2", new Set());
    assert.ok("syntaxErrors" in r);
    assert.equal(r.syntaxErrors[0].line, 1);
    assert.equal(r.syntaxErrors[0].character, 6);
  });
});
