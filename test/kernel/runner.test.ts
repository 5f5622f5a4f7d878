/**
 * `optlab run` / `optlab reproduce` through the real CLI process (built kernel/dist), on the
 * fixture notebooks in test/fixtures/notebooks/. Executed notebooks are checked against
 * nbformat's own validator (Debian python3-nbformat) and widget state against
 * @jupyter-widgets/schema's v2 state schema.
 */
import { strict as assert } from "assert";
import Ajv from "ajv";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { KERNEL_BIN, tempDir } from "./client";
import { PYTHON, requirePythonModules } from "../e2e/python";

const FIXTURES = path.resolve(__dirname, "..", "fixtures", "notebooks");
const fixture = (name: string) => path.join(FIXTURES, `${name}.ipynb`);
const CHECK_MIME = "application/vnd.optlab.check+json";
const WIDGET_STATE = "application/vnd.jupyter.widget-state+json";

interface Result {
  code: number | null;
  out: string;
  err: string;
}

/** Runs the optlab CLI (async, so mocha's timeout applies). */
function optlab(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [KERNEL_BIN, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, out, err }));
  });
}

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  execution_count?: number | null;
}
interface Cell {
  cell_type: string;
  id?: string;
  source: string | string[];
  metadata: { tags?: string[] };
  execution_count?: number | null;
  outputs?: Output[];
}
interface Nb {
  nbformat_minor: number;
  metadata: Record<string, any>;
  cells: Cell[];
}

const join = (v: unknown) => (Array.isArray(v) ? v.join("") : String(v ?? ""));
const readNb = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Nb;
const byId = (nb: Nb, id: string) => nb.cells.find((c) => c.id === id)!;
const checks = (nb: Nb) => nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.data?.[CHECK_MIME]).map((o) => o.data![CHECK_MIME] as Record<string, any>));

/** nbformat's own validator (the reference implementation), on Debian's python3. */
function nbformatValidate(file: string): void {
  requirePythonModules({ nbformat: "python3-nbformat" });
  const r = spawnSync(PYTHON, ["-c", "import sys, nbformat\nnb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)\nnbformat.validate(nb)\nprint('valid', nb.nbformat, nb.nbformat_minor)", file], { encoding: "utf8" });
  assert.equal(r.status, 0, `nbformat.validate(${file}) failed:\n${r.stderr}`);
}

/** The Park–Miller Monte-Carlo π estimate of check-ok.ipynb, computed here independently. */
function piEstimate(seed: number, samples: number): number {
  let state = seed;
  const u = () => (state = (state * 16807) % 2147483647) / 2147483647;
  let inside = 0;
  for (let i = 0; i < samples; i++) {
    const x = u();
    const y = u();
    if (x * x + y * y <= 1) inside++;
  }
  return (4 * inside) / samples;
}

