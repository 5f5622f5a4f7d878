import * as fs from "fs";
import * as path from "path";
import { CourseError } from "./conventions";

/** The lesson notebooks of a course folder: `NN-name.ipynb`, in order (names starting with `_` skipped). */
export function listLessons(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CourseError(`${dir}: not a directory (expected a folder of NN-name.ipynb lessons)`);
  return fs.readdirSync(dir).filter((f) => /^\d+-.*\.ipynb$/.test(f)).sort().map((f) => path.join(dir, f));
}

/** The source notebook of lesson N in `dir` (`NN-*.ipynb`); throws CourseError naming what exists. */
export function findLesson(dir: string, lesson: number): string {
  const all = listLessons(dir);
  const hits = all.filter((f) => Number(/^(\d+)-/.exec(path.basename(f))![1]) === lesson);
  if (hits.length !== 1) {
    throw new CourseError(`lesson ${lesson}: expected one ${String(lesson).padStart(2, "0")}-*.ipynb in ${dir}, found ${hits.length} (lessons there: ${all.map((f) => path.basename(f)).join(", ") || "none"})`);
  }
  return hits[0];
}
