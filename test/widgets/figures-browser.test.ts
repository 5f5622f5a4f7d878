/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The figures in Debian chromium: every view rendered live (the d3 DOMWidgetViews, through
 * @jupyter-widgets/html-manager from a saved widget state, offline) next to its static SVG. The
 * live and the static figure are drawn by the same chart function, so their marks must agree
 * attribute for attribute; legend labels keep their own colour under the page's CSS and legend
 * samples show their series' colour as the browser computes it. Screenshots of both go to
 * out/artifacts/figures/.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BrowserContext, Page } from "playwright-core";
import { headless } from "../../widgets/src/model/Widget";
import { copyWidgetAssets, renderNotebookHtml, WIDGET_VIEW_MIME } from "../../kernel/src/runner/htmlExport";
import { WIDGET_STATE_MIME, type SavedModel } from "../../kernel/src/runner/widgetState";
import type { Notebook } from "../../kernel/src/runner/notebook";
import { CHROMIUM, launchBrowser, ROOT } from "../e2e/widgets-harness";
import { figureSamples, viewOf } from "./figure-samples";

const ARTIFACTS = path.join(ROOT, "out", "artifacts", "figures");

/** A widget's saved state (nbformat widget-state v2): typed arrays out as base64 buffers at their paths. */
function saved(w: { modelName: string; modelModule: string; modelModuleVersion: string; wireState(): Record<string, unknown> }): SavedModel {
  const buffers: NonNullable<SavedModel["buffers"]> = [];
  const walk = (v: unknown, p: (string | number)[]): unknown => {
    if (ArrayBuffer.isView(v)) {
      buffers.push({ path: p, data: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64"), encoding: "base64" });
      return undefined;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...p, i]) ?? null);
    if (typeof v === "object" && v !== null) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const y = walk(x, [...p, k]);
        if (y !== undefined) o[k] = y;
      }
      return o;
    }
    return v;
  };
  const state = walk(w.wireState(), []) as Record<string, unknown>;
  return { model_name: w.modelName, model_module: w.modelModule, model_module_version: w.modelModuleVersion, state, buffers };
}

/** The marks of a figure as comparable records (tag, classes and geometry/colour attributes). */
const MARK_ATTRS = ["d", "x", "y", "width", "height", "cx", "cy", "r", "x1", "x2", "y1", "y2", "fill", "stroke", "stroke-dasharray", "transform", "data-series", "data-index", "data-label"];

async function marksOf(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluate((root, attrs) => {
    const out: string[] = [];
    root.querySelectorAll(".mark, .legend-entry, .tick, .axis-title, .colorbar-step").forEach((e) => {
      const a = (attrs as string[]).map((k) => `${k}=${e.getAttribute(k) ?? ""}`).join(" ");
      out.push(`${e.tagName} .${e.getAttribute("class")} ${a} "${e.textContent ?? ""}"`);
    });
    return out;
  }, MARK_ATTRS);
}

