/**
 * `optlab course build` on the fixture lesson: the student version holds no solution text and no
 * hidden check, its TODO stubs still run; the teacher version holds everything; both get static HTML.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stubSource } from "../../kernel/src/course/studentVersion";
import { FIXTURES, Nb, optlab, src } from "./cli";

const read = (f: string) => JSON.parse(fs.readFileSync(f, "utf8")) as Nb;

describe("optlab course build", function () {
  this.timeout(120_000);
  let out: string;
  let student: Nb;
  let teacher: Nb;
  const source = read(path.join(FIXTURES, "lesson", "01-mini.ipynb"));
  // The solution lines of the source: every line inside a BEGIN/END SOLUTION region, except stubs.
  const solutionLines = source.cells.filter((c) => c.metadata.tags?.includes("solution")).flatMap((c) => {
    const lines = src(c).split("\n");
    const b = lines.findIndex((l) => l.includes("BEGIN SOLUTION"));
    const e = lines.findIndex((l) => l.includes("END SOLUTION"));
    return lines.slice(b + 1, e).filter((l) => !l.includes("// STUB:")).map((l) => l.trim());
  });

  before(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-course-"));
    const r = await optlab(["course", "build", path.join(FIXTURES, "lesson"), "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    student = read(path.join(out, "student", "01-mini.ipynb"));
    teacher = read(path.join(out, "teacher", "01-mini.ipynb"));
  });

  it("the student version has no solution text and no hidden checks", () => {
    assert.deepEqual(solutionLines, ["return x - lr * grad;", "const etaMax = 2 / L;", "for (let t = 0; t < steps; t++) x = gdStep(x, L * x, lr);"]);
    const text = student.cells.map(src).join("\n");
    for (const line of solutionLines) assert.ok(!text.includes(line), `student version leaks ${JSON.stringify(line)}`);
    assert.ok(!/SOLUTION|STUB:/.test(text));
    assert.equal(student.cells.filter((c) => c.metadata.tags?.includes("hidden-check")).length, 0);
    assert.ok(!text.includes("throw new Error(`gdStep(3, -1, 0.5)"), "a hidden check's code is in the student version");
    for (const ex of ["A", "B", "C"]) assert.match(text, new RegExp(`// TODO \\(exercise ${ex}\\): `));
    assert.match(text, /\/\/ TODO \(exercise B\): the step size above which GD diverges on f\(x\) = L x²\/2\nconst etaMax = NaN;/);
    assert.equal(student.metadata.optlab.version, "student");
    assert.equal(student.cells.filter((c) => c.metadata.tags?.includes("solution")).length, 0);
    assert.equal(student.cells.filter((c) => c.metadata.tags?.includes("student-todo")).length, 3);
  });

  it("the teacher version has everything, stubs dropped", () => {
    assert.equal(teacher.cells.length, source.cells.length);
    const text = teacher.cells.map(src).join("\n");
    for (const line of solutionLines) assert.ok(text.includes(line));
    assert.equal(teacher.cells.filter((c) => c.metadata.tags?.includes("hidden-check")).length, 4);
    assert.ok(!text.includes("STUB:"));
  });

  it("writes static HTML of both, and the student version ran without errors", () => {
    for (const v of ["student", "teacher"]) {
      const html = fs.readFileSync(path.join(out, "html", v, "01-mini.html"), "utf8");
      assert.match(html, /A tiny lesson/);
      const executed = read(path.join(out, "html", v, "01-mini.ipynb"));
      const errors = executed.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error");
      assert.deepEqual(errors, []);
    }
    // The self-check ran in the student version and reported the open TODO without throwing.
    const executed = read(path.join(out, "html", "student", "01-mini.ipynb"));
    const printed = executed.cells.flatMap((c) => c.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? "")).join("");
    assert.match(printed, /✗ gdStep\(1, 2, 0\.25\) = NaN, expected 0\.5/);
  });

  it("a solution region without a stub, or unclosed, is refused with the line", () => {
    assert.throws(() => stubSource("// BEGIN SOLUTION: x\nconst a = 1;\n// END SOLUTION", "1", "nb: cell 3"), /nb: cell 3: line 1: the solution region has no "\/\/ STUB: <code>" line/);
    assert.throws(() => stubSource("// BEGIN SOLUTION: x\n// STUB: const a = 0;\nconst a = 1;", "1", "nb: cell 3"), /line 1: BEGIN SOLUTION is never closed/);
    assert.throws(() => stubSource("const a = 1;", "1", "nb: cell 3"), /has no "\/\/ BEGIN SOLUTION" … "\/\/ END SOLUTION" region/);
  });

  it("--help describes the conventions", async () => {
    const r = await optlab(["course", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /hidden-check {3}removed for students/);
  });
});
