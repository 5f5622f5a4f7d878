/**
 * e2e: the teacher version of every course lesson (built by `optlab course build --no-html`),
 * executed by Debian's nbclient on the installed optlab kernel: every code cell runs, none raises
 * (so every hidden check passes on the solutions), and nbformat validates the result.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { installedKernelEnv, requirePythonModules, runPython } from "../e2e/python";
import { COURSE, optlab } from "./cli";

const EXECUTE = `
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, kernel_name="optlab", timeout=300, resources={"metadata": {"path": sys.argv[3]}}).execute()
nbformat.validate(nb)
nbformat.write(nb, sys.argv[2])
`;

interface Cell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[] };
  execution_count?: number | null;
  outputs?: { output_type: string; ename?: string; evalue?: string }[];
}

const lessons = fs.readdirSync(COURSE).filter((f) => /^\d+-.*\.ipynb$/.test(f)).sort();

describe("e2e: Debian nbclient executes the teacher version of every course lesson", function () {
  this.timeout(600_000);
  let env: NodeJS.ProcessEnv;
  let prefix: string;
  let teacherDir: string;
  before(async () => {
    requirePythonModules({ nbclient: "python3-nbclient", nbformat: "python3-nbformat", jupyter_client: "python3-jupyter-client" });
    ({ env, prefix } = installedKernelEnv());
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-course-e2e-"));
    const r = await optlab(["course", "build", COURSE, "--out", out, "--no-html"]);
    assert.equal(r.code, 0, r.stderr);
    teacherDir = path.join(out, "teacher");
  });

  it("notebooks/course/ holds the twelve lessons", () => {
    assert.equal(lessons.length, 12, lessons.join(", "));
    assert.deepEqual(lessons.map((f) => Number(f.slice(0, 2))), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  for (const name of lessons) {
    it(`${name}: every cell of the teacher version runs without error under nbclient`, () => {
      const out = path.join(prefix, `executed-${name}`);
      const r = runPython(["-c", EXECUTE, path.join(teacherDir, name), out, teacherDir], { env, timeoutMs: 590_000 });
      assert.equal(r.status, 0, `nbclient failed on ${name}:\n${r.stdout}\n${r.stderr.slice(-4000)}`);
      const nb = JSON.parse(fs.readFileSync(out, "utf8")) as { cells: Cell[] };
      const code = nb.cells.filter((c) => c.cell_type === "code" && (Array.isArray(c.source) ? c.source.join("") : c.source).trim() !== "");
      for (const c of code) {
        assert.equal(typeof c.execution_count, "number", `a code cell of ${name} did not run`);
        const err = c.outputs!.find((o) => o.output_type === "error");
        assert.ok(!err, `${name}: ${err?.ename}: ${err?.evalue}`);
      }
      assert.ok(code.filter((c) => c.metadata.tags?.includes("hidden-check")).length >= 2, `${name}: fewer than 2 hidden checks ran`);
    });
  }
});
