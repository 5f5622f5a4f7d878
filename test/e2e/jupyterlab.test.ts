/**
 * The real JupyterLab 4 end to end: the front end of lab/ (built from the npm @jupyterlab/*
 * packages, see lab/build.mjs) served by Debian jupyter-server + jupyterlab_server through
 * lab/launcher.py, with the optlab kernelspec and the @optlab/widgets prebuilt extension taken
 * from `optlab install --prefix P` (JUPYTER_PATH=P/share/jupyter). Debian chromium opens a
 * notebook on the optlab kernel, runs its cells with Shift+Enter, moves an IntSlider with the
 * keyboard and reads the value back from the kernel, and checks each optlab view renders.
 *
 * The first run installs lab/'s own node_modules (`npm ci` in lab/, ~1 min) and builds it
 * (webpack, ~1–2 min on 2 cores) into lab/build/; later runs reuse the build (lab/build/stamp.json).
 * Screenshots: out/artifacts/jupyterlab/.
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import { freePort } from "../freePort";
import * as os from "os";
import * as path from "path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { installedKernelEnv, PYTHON, requirePythonModules } from "./python";
import { CHROMIUM, launchBrowser, ROOT } from "./widgets-harness";

const LAB = path.join(ROOT, "lab");
const ARTIFACTS = path.join(ROOT, "out", "artifacts", "jupyterlab");
const NOTEBOOK = "optlab-e2e.ipynb";

/**
 * Page errors that are expected with Debian's jupyter-server 1.23 under a JupyterLab 4 front end,
 * matched against "<message> @ <url>". Anything else fails the test.
 */
const ALLOWED_ERRORS: RegExp[] = [
  // No identity API (/api/me, jupyter-server ≥ 2.0): JupyterLab falls back to an anonymous user.
  /404 \(Not Found\) @ \S*\/api\/me\b/,
  // No event bus (/api/events, jupyter-server ≥ 2.0): JupyterLab's event manager retries and gives up.
  /WebSocket connection to '\S*\/api\/events\/subscribe' failed/,
  // No jupyter-lsp server extension (not packaged in Debian): the LSP plugin reports it and idles.
  /404 \(Not Found\) @ \S*\/lsp\/status\b/,
  // @jupyterlab/debugger 4.6.4 asks for the debugger's module list after every execute_reply, also
  // when the kernel declares `debugger: false` (optlab does) and there is no debug session: an
  // unhandled rejection in JupyterLab itself, with no effect on the notebook.
  /^pageerror: No active debugger session$/,
];
/** Failed HTTP responses allowed, for the same reasons as above. */
const ALLOWED_HTTP: RegExp[] = [/\/api\/me\b/, /\/api\/events\/subscribe\b/, /\/lsp\/status\b/];

const LAMBDAS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 9, 12];
const EPOCHS = 5;
const STEPS_PER_EPOCH = 6; // n = 60, batchSize = 10

/** The notebook's cells, in order; each test runs the ones it needs with Shift+Enter. */
const CELLS = {
  slider: `import { IntSlider } from "@optlab/widgets";
const s = new IntSlider({ value: 4, min: 0, max: 20, step: 2, description: "width" });
s`,
  readback: `console.log("@@" + JSON.stringify({ value: s.value }));`,
  spectrum: `import { show } from "@optlab/widgets";
show({ eigenvalues: ${JSON.stringify(LAMBDAS)} }, { title: "Hessian eigenvalues" })`,
  kernel: `import { KernelView } from "@optlab/widgets";
const labels = [2, 0, 1, 0, 2, 1, 1, 0, 2, 0, 1, 2];
const n = labels.length;
const K = new Float64Array(n * n);
for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * n + j] = (labels[i] === labels[j] ? 1 : 0.2) + (i === j ? 0.5 : 0);
void display(KernelView.fromMatrix({ shape: [n, n], data: K }, { labels, kind: "ntk", title: "NTK (3 classes)" }));`,
  collapse: `import { CollapseView } from "@optlab/widgets";
const C = 4;
const epochs = [1, 2, 4, 8, 16, 32];
const cos = Array.from({ length: C }, (_, i) => Array.from({ length: C }, (_, j) => (i === j ? 1 : -1 / 3)));
void display(CollapseView.fromHistory(
  { epoch: epochs, nc1: epochs.map((e) => 2 / e), nc2Equinorm: epochs.map((e) => 0.5 / e), nc2Equiangular: epochs.map((e) => 0.3 / e), nc2Etf: epochs.map((e) => 1 / e), nc3: epochs.map((e) => 0.8 / e), nc4: epochs.map(() => null) },
  { classes: C, nc1: 2 / 32, nc2Equinorm: 0.5 / 32, nc2Equiangular: 0.3 / 32, nc2Etf: 1 / 32, nc3: 0.8 / 32, nc4: null, meanNorms: [1, 1.05, 0.95, 1], meanCosines: cos },
  { title: "Neural collapse (synthetic)" }));`,
  landscape: `import { LandscapeView } from "@optlab/widgets";
import { testfunctions } from "@optlab/core";
void display(LandscapeView.fromFunction(testfunctions.himmelblau(), { optimizers: ["gd", "momentum", "adam"], lr: 0.01, steps: 100, resolution: 50, title: "Himmelblau" }));`,
  curves: `import { CurvesView } from "@optlab/widgets";
import { nn, optim, data } from "@optlab/core";
const cv = CurvesView.live({ title: "training" });
void display(cv);
const net = nn.mlp([2, 16, 3], { seed: 0 });
const ds = data.gaussianMixture({ n: 60, classes: 3, seed: 0 });
await optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.05 }), loss: "crossEntropy", epochs: ${EPOCHS}, batchSize: 10, seed: 0, ...cv.callbacks() });
cv.done();`,
};
const ORDER = Object.keys(CELLS) as (keyof typeof CELLS)[];

