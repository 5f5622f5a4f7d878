import * as fs from "fs";
import * as path from "path";
import { Cell, Notebook, NotebookError, readNotebook, serializeNotebook } from "../runner/notebook";
import { CourseError, Exercise, hasTag, HIDDEN_CHECK_TAG, hiddenChecks, HiddenCheck } from "./conventions";
import { executeAllowingErrors } from "./executeAll";
import { findLesson } from "./lessons";

/** Options of `optlab grade`. */
export interface GradeOptions {
  /** Folder with one sub-folder per student, each holding the student's notebook of the lesson. */
  submissions: string;
  /** Lesson number N: the source is `<source>/NN-*.ipynb`, a submission the student's `NN-*.ipynb` (or only .ipynb). */
  lesson: number;
  /** Folder of the course's source (teacher) notebooks (default notebooks/course). */
  source: string;
  /** Where grades.csv and `<student>/report.md` + the graded notebook go. */
  outDir: string;
  /** Per-cell time limit in seconds (default 60). */
  timeoutS?: number;
  kernelName?: string;
  /** Called after each student is graded. */
  onGraded?: (g: StudentGrade) => void;
}

/** Points and verdicts of one exercise for one student. */
export interface ExerciseGrade {
  id: string;
  points: number;
  max: number;
  /** One line per hidden check: passed, or the error it raised. */
  checks: { passed: boolean; message: string }[];
}

/** The grade of one submission. */
export interface StudentGrade {
  student: string;
  lesson: number;
  notebook?: string;
  exercises: ExerciseGrade[];
  total: number;
  max: number;
  /** ok: every cell of the student ran (failed hidden checks only cost points); errors: a student cell raised; timeout: stopped by the time limit (scored 0); missing / invalid: no gradable notebook (0). */
  status: "ok" | "errors" | "timeout" | "missing" | "invalid";
  reason: string;
  report?: string;
  graded?: string;
}

/** The result of grading a lesson: one row per student, and the CSV written. */
export interface GradeResult {
  lesson: number;
  exercises: Exercise[];
  students: StudentGrade[];
  csv: string;
}

/**
 * Puts the hidden checks back into a student's notebook: each after the nearest cell (by id) that
 * preceded it in the teacher notebook, else at the end. Hidden-check cells the student's file
 * already holds are removed first (only the teacher's checks count).
 */
export function insertHiddenChecks(student: Notebook, checks: HiddenCheck[]): { nb: Notebook; inserted: Cell[] } {
  const cells = student.cells.filter((c) => !hasTag(c, HIDDEN_CHECK_TAG));
  const inserted: Cell[] = [];
  // Insert in reverse so that checks sharing an anchor keep their teacher order.
  for (const h of [...checks].reverse()) {
    const copy = JSON.parse(JSON.stringify(h.cell)) as Cell;
    copy.outputs = [];
    copy.execution_count = null;
    let at = cells.length;
    for (const id of h.anchors) {
      const i = cells.findIndex((c) => c.id === id);
      if (i >= 0) {
        at = i + 1;
        break;
      }
    }
    cells.splice(at, 0, copy);
    inserted.unshift(copy);
  }
  return { nb: { ...student, cells }, inserted };
}

const csvField = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** A student's notebook for the lesson: `NN-*.ipynb` in their folder, else the only .ipynb there. */
function submissionFile(dir: string, lesson: number): string | undefined {
  const nbs = fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb") && !f.startsWith("."));
  const prefix = String(lesson).padStart(2, "0");
  const match = nbs.filter((f) => f.startsWith(`${prefix}-`) || f.startsWith(`${prefix}_`) || f === `${prefix}.ipynb`);
  if (match.length === 1) return path.join(dir, match[0]);
  if (match.length === 0 && nbs.length === 1) return path.join(dir, nbs[0]);
  return undefined;
}

const oneLine = (s: string | undefined) => (s ?? "").split("\n")[0].slice(0, 300);

/**
 * Grades every student's submission of one lesson (nbgrader-like autograding for the optlab
 * kernel): re-inserts the hidden checks, runs the notebook with errors allowed and a per-cell
 * time limit, scores each exercise by the points of its hidden checks that ran cleanly, and writes
 * `grades.csv` plus `<student>/report.md` and `<student>/<notebook>` (executed) under outDir.
 * A submission that hits the time limit scores 0, with the reason.
 */
