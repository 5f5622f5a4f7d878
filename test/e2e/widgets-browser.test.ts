import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BrowserContext, Page } from "playwright-core";
import { buildPage, cellLocator, execute, JupyterServer, kernelValue, launchBrowser, openPage, requireTools, screenshot, startServer } from "./widgets-harness";

/** What cells import the widgets from (the package the kernel resolves from its install). */
const W = "@optlab/widgets";

/**
 * A quadratic objective ½ θᵀ diag(λ) θ + 1 whose Hessian eigenpairs are (λ_i, e_i): the slice
 * along e_i is exactly 1 + ½ λ_i t², an independent oracle for what the kernel computes on click.
 */
const LAMBDAS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 9, 12];

const SETUP = `
import { SpectrumView, interact } from "${W}";
const lambdas = ${JSON.stringify(LAMBDAS)};
const p = lambdas.length;
const quadratic = {
  p,
  value: (th?: Float64Array) => { const t = th ?? new Float64Array(p); let s = 1; for (let i = 0; i < p; i++) s += 0.5 * lambdas[i] * t[i] * t[i]; return s; },
  grad: (th?: Float64Array) => Float64Array.from(th ?? new Float64Array(p), (v, i) => lambdas[i] * v),
  center: () => new Float64Array(p),
};
const unit = (i: number) => Float64Array.from({ length: p }, (_, j) => (i === j ? 1 : 0));
const sv = SpectrumView.fromResult({ eigenvalues: lambdas, eigenvectors: lambdas.map((_, i) => unit(i)) }, { objective: quadratic, title: "Hessian of ½θᵀdiag(λ)θ", sliceRadius: 1 });
void display(sv);
`;

/** A density spectrum (2 SLQ probes of 3 nodes) whose σ is bound to an interact FloatSlider. */
const INTERACT = `
const sv2 = SpectrumView.fromResult({ nodes: [[0.1, 1, 4], [0.3, 1.2, 3.5]], weights: [[0.5, 0.3, 0.2], [0.4, 0.4, 0.2]], sigma: 0.1 }, { title: "SLQ density, σ from interact" });
let lastSigma = NaN;
let calls = 0;
const w = interact(({ sigma }: { sigma: number }) => { lastSigma = sigma; calls++; sv2.set({ sigma }); }, { sigma: [0.02, 0.5, 0.02] });
void display(sv2);
`;

/** 400 epochs × 30 mini-batches of 10 on a 3-class mixture, streamed into a live CurvesView. */
const EPOCHS = 400;
const STEPS_PER_EPOCH = 30; // n = 300, batchSize = 10
const TRAIN = `
import { CurvesView } from "${W}";
import { nn, optim, data } from "@optlab/core";
const cv = CurvesView.live({ title: "training (live)" });
void display(cv);
const net = nn.mlp([2, 32, 3], { seed: 0 });
const ds = data.gaussianMixture({ n: 300, classes: 3, seed: 0 });
const res = await optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.05 }), loss: "crossEntropy", epochs: ${EPOCHS}, batchSize: 10, seed: 0, yieldEveryMs: 10, ...cv.callbacks() });
cv.done();
`;

