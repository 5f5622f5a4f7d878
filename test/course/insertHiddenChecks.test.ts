/**
 * insertHiddenChecks: each hidden check goes back after the nearest cell (by id) that preceded it
 * in the teacher notebook, whatever the student added or deleted; fake hidden checks in the
 * submission are dropped.
 */
import { strict as assert } from "assert";
import { hiddenChecks } from "../../kernel/src/course/conventions";
import { insertHiddenChecks } from "../../kernel/src/course/grade";
import type { Cell, Notebook } from "../../kernel/src/runner/notebook";

const code = (id: string, tags: string[] = [], optlab?: Record<string, unknown>): Cell => ({ cell_type: "code", id, metadata: { tags, ...(optlab ? { optlab } : {}) }, source: `// ${id}`, outputs: [], execution_count: null });
const nb = (cells: Cell[]): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

describe("insertHiddenChecks", () => {
  const teacher = nb([
    code("a"), code("sol1", ["solution"], { exercise: "1" }), code("h1", ["hidden-check"], { exercise: "1", points: 2 }),
    code("sol2", ["solution"], { exercise: "2" }), code("h2a", ["hidden-check"], { exercise: "2", points: 1 }), code("h2b", ["hidden-check"], { exercise: "2", points: 1 }),
  ]);
  const { checks, exercises } = hiddenChecks("t.ipynb", teacher);

  it("reads the checks and sums points per exercise", () => {
    assert.deepEqual(exercises, [{ id: "1", points: 2 }, { id: "2", points: 2 }]);
    assert.deepEqual(checks.map((c) => c.anchors[0]), ["sol1", "sol2", "sol2"]);
  });

  it("re-inserts after the anchors, keeping the order of checks that share one, around the student's own cells", () => {
    const student = nb([code("a"), code("sol1", ["student-todo"]), code("mine"), code("sol2", ["student-todo"]), code("scratch")]);
    const { nb: merged } = insertHiddenChecks(student, checks);
    assert.deepEqual(merged.cells.map((c) => c.id), ["a", "sol1", "h1", "mine", "sol2", "h2a", "h2b", "scratch"]);
  });

  it("falls back to an earlier anchor when the student deleted one, and drops hidden checks the student added", () => {
    const fake = code("h-fake", ["hidden-check"], { exercise: "1", points: 100 });
    const student = nb([code("a"), fake, code("sol2")]);
    const { nb: merged, inserted } = insertHiddenChecks(student, checks);
    assert.deepEqual(merged.cells.map((c) => c.id), ["a", "h1", "sol2", "h2a", "h2b"]);
    assert.equal(inserted.length, 3);
  });

  it("names the cell when points or exercise are missing", () => {
    assert.throws(() => hiddenChecks("t.ipynb", nb([code("x", ["hidden-check"], { exercise: "1" })])), /t\.ipynb: cell 1 \[id x\]: a hidden-check cell needs metadata\.optlab\.points \(a positive number\), got undefined/);
    assert.throws(() => hiddenChecks("t.ipynb", nb([code("x", ["hidden-check"], { points: 1 })])), /needs metadata\.optlab\.exercise/);
  });
});
