/// <reference lib="dom" />
/**
 * The teaching landscape in Debian chromium against Debian jupyter-server and the optlab kernel:
 * the live d3 view and the static SVG both show the axis names, a titled colour bar, one
 * trajectory per optimizer with its learning rate in the legend, and the start marker where the
 * axis ticks put the start point; editing one optimizer's η in the view reaches the kernel and
 * recomputes that path (GD closed form); a click moves the start marker to the clicked pixel; a
 * `show()` of `optim.minimize` results draws both paths and their loss curves. Screenshots go to
 * out/artifacts/widgets/landscape-*.png.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { ARTIFACTS, buildPage, cellLocator, execute, type JupyterServer, kernelValue, launchBrowser, openPage, requireTools, screenshot, startServer } from "../e2e/widgets-harness";

/** f(θ) = ½(θ₁² + 4θ₂²) on [−2, 2]²: GD at step η moves θ₁ by the factor (1 − η) per step. */
const CELL = `
import { show } from "@optlab/widgets";
import { optim, tensor } from "@optlab/core";
const quad = { name: "quadratic", dim: 2, value: (x: ArrayLike<number>) => 0.5 * (x[0] * x[0] + 4 * x[1] * x[1]), gradient: (x: ArrayLike<number>) => [x[0], 4 * x[1]], domain: [[-2, 2], [-2, 2]] as [number, number][], minima: [{ x: [0, 0] }] };
const lv = show(quad, { optimizers: ["gd", "momentum"], lr: { gd: 0.1, momentum: 0.05 }, momentum: 0.5, start: [1.5, -1], steps: 20, resolution: 41,
  x_label: "weight w", y_label: "bias b", value_label: "L(w, b)", color_scale: "linear", colormap: "cividis", loss_curve: true, title: "quadratic: each optimizer at its own η" });
void display(lv);
const staticSvg = lv.svg();
const closure = optim.flatClosure({ p: 2, value: (x) => quad.value(x), gradient: (x) => quad.gradient(x) });
const runs = [optim.minimize(optim.sgd({ lr: 0.1 }), tensor([1.5, 1], [2]), closure, { steps: 15, trajectory: true }), optim.minimize(optim.adam({ lr: 0.2 }), tensor([1.5, 1], [2]), closure, { steps: 15, trajectory: true })];
const mv = show(runs, { landscape: quad, title: "show(optim.minimize results)" });
void display(mv);
`;

interface Figure {
  titles: string[];
  colorbars: number;
  colorbarTitle: string;
  trajectories: number;
  lossCurves: number;
  legend: string[];
  /** Start marker centre and where the axis ticks put the start point (client px). */
  marker: [number, number];
  expected: [number, number];
}

/** Reads a rendered landscape figure in the page: text, counts, and the start marker against its own axis ticks. */
async function readFigure(svg: Locator, start: [number, number]): Promise<Figure> {
  // tsx (esbuild keepNames) wraps the helpers below in __name(); the page needs it defined.
  await svg.page().evaluate("globalThis.__name = globalThis.__name || ((f) => f)");
  return svg.evaluate((root, st) => {
    const map = (cls: string) => [...root.querySelectorAll(`g.axis.${cls}`)].find((a) => !a.closest(".colorbar") && !a.closest(".loss-panel"))!;
    const fit = (axis: Element, side: 0 | 1, v: number) => {
      const pts = [...axis.querySelectorAll("g.tick")].map((t) => {
        const r = t.querySelector("line")!.getBoundingClientRect();
        return [Number(t.textContent!.replace("−", "-")), side === 0 ? r.x + r.width / 2 : r.y + r.height / 2];
      });
      const n = pts.length;
      const mv = pts.reduce((s, p) => s + p[0], 0) / n;
      const mp = pts.reduce((s, p) => s + p[1], 0) / n;
      const slope = pts.reduce((s, p) => s + (p[0] - mv) * (p[1] - mp), 0) / pts.reduce((s, p) => s + (p[0] - mv) ** 2, 0);
      return mp + slope * (v - mv);
    };
    const m = root.querySelector("circle.start-marker")!.getBoundingClientRect();
    const s = st as [number, number];
    return {
      titles: [...root.querySelectorAll(".axis-title")].map((e) => e.textContent ?? ""),
      colorbars: root.querySelectorAll("g.colorbar").length,
      colorbarTitle: root.querySelector("g.colorbar .axis-title")?.textContent ?? "",
      trajectories: root.querySelectorAll("path.trajectory").length,
      lossCurves: root.querySelectorAll("path.loss-curve").length,
      legend: [...root.querySelectorAll(".legend-label")].map((e) => e.textContent ?? ""),
      marker: [m.x + m.width / 2, m.y + m.height / 2],
      expected: [fit(map("x"), 0, s[0]), fit(map("y"), 1, s[1])],
    } as Figure;
  }, start);
}