export async function gradeSubmissions(opts: GradeOptions): Promise<GradeResult> {
  if (!Number.isInteger(opts.lesson) || opts.lesson < 1) throw new CourseError(`lesson: expected a positive integer, got ${opts.lesson}`);
  if (!fs.existsSync(opts.submissions) || !fs.statSync(opts.submissions).isDirectory()) {
    throw new CourseError(`submissions: ${opts.submissions} is not a directory (expected one sub-folder per student)`);
  }
  const sourceFile = findLesson(opts.source, opts.lesson);
  const teacher = readNotebook(sourceFile);
  const { checks, exercises } = hiddenChecks(sourceFile, teacher);
  if (checks.length === 0) throw new CourseError(`${sourceFile}: the lesson has no cell tagged hidden-check, nothing to grade`);
  const max = exercises.reduce((s, e) => s + e.points, 0);
  const timeoutMs = (opts.timeoutS ?? 60) * 1000;
  const students = fs.readdirSync(opts.submissions, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith(".")).map((d) => d.name).sort();
  const grades: StudentGrade[] = [];
  fs.mkdirSync(opts.outDir, { recursive: true });

  for (const student of students) {
    const dir = path.join(opts.submissions, student);
    const zero = (status: StudentGrade["status"], reason: string, notebook?: string): StudentGrade => ({
      student, lesson: opts.lesson, notebook, status, reason, total: 0, max,
      exercises: exercises.map((e) => ({ id: e.id, points: 0, max: e.points, checks: [] })),
    });
    let g: StudentGrade;
    const file = submissionFile(dir, opts.lesson);
    if (!file) g = zero("missing", `no notebook for lesson ${opts.lesson} in ${dir} (expected ${String(opts.lesson).padStart(2, "0")}-*.ipynb or a single .ipynb)`);
    else {
      let nb: Notebook | undefined;
      try {
        nb = readNotebook(file);
      } catch (e) {
        if (!(e instanceof NotebookError)) throw e;
        g = zero("invalid", e.message, file);
      }
      if (nb) {
        const { nb: merged, inserted } = insertHiddenChecks(nb, checks);
        const run = await executeAllowingErrors(merged, { cwd: dir, timeoutMs, kernelName: opts.kernelName });
        const outcome = (c: Cell) => run.cells.find((o) => o.index === merged.cells.indexOf(c));
        const per = exercises.map((e): ExerciseGrade => ({ id: e.id, points: 0, max: e.points, checks: [] }));
        inserted.forEach((cell, i) => {
          const h = checks[i];
          const o = outcome(cell);
          const ex = per.find((p) => p.id === h.exercise)!;
          const passed = o?.status === "ok";
          if (passed) ex.points += h.points;
          ex.checks.push({ passed, message: passed ? `passed (${h.points} pt)` : o?.status === "not-run" ? "not run" : `${o?.ename}: ${oneLine(o?.evalue)}` });
        });
        // A failed hidden check costs its points; the status names the student's own cells that raised.
        const checkIndex = new Set(inserted.map((c) => merged.cells.indexOf(c)));
        const firstError = run.cells.find((o) => o.status === "error" && !checkIndex.has(o.index));
        if (run.stopped) {
          g = zero(run.stopped.kind === "timeout" ? "timeout" : "errors", run.stopped.message, file);
          if (run.stopped.kind === "kernel") g = { ...g, exercises: per, total: per.reduce((s, e) => s + e.points, 0) };
        } else {
          g = {
            student, lesson: opts.lesson, notebook: file, exercises: per, max,
            total: per.reduce((s, e) => s + e.points, 0),
            status: firstError ? "errors" : "ok",
            reason: firstError ? `cell ${firstError.index + 1} raised ${firstError.ename}: ${oneLine(firstError.evalue)}` : "",
          };
        }
        const sdir = path.join(opts.outDir, student);
        fs.mkdirSync(sdir, { recursive: true });
        g.graded = path.join(sdir, path.basename(file));
        fs.writeFileSync(g.graded, serializeNotebook(merged));
      }
    }
    g = g!;
    const sdir = path.join(opts.outDir, student);
    fs.mkdirSync(sdir, { recursive: true });
    g.report = path.join(sdir, "report.md");
    fs.writeFileSync(g.report, reportMarkdown(g));
    grades.push(g);
    opts.onGraded?.(g);
  }

  const header = ["student", "lesson", ...exercises.map((e) => `exercise ${e.id} (/${e.points})`), "total", "max", "status", "reason"];
  const rows = grades.map((g) => [g.student, g.lesson, ...g.exercises.map((e) => e.points), g.total, g.max, g.status, g.reason]);
  const csv = path.join(opts.outDir, "grades.csv");
  fs.writeFileSync(csv, [header, ...rows].map((r) => r.map(csvField).join(",")).join("\n") + "\n");
  return { lesson: opts.lesson, exercises, students: grades, csv };
}

/** The feedback a student reads: score per exercise and why each hidden check failed. */
export function reportMarkdown(g: StudentGrade): string {
  const lines = [
    `# Lesson ${g.lesson}: ${g.student}`,
    "",
    `**Score: ${g.total} / ${g.max}** — status: ${g.status}${g.reason ? ` (${g.reason})` : ""}`,
    "",
    g.notebook ? `Notebook: \`${g.notebook}\`` : "",
    "",
    "| exercise | points | checks |",
    "|---|---|---|",
    ...g.exercises.map((e) => `| ${e.id} | ${e.points} / ${e.max} | ${e.checks.map((c) => (c.passed ? "✓ " : "✗ ") + c.message.replace(/\|/g, "\\|")).join("<br>") || "—"} |`),
    "",
  ];
  return lines.join("\n");
}