/** The other three views: a labelled Gram matrix, a synthetic collapse history, Himmelblau's landscape. */
const OTHERS = `
import { KernelView, CollapseView, LandscapeView } from "${W}";
import { testfunctions } from "@optlab/core";
const labels = [2, 0, 1, 0, 2, 1, 1, 0, 2, 0, 1, 2];
const n = labels.length;
const K = new Float64Array(n * n);
for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * n + j] = (labels[i] === labels[j] ? 1 : 0.2) + (i === j ? 0.5 : 0) + 0.01 * (i + j);
const kv = KernelView.fromMatrix({ shape: [n, n], data: K }, { labels, kind: "ntk", sort_by_label: false, title: "NTK (3 classes)" });
void display(kv);
const C = 4;
const epochs = [1, 2, 4, 8, 16, 32];
const cos = Array.from({ length: C }, (_, i) => Array.from({ length: C }, (_, j) => (i === j ? 1 : -1 / 3 + 0.02 * ((i + j) % 2))));
const cvw = CollapseView.fromHistory(
  { epoch: epochs, nc1: epochs.map((e) => 2 / e), nc2Equinorm: epochs.map((e) => 0.5 / e), nc2Equiangular: epochs.map((e) => 0.3 / e), nc2Etf: epochs.map((e) => 1 / e), nc3: epochs.map((e) => 0.8 / e), nc4: epochs.map(() => null) },
  { classes: C, nc1: 2 / 32, nc2Equinorm: 0.5 / 32, nc2Equiangular: 0.3 / 32, nc2Etf: 1 / 32, nc3: 0.8 / 32, nc4: null, meanNorms: [1, 1.05, 0.95, 1], meanCosines: cos },
  { title: "Neural collapse (synthetic)" });
void display(cvw);
const lv = LandscapeView.fromFunction(testfunctions.himmelblau(), { optimizers: ["gd", "momentum", "adam"], lr: 0.01, steps: 150, resolution: 60, title: "Himmelblau: gd vs momentum vs adam" });
void display(lv);
`;

