/**
 * `optlab grade` on the fixture lesson (test/fixtures/course/lesson/01-mini.ipynb: exercise A 2 pt,
 * B 1 pt, C 2 + 1 pt) and four submissions whose scores follow from reading them:
 * alice solves everything (6); bob flips the sign of the GD step, so A's check fails and so does
 * C's convergence check (his iterate grows by 1.5× per step) while C's divergence check and B pass
 * (2); carol's exercise-C cell throws before defining `iterate`, so she keeps A and B (3); dave's
 * exercise-B cell loops forever: stopped by the timeout, 0 with the reason.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FIXTURES, Nb, optlab, parseCsv, src } from "./cli";

describe("optlab grade: hidden checks scored on fixture submissions", function () {
  this.timeout(240_000);
  let out: string;
  let rows: Record<string, Record<string, string>>;
  let stderr: string;

  before(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-grade-"));
    const r = await optlab(["grade", path.join(FIXTURES, "submissions"), "--lesson", "1", "--source", path.join(FIXTURES, "lesson"), "--out", out, "--timeout", "8"]);
    stderr = r.stderr;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), path.join(out, "grades.csv"));
    const [header, ...body] = parseCsv(fs.readFileSync(path.join(out, "grades.csv"), "utf8"));
    assert.deepEqual(header, ["student", "lesson", "exercise A (/2)", "exercise B (/1)", "exercise C (/3)", "total", "max", "status", "reason"]);
    rows = Object.fromEntries(body.map((r) => [r[0], Object.fromEntries(header.map((h, i) => [h, r[i]]))]));
  });

  const scores = (s: string) => [rows[s]["exercise A (/2)"], rows[s]["exercise B (/1)"], rows[s]["exercise C (/3)"], rows[s].total, rows[s].max].map(Number);

  it("grades every student folder, in name order", () => {
    assert.deepEqual(Object.keys(rows), ["alice", "bob", "carol", "dave"]);
    for (const s of Object.keys(rows)) assert.equal(rows[s].lesson, "1");
  });

  it("the correct submission gets full marks and status ok", () => {
    assert.deepEqual(scores("alice"), [2, 1, 3, 6, 6]);
    assert.equal(rows.alice.status, "ok");
    assert.equal(rows.alice.reason, "");
  });

  it("the partly correct one gets the points of the checks it passes, check by check", () => {
    assert.deepEqual(scores("bob"), [0, 1, 1, 2, 6]);
    // His own cells all ran: failed hidden checks cost points but are not errors of the submission.
    assert.equal(rows.bob.status, "ok");
    const report = fs.readFileSync(path.join(out, "bob", "report.md"), "utf8");
    assert.match(report, /\*\*Score: 2 \/ 6\*\*/);
    assert.match(report, /gdStep\(3, -1, 0\.5\) = 2\.5, expected 3\.5/);
  });

  it("the one that throws keeps what it passed before and around the error", () => {
    assert.deepEqual(scores("carol"), [2, 1, 0, 3, 6]);
    assert.equal(rows.carol.status, "errors");
    assert.match(rows.carol.reason, /raised Error: carol: not sure how to iterate/);
  });

  it("an infinite loop is stopped by the timeout and scored 0 with the reason", () => {
    assert.deepEqual(scores("dave"), [0, 0, 0, 0, 6]);
    assert.equal(rows.dave.status, "timeout");
    assert.match(rows.dave.reason, /did not finish within 8 s/);
    assert.match(stderr, /dave: 0\/6 timeout/);
    const report = fs.readFileSync(path.join(out, "dave", "report.md"), "utf8");
    assert.match(report, /status: timeout/);
  });

  it("writes each graded notebook with the hidden checks back after the cells they followed", () => {
    const nb = JSON.parse(fs.readFileSync(path.join(out, "alice", "01-mini.ipynb"), "utf8")) as Nb;
    const ids = nb.cells.map((c) => c.id);
    const hidden = nb.cells.filter((c) => c.metadata.tags?.includes("hidden-check"));
    assert.equal(hidden.length, 4);
    // In the teacher notebook check l01-c6 follows the self-check l01-c5.
    assert.equal(ids.indexOf("l01-c6"), ids.indexOf("l01-c5") + 1);
    for (const c of hidden) assert.ok(!c.outputs!.some((o) => o.output_type === "error"), src(c));
  });
});

describe("optlab grade: bad input", function () {
  this.timeout(30_000);
  it("names the missing flag, the bad lesson and the missing folder", async () => {
    let r = await optlab(["grade", path.join(FIXTURES, "submissions")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /optlab grade needs --lesson N/);
    r = await optlab(["grade", path.join(FIXTURES, "submissions"), "--lesson", "0"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--lesson: expected a positive integer, got "0"/);
    r = await optlab(["grade", path.join(FIXTURES, "nowhere"), "--lesson", "1", "--source", path.join(FIXTURES, "lesson")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /submissions: .*nowhere is not a directory/);
    r = await optlab(["grade", path.join(FIXTURES, "submissions"), "--lesson", "7", "--source", path.join(FIXTURES, "lesson")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /lesson 7: expected one 07-\*\.ipynb in .*lessons there: 01-mini\.ipynb/);
  });

  it("--help describes the command", async () => {
    const r = await optlab(["grade", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /usage: optlab grade <submissions\/> --lesson N/);
    assert.match(r.stdout, /scored 0/);
  });
});