function notebookJson(): string {
  const cells = ORDER.map((k) => ({ cell_type: "code", execution_count: null, metadata: { tags: [k] }, outputs: [], source: CELLS[k] }));
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "optlab", display_name: "TypeScript (optlab)", language: "typescript" } },
    cells: cells.map((c, i) => ({ ...c, id: `cell-${i}` })),
  });
}

function run(cmd: string, args: string[], cwd: string): void {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed after ${secs} s:\n${r.stdout}\n${r.stderr}`);
  console.log(`      ${cmd} ${args.join(" ")} in ${path.relative(ROOT, cwd) || "."}: ${secs} s${r.stdout.includes("up to date") ? " (cached)" : ""}`);
}

/** lab/: its own `npm ci` when node_modules is missing or older than the lock file, then its build (a no-op when cached). */
function buildLab(): void {
  const installed = path.join(LAB, "node_modules", ".package-lock.json");
  if (!fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(path.join(LAB, "package-lock.json")).mtimeMs) {
    run("npm", ["ci", "--no-audit", "--no-fund"], LAB);
  }
  run(process.execPath, ["build.mjs"], LAB);
}

interface Lab {
  url: string;
  token: string;
  proc: ChildProcess;
  log(): string;
}

async function startLab(env: NodeJS.ProcessEnv, work: string): Promise<Lab> {
  const port = await freePort();
  const token = `t${Math.random().toString(36).slice(2)}`;
  let log = "";
  const proc = spawn(PYTHON, [path.join(LAB, "launcher.py"), "--no-browser", "--allow-root", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--ServerApp.token=${token}`, `--ServerApp.root_dir=${work}`], {
    env, cwd: work, stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d) => (log += d));
  proc.stderr!.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`lab/launcher.py exited with ${proc.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${url}/api/status?token=${token}`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`lab/launcher.py did not answer on ${url} within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, token, proc, log: () => log };
}

async function stopLab(lab: Lab): Promise<void> {
  try {
    const ks = (await (await fetch(`${lab.url}/api/kernels?token=${lab.token}`)).json()) as { id: string }[];
    await Promise.all(ks.map((k) => fetch(`${lab.url}/api/kernels/${k.id}?token=${lab.token}`, { method: "DELETE" })));
  } catch {
    /* server already gone */
  }
  if (lab.proc.exitCode === null) {
    const exited = new Promise((r) => lab.proc.once("exit", r));
    lab.proc.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (lab.proc.exitCode === null) lab.proc.kill("SIGKILL");
  }
}

async function screenshot(page: Page, name: string, target?: Locator): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  if (target) await target.screenshot({ path: file });
  else await page.screenshot({ path: file });
}

describe("e2e: real JupyterLab 4 (lab/) with the optlab kernel and widgets in Debian chromium", function () {
  this.timeout(180_000);
  let lab: Lab | undefined;
  let ctx: BrowserContext | undefined;
  let page: Page;
  const errors: string[] = [];
  const badResponses: string[] = [];
  const tmp: string[] = [];

  /** The notebook cell with tag `k` (cells are in ORDER). */
  const cell = (k: keyof typeof CELLS): Locator => page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(ORDER.indexOf(k));

  /** Selects the cell by its prompt and presses Shift+Enter; waits until its prompt shows an execution count. */
  async function runCell(k: keyof typeof CELLS): Promise<void> {
    const c = cell(k);
    const prompt = c.locator(".jp-InputArea-prompt");
    const before = (await prompt.innerText()).trim();
    await c.locator(".jp-InputPrompt").click();
    await page.keyboard.press("Escape"); // command mode: Shift+Enter runs the selected cell
    await page.keyboard.press("Shift+Enter");
    await page.waitForFunction(
      ([el, b]) => {
        const t = (el as any).textContent.trim();
        return /^\[\d+\]:$/.test(t) && t !== b;
      },
      [await prompt.elementHandle(), before] as const,
      { timeout: 120_000 },
    );
    const err = c.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]');
    if ((await err.count()) > 0) throw new Error(`cell ${k} failed:\n${await err.first().innerText()}`);
  }

  /** Runs the readback cell and parses its "@@{…}" line (the kernel's view of the slider). */
  async function kernelSlider(): Promise<{ value: number }> {
    await runCell("readback");
    const text = await cell("readback").locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]').innerText();
    const line = text.split("\n").find((l) => l.startsWith("@@"));
    assert.ok(line, `readback printed no @@ line: ${JSON.stringify(text)}`);
    return JSON.parse(line.slice(2));
  }

  const unexpected = () => [
    ...errors.filter((e) => !ALLOWED_ERRORS.some((re) => re.test(e))),
    ...badResponses.filter((u) => !ALLOWED_HTTP.some((re) => re.test(u))),
  ];

  before(async function () {
    this.timeout(900_000); // the first run installs and builds lab/ (see the file comment)
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install the Debian package chromium (listed in .ci/apt-packages)`);
    requirePythonModules({ jupyter_server: "python3-jupyter-server", jupyterlab_server: "python3-jupyterlab-server" });
    buildLab();
    const { env, prefix } = installedKernelEnv(); // runs `optlab install --prefix <prefix>`
    const ext = path.join(prefix, "share", "jupyter", "labextensions", "@optlab", "widgets", "package.json");
    assert.ok(fs.existsSync(ext), `optlab install --prefix ${prefix} did not install the labextension at ${ext}`);
    // No "notified about official Jupyter news?" toast (it would cover the notebook in screenshots):
    // the announcements plugin disabled through the user's labconfig, as `jupyter labextension disable` does.
    const labconfig = path.join(prefix, "config", "labconfig");
    fs.mkdirSync(labconfig, { recursive: true });
    fs.writeFileSync(path.join(labconfig, "page_config.json"), JSON.stringify({ disabledExtensions: { "@jupyterlab/apputils-extension:announcements": true } }));
    const work = path.join(prefix, "work");
    fs.mkdirSync(work, { recursive: true });
    fs.writeFileSync(path.join(work, NOTEBOOK), notebookJson());
    lab = await startLab(env, work);
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "optlab-chromium-"));
    tmp.push(profile, prefix);
    ctx = await launchBrowser(profile);
    page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.setViewportSize({ width: 1400, height: 1000 });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`${m.text()} @ ${m.location().url}`);
    });
    page.on("response", (r) => {
      if (r.status() >= 400) badResponses.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${lab.url}/lab/tree/${NOTEBOOK}?token=${lab.token}`);
    await page.waitForSelector('body[data-lab-restored="true"]', { state: "attached", timeout: 120_000 });
    // The notebook's kernel is up (cells run before it would open the "Select Kernel" dialog).
    await page.locator(".jp-StatusBar-Widget").getByText("TypeScript (optlab) | Idle").waitFor({ timeout: 120_000 });
  });

  after(async () => {
    if (page) await screenshot(page, "notebook-end").catch(() => undefined);
    await ctx?.close();
    if (lab) await stopLab(lab);
    for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.error("page errors:", errors, "failed responses:", badResponses, "\nserver log:\n", lab?.log().slice(-4000));
  });

  it("loads the @optlab/widgets prebuilt extension from <prefix>/share/jupyter/labextensions and opens the notebook on the optlab kernel", async () => {
    const federated = await page.evaluate(() => (globalThis as any).labFederated as { name: string; ok: boolean }[]);
    assert.deepEqual(federated.filter((f) => f.name === "@optlab/widgets"), [{ name: "@optlab/widgets", ok: true }]);
    // The optlab plugin is registered with the app (activated lazily by the widget manager's registry).
    assert.ok(await page.evaluate(() => (globalThis as any).jupyterapp.hasPlugin("@optlab/widgets:plugin")));
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll(".jp-NotebookPanel .jp-Notebook .jp-Cell").length === n, ORDER.length);
    // The server started the notebook's session on the optlab kernelspec (installed in the same prefix).
    let sessions: { path: string; kernel: { name: string } }[] = [];
    for (let i = 0; i < 100 && sessions.length === 0; i++) {
      sessions = (await (await fetch(`${lab!.url}/api/sessions?token=${lab!.token}`)).json()) as typeof sessions;
      if (sessions.length === 0) await page.waitForTimeout(200);
    }
    assert.deepEqual(sessions.map((s) => [s.path, s.kernel.name]), [[NOTEBOOK, "optlab"]]);
    await screenshot(page, "lab-notebook-open");
    assert.deepEqual(unexpected(), []);
  });

  it("an IntSlider moves by keyboard and the kernel sees each new value", async () => {
    await runCell("slider");
    const out = cell("slider");
    const handle = out.locator(".widget-slider .noUi-handle");
    await handle.waitFor();
    const readout = out.locator(".widget-readout");
    assert.equal((await readout.innerText()).trim(), "4");
    assert.equal(await out.locator(".widget-label").first().innerText(), "width");
    assert.deepEqual(await kernelSlider(), { value: 4 });

    await handle.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowLeft");
    // One step (2) per arrow key, from 4: +3 steps −1 step = 8.
    assert.equal((await readout.innerText()).trim(), "8");
    let seen = await kernelSlider();
    for (let i = 0; i < 20 && seen.value !== 8; i++) {
      await page.waitForTimeout(200);
      seen = await kernelSlider();
    }
    assert.deepEqual(seen, { value: 8 });

    // End moves to max; the kernel sees max.
    await handle.focus();
    await page.keyboard.press("End");
    assert.equal((await readout.innerText()).trim(), "20");
    seen = await kernelSlider();
    for (let i = 0; i < 20 && seen.value !== 20; i++) {
      await page.waitForTimeout(200);
      seen = await kernelSlider();
    }
    assert.deepEqual(seen, { value: 20 });
    await screenshot(page, "intslider", out);
    assert.deepEqual(unexpected(), []);
  });

  it("show(eigenvalues) as a cell's value renders a SpectrumView: one mark per eigenvalue, the two outliers highlighted", async () => {
    await runCell("spectrum");
    const v = cell("spectrum").locator(".optlab-SpectrumView");
    await v.locator("g.eig-mark").first().waitFor();
    assert.equal(await v.locator("g.eig-mark").count(), LAMBDAS.length);
    // |λ − median| > 5·MAD: median 1.625, MAD 0.625 → only 9 and 12.
    assert.equal(await v.locator("g.eig-mark.outlier").count(), 2);
    await screenshot(page, "spectrum", cell("spectrum"));
    assert.deepEqual(unexpected(), []);
  });

  it("KernelView draws the 12×12 Gram matrix (144 cells) and its eigenvalue decay", async () => {
    await runCell("kernel");
    const v = cell("kernel").locator(".optlab-KernelView");
    // One rect per Gram entry (the live view draws what the static SVG draws), plus a colour bar.
    await v.locator("rect.cell").first().waitFor();
    assert.equal(await v.locator("rect.cell").count(), 144);
    assert.equal(await v.locator("circle.decay-point").count(), 12);
    await screenshot(page, "kernel", cell("kernel"));
    assert.deepEqual(unexpected(), []);
  });

  it("CollapseView draws five NC metrics (NC4 all missing), four class means and the 4-point simplex ETF", async () => {
    await runCell("collapse");
    const v = cell("collapse").locator(".optlab-CollapseView");
    await v.locator("g.collapse-metrics path.series-line").first().waitFor();
    assert.equal(await v.locator("g.collapse-metrics path.series-line").count(), 5);
    assert.equal(await v.locator("g.collapse-geometry circle.point.means").count(), 4);
    assert.equal(await v.locator("g.collapse-etf circle.point.etf").count(), 4);
    await screenshot(page, "collapse", cell("collapse"));
    assert.deepEqual(unexpected(), []);
  });

  it("LandscapeView draws filled contours and one trajectory per optimizer", async () => {
    await runCell("landscape");
    const v = cell("landscape").locator(".optlab-LandscapeView");
    await v.locator("g.contours path").first().waitFor();
    assert.equal(await v.locator("path.trajectory").count(), 3);
    await page.waitForTimeout(1800); // the race animation, before the screenshot
    await screenshot(page, "landscape", cell("landscape"));
    assert.deepEqual(unexpected(), []);
  });

  it("a live CurvesView receives every loss (per step) and accuracy (per epoch) point of a train call", async () => {
    await runCell("curves");
    const v = cell("curves").locator(".optlab-CurvesView");
    await v.waitFor();
    const expected = EPOCHS * STEPS_PER_EPOCH + EPOCHS;
    await page.waitForFunction(([el, n]) => (el as any).dataset.totalPoints === String(n), [await v.elementHandle(), expected] as const, { timeout: 30_000 });
    assert.ok(Number(await cell("curves").locator('path.series-line[data-series="loss"]').getAttribute("data-points")) > 0);
    await screenshot(page, "curves", cell("curves"));
    assert.deepEqual(unexpected(), []);
  });
});