describe("e2e: optlab widgets in Debian chromium against Debian jupyter-server", function () {
  this.timeout(300_000);
  let server: JupyterServer | undefined;
  let ctx: BrowserContext | undefined;
  let page: Page;
  let setupCell: number;
  let interactCell: number;
  const errors: string[] = [];
  const tmp: string[] = [];

  before(async () => {
    const exe = requireTools();
    const pageDir = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-page-"));
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-chromium-"));
    tmp.push(pageDir, profile);
    await buildPage(pageDir);
    server = await startServer(exe, pageDir);
    ctx = await launchBrowser(profile);
    page = await openPage(ctx, server, errors);
    const r = await execute(page, SETUP);
    assert.equal(r.status, "ok", `setup cell failed: ${r.error}\n${server.log()}`);
    setupCell = r.cell;
  });

  after(async () => {
    await ctx?.close();
    await server?.stop();
    for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
  });

  afterEach(function () {
    // Page errors would mean a view or the manager broke; report them with the failing test.
    if (this.currentTest?.state === "failed") console.error("page errors:", errors);
  });

  it("SpectrumView draws one mark per eigenvalue, outliers highlighted, and a tooltip on hover", async () => {
    const view = cellLocator(page, setupCell).locator(".optlab-SpectrumView");
    await view.locator("g.eig-mark").first().waitFor();
    assert.equal(await view.locator("g.eig-mark").count(), LAMBDAS.length);
    // Outliers by the kernel's rule (|λ − median| > 5·MAD): the two large eigenvalues 9 and 12.
    assert.equal(await view.locator("g.eig-mark.outlier").count(), 2);
    // Marks are placed in eigenvalue order along x.
    const xs = await view.locator("g.eig-mark").evaluateAll((els) => els.map((e) => (e as any).getBoundingClientRect().x as number));
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i] > xs[i - 1], `mark ${i} left of mark ${i - 1}`);
    const tooltip = view.locator(".optlab-tooltip");
    assert.equal(await tooltip.isVisible(), false);
    await view.locator('g.eig-mark[data-index="3"] circle').hover();
    await tooltip.waitFor({ state: "visible" });
    assert.match(await tooltip.innerText(), /λ3 = 1\b/);
    await view.locator('g.eig-mark[data-index="11"] circle').hover();
    assert.match(await tooltip.innerText(), /λ11 = 12\b[^]*outlier/);
    await screenshot(page, "spectrum-hover", cellLocator(page, setupCell));
    assert.deepEqual(errors, []);
  });

  it("clicking an eigenvalue makes the kernel compute the slice along its eigenvector and the view draws it", async () => {
    const view = cellLocator(page, setupCell).locator(".optlab-SpectrumView");
    await view.locator('g.eig-mark[data-index="10"] circle').click();
    await page.waitForFunction((n) => (globalThis as any).document.querySelector(`.cell[data-cell="${n}"] .optlab-SpectrumView`)?.dataset.sliceIndex === "10", setupCell);
    const slice = view.locator("g.spectrum-slice");
    assert.ok(await slice.isVisible());
    assert.equal(await slice.locator("path.slice-line").count(), 1);
    // Kernel side: one slice computed, for index 10, equal to 1 + ½·λ₁₀·t² (λ₁₀ = 9).
    const got = await kernelValue<{ n: number; i: number; t: number[]; l: number[] }>(page,
      `{ n: sv.slicesComputed, i: sv.get("slice_index"), t: Array.from(sv.get("slice_t") as Float64Array), l: Array.from(sv.get("slice_loss") as Float64Array) }`);
    assert.equal(got.n, 1);
    assert.equal(got.i, 10);
    assert.ok(got.t.length > 2);
    got.t.forEach((t, k) => assert.ok(Math.abs(got.l[k] - (1 + 0.5 * 9 * t * t)) < 1e-12, `L(${t})`));
    // The frontend drew the same curve: the path spans the t range with one vertex per sample.
    const vertices = await slice.locator("path.slice-line").evaluate((p) => ((p as any).getAttribute("d") as string).split(/[ML]/).filter(Boolean).length);
    assert.equal(vertices, got.t.length);
    await screenshot(page, "spectrum-slice", cellLocator(page, setupCell));
    assert.deepEqual(errors, []);
  });

  it("moving an interact FloatSlider changes the kernel-side value and re-renders the bound view", async () => {
    const r = await execute(page, INTERACT);
    assert.equal(r.status, "ok", r.error);
    interactCell = r.cell;
    const cell = cellLocator(page, r.cell);
    const handle = cell.locator(".widget-interact .widget-slider .noUi-handle");
    const readout = cell.locator(".widget-interact .widget-readout");
    const view = cell.locator(".optlab-SpectrumView");
    await view.locator("path.density-line").waitFor();
    const before = await kernelValue<{ sigma: number; calls: number }>(page, "{ sigma: lastSigma, calls: calls }");
    assert.equal(before.calls, 1); // interact runs the function once on creation
    assert.ok(Math.abs(before.sigma - 0.26) < 1e-9, `initial σ ${before.sigma}`); // middle of [0.02, 0.5] on the 0.02 grid
    assert.equal(Number(await readout.innerText()), before.sigma);
    const pathBefore = await view.locator("path.density-line").getAttribute("d");
    const rendersBefore = Number(await view.getAttribute("data-renders"));

    // Drag the handle to the left with the mouse.
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 70, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();

    // The kernel got the new value (read back by executing code) …
    let after = before;
    for (let i = 0; i < 50 && after.sigma === before.sigma; i++) {
      await page.waitForTimeout(100);
      after = await kernelValue<{ sigma: number; calls: number }>(page, "{ sigma: lastSigma, calls: calls }");
    }
    const shown = Number(await readout.innerText());
    assert.ok(after.sigma < before.sigma, `σ ${before.sigma} → ${after.sigma}`);
    assert.ok(Math.abs(after.sigma - shown) < 1e-9, `kernel σ ${after.sigma} vs slider ${shown}`);
    assert.ok(after.calls >= 2);
    assert.equal(await kernelValue<number>(page, "sv2.get('sigma')"), after.sigma);
    // … and the bound view re-rendered with it: new density curve, σ readout updated.
    const sel = `.cell[data-cell="${r.cell}"] .optlab-SpectrumView`;
    await page.waitForFunction(([s, n]) => Number((globalThis as any).document.querySelector(s)?.dataset.renders) > Number(n), [sel, rendersBefore] as const);
    await page.waitForFunction(([s, d]) => (globalThis as any).document.querySelector(s)?.querySelector("path.density-line")?.getAttribute("d") !== d, [sel, pathBefore] as const);
    assert.equal(Number(await view.locator(".sigma-value").innerText()), after.sigma);
    await screenshot(page, "interact-slider", cell);
    assert.deepEqual(errors, []);
  });

  it("a CurvesView grows while a train call runs", async () => {
    const cells = await page.locator(".cell").count();
    const running = execute(page, TRAIN);
    let finished = false;
    void running.finally(() => (finished = true));
    const cell = cellLocator(page, cells + 1);
    const view = cell.locator(".optlab-CurvesView");
    await view.waitFor();
    // Sample what the browser shows while the cell is still executing.
    const seen: { total: number; drawn: number }[] = [];
    let midRun = false;
    while (!finished) {
      const total = Number((await view.getAttribute("data-total-points")) ?? 0);
      const drawn = Number((await cell.locator('path.series-line[data-series="loss"]').getAttribute("data-points", { timeout: 100 }).catch(() => "0")) ?? 0);
      if (!finished && (seen.length === 0 || total !== seen[seen.length - 1].total)) seen.push({ total, drawn });
      if (!midRun && !finished && total > 0 && seen.length >= 2) {
        await screenshot(page, "curves-live", cell);
        midRun = true;
      }
      await page.waitForTimeout(120);
    }
    const r = await running;
    assert.equal(r.status, "ok", r.error);
    // Several distinct, increasing point counts were drawn before train returned.
    const growing = seen.filter((s) => s.total > 0);
    assert.ok(growing.length >= 3, `only ${growing.length} distinct sizes seen during the run: ${JSON.stringify(seen)}`);
    for (let i = 1; i < growing.length; i++) assert.ok(growing[i].total > growing[i - 1].total);
    // The final state may be sampled before the execute reply lands; what matters is that
    // intermediate states were drawn while train ran.
    const partial = growing.filter((s) => s.total < EPOCHS * (STEPS_PER_EPOCH + 1));
    assert.ok(partial.length >= 2, `only ${partial.length} states short of the final one were seen: ${JSON.stringify(seen)}`);
    // After train: every loss point (one per step) and accuracy point (one per epoch) arrived.
    const expected = EPOCHS * STEPS_PER_EPOCH + EPOCHS;
    assert.equal(await kernelValue<number>(page, "cv.get('total_points')"), expected);
    await page.waitForFunction(([c, n]) => (globalThis as any).document.querySelector(`.cell[data-cell="${c}"] .optlab-CurvesView`)?.dataset.totalPoints === String(n), [cells + 1, expected] as const);
    // Long runs are drawn downsampled: ≤ 4 points per horizontal pixel bucket of a 560-px plot.
    const drawn = Number(await cell.locator('path.series-line[data-series="loss"]').getAttribute("data-points"));
    assert.ok(drawn > 100 && drawn < EPOCHS * STEPS_PER_EPOCH, `drawn ${drawn}`);
    assert.equal(await view.locator(".badge-live").count(), 0, "live badge still shown after done()");
    await screenshot(page, "curves-done", cell);
    assert.deepEqual(errors, []);
  });

  it("KernelView, CollapseView and LandscapeView render; sort-by-label and a click on the landscape reach the kernel", async () => {
    const r = await execute(page, OTHERS);
    assert.equal(r.status, "ok", r.error);
    const cell = cellLocator(page, r.cell);

    // KernelView: one cell per entry (12×12), a colour bar, the eigenvalue decay (12 positive eigenvalues), hover values.
    const kv = cell.locator(".optlab-KernelView");
    await kv.locator("rect.cell").first().waitFor();
    assert.equal(await kv.locator("rect.cell").count(), 144);
    assert.equal(await kv.locator("g.colorbar").count(), 1);
    assert.equal(await kv.locator("circle.decay-point").count(), 12);
    const hover = kv.locator("rect.heat-hover");
    await hover.scrollIntoViewIfNeeded();
    const hb = (await hover.boundingBox())!;
    await page.mouse.move(hb.x + hb.width * (0.5 / 12), hb.y + hb.height * (3.5 / 12)); // cell (row 3, col 0), unsorted
    // K[3,0]: labels 0 and 2 → 0.2 + 0.01·3.
    await kv.locator(".optlab-tooltip").waitFor({ state: "visible" });
    assert.match(await kv.locator(".optlab-tooltip").innerText(), /^K\[3, 0\] = 0\.23\b/);
    await kv.locator("input.sort-by-label").check();
    await page.waitForTimeout(300);
    assert.equal(await kernelValue<boolean>(page, "kv.get('sort_by_label')"), true);
    assert.equal(await kv.locator("line.class-boundary").count(), 4); // 2 boundaries between 3 classes, rows and columns
    await page.mouse.move(hb.x + hb.width * (0.5 / 12), hb.y + hb.height * (0.5 / 12));
    // Sorted (stable) by label, row 0 and column 0 are example 1 (the first with label 0): K[1,1] = 1.5 + 0.02.
    assert.match(await kv.locator(".optlab-tooltip").innerText(), /^K\[1, 1\] = 1\.52\b/);

    // CollapseView: six metric curves minus NC4 (all missing), 4 class means and the 4-point ETF.
    const cw = cell.locator(".optlab-CollapseView");
    assert.equal(await cw.locator("g.collapse-metrics path.series-line").count(), 5);
    assert.equal(await cw.locator("g.collapse-metrics path.metric-nc4").count(), 0);
    assert.equal(await cw.locator("g.collapse-geometry circle.point.means").count(), 4);
    assert.equal(await cw.locator("g.collapse-etf circle.point.etf").count(), 4);

    // LandscapeView: filled contours, three racing trajectories; a click moves the start point.
    const lv = cell.locator(".optlab-LandscapeView");
    await lv.locator("g.contours path").first().waitFor();
    assert.equal(await lv.locator("path.trajectory").count(), 3);
    const runsBefore = await kernelValue<number>(page, "lv.runs");
    const [x0, x1] = await kernelValue<[number, number]>(page, "lv.get('x_range')");
    const [y0, y1] = await kernelValue<[number, number]>(page, "lv.get('y_range')");
    const hit = lv.locator("rect.landscape-hit");
    await hit.scrollIntoViewIfNeeded();
    const box = (await hit.boundingBox())!;
    const fx = 0.25;
    const fy = 0.3;
    await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
    let start: [number, number] = [NaN, NaN];
    for (let i = 0; i < 30; i++) {
      await page.waitForTimeout(100);
      if ((await kernelValue<number>(page, "lv.runs")) > runsBefore) break;
    }
    start = await kernelValue<[number, number]>(page, "lv.get('start')");
    // Pixel → data by the axes alone (y grows upwards); one pixel of tolerance.
    assert.ok(Math.abs(start[0] - (x0 + fx * (x1 - x0))) < (x1 - x0) / box.width + 1e-9, `start x ${start[0]}`);
    assert.ok(Math.abs(start[1] - (y1 - fy * (y1 - y0))) < (y1 - y0) / box.height + 1e-9, `start y ${start[1]}`);
    assert.ok((await kernelValue<number>(page, "lv.runs")) > runsBefore, "kernel did not recompute the trajectories");
    // Every trajectory now begins at the clicked point.
    const firsts = await kernelValue<number[][]>(page, "(() => { const t = lv.get('trajectories') as Float64Array; const L = lv.get('trajectory_lengths') as Int32Array; const out: number[][] = []; let o = 0; for (const n of L) { out.push([t[2 * o], t[2 * o + 1]]); o += n; } return out; })()");
    assert.equal(firsts.length, 3);
    for (const p of firsts) assert.ok(Math.abs(p[0] - start[0]) < 1e-12 && Math.abs(p[1] - start[1]) < 1e-12, JSON.stringify(p));
    await page.waitForTimeout(1800); // let the race animation finish before the screenshot
    await screenshot(page, "kernel-collapse-landscape", cell);
    assert.deepEqual(errors, []);
  });

  it("SpectrumView controls: histogram + log y and brush-to-zoom reach the kernel; the σ slider re-smooths in the browser", async () => {
    const view = cellLocator(page, setupCell).locator(".optlab-SpectrumView");
    await view.scrollIntoViewIfNeeded();
    await view.locator("select").first().selectOption("both");
    await view.locator("select").nth(1).selectOption("log");
    await view.locator("rect.bar").first().waitFor();
    assert.deepEqual(await kernelValue<string[]>(page, "[sv.get('mode'), sv.get('y_scale')]"), ["both", "log"]);
    // Histogram bars hold every eigenvalue: their data-count attributes add up to 12.
    const counts = await view.locator("rect.bar").evaluateAll((els) => els.map((e) => Number((e as any).dataset.count)));
    assert.equal(counts.reduce((a, b) => a + b, 0), LAMBDAS.length);
    assert.equal(await view.locator("g.eig-mark").count(), LAMBDAS.length); // "both" keeps the stems

    // Brush from the empty gap between the bulk and the outliers to the left edge.
    const overlay = view.locator("g.brush rect.overlay");
    const ob = (await overlay.boundingBox())!;
    await page.mouse.move(ob.x + ob.width * 0.6, ob.y + ob.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(ob.x + ob.width * 0.01, ob.y + ob.height * 0.5, { steps: 6 });
    await page.mouse.up();
    let zoom: [number, number] | null = null;
    for (let i = 0; i < 30 && zoom === null; i++) {
      await page.waitForTimeout(100);
      zoom = await kernelValue<[number, number] | null>(page, "sv.get('zoom')");
    }
    assert.ok(zoom, "zoom did not reach the kernel");
    assert.ok(zoom[0] < 0.25 && zoom[1] > 2.5 && zoom[1] < 9, `zoom ${JSON.stringify(zoom)}`);
    // The x axis now spans the zoom: its last tick is inside [zoom0, zoom1].
    const ticks = (await view.locator("g.x-axis g.tick text").allTextContents()).map((t) => Number(t.replace("\u2212", "-")));
    assert.ok(ticks[ticks.length - 1] <= zoom[1] && ticks[0] >= zoom[0], `ticks ${ticks}`);
    await screenshot(page, "spectrum-zoom-histogram", cellLocator(page, setupCell));
    await view.locator("button.reset-zoom").click();
    await page.waitForTimeout(300);
    assert.equal(await kernelValue<null>(page, "sv.get('zoom')"), null);

    // σ slider of the density view (from the interact test): arrows move it; the curve is re-smoothed
    // by the browser at once and σ is saved to the kernel.
    const dview = cellLocator(page, interactCell).locator(".optlab-SpectrumView");
    await dview.scrollIntoViewIfNeeded();
    const path0 = await dview.locator("path.density-line").getAttribute("d");
    const slider = dview.locator("input.sigma-slider");
    await slider.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
    const sigmaShown = Number(await slider.inputValue());
    assert.notEqual(await dview.locator("path.density-line").getAttribute("d"), path0);
    let kernelSigma = NaN;
    for (let i = 0; i < 30; i++) {
      kernelSigma = await kernelValue<number>(page, "sv2.get('sigma')");
      if (Math.abs(kernelSigma - sigmaShown) < 1e-12) break;
      await page.waitForTimeout(100);
    }
    assert.ok(Math.abs(kernelSigma - sigmaShown) < 1e-12, `kernel σ ${kernelSigma}, slider ${sigmaShown}`);
    await screenshot(page, "spectrum-sigma", cellLocator(page, interactCell));
    assert.deepEqual(errors, []);
  });
});