function checkFigure(f: Figure, where: string, legend: string[]): void {
  for (const t of ["weight w", "bias b", "L(w, b)"]) assert.ok(f.titles.includes(t), `${where}: axis titles ${f.titles.join(" | ")}`);
  assert.equal(f.colorbars, 1, `${where}: colour bars`);
  assert.equal(f.colorbarTitle, "L(w, b)", `${where}: colour bar title`);
  assert.equal(f.trajectories, 2, `${where}: trajectories`);
  assert.equal(f.lossCurves, 2, `${where}: loss curves`);
  assert.deepEqual(f.legend, legend, `${where}: legend`);
  assert.ok(Math.abs(f.marker[0] - f.expected[0]) < 1.5 && Math.abs(f.marker[1] - f.expected[1]) < 1.5, `${where}: start marker at ${f.marker}, ticks put the start at ${f.expected}`);
}

describe("e2e: the teaching landscape in Debian chromium with a live optlab kernel", function () {
  this.timeout(300_000);
  let server: JupyterServer | undefined;
  let ctx: BrowserContext | undefined;
  let page: Page;
  let cell: Locator;
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
    const r = await execute(page, CELL);
    assert.equal(r.status, "ok", `cell failed: ${r.error}\n${server.log()}`);
    cell = cellLocator(page, r.cell);
    await cell.locator(".optlab-LandscapeView").first().locator("path.trajectory").first().waitFor();
    await page.waitForTimeout(1800); // the race animates for 1.5 s
  });

  after(async () => {
    await ctx?.close();
    await server?.stop();
    for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.error("page errors:", errors);
  });

  it("live and static figures: axis names, a titled colour bar, one trajectory per optimizer with its η, the start marker where the ticks put it", async () => {
    const legend = ["gd, η = 0.1", "momentum, η = 0.05", "start"];
    const lv = cell.locator(".optlab-LandscapeView").first();
    checkFigure(await readFigure(lv.locator("svg.optlab-figure"), [1.5, -1]), "live", legend);
    await screenshot(page, "landscape-teaching-live", lv);
    // The static SVG (what nbconvert and GitHub show), set into a second page of the same browser.
    const svg = await kernelValue<string>(page, "staticSvg");
    const sp = await ctx!.newPage();
    await sp.setContent(`<html><body style="margin:0;background:#fff">${svg}</body></html>`);
    checkFigure(await readFigure(sp.locator("svg.optlab-svg"), [1.5, -1]), "static", legend);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await sp.locator("svg.optlab-svg").screenshot({ path: path.join(ARTIFACTS, "landscape-teaching-static.png") });
    await sp.close();
    assert.deepEqual(errors, []);
  });

  it("editing gd's η in the view reaches the kernel, recomputes gd's path at the new η (closed form) and relabels the legend", async () => {
    const lv = cell.locator(".optlab-LandscapeView").first();
    const input = lv.locator('input.lr-of[data-optimizer="gd"]');
    assert.equal(await input.inputValue(), "0.1");
    const runsBefore = await kernelValue<number>(page, "lv.runs");
    await input.fill("0.3");
    await input.dispatchEvent("change");
    for (let i = 0; i < 40 && (await kernelValue<number>(page, "lv.runs")) === runsBefore; i++) await page.waitForTimeout(100);
    assert.deepEqual(await kernelValue<Record<string, number>>(page, "lv.get('lrs')"), { gd: 0.3, momentum: 0.05 });
    const gd = await kernelValue<number[]>(page, "Array.from((lv.get('trajectories') as Float64Array).slice(0, 42))");
    for (let k = 0; k <= 20; k++) {
      assert.ok(Math.abs(gd[2 * k] - 0.7 ** k * 1.5) < 1e-12 && Math.abs(gd[2 * k + 1] - (1 - 1.2) ** k * -1) < 1e-12, `gd step ${k}: ${gd[2 * k]}, ${gd[2 * k + 1]}`);
    }
    await lv.locator(".legend-label", { hasText: "gd, η = 0.3" }).waitFor({ timeout: 5000 });
    assert.deepEqual(errors, []);
  });

  it("a click on the map sets the start: the kernel gets the clicked point and the marker moves under the pointer", async () => {
    const lv = cell.locator(".optlab-LandscapeView").first();
    const hit = lv.locator("rect.landscape-hit");
    await hit.scrollIntoViewIfNeeded();
    const box = (await hit.boundingBox())!;
    const px: [number, number] = [box.x + box.width * 0.2, box.y + box.height * 0.75];
    const runsBefore = await kernelValue<number>(page, "lv.runs");
    await page.mouse.click(px[0], px[1]);
    for (let i = 0; i < 40 && (await kernelValue<number>(page, "lv.runs")) === runsBefore; i++) await page.waitForTimeout(100);
    const start = await kernelValue<[number, number]>(page, "lv.get('start')");
    // Pixel → data by the map's extent alone ([−2, 2]², y up), one pixel of tolerance.
    assert.ok(Math.abs(start[0] - (-2 + 0.2 * 4)) < 4 / box.width + 1e-9, `start x ${start[0]}`);
    assert.ok(Math.abs(start[1] - (2 - 0.75 * 4)) < 4 / box.height + 1e-9, `start y ${start[1]}`);
    await page.waitForTimeout(300);
    const f = await readFigure(lv.locator("svg.optlab-figure"), start);
    assert.ok(Math.abs(f.marker[0] - px[0]) < 1.5 && Math.abs(f.marker[1] - px[1]) < 1.5, `marker ${f.marker} vs click ${px}`);
    await page.waitForTimeout(1600);
    await screenshot(page, "landscape-teaching-clicked", lv);
    assert.deepEqual(errors, []);
  });

  it("show(optim.minimize results): both paths over the contours, their loss curves, legend with each η", async () => {
    const mv = cell.locator(".optlab-LandscapeView").nth(1);
    await mv.locator("path.loss-curve").first().waitFor();
    await page.waitForTimeout(1600);
    const svg = mv.locator("svg.optlab-figure");
    assert.equal(await svg.locator("path.trajectory").count(), 2);
    assert.equal(await svg.locator("path.loss-curve").count(), 2);
    assert.ok((await svg.locator("path.contour").count()) > 3);
    assert.equal(await svg.locator("g.colorbar").count(), 1);
    assert.deepEqual(await svg.locator(".legend-label").allTextContents(), ["sgd, η = 0.1", "adam, η = 0.2", "start"]);
    // Each trajectory has its 16 points: the path's vertex count.
    const vertices = await svg.locator("path.trajectory").evaluateAll((ps) => ps.map((p) => (p.getAttribute("d") ?? "").split(/[ML]/).filter(Boolean).length));
    assert.deepEqual(vertices, [16, 16]);
    await screenshot(page, "landscape-minimize-live", mv);
    assert.deepEqual(errors, []);
  });
});
