import * as path from "path";
import { TerminalProgress } from "../runner/progress";
import { buildCourse } from "./build";
import { CourseError } from "./conventions";
import { gradeSubmissions } from "./grade";

export const COURSE_USAGE = `  optlab course build [DIR=notebooks/course] [--out DIR] [--no-html] [--timeout S] [--kernel-name N]
  optlab grade <submissions/> --lesson N [--source notebooks/course] [--out DIR] [--timeout S] [--kernel-name N]`;

const COURSE_HELP = `usage: optlab course build [DIR] [--out OUT] [--no-html] [--timeout S] [--kernel-name N]

Writes the two versions of every lesson DIR/NN-name.ipynb (default DIR: notebooks/course):
  OUT/student/NN-name.ipynb   solutions replaced by "// TODO" stubs that still run, hidden checks removed
  OUT/teacher/NN-name.ipynb   everything
and runs both (as optlab run --html does) into OUT/html/{student,teacher}/ (NN-name.html, the executed
notebook, figures/). Exit 1 if a teacher version fails or a student version raises. Default OUT: out/course.

Cell conventions (cell tags; metadata.optlab.exercise names the exercise):
  solution       code with "// BEGIN SOLUTION: task" … "// STUB: code" … "// END SOLUTION" regions
  self-check     visible check that prints ✓/✗ and never throws
  hidden-check   removed for students, run by optlab grade; metadata.optlab.points = its points`;

const GRADE_HELP = `usage: optlab grade <submissions/> --lesson N [--source DIR] [--out OUT] [--timeout S] [--kernel-name N]

Grades lesson N for every student folder submissions/<student>/ holding NN-*.ipynb (or one .ipynb):
puts the hidden checks of DIR/NN-*.ipynb (default DIR: notebooks/course) back into the notebook, runs
it on the optlab kernel with errors allowed and a per-cell time limit (default 60 s), and scores each
exercise by the points of its hidden checks that ran without error. A submission that hits the time
limit is stopped and scored 0, with the reason. Writes OUT/grades.csv (student, lesson, points per
exercise, total, max, status, reason) and OUT/<student>/report.md + the graded notebook.
Default OUT: out/grades.`;

/** A command-line mistake in course/grade (exit 2, with the usage). */
export class CourseUsageError extends Error {
  override name = "CourseUsageError";
}

function parseFlags(args: string[], known: string[], booleans: string[] = []): { positional: string[]; flags: Record<string, string | true> } {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (!known.includes(flag) && !booleans.includes(flag)) throw new CourseUsageError(`unknown option ${JSON.stringify(a)}`);
    if (booleans.includes(flag)) {
      if (eq > 0) throw new CourseUsageError(`${flag} takes no value`);
      flags[flag] = true;
      continue;
    }
    const v = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (v === undefined || v.startsWith("--")) throw new CourseUsageError(`${flag} expects a value`);
    flags[flag] = v;
  }
  return { positional, flags };
}

function seconds(v: string | true | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = Number(v);
  if (!Number.isFinite(s) || s <= 0) throw new CourseUsageError(`--timeout: expected a positive number of seconds, got ${JSON.stringify(v)}`);
  return s;
}

const wantsHelp = (args: string[]) => args.includes("--help") || args.includes("-h");

/** `optlab course build …`; returns the exit code. */
export async function courseCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h" || wantsHelp(rest)) {
    console.log(COURSE_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "build") throw new CourseUsageError(`optlab course: unknown subcommand ${JSON.stringify(sub)} (expected build)`);
  const { positional, flags } = parseFlags(rest, ["--out", "--timeout", "--kernel-name"], ["--no-html"]);
  if (positional.length > 1) throw new CourseUsageError(`optlab course build takes one course folder, got ${positional.join(" ")}`);
  const dir = positional[0] ?? path.join("notebooks", "course");
  const outDir = (flags["--out"] as string | undefined) ?? path.join("out", "course");
  try {
    const built = await buildCourse({
      dir, outDir, html: !flags["--no-html"], timeoutS: seconds(flags["--timeout"]),
      kernelName: flags["--kernel-name"] as string | undefined, progress: flags["--no-html"] ? undefined : new TerminalProgress(),
    });
    let failed = 0;
    for (const b of built) {
      const problems = [b.teacherRun && !b.teacherRun.ok ? `teacher version failed: ${b.teacherRun.failure?.message}` : "", b.studentRun && !b.studentRun.ok ? `student version failed: ${b.studentRun.failure?.message}` : ""].filter(Boolean);
      if (problems.length) {
        failed++;
        for (const p of problems) console.error(`optlab course build: ${p}`);
      }
      console.log(`${path.basename(b.lesson)}: ${b.exercises} exercises, ${b.hiddenChecks} hidden checks -> ${b.student}, ${b.teacher}${b.teacherRun?.html ? `, ${b.teacherRun.html}, ${b.studentRun?.html}` : ""}`);
    }
    return failed > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof CourseError) {
      console.error(`optlab course build: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

/** `optlab grade …`; returns the exit code (0 when every submission was graded, whatever its score). */
export async function gradeCommand(args: string[]): Promise<number> {
  if (wantsHelp(args)) {
    console.log(GRADE_HELP);
    return 0;
  }
  const { positional, flags } = parseFlags(args, ["--lesson", "--source", "--out", "--timeout", "--kernel-name"]);
  if (positional.length !== 1) throw new CourseUsageError(`optlab grade needs one submissions folder, got ${positional.length ? positional.join(" ") : "none"}`);
  const lessonArg = flags["--lesson"];
  if (lessonArg === undefined) throw new CourseUsageError("optlab grade needs --lesson N");
  const lesson = Number(lessonArg);
  if (!Number.isInteger(lesson) || lesson < 1) throw new CourseUsageError(`--lesson: expected a positive integer, got ${JSON.stringify(lessonArg)}`);
  // When a kernel dies during start-up, the launcher's pending kernel_info wait rejects later with
  // nobody listening (client.ready); that must not end the grading of the remaining students.
  const ignoreLateClientErrors = (e: unknown) => {
    if ((e as Error)?.name !== "ClientError") throw e;
    console.error(`optlab grade: ignored after a failed kernel start: ${(e as Error).message}`);
  };
  process.on("unhandledRejection", ignoreLateClientErrors);
  try {
    const r = await gradeSubmissions({
      submissions: positional[0], lesson, source: (flags["--source"] as string | undefined) ?? path.join("notebooks", "course"),
      outDir: (flags["--out"] as string | undefined) ?? path.join("out", "grades"), timeoutS: seconds(flags["--timeout"]),
      kernelName: flags["--kernel-name"] as string | undefined,
      onGraded: (g) => console.error(`${g.student}: ${g.total}/${g.max} ${g.status}${g.reason ? ` (${g.reason})` : ""}`),
    });
    console.log(r.csv);
    return 0;
  } catch (e) {
    if (e instanceof CourseError) {
      console.error(`optlab grade: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    process.off("unhandledRejection", ignoreLateClientErrors);
  }
}
