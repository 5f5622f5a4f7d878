import type { Cell, Notebook } from "../runner/notebook";
import { CourseError, cellWhere, exerciseOf, hasTag, HIDDEN_CHECK_TAG, SOLUTION_TAG, sourceOf, STUDENT_TODO_TAG } from "./conventions";

const BEGIN = /^(\s*)\/\/\s*BEGIN SOLUTION\b:?\s*(.*)$/;
const END = /^\s*\/\/\s*END SOLUTION\b/;
const STUB = /^(\s*)\/\/\s*STUB:\s?(.*)$/;

/**
 * The student's form of a solution cell's source: each `// BEGIN SOLUTION: task` … `// END
 * SOLUTION` region becomes `// TODO (exercise id): task` plus its `// STUB:` lines, uncommented.
 * Throws CourseError for an unclosed or stub-less region, or a cell without any region.
 */
export function stubSource(source: string, exercise: string, where: string): string {
  const lines = source.split("\n");
  const out: string[] = [];
  let regions = 0;
  for (let i = 0; i < lines.length; i++) {
    const b = BEGIN.exec(lines[i]);
    if (!b) {
      if (END.test(lines[i])) throw new CourseError(`${where}: line ${i + 1}: END SOLUTION without BEGIN SOLUTION`);
      out.push(lines[i]);
      continue;
    }
    regions++;
    const [, indent, task] = b;
    const stub: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !END.test(lines[j]); j++) {
      if (BEGIN.test(lines[j])) throw new CourseError(`${where}: line ${j + 1}: BEGIN SOLUTION inside the region opened on line ${i + 1}`);
      const s = STUB.exec(lines[j]);
      if (s) stub.push(s[1] + s[2]);
    }
    if (j === lines.length) throw new CourseError(`${where}: line ${i + 1}: BEGIN SOLUTION is never closed by // END SOLUTION`);
    if (stub.length === 0) throw new CourseError(`${where}: line ${i + 1}: the solution region has no "// STUB: <code>" line (the student version needs code that still runs)`);
    out.push(`${indent}// TODO (exercise ${exercise})${task ? `: ${task}` : ""}`, ...stub);
    i = j;
  }
  if (regions === 0) throw new CourseError(`${where}: a code cell tagged solution has no "// BEGIN SOLUTION" … "// END SOLUTION" region`);
  return out.join("\n");
}

/** The teacher's source of a solution cell: the markers stay, `// STUB:` lines are dropped. */
export function teacherSource(source: string): string {
  return source.split("\n").filter((l) => !STUB.test(l)).join("\n");
}

const blank = (c: Cell): Cell => {
  const copy = JSON.parse(JSON.stringify(c)) as Cell;
  if (copy.cell_type === "code") {
    copy.outputs = [];
    copy.execution_count = null;
    delete copy.metadata.execution;
  }
  return copy;
};

/**
 * The student version: solution code replaced by TODO stubs, worked-answer markdown and hidden
 * checks removed, outputs cleared. Cell ids are kept: `optlab grade` anchors hidden checks on them.
 */
export function studentVersion(nb: Notebook, file: string): Notebook {
  const cells: Cell[] = [];
  for (const c of nb.cells) {
    if (hasTag(c, HIDDEN_CHECK_TAG)) continue;
    if (hasTag(c, SOLUTION_TAG)) {
      if (c.cell_type !== "code") continue;
      const copy = blank(c);
      copy.source = stubSource(sourceOf(c), exerciseOf(file, nb, c), cellWhere(file, nb, c));
      copy.metadata.tags = (copy.metadata.tags ?? []).map((t) => (t === SOLUTION_TAG ? STUDENT_TODO_TAG : t));
      cells.push(copy);
      continue;
    }
    cells.push(blank(c));
  }
  const metadata = JSON.parse(JSON.stringify(nb.metadata)) as Record<string, unknown>;
  delete metadata.widgets;
  return { ...nb, metadata: { ...metadata, optlab: { ...(metadata.optlab as object), version: "student" } }, cells };
}

/** The teacher version: everything, outputs cleared, `// STUB:` lines dropped from solutions. */
export function teacherVersion(nb: Notebook, file: string): Notebook {
  const cells = nb.cells.map((c) => {
    const copy = blank(c);
    if (hasTag(c, SOLUTION_TAG) && c.cell_type === "code") {
      stubSource(sourceOf(c), exerciseOf(file, nb, c), cellWhere(file, nb, c)); // validates the markers
      copy.source = teacherSource(sourceOf(c));
    }
    return copy;
  });
  const metadata = JSON.parse(JSON.stringify(nb.metadata)) as Record<string, unknown>;
  delete metadata.widgets;
  return { ...nb, metadata: { ...metadata, optlab: { ...(metadata.optlab as object), version: "teacher" } }, cells };
}
