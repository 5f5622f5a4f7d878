/**
 * The static HTML export (`optlab run --html`) in Debian chromium with no kernel and no network:
 * widgets re-render from the notebook's saved widget state through @jupyter-widgets/html-manager's
 * embed-amd, loading only the files copied next to the page (file:// URLs).
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BrowserContext, Page } from "playwright-core";
import { CHROMIUM, launchBrowser, ROOT } from "./widgets-harness";
import { KERNEL_BIN } from "../kernel/client";
import { exportNotebookHtml } from "../../kernel/src/runner/htmlExport";
import type { Notebook } from "../../kernel/src/runner/notebook";

const FIXTURE = path.join(ROOT, "test", "fixtures", "notebooks", "static-export.ipynb");
const ARTIFACT = path.join(ROOT, "out", "artifacts", "static-export.png");
/** The fixture's eigenvalues: 8 in a bulk below 1, two outliers (8 and 11). */
const EIGENVALUES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 8, 11];
/** The fixture's slider is displayed at 3, then set to 7 in the same cell: the saved state holds 7. */
const SLIDER_SAVED = 7;

function optlab(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [KERNEL_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, out, err }));
  });
}

describe("e2e: optlab run --html opens offline in Debian chromium and re-renders its widgets", function () {
  this.timeout(60_000);
  const tmp: string[] = [];
  let ctx: BrowserContext;
  let page: Page;
  let url: string;
  let outDir: string;
  const requests: string[] = [];
  const offMachine: string[] = [];
  const errors: string[] = [];

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install the Debian package chromium (listed in .ci/apt-packages)`);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-static-"));
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-chromium-"));
    tmp.push(out, profile);
    const r = await optlab(["run", FIXTURE, "--out", out, "--html"]);
    assert.equal(r.code, 0, r.err);
    const html = path.join(out, "static-export.html");
    assert.ok(fs.existsSync(html), r.out);
    // The kernel of that run has exited; nothing serves this page but the file system.
    url = `file://${html}`;
    outDir = out;

    ctx = await launchBrowser(profile);
    // Anything that is not a local file (or inline data) would leave the machine: log and refuse it.
    await ctx.route((u) => u.protocol !== "file:" && u.protocol !== "data:", (route) => {
      offMachine.push(route.request().url());
      return route.abort();
    });
    ctx.on("request", (req) => requests.push(req.url()));
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(url);
  });

  after(async () => {
    await ctx?.close();
    for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.error("page errors:", errors, "\nrequests:", requests);
  });

  it("SpectrumView draws one mark per eigenvalue (outliers highlighted) from the saved state, replacing its SVG fallback", async () => {
    const cell = page.locator("#cell-c1");
    const view = cell.locator(".optlab-SpectrumView");
    await view.locator("g.eig-mark").first().waitFor({ timeout: 20_000 });
    assert.equal(await view.locator("g.eig-mark").count(), EIGENVALUES.length);
    assert.equal(await view.locator("g.eig-mark.outlier").count(), 2);
    const xs = await view.locator("g.eig-mark").evaluateAll((els) => els.map((e) => (e as any).getBoundingClientRect().x as number));
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i] > xs[i - 1], `mark ${i} left of mark ${i - 1}`);
    // The static SVG is in the page but hidden now that the live view is there.
    const fallback = cell.locator(".widget-fallback img");
    assert.equal(await fallback.count(), 1);
    assert.equal(await fallback.isVisible(), false);
  });

  it("the IntSlider renders with its saved value (7, set after display at 3), not the value it was displayed with", async () => {
    const cell = page.locator("#cell-c0");
    const readout = cell.locator(".widget-slider .widget-readout");
    await readout.waitFor({ timeout: 20_000 });
    assert.equal(Number(await readout.innerText()), SLIDER_SAVED);
    assert.equal((await cell.locator(".widget-slider .widget-label").innerText()).trim(), "k");
    assert.equal(await cell.locator(".widget-fallback").isVisible(), false);
  });

  it("the slider needs a kernel: it is visibly disabled (inert, dimmed) with a one-line note, and the keyboard cannot move it", async () => {
    const cell = page.locator("#cell-c0");
    const note = cell.locator(".kernel-note");
    assert.ok(await note.isVisible());
    assert.match(await note.innerText(), /^Needs a running kernel/);
    assert.ok(Number(await cell.locator(".widget-subarea").evaluate((e) => getComputedStyle(e as any).opacity)) < 1);
    await cell.locator(".widget-slider .noUi-handle").focus().catch(() => undefined);
    await page.keyboard.press("ArrowRight");
    assert.equal(Number(await cell.locator(".widget-slider .widget-readout").innerText()), SLIDER_SAVED);
    // The optlab view is not marked: its figure runs in the browser.
    assert.equal(await page.locator("#cell-c1 .kernel-note").count(), 0);
  });

  it("math typeset by KaTeX from the vendored files: .katex elements, no raw $…$ left, fonts from vendor/katex, no network", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-static-math-"));
    tmp.push(dir);
    const nb = {
      nbformat: 4, nbformat_minor: 5, metadata: { optlab: { title: "math" } },
      cells: [{ cell_type: "markdown", metadata: {}, source: "# Stability\n\nGD with step $\\eta$ is stable while $\\lambda_{\\max} < 2/\\eta$; the gap λ_{j+1} − λ_j stays upright.\n\n$$\n\\mathrm{sharpness} = \\max_i \\lambda_i(\\nabla^2 L)\n$$" }],
    } as unknown as Notebook;
    const r = exportNotebookHtml(nb, path.join(dir, "math.html"));
    assert.equal(r.math, true);
    assert.ok(fs.existsSync(path.join(dir, "vendor", "katex", "katex.min.css")));
    const p = await ctx.newPage();
    const seen: string[] = [];
    p.on("request", (q) => seen.push(q.url()));
    await p.goto(`file://${path.join(dir, "math.html")}`);
    await p.evaluate(() => (document as any).fonts.ready);
    assert.equal(await p.locator(".cell.markdown .katex").count(), 3);
    assert.equal(await p.locator(".katex-display").count(), 1);
    const text = await p.locator(".cell.markdown").evaluate((e) => {
      const c = (e as any).cloneNode(true);
      c.querySelectorAll(".katex-mathml").forEach((m: any) => m.remove());
      return c.innerText as string;
    });
    assert.ok(!text.includes("$"), `raw TeX left: ${text}`);
    assert.ok(!text.includes("\\lambda"), `raw TeX left: ${text}`);
    assert.match(text, /λ_\{j\+1\} − λ_j/);
    assert.equal(await p.locator(".cell.markdown em").count(), 0);
    // KaTeX's own font is in use (loaded from vendor/katex/fonts), not a fallback.
    assert.match(await p.locator(".katex .mathnormal").first().evaluate((e) => getComputedStyle(e as any).fontFamily), /KaTeX_Math/);
    assert.ok(seen.some((u) => u.startsWith(`file://${dir}/vendor/katex/fonts/`) && u.endsWith(".woff2")), seen.join("\n"));
    for (const u of seen) assert.match(u, /^(file|data):/, `request off the machine: ${u}`);
    await p.screenshot({ path: path.join(ROOT, "out", "artifacts", "static-math.png"), fullPage: true });
    assert.deepEqual(offMachine, []);
    await p.close();
  });

  it("renders markdown safely and keeps code and stream outputs", async () => {
    assert.equal(await page.locator(".cell.markdown h1").innerText(), "Static export fixture");
    assert.equal(await page.locator(".cell.markdown strong").innerText(), "bold");
    assert.equal(await page.locator(".cell.markdown li").count(), 2);
    // A <script> in markdown is shown as text, never run (it would have changed the title).
    assert.equal(await page.title(), "Fixture: static HTML export");
    assert.match(await page.locator(".cell.markdown").innerText(), /<script>document\.title/);
    assert.match(await page.locator("#cell-c2 pre.stream").innerText(), /^eigenvalues: 10\s*$/);
  });

  it("loaded only local files (the vendored scripts among them), with no console errors, and screenshots", async () => {
    await page.screenshot({ path: ARTIFACT, fullPage: true });
    assert.deepEqual(offMachine, []);
    for (const r of requests) assert.match(r, /^(file|data):/, `request off the machine: ${r}`);
    // The log is not vacuous: it saw the page and each vendored script load.
    for (const f of ["static-export.html", "vendor/require.js", "vendor/embed-amd.js", "vendor/optlab-widgets.amd.js"]) {
      assert.ok(requests.some((r) => r.startsWith("file://") && r.endsWith(f)), `no request for ${f} in ${JSON.stringify(requests)}`);
    }
    assert.deepEqual(errors, []);
  });

  it("with JavaScript off, every widget output shows its static fallback", async () => {
    const noJs = await ctx.newPage();
    const cdp = await ctx.newCDPSession(noJs);
    await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
    await noJs.goto(url);
    const svg = noJs.locator("#cell-c1 .widget-fallback img");
    assert.ok(await svg.isVisible());
    assert.ok(await svg.evaluate((i) => (i as any).naturalWidth > 0), "SVG fallback did not decode");
    assert.match(await noJs.locator("#cell-c0 .widget-fallback").innerText(), /IntSlider\(/);
    assert.equal(await noJs.locator(".optlab-SpectrumView").count(), 0);
    await noJs.close();
  });

  it("a views bundle that fails to load: embed-amd's CDN fallback stays on the local disk and the SVG fallback stays visible", async () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-static-broken-"));
    tmp.push(broken);
    fs.cpSync(outDir, broken, { recursive: true });
    fs.rmSync(path.join(broken, "vendor", "optlab-widgets.amd.js"));
    const seen: string[] = [];
    const p = await ctx.newPage();
    p.on("request", (r) => seen.push(r.url()));
    const logged: string[] = [];
    p.on("console", (m) => logged.push(m.text()));
    await p.goto(`file://${path.join(broken, "static-export.html")}`);
    // The standard control still renders; the optlab view becomes html-manager's error widget.
    await p.locator("#cell-c0 .widget-readout").waitFor({ timeout: 20_000 });
    await p.locator("#cell-c1 .jupyter-widgets-error-widget").waitFor({ timeout: 20_000 });
    assert.ok(logged.some((t) => t.includes("Falling back to offline-no-cdn/ for @optlab/widgets")), logged.join("\n"));
    const fallbackTry = seen.find((u) => u.includes("offline-no-cdn/@optlab/widgets@"));
    assert.ok(fallbackTry?.startsWith(`file://${broken}/vendor/`), `fallback request: ${fallbackTry} (all: ${seen.join(", ")})`);
    assert.deepEqual(offMachine, []);
    assert.ok(await p.locator("#cell-c1 .widget-fallback img").isVisible(), "SVG fallback hidden although the view failed");
    await p.close();
  });
});