describe("optlab run: failures exit non-zero naming the notebook and cell", function () {
  this.timeout(60_000);

  it("malformed notebook JSON: names the file, the parse error and its line", async () => {
    const out = tempDir();
    const r = await optlab(["run", fixture("malformed"), "--out", out]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /malformed\.ipynb: malformed notebook JSON: .*line 6, column 2/);
    assert.ok(!fs.existsSync(path.join(out, "malformed.ipynb")), "nothing executed, nothing written");
  });

  it("a notebook that breaks the nbformat 4.5 schema is rejected before any kernel starts", async () => {
    const r = await optlab(["run", fixture("invalid-schema"), "--out", tempDir()]);
    assert.equal(r.code, 1);
    assert.match(r.err, /invalid-schema\.ipynb: not a valid nbformat 4\.5 notebook/);
    assert.match(r.err, /\/cells\/0: must have required property 'source'/);
  });

  it("an unknown --kernel-name: names the kernelspec and where it was looked for", async () => {
    const jp = tempDir();
    const r = await optlab(["run", fixture("second"), "--out", tempDir(), "--kernel-name", "no-such-kernel"], { JUPYTER_PATH: jp, JUPYTER_DATA_DIR: path.join(jp, "data") });
    assert.equal(r.code, 1);
    assert.match(r.err, /second\.ipynb: cannot start the kernel: no kernelspec named "no-such-kernel"/);
    assert.ok(r.err.includes(path.join(jp, "kernels")), r.err);
  });

  it("an erroring cell: cell 2/3 named with its id and source, the error shown, later cells not run", async () => {
    const out = tempDir();
    const r = await optlab(["run", fixture("cell-error"), "--out", out]);
    assert.equal(r.code, 1);
    assert.match(r.err, /cell-error\.ipynb: cell 2\/3 \[id c1\] \(`console\.log\('before'\);`\) raised RangeError: deliberate failure in the second cell/);
    const nb = readNb(path.join(out, "cell-error.ipynb"));
    const failed = byId(nb, "c1");
    assert.equal(join(failed.outputs!.find((o) => o.output_type === "stream")!.text), "before\n");
    const error = failed.outputs!.find((o) => o.output_type === "error")!;
    assert.equal(error.ename, "RangeError");
    assert.equal(error.evalue, "deliberate failure in the second cell");
    assert.equal(byId(nb, "c0").execution_count, 1);
    assert.equal(failed.execution_count, 2);
    assert.equal(byId(nb, "c2").execution_count, null);
    assert.deepEqual(byId(nb, "c2").outputs, []);
    nbformatValidate(path.join(out, "cell-error.ipynb"));
  });

  it("timing-out cells (a busy loop, a never-settling await): each named, CellTimeoutError recorded", async () => {
    const out = tempDir();
    const r = await optlab(["run", fixture("timeout"), fixture("async-timeout"), "--out", out, "--timeout", "2"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /timeout\.ipynb: cell 2\/3 \[id c1\] \(`while \(true\) \{\}`\) timed out: cell did not finish within 2 s/);
    assert.match(r.err, /async-timeout\.ipynb: cell 1\/1 \[id c0\] \(`await new Promise\(\(\) => \{\}\);`\) timed out/);
    const nb = readNb(path.join(out, "timeout.ipynb"));
    assert.ok(byId(nb, "c1").outputs!.some((o) => o.output_type === "error" && o.ename === "CellTimeoutError"));
    assert.equal(byId(nb, "c2").execution_count, null);
  });

  it("usage errors exit 2: --param that is not name=JSON, an unknown option, no notebook", async () => {
    for (const args of [["run", fixture("second"), "--param", "n=oops"], ["run", fixture("second"), "--frobnicate"], ["run"]]) {
      const r = await optlab(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    }
    assert.match((await optlab(["run", fixture("second"), "--param", "n=oops"])).err, /--param n: "oops" is not JSON/);
  });

  it("--html is a flag of optlab run only: a value or optlab reproduce --html exit 2", async () => {
    const withValue = await optlab(["run", fixture("second"), "--html=yes"]);
    assert.equal(withValue.code, 2, withValue.err);
    assert.match(withValue.err, /--html takes no value/);
    const onReproduce = await optlab(["reproduce", "--html"]);
    assert.equal(onReproduce.code, 2, onReproduce.err);
    assert.match(onReproduce.err, /--html belongs to optlab run/);
  });
});

describe("optlab run: executed notebooks, figures, checks, parameters, widget state", function () {
  this.timeout(90_000);

  describe("check-ok.ipynb, run twice", () => {
    const runs: { out: string; r: Result }[] = [];
    before(async function () {
      this.timeout(60_000);
      for (let i = 0; i < 2; i++) {
        const out = tempDir();
        // A figure left by an earlier run of the same notebook must not survive.
        fs.mkdirSync(path.join(out, "figures"));
        fs.writeFileSync(path.join(out, "figures", "check-ok-9.svg"), "stale");
        runs.push({ out, r: await optlab(["run", fixture("check-ok"), "--out", out]) });
      }
    });

    // The check cell names an earlier cell's variable in shorthand (`numbers: { estimate, ... }`),
    // which tslab's converter alone compiles to a ReferenceError.
    it("both runs exit 0 with identical checked numbers, equal to an independent computation", () => {
      for (const { r } of runs) assert.equal(r.code, 0, r.err);
      const [ca, cb] = runs.map(({ out }) => checks(readNb(path.join(out, "check-ok.ipynb"))));
      assert.equal(ca.length, 1);
      assert.deepEqual(ca, cb);
      const estimate = piEstimate(7, 20000);
      assert.equal(ca[0].numbers.estimate, estimate);
      assert.equal(ca[0].numbers.error, Math.abs(estimate - Math.PI));
      assert.equal(ca[0].passed, true);
      assert.equal(ca[0].id, "pi-estimate");
    });

    it("writes outputs and execution counts; the executed notebook passes nbformat.validate", () => {
      const { out, r } = runs[0];
      const file = path.join(out, "check-ok.ipynb");
      nbformatValidate(file);
      const nb = readNb(file);
      assert.deepEqual(nb.cells.filter((c) => c.cell_type === "code").map((c) => c.execution_count), [1, 2, 3, 4]);
      assert.equal(join(byId(nb, "c2").outputs![0].text), `estimate ${piEstimate(7, 20000)}\n`);
      const result = byId(nb, "c3").outputs!.find((o) => o.output_type === "execute_result")!;
      assert.equal(result.execution_count, 3);
      assert.equal(join(result.data!["text/plain"]), "dot");
      assert.equal(nb.metadata.language_info.name, "typescript");
      assert.equal(nb.metadata.optlab.title, "Fixture: π by Monte Carlo");
      // Progress on stderr names the notebook and every cell.
      for (let i = 1; i <= 4; i++) assert.ok(r.err.includes(`cell ${i}/4`), r.err);
    });

    it("extracts every image/svg+xml output into figures/<notebook>-<n>.svg, in output order", () => {
      const { out } = runs[0];
      assert.deepEqual(fs.readdirSync(path.join(out, "figures")).sort(), ["check-ok-1.svg", "check-ok-2.svg"]);
      const width = Math.round(30 * piEstimate(7, 20000));
      assert.equal(fs.readFileSync(path.join(out, "figures", "check-ok-1.svg"), "utf8"),
        `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="20"><rect width="${width}" height="20" fill="steelblue"/></svg>`);
      assert.match(fs.readFileSync(path.join(out, "figures", "check-ok-2.svg"), "utf8"), /<circle cx="4" cy="4" r="4"\/>/);
    });
  });

  it("--param breaks the claim: injected cell after the parameters cell, exit 1 naming the check cell and ClaimFailed", async () => {
    const out = tempDir();
    const r = await optlab(["run", fixture("check-ok"), "--out", out, "--param", "tolerance=0.001"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /check-ok\.ipynb: cell 5\/5 \[id c5\] \(`reportClaim\(\{`\) raised ClaimFailed: pi-estimate: The Monte-Carlo estimate of π is within the tolerance/);
    assert.match(r.err, /"tolerance":0\.001/);
    const nb = readNb(path.join(out, "check-ok.ipynb"));
    const at = nb.cells.findIndex((c) => c.metadata.tags?.includes("parameters"));
    const injected = nb.cells[at + 1];
    assert.deepEqual(injected.metadata.tags, ["injected-parameters"]);
    assert.match(join(injected.source), /Object\.assign\(params, \{ "tolerance": 0\.001 \}\);/);
    const [check] = checks(nb);
    assert.equal(check.passed, false);
    assert.equal(check.numbers.tolerance, 0.001);
    assert.equal(check.numbers.estimate, piEstimate(7, 20000));
    assert.ok(byId(nb, "c5").outputs!.some((o) => o.output_type === "error" && o.ename === "ClaimFailed"));
    nbformatValidate(path.join(out, "check-ok.ipynb"));

    // Re-running the executed notebook without --param drops the injected cell and passes again.
    const again = tempDir();
    const r2 = await optlab(["run", path.join(out, "check-ok.ipynb"), "--out", again]);
    assert.equal(r2.code, 0, r2.err);
    const nb2 = readNb(path.join(again, "check-ok.ipynb"));
    assert.ok(!nb2.cells.some((c) => c.metadata.tags?.includes("injected-parameters")));
    assert.equal(checks(nb2)[0].passed, true);
    assert.equal(checks(nb2).length, 1);
  });

  it("papermill-style parameters: top-level let/const in the parameters cell are overridden by an injected-parameters cell", async () => {
    const out = tempDir();
    const r = await optlab(["run", fixture("papermill-params"), "--out", out,
      "--param", "lr=0.5", "--param", "widths=[32]", "--param", 'mode="adam"', "--param", "steps=7"]);
    assert.equal(r.code, 0, r.err);
    const nb = readNb(path.join(out, "papermill-params.ipynb"));
    const at = nb.cells.findIndex((c) => c.metadata.tags?.includes("parameters"));
    const injected = nb.cells[at + 1];
    assert.deepEqual(injected.metadata.tags, ["injected-parameters"]);
    assert.equal(injected.id, "injected-parameters");
    const src = join(injected.source);
    assert.match(src, /^let lr = 0\.5;$/m);
    assert.match(src, /^const widths: number\[\] = \[32\];$/m);
    assert.match(src, /^const mode: "sgd" \| "adam" = "adam";$/m);
    assert.match(src, /^Object\.assign\(params, \{ "steps": 7 \}\);$/m);
    const printed = byId(nb, "u2").outputs!.find((o) => o.output_type === "stream")!;
    assert.deepEqual(JSON.parse(join(printed.text)), { lr: 0.5, widths: [32], mode: "adam", seed: 0, steps: 7 });
    nbformatValidate(path.join(out, "papermill-params.ipynb"));
  });

  it("--param with a name the parameters cell does not declare fails listing the declared ones", async () => {
    const r = await optlab(["run", fixture("papermill-params"), "--out", tempDir(), "--param", "lr=0.5", "--param", "learningRate=0.5"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /papermill-params\.ipynb: --param learningRate: the cell tagged "parameters" declares no parameter "learningRate" \(it declares lr, widths, mode, seed, steps\)/);
    const legacy = await optlab(["run", fixture("check-ok"), "--out", tempDir(), "--param", "tolerence=0.1"]);
    assert.equal(legacy.code, 1);
    assert.match(legacy.err, /declares no parameter "tolerence" \(it declares seed, samples, tolerance\)/);
  });

  it("--param on a notebook without a parameters cell fails naming the tag; nbformat 4.4 notebooks keep their version", async () => {
    const r = await optlab(["run", fixture("no-params"), "--out", tempDir(), "--param", "k=5"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /no-params\.ipynb: --param k given but no code cell is tagged "parameters"/);
    const out = tempDir();
    const ok = await optlab(["run", fixture("old-minor"), "--out", out, "--param", "k=5"]);
    assert.equal(ok.code, 0, ok.err);
    const nb = readNb(path.join(out, "old-minor.ipynb"));
    assert.equal(nb.nbformat_minor, 4);
    assert.ok(nb.cells.every((c) => c.id === undefined), "4.4 cells have no ids");
    assert.equal(join(nb.cells[2].outputs!.find((o) => o.output_type === "execute_result")!.data!["text/plain"]), "10");
    nbformatValidate(path.join(out, "old-minor.ipynb"));
  });

  it("frontend output semantics: streams merged, update_display_data applied, clear_output(wait) honoured", async () => {
    const out = tempDir();
    const r = await optlab(["run", fixture("outputs"), "--out", out]);
    assert.equal(r.code, 0, r.err);
    const nb = readNb(path.join(out, "outputs.ipynb"));
    const [first, second] = [byId(nb, "c0").outputs!, byId(nb, "c1").outputs!];
    assert.deepEqual(first.map((o) => o.output_type), ["display_data", "stream", "stream"]);
    assert.equal(join(first[0].data!["text/plain"]), "'second'");
    assert.equal(join(first[1].text), "one\ntwo\n");
    assert.equal(first[2].name, "stderr");
    assert.deepEqual(second.map((o) => join(o.data?.["text/html"])), ["<i>kept</i>"]);
  });

  it("saves widget state from raw jupyter.widget comms: updates applied, buffers base64 at their paths, closed models dropped", async () => {
    const out = tempDir();
    const r = await optlab(["run", fixture("widgets-raw"), "--out", out]);
    assert.equal(r.code, 0, r.err);
    const nb = readNb(path.join(out, "widgets-raw.ipynb"));
    const saved = nb.metadata.widgets[WIDGET_STATE];
    const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../node_modules/@jupyter-widgets/schema/v2/state.schema.json"), "utf8"));
    const validate = new Ajv({ strict: false }).compile(schema);
    assert.ok(validate({ ...saved }), JSON.stringify(validate.errors));
    const [sliderId, binId, goneId] = join(byId(nb, "c1").outputs!.find((o) => o.output_type === "execute_result")!.data!["text/plain"]).replace(/'/g, "").split(" ");
    assert.deepEqual(Object.keys(saved.state).sort(), [sliderId, binId].sort());
    assert.ok(!(goneId in saved.state));
    assert.equal(saved.state[sliderId].model_name, "IntSliderModel");
    assert.equal(saved.state[sliderId].state.value, 7);
    const bin = saved.state[binId];
    assert.equal(bin.model_module, "@jupyter-widgets/controls");
    assert.deepEqual(bin.buffers.map((b: { path: unknown }) => b.path), [["values"], ["nested", "list", 1]]);
    const values = Buffer.from(bin.buffers[0].data, "base64");
    assert.deepEqual(Array.from(new Float64Array(values.buffer, values.byteOffset, values.byteLength / 8)), [1.5, -2, 1e-300]);
    assert.deepEqual([...Buffer.from(bin.buffers[1].data, "base64")], [0, 255, 7]);
    assert.ok(!("values" in bin.state), "a buffer in an object is removed from the JSON state");
    assert.deepEqual(bin.state.nested.list, [1, null]);
    const view = byId(nb, "c0").outputs!.find((o) => o.data?.["application/vnd.jupyter.widget-view+json"])!;
    assert.equal((view.data!["application/vnd.jupyter.widget-view+json"] as { model_id: string }).model_id, sliderId);
  });

  it("saves the state of @optlab/widgets controls, and routes Output-widget captured output into the widget", async () => {
    const out = tempDir();
    const r = await optlab(["run", fixture("widgets-control"), "--out", out]);
    assert.equal(r.code, 0, r.err);
    const nb = readNb(path.join(out, "widgets-control.ipynb"));
    const state: Record<string, { model_name: string; state: Record<string, any> }> = nb.metadata.widgets[WIDGET_STATE].state;
    const slider = Object.values(state).find((m) => m.model_name === "IntSliderModel")!;
    assert.equal(slider.state.value, 6);
    assert.equal(slider.state.description, "k");
    for (const ref of [slider.state.layout, slider.state.style]) assert.ok(ref.replace(/^IPY_MODEL_/, "") in state, `${ref} is saved too`);
    const output = Object.values(state).find((m) => m.model_name === "OutputModel")!;
    assert.deepEqual(output.state.outputs.map((o: Output) => o.output_type), ["stream", "display_data"]);
    assert.equal(join(output.state.outputs[0].text), "captured line\n");
    const cell = byId(nb, "c1").outputs!;
    assert.deepEqual(cell.filter((o) => o.output_type === "stream").map((o) => join(o.text)), ["cell line\n"]);
    nbformatValidate(path.join(out, "widgets-control.ipynb"));
  });

  it("--kernel-name runs on a kernelspec found in JUPYTER_PATH (optlab install --prefix)", async () => {
    const prefix = tempDir();
    const inst = await optlab(["install", "--prefix", prefix, "--name", "optlab-runner-test"]);
    assert.equal(inst.code, 0, inst.err);
    const out = tempDir();
    const r = await optlab(["run", fixture("second"), "--out", out, "--kernel-name", "optlab-runner-test"], {
      JUPYTER_PATH: path.join(prefix, "share", "jupyter"), JUPYTER_DATA_DIR: path.join(prefix, "data"), OPTLAB_HISTORY_FILE: "",
    });
    assert.equal(r.code, 0, r.err);
    const nb = readNb(path.join(out, "second.ipynb"));
    assert.deepEqual(checks(nb)[0].numbers, { total: 55, closedForm: 55 });
  });
});

describe("optlab reproduce", function () {
  this.timeout(90_000);

  it("writes index.html and report.json: one section per notebook in metadata order, pass/fail, numbers, figures; exit 1 on a failure", async () => {
    const dir = tempDir();
    for (const f of ["check-ok", "second", "cell-error"]) fs.copyFileSync(fixture(f), path.join(dir, `${f}.ipynb`));
    fs.copyFileSync(fixture("second"), path.join(dir, "_draft.ipynb"));
    const out = path.join(tempDir(), "out");
    const r = await optlab(["reproduce", "--dir", dir, "--out", out]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /cell-error\.ipynb: cell 2\/3 \[id c1\]/);

    const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
    // second (order 1), check-ok (order 2), then cell-error (no order); _draft skipped.
    assert.deepEqual(report.papers.map((p: { name: string }) => p.name), ["second", "check-ok", "cell-error"]);
    assert.deepEqual(report.papers.map((p: { status: string }) => p.status), ["pass", "pass", "fail"]);
    assert.deepEqual(report.summary, { ...report.summary, notebooks: 3, passed: 2, failed: 1, checks: 2, checksPassed: 2 });
    const pi = report.papers[1];
    assert.equal(pi.title, "Fixture: π by Monte Carlo");
    assert.equal(pi.citation, "Metropolis & Ulam (1949), The Monte Carlo method");
    assert.equal(pi.claim, "Sampling the unit square estimates π.");
    assert.equal(pi.checks[0].numbers.estimate, piEstimate(7, 20000));
    assert.deepEqual(pi.figures, ["figures/check-ok-1.svg", "figures/check-ok-2.svg"]);
    assert.ok(pi.seconds > 0);
    assert.equal(report.papers[2].failure.cell.position, 2);
    for (const f of pi.figures) assert.ok(fs.existsSync(path.join(out, f)), f);

    const html = fs.readFileSync(path.join(out, "index.html"), "utf8");
    assert.equal((html.match(/<section /g) ?? []).length, 3);
    const section = (name: string) => html.slice(html.indexOf(`<section id="${name}"`), html.indexOf("</section>", html.indexOf(`<section id="${name}"`)));
    assert.match(section("check-ok"), /PASS/);
    assert.match(section("check-ok"), /Fixture: π by Monte Carlo/);
    assert.match(section("check-ok"), /Metropolis &amp; Ulam \(1949\)/);
    assert.match(section("check-ok"), /<img src="figures\/check-ok-1\.svg"/);
    assert.ok(section("check-ok").includes(`<th>estimate</th><td>${Number(piEstimate(7, 20000).toPrecision(6))}</td>`), section("check-ok"));
    assert.match(section("second"), /<th>total<\/th><td>55<\/td>/);
    assert.match(section("cell-error"), /FAIL/);
    assert.match(section("cell-error"), /deliberate failure in the second cell/);
    assert.match(html, /id="summary">2\/3 papers reproduced \(2\/2 checks passed\)/);
    assert.ok(!html.includes("_draft"));

    // Every section links its paper's static HTML export ("interactive version"), the failed one too.
    for (const name of ["second", "check-ok", "cell-error"]) {
      assert.ok(section(name).includes(`<a class="interactive" href="${name}.html">interactive version</a>`), section(name));
      assert.equal(report.papers.find((p: { name: string }) => p.name === name).interactive, `${name}.html`);
      const page = fs.readFileSync(path.join(out, `${name}.html`), "utf8");
      assert.ok(page.includes(`<a href="index.html#${name}">`), `${name}.html links back to its section`);
      // No widgets in these fixtures: the page loads no scripts at all.
      assert.ok(!page.includes("<script"), `${name}.html has a script`);
    }
    const piPage = fs.readFileSync(path.join(out, "check-ok.html"), "utf8");
    assert.match(piPage, /<h1>Runner fixture: Monte-Carlo estimate of π<\/h1>/);
    assert.match(piPage, /<div class="output check pass"><p><strong>passed<\/strong> <code>/);
    assert.match(piPage, new RegExp(`estimate ${piEstimate(7, 20000)}`));
    assert.match(fs.readFileSync(path.join(out, "cell-error.html"), "utf8"), /<pre class="output error">[^<]*deliberate failure in the second cell/);
  });

  it("a paper with widgets: its interactive version references vendored scripts that exist under the output directory", async () => {
    const dir = tempDir();
    fs.copyFileSync(fixture("static-export"), path.join(dir, "static-export.ipynb"));
    const out = tempDir();
    await optlab(["reproduce", "--dir", dir, "--out", out]); // fails: the fixture reports no check
    const index = fs.readFileSync(path.join(out, "index.html"), "utf8");
    assert.ok(index.includes(`<a class="interactive" href="static-export.html">interactive version</a>`));
    const page = fs.readFileSync(path.join(out, "static-export.html"), "utf8");
    const srcs = [...page.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(srcs, ["vendor/require.js", "vendor/embed-amd.js"]);
    for (const f of [...srcs, "vendor/optlab-widgets.amd.js"]) assert.ok(fs.statSync(path.join(out, f)).size > 1000, f);
    assert.match(page, /paths: \{ "@optlab\/widgets": "optlab-widgets\.amd" \}/);
    // One view script per displayed widget (IntSlider, SpectrumView), each naming a model of the saved state.
    const state = JSON.parse(/<script type="application\/vnd\.jupyter\.widget-state\+json">([^<]*)<\/script>/.exec(page)![1]);
    const views = [...page.matchAll(/<script type="application\/vnd\.jupyter\.widget-view\+json">([^<]*)<\/script>/g)].map((m) => JSON.parse(m[1]).model_id as string);
    assert.equal(views.length, 2);
    for (const id of views) assert.ok(state.state[id], id);
    assert.deepEqual(views.map((id) => state.state[id].model_name), ["IntSliderModel", "SpectrumModel"]);
  });

  it("exits 0 when every paper passes, and 1 for a directory with no paper notebooks", async () => {
    const dir = tempDir();
    fs.copyFileSync(fixture("second"), path.join(dir, "second.ipynb"));
    const out = tempDir();
    const r = await optlab(["reproduce", "--dir", dir, "--out", out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /1\/1 papers reproduced/);
    const empty = tempDir();
    fs.copyFileSync(fixture("second"), path.join(empty, "_only-draft.ipynb"));
    const none = await optlab(["reproduce", "--dir", empty, "--out", tempDir()]);
    assert.equal(none.code, 1);
    assert.match(none.out, /no paper notebooks found/);
  });
});
