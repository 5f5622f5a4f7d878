import { strict as assert } from "assert";
import { checkScalars, collectScraps, SCRAP_MIME, summaryNotebook, sweepFigures, SweepTable, toCsv } from "../../kernel/src/sweep/collect";
import { decadeTicks, lineFigureSvg, niceTicks } from "../../kernel/src/sweep/figure";
import { newManifest } from "../../kernel/src/sweep/manifest";
import { validateNotebook } from "../../kernel/src/runner/schema";
import type { Notebook } from "../../kernel/src/runner/notebook";
import { parseCsv } from "./cli";

const table = (): SweepTable => ({
  columns: ["point", "status", "attempts", "lr", "mode", "loss", "note", "checks", "output", "error"],
  params: ["lr", "mode"],
  scalars: ["loss", "note"],
  rows: [
    [0, "done", 1, 0.1, "sgd", 0.5, 'a "quoted", note', "1/1", "runs/0000/nb.ipynb", null],
    [1, "done", 1, 0.5, "sgd", 0.25, "x", "1/1", "runs/0001/nb.ipynb", null],
    [2, "done", 1, 0.1, "adam", 0.4, "y\nz", "1/1", "runs/0002/nb.ipynb", null],
    [3, "failed", 2, 0.5, "adam", null, null, null, "runs/0003/nb.ipynb", "cell 3 raised"],
  ],
});

describe("sweep collect", () => {
  it("writes RFC 4180 CSV that a CSV reader gets back field for field", () => {
    const t = table();
    const text = toCsv(t);
    assert.match(text, /"a ""quoted"", note"/);
    const rows = parseCsv(text);
    assert.equal(rows.length, 4);
    assert.equal(rows[0].note, 'a "quoted", note');
    assert.equal(rows[2].note, "y\nz");
    assert.equal(rows[3].loss, "");
    assert.equal(rows[3].error, "cell 3 raised");
  });

  it("reads scrapbook scalars and the scalar numbers of checks", () => {
    const nb = { cells: [{ cell_type: "code", outputs: [
      { output_type: "display_data", data: { [SCRAP_MIME]: { name: "loss", data: 0.5, encoder: "json", version: 1 } }, metadata: {} },
      { output_type: "display_data", data: { [SCRAP_MIME]: { name: "loss", data: 0.25 } }, metadata: {} },
      { output_type: "execute_result", execution_count: 1, data: { [SCRAP_MIME]: { name: "widths", data: [64, 64] } }, metadata: {} },
      { output_type: "stream", name: "stdout", text: "x" },
    ] }] } as unknown as Notebook;
    assert.deepEqual(collectScraps(nb), { loss: 0.25, widths: "[64,64]" });
    assert.deepEqual(checkScalars([{ id: "gd", claim: "c", numbers: { loss: 1, series: [1, 2], ok: true, name: "x" }, passed: false, cell: 3 }]),
      { "gd.loss": 1, "gd.ok": true, "gd.passed": false });
  });

  it("plots each numeric scalar against each numeric swept parameter, a line per other setting, done points only", () => {
    const figs = sweepFigures(table());
    assert.deepEqual(figs.map((f) => f.title), ["loss vs lr"]);
    assert.deepEqual(figs[0].series, [{ label: "mode=sgd", points: [[0.1, 0.5], [0.5, 0.25]] }, { label: "mode=adam", points: [[0.1, 0.4]] }]);
    const svg = lineFigureSvg(figs[0]);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal((svg.match(/<circle /g) ?? []).length, 3);
    const nb = summaryNotebook(newManifest("nb.ipynb", { lr: [0.1, 0.5], mode: ["sgd", "adam"] }), table(), figs);
    assert.deepEqual(validateNotebook(JSON.parse(JSON.stringify(nb))), []);
  });

  it("ticks are round and cover the data", () => {
    assert.deepEqual(niceTicks(0.013, 0.97), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(-3, 7), [-4, -2, 0, 2, 4, 6, 8]);
    assert.deepEqual(decadeTicks(4.5e-13, 2.2e7).slice(0, 2), [1e-13, 1e-9]);
    const d = decadeTicks(0.003, 42);
    assert.ok(d[0] <= 0.003 && d[d.length - 1] >= 42);
  });
});
