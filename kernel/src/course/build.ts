import * as fs from "fs";
import * as path from "path";
import { readNotebook, serializeNotebook } from "../runner/notebook";
import { Progress, silentProgress } from "../runner/progress";
import { NotebookRun, runNotebook } from "../runner/run";
import { validateNotebook } from "../runner/schema";
import { CourseError, hiddenChecks } from "./conventions";
import { listLessons } from "./lessons";
import { studentVersion, teacherVersion } from "./studentVersion";

/** Options of `optlab course build`. */
export interface CourseBuildOptions {
  /** The course's source notebooks (NN-name.ipynb). */
  dir: string;
  /** Writes `student/`, `teacher/` (clean notebooks) and, with html, `html/student/`, `html/teacher/` (executed + .html). */
  outDir: string;
  /** Execute both versions with `optlab run --html`'s runner and keep the static HTML (default true). */
  html?: boolean;
  /** Per-cell time limit of those runs, seconds. */
  timeoutS?: number;
  kernelName?: string;
  progress?: Progress;
}

/** What was built for one lesson. */
export interface LessonBuild {
  lesson: string;
  student: string;
  teacher: string;
  exercises: number;
  hiddenChecks: number;
  /** Runs of the two versions (html option). */
  studentRun?: NotebookRun;
  teacherRun?: NotebookRun;
}

/**
 * Writes the student and teacher versions of every lesson (see conventions.ts) and, unless
 * `html: false`, runs both through the headless runner to get their static HTML. Throws
 * CourseError for a notebook that breaks the conventions; a failed run is reported in the result.
 */
export async function buildCourse(opts: CourseBuildOptions): Promise<LessonBuild[]> {
  const lessons = listLessons(opts.dir);
  if (lessons.length === 0) throw new CourseError(`${opts.dir}: no lessons (NN-name.ipynb) found`);
  const studentDir = path.join(opts.outDir, "student");
  const teacherDir = path.join(opts.outDir, "teacher");
  fs.mkdirSync(studentDir, { recursive: true });
  fs.mkdirSync(teacherDir, { recursive: true });
  const built: LessonBuild[] = [];
  for (const file of lessons) {
    const nb = readNotebook(file);
    const problems = validateNotebook(nb);
    if (problems.length > 0) throw new CourseError(`${file}: not a valid nbformat notebook:\n  ${problems.join("\n  ")}`);
    const { checks, exercises } = hiddenChecks(file, nb);
    const base = path.basename(file);
    const student = path.join(studentDir, base);
    const teacher = path.join(teacherDir, base);
    fs.writeFileSync(student, serializeNotebook(studentVersion(nb, file)));
    fs.writeFileSync(teacher, serializeNotebook(teacherVersion(nb, file)));
    copyDataFiles(opts.dir, studentDir);
    copyDataFiles(opts.dir, teacherDir);
    const b: LessonBuild = { lesson: file, student, teacher, exercises: exercises.length, hiddenChecks: checks.length };
    if (opts.html !== false) {
      const common = { timeoutS: opts.timeoutS, kernelName: opts.kernelName, html: true, progress: opts.progress ?? silentProgress };
      b.teacherRun = await runNotebook(teacher, { ...common, outDir: path.join(opts.outDir, "html", "teacher") });
      b.studentRun = await runNotebook(student, { ...common, outDir: path.join(opts.outDir, "html", "student") });
    }
    built.push(b);
  }
  return built;
}

/** Files next to the lessons that are not notebooks (data a lesson reads), copied once. */
function copyDataFiles(from: string, to: string): void {
  for (const f of fs.readdirSync(from, { withFileTypes: true })) {
    if (!f.isFile() || f.name.endsWith(".ipynb") || f.name.startsWith(".") || f.name.startsWith("_")) continue;
    const dest = path.join(to, f.name);
    if (!fs.existsSync(dest)) fs.copyFileSync(path.join(from, f.name), dest);
  }
}
