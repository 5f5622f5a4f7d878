/**
 * The cell conventions of course notebooks (notebooks/course/NN-name.ipynb), read by
 * `optlab course build` and `optlab grade`.
 *
 * - A code cell tagged `solution` holds one or more regions
 *   `// BEGIN SOLUTION: <what to do>` … `// END SOLUTION`. In the student version each region
 *   becomes `// TODO (exercise <id>): <what to do>` followed by the region's stub lines — lines
 *   written inside the region as `// STUB: <code>` — so the student's cell still type-checks and
 *   runs (a stub returns a placeholder such as `NaN` or `[]`). Every region needs a stub line.
 *   The student's cell is tagged `student-todo` instead of `solution`.
 *   A markdown cell tagged `solution` (a worked answer) is dropped from the student version.
 * - A code cell tagged `self-check` is visible to students: it prints ✓/✗ and never throws, so
 *   the student version runs cleanly while the TODOs are open.
 * - A code cell tagged `hidden-check` is removed from the student version; `optlab grade` puts it
 *   back after the cell it followed and runs it: it passes when it runs without error (it throws
 *   when the answer is wrong).
 * - `metadata.optlab.exercise` (a string id such as "1.2") names the exercise of solution and
 *   check cells; hidden checks also carry `metadata.optlab.points` (a positive number).
 * - Notebook `metadata.optlab.lesson` is the lesson number; files whose names start with `_` are
 *   not lessons.
 */
import type { Cell, Notebook } from "../runner/notebook";
import { joinLines } from "../runner/notebook";

export const SOLUTION_TAG = "solution";
export const SELF_CHECK_TAG = "self-check";
export const HIDDEN_CHECK_TAG = "hidden-check";
/** The tag a solution cell carries in the student version (its TODO stub). */
export const STUDENT_TODO_TAG = "student-todo";

/** A course notebook that breaks the conventions; the message names the file and cell. */
export class CourseError extends Error {
  override name = "CourseError";
}

export const hasTag = (c: Cell, tag: string): boolean => Array.isArray(c.metadata?.tags) && c.metadata.tags.includes(tag);

/** `metadata.optlab` of a cell, or {}. */
function cellOptlab(c: Cell): Record<string, unknown> {
  const m = c.metadata?.optlab;
  return typeof m === "object" && m !== null ? (m as Record<string, unknown>) : {};
}

/** Where a cell is, for messages: "cell 7 [id l01-c7]". */
export function cellWhere(file: string, nb: Notebook, c: Cell): string {
  return `${file}: cell ${nb.cells.indexOf(c) + 1}${c.id ? ` [id ${c.id}]` : ""}`;
}

/** The exercise id of a solution/check cell; throws CourseError if it has none. */
export function exerciseOf(file: string, nb: Notebook, c: Cell): string {
  const ex = cellOptlab(c).exercise;
  if (typeof ex !== "string" || ex.trim() === "") {
    throw new CourseError(`${cellWhere(file, nb, c)}: a cell tagged ${JSON.stringify(c.metadata.tags)} needs metadata.optlab.exercise (a non-empty string such as "1.2"), got ${JSON.stringify(ex)}`);
  }
  return ex;
}

/** The points of a hidden-check cell; throws CourseError unless a positive finite number. */
export function pointsOf(file: string, nb: Notebook, c: Cell): number {
  const p = cellOptlab(c).points;
  if (typeof p !== "number" || !Number.isFinite(p) || p <= 0) {
    throw new CourseError(`${cellWhere(file, nb, c)}: a hidden-check cell needs metadata.optlab.points (a positive number), got ${JSON.stringify(p)}`);
  }
  return p;
}

/** One hidden check of a lesson, with the id of the cell it follows (for re-insertion). */
export interface HiddenCheck {
  exercise: string;
  points: number;
  cell: Cell;
  /** Ids of the cells before it in the teacher notebook, nearest first. */
  anchors: string[];
}

/** An exercise of a lesson and its total points. */
export interface Exercise {
  id: string;
  points: number;
}

/** The hidden checks of a teacher notebook, in order, and the exercises they score. */
export function hiddenChecks(file: string, nb: Notebook): { checks: HiddenCheck[]; exercises: Exercise[] } {
  const checks: HiddenCheck[] = [];
  const exercises = new Map<string, number>();
  nb.cells.forEach((c, i) => {
    if (!hasTag(c, HIDDEN_CHECK_TAG)) return;
    if (c.cell_type !== "code") throw new CourseError(`${cellWhere(file, nb, c)}: only code cells can be tagged hidden-check`);
    const exercise = exerciseOf(file, nb, c);
    const points = pointsOf(file, nb, c);
    const anchors = nb.cells.slice(0, i).reverse().filter((p) => !hasTag(p, HIDDEN_CHECK_TAG) && typeof p.id === "string").map((p) => p.id!);
    checks.push({ exercise, points, cell: c, anchors });
    exercises.set(exercise, (exercises.get(exercise) ?? 0) + points);
  });
  return { checks, exercises: [...exercises].map(([id, points]) => ({ id, points })) };
}

/** The lesson number: `metadata.optlab.lesson`, else the file name's leading digits. */
export function lessonNumber(file: string, nb: Notebook): number | undefined {
  const m = (nb.metadata?.optlab ?? {}) as Record<string, unknown>;
  if (typeof m.lesson === "number") return m.lesson;
  const d = /^(\d+)/.exec(file.split(/[\\/]/).pop() ?? "");
  return d ? Number(d[1]) : undefined;
}

export const sourceOf = (c: Cell): string => joinLines(c.source);
