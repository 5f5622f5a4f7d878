/**
 * The test every course lesson gets (test/course/lesson-NN.test.ts): `optlab course build` on the
 * lesson alone runs its teacher version green and its student version without errors (both with
 * static HTML), and `optlab grade` scores the untouched student version 0 on every exercise (the
 * hidden checks fail on the empty TODOs) and the teacher version full marks (they pass on the
 * solutions).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { COURSE, Nb, optlab, parseCsv, src } from "./cli";

export function lessonSuite(file: string): void {
  describe(`course lesson ${file}`, function () {
    this.timeout(300_000);
    const lesson = Number(/^(\d+)-/.exec(file)![1]);
    let tmp: string;
    let build: { code: number | null; stdout: string; stderr: string };

    before(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), `optlab-lesson-${lesson}-`));
      fs.mkdirSync(path.join(tmp, "src"));
      fs.copyFileSync(path.join(COURSE, file), path.join(tmp, "src", file));
      build = await optlab(["course", "build", path.join(tmp, "src"), "--out", path.join(tmp, "out"), "--timeout", "120"]);
    });

    it("has 2–4 exercises, each with a solution, a self-check and a hidden check", () => {
      const nb = JSON.parse(fs.readFileSync(path.join(COURSE, file), "utf8")) as Nb;
      const byTag = (tag: string) => new Set(nb.cells.filter((c) => c.metadata.tags?.includes(tag)).map((c) => String(c.metadata.optlab?.exercise)));
      const solutions = byTag("solution");
      assert.ok(solutions.size >= 2 && solutions.size <= 4, `${solutions.size} exercises`);
      assert.deepEqual([...byTag("hidden-check")].sort(), [...solutions].sort());
      assert.deepEqual([...byTag("self-check")].sort(), [...solutions].sort());
      assert.equal(nb.metadata.optlab.lesson, lesson);
    });

    it("the student version holds no solution line and no hidden check; every TODO is marked", () => {
      const source = JSON.parse(fs.readFileSync(path.join(COURSE, file), "utf8")) as Nb;
      const student = JSON.parse(fs.readFileSync(path.join(tmp, "out", "student", file), "utf8")) as Nb;
      const text = student.cells.map(src).join("\n");
      const solutionLines = source.cells.filter((c) => c.metadata.tags?.includes("solution")).flatMap((c) => {
        const out: string[] = [];
        let inside = false;
        for (const line of src(c).split("\n")) {
          if (/\/\/\s*BEGIN SOLUTION/.test(line)) inside = true;
          else if (/\/\/\s*END SOLUTION/.test(line)) inside = false;
          else if (inside && !line.includes("// STUB:") && line.trim().length > 12) out.push(line.trim());
        }
        return out;
      });
      assert.ok(solutionLines.length > 0);
      for (const line of solutionLines) assert.ok(!text.includes(line), `the student version leaks ${JSON.stringify(line)}`);
      assert.equal(student.cells.filter((c) => c.metadata.tags?.includes("hidden-check")).length, 0);
      const todos = new Set([...text.matchAll(/\/\/ TODO \(exercise ([^)]+)\)/g)].map((m) => m[1]));
      const exercises = new Set(source.cells.filter((c) => c.metadata.tags?.includes("solution")).map((c) => String(c.metadata.optlab?.exercise)));
      assert.deepEqual([...todos].sort(), [...exercises].sort());
    });

    it("the teacher version runs green and the student version without errors (optlab run --html)", () => {
      assert.equal(build.code, 0, `${build.stdout}\n${build.stderr.slice(-4000)}`);
      for (const v of ["teacher", "student"]) {
        const executed = JSON.parse(fs.readFileSync(path.join(tmp, "out", "html", v, file), "utf8")) as Nb;
        const errors = executed.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === "error");
        assert.deepEqual(errors, [], `${v} version raised`);
        assert.ok(fs.statSync(path.join(tmp, "out", "html", v, file.replace(/\.ipynb$/, ".html"))).size > 0);
      }
    });

    it("the hidden checks fail on the empty TODOs and pass on the solutions (optlab grade)", async () => {
      for (const [who, v] of [["todo", "student"], ["solved", "teacher"]]) {
        fs.mkdirSync(path.join(tmp, "subs", who), { recursive: true });
        fs.copyFileSync(path.join(tmp, "out", v, file), path.join(tmp, "subs", who, file));
      }
      const r = await optlab(["grade", path.join(tmp, "subs"), "--lesson", String(lesson), "--source", path.join(tmp, "src"), "--out", path.join(tmp, "grades"), "--timeout", "120"]);
      assert.equal(r.code, 0, r.stderr);
      const [header, ...rows] = parseCsv(fs.readFileSync(path.join(tmp, "grades", "grades.csv"), "utf8"));
      const get = (who: string) => Object.fromEntries(header.map((h, i) => [h, rows.find((x) => x[0] === who)![i]]));
      const todo = get("todo"), solved = get("solved");
      const exercises = header.filter((h) => h.startsWith("exercise "));
      assert.ok(exercises.length >= 2);
      const report = (who: string) => fs.readFileSync(path.join(tmp, "grades", who, "report.md"), "utf8");
      for (const h of exercises) {
        const max = Number(/\(\/([\d.]+)\)$/.exec(h)![1]);
        assert.equal(Number(todo[h]), 0, `${h}: the empty TODO scored ${todo[h]}\n${report("todo")}`);
        assert.equal(Number(solved[h]), max, `${h}: the solution scored ${solved[h]} of ${max}\n${report("solved")}`);
      }
      // Both ran all their own cells: the student version's TODO stubs do not raise.
      assert.equal(todo.status, "ok", todo.reason);
      assert.equal(solved.status, "ok", solved.reason);
    });
  });
}