describe("e2e figures: live views and static SVGs in Debian chromium draw the same marks", function () {
  this.timeout(120_000);
  const tmp: string[] = [];
  let ctx: BrowserContext;
  let page: Page;
  let names: string[] = [];
  const statics = new Map<string, string>();
  const errors: string[] = [];
  const offMachine: string[] = [];

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install the Debian package chromium (listed in .ci/apt-packages)`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const samples = await figureSamples();
    const state: Record<string, SavedModel> = {};
    const cells: Notebook["cells"] = [];
    headless(() => {
      for (const s of samples) {
        const v = viewOf(s);
        const layout = v.get("layout") as unknown as Parameters<typeof saved>[0] & { modelId: string };
        state[layout.modelId] = saved(layout);
        state[v.modelId] = saved(v);
        const svg = v.svg();
        statics.set(s.name, svg);
        cells.push({ cell_type: "code", id: `fig-${s.name}`, source: `show(${s.name})`, metadata: {}, execution_count: cells.length + 1, outputs: [
          { output_type: "display_data", metadata: {}, data: { [WIDGET_VIEW_MIME]: { version_major: 2, version_minor: 0, model_id: v.modelId }, "image/svg+xml": svg, "text/plain": s.name } },
        ] } as never);
      }
    });
    names = samples.map((s) => s.name);
    const nb = { nbformat: 4, nbformat_minor: 5, metadata: { widgets: { [WIDGET_STATE_MIME]: { version_major: 2, version_minor: 0, state } } }, cells } as unknown as Notebook;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-figures-"));
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-chromium-"));
    tmp.push(dir, profile);
    const page0 = renderNotebookHtml(nb, { title: "figures" });
    assert.equal(page0.widgetViews, samples.length);
    copyWidgetAssets(dir);
    fs.writeFileSync(path.join(dir, "figures.html"), page0.html);
    ctx = await launchBrowser(profile);
    await ctx.route((u) => u.protocol !== "file:" && u.protocol !== "data:", (route) => {
      offMachine.push(route.request().url());
      return route.abort();
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.setViewportSize({ width: 1700, height: 1000 });
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`file://${path.join(dir, "figures.html")}`);
    for (const n of names) await page.locator(`#cell-fig-${n} svg.optlab-figure .mark`).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1800); // the landscape race animates for 1.5 s
    // Each static SVG inline on the same page, after its cell.
    await page.evaluate((pairs) => {
      for (const [n, svg] of pairs as [string, string][]) {
        const host = document.createElement("div");
        host.className = "static-figure";
        host.id = `static-${n}`;
        host.innerHTML = svg;
        document.getElementById(`cell-fig-${n}`)!.appendChild(host);
      }
    }, [...statics]);
  });

  after(async () => {
    await ctx?.close();
    for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
  });

  it("every view's live figure has the static figure's marks, legend entries, ticks and axis titles, attribute for attribute", async () => {
    for (const n of names) {
      const live = await marksOf(page, `#cell-fig-${n} svg.optlab-figure`);
      const stat = await marksOf(page, `#static-${n} svg.chart`);
      assert.ok(live.length > 10, `${n}: ${live.length} marks live`);
      assert.deepEqual(live, stat, `${n}: live and static marks differ`);
      await page.locator(`#cell-fig-${n} .optlab-view`).screenshot({ path: path.join(ARTIFACTS, `live-${n}.png`) });
      await page.locator(`#static-${n} svg.optlab-svg`).screenshot({ path: path.join(ARTIFACTS, `static-${n}.png`) });
    }
    assert.deepEqual(errors, []);
    assert.deepEqual(offMachine, []);
  });

  it("legend labels keep their colour under the page's CSS, and each sample's computed colour is its series' computed colour", async () => {
    for (const sel of names.flatMap((n) => [`#cell-fig-${n} svg.optlab-figure`, `#static-${n} svg.chart`])) {
      const rows = await page.locator(sel).evaluate((root) => {
        return [...root.querySelectorAll(".legend-entry")].map((entry) => {
          const id = entry.getAttribute("data-series")!;
          const scope = entry.closest(".curves-panel") ?? root;
          const marks = [...scope.querySelectorAll(".mark")].filter((m) => !m.closest(".legend") && [m.getAttribute("data-series"), m.getAttribute("data-name"), m.getAttribute("data-label")].includes(id) || m.classList.contains(id));
          const seriesColors = marks.flatMap((m) => [getComputedStyle(m).stroke, getComputedStyle(m).fill, ...[...m.children].map((c) => getComputedStyle(c).fill)]);
          const label = entry.querySelector(".legend-label")!;
          const sample = entry.querySelector(".legend-sample")!;
          const cs = getComputedStyle(sample);
          return { id, sample: sample.tagName === "line" || cs.fill === "rgb(255, 255, 255)" ? cs.stroke : cs.fill, seriesColors, labelFill: getComputedStyle(label).fill, labelAttr: label.getAttribute("fill") };
        });
      });
      for (const r of rows) {
        assert.equal(r.labelFill, "rgb(34, 34, 34)", `${sel} ${r.id}: label fill ${r.labelFill} (attribute ${r.labelAttr})`);
        assert.ok(r.seriesColors.includes(r.sample), `${sel} ${r.id}: sample ${r.sample} not among ${r.seriesColors.join(", ")}`);
      }
    }
  });
});
