/**
 * Static HTML export of an executed notebook (`optlab run --html`, and `optlab reproduce` for
 * every paper): markdown cells rendered (htmlMarkdown.ts), code cells as <pre>, outputs (text,
 * HTML, SVG, PNG/JPEG, JSON, errors), and widget outputs re-rendered in the browser by
 * @jupyter-widgets/html-manager's embed-amd from the notebook's saved widget state — the
 * `<script type="application/vnd.jupyter.widget-state+json">` plus one
 * `<script type="application/vnd.jupyter.widget-view+json">` per displayed widget, as nbconvert
 * writes them. No kernel is needed to view it.
 *
 * Offline: the page loads only files copied next to it into `vendor/` at export time —
 * requirejs, html-manager's dist/embed-amd.js (+ its woff2 icon fonts) and the `@optlab/widgets`
 * AMD bundle — and configures requirejs so `@optlab/widgets` resolves to that file. embed-amd's
 * loader falls back to a CDN (jsDelivr, or the `data-jupyter-widgets-cdn` attribute) for a
 * module it cannot load locally; the attribute points it at a local folder that does not exist,
 * so an unknown module fails locally instead of reaching the network.
 *
 * Math in markdown is typeset at export time by KaTeX (htmlMarkdown.ts); the page then links
 * `vendor/katex/katex.min.css`, copied with KaTeX's woff2 fonts next to it (copyKatexAssets).
 *
 * Without a kernel nothing recomputes: a standard control (slider, dropdown, interact) renders
 * with its saved value but is made inert and dimmed, with a one-line note; the optlab views
 * disable their own kernel-side controls (frontend common.ts) and keep what runs in the browser.
 *
 * Each widget output keeps its static fallback (the output's `image/svg+xml`, else its
 * `text/plain`) after the view script; CSS hides it once embed-amd has put the rendered view in
 * the `.widget-subarea` it inserts before the script, so it stays visible without JavaScript, and
 * shows again when html-manager rendered its error widget instead of the view.
 */
import * as fs from "fs";
import * as path from "path";
import { escapeHtml, renderMarkdown } from "./htmlMarkdown";
import { joinLines, Notebook, Output } from "./notebook";
import { WIDGET_STATE_MIME, WidgetState } from "./widgetState";

/** MIME type of a displayed widget (`{version_major, version_minor, model_id}`). */
export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";
const CHECK_MIME = "application/vnd.optlab.check+json";
/** Folder, next to the exported page, holding the scripts it loads. */
export const VENDOR_DIR = "vendor";
/** Where embed-amd's CDN fallback points: a local folder that is never created. */
export const NO_CDN = "offline-no-cdn/";

/** The export could not be written (a missing asset names the file and how to get it). */
export class HtmlExportError extends Error {
  override name = "HtmlExportError";
}

/** Files the page's widgets need, as absolute paths on this machine. */
export interface WidgetAssets {
  requirejs: string;
  embedAmd: string;
  /** html-manager's woff2 icon fonts (loaded only by views showing Font Awesome icons). */
  fonts: string[];
  optlabWidgets: string;
}

/** Finds the widget scripts in node_modules; throws HtmlExportError naming what is missing. */
export function locateWidgetAssets(): WidgetAssets {
  const find = (what: string, resolveIt: () => string, hint: string): string => {
    let file: string;
    try {
      file = resolveIt();
    } catch {
      throw new HtmlExportError(`static HTML export: cannot find ${what} (${hint})`);
    }
    if (!fs.existsSync(file)) throw new HtmlExportError(`static HTML export: ${file} does not exist (${hint})`);
    return file;
  };
  const requirejs = find("requirejs/require.js", () => require.resolve("requirejs/require.js"), "npm install requirejs in @optlab/kernel");
  const embedAmd = find("@jupyter-widgets/html-manager/dist/embed-amd.js", () => require.resolve("@jupyter-widgets/html-manager/dist/embed-amd.js"), "npm install @jupyter-widgets/html-manager in @optlab/kernel");
  const optlabWidgets = find("@optlab/widgets' frontend/dist/optlab-widgets.amd.js",
    () => path.join(path.dirname(require.resolve("@optlab/widgets/package.json")), "frontend", "dist", "optlab-widgets.amd.js"),
    "build it with `npm run build` in widgets/");
  const dist = path.dirname(embedAmd);
  const fonts = fs.readdirSync(dist).filter((f) => f.endsWith(".woff2")).map((f) => path.join(dist, f));
  return { requirejs, embedAmd, fonts, optlabWidgets };
}

/**
 * Copies the widget scripts into `<outDir>/vendor/`: require.js, embed-amd.js,
 * optlab-widgets.amd.js, and the icon fonts under `@jupyter-widgets/` (embed-amd derives its
 * asset URL from its AMD module's URL, `<baseUrl>/@jupyter-widgets/…`).
 */
export function copyWidgetAssets(outDir: string, assets: WidgetAssets = locateWidgetAssets()): void {
  const vendor = path.join(outDir, VENDOR_DIR);
  fs.mkdirSync(path.join(vendor, "@jupyter-widgets"), { recursive: true });
  fs.copyFileSync(assets.requirejs, path.join(vendor, "require.js"));
  fs.copyFileSync(assets.embedAmd, path.join(vendor, "embed-amd.js"));
  fs.copyFileSync(assets.optlabWidgets, path.join(vendor, "optlab-widgets.amd.js"));
  for (const f of assets.fonts) fs.copyFileSync(f, path.join(vendor, "@jupyter-widgets", path.basename(f)));
}

/** KaTeX's stylesheet and the woff2 fonts it loads (absolute paths). */
export interface KatexAssets {
  css: string;
  fonts: string[];
}

/** Finds KaTeX's dist files in node_modules; throws HtmlExportError naming what is missing. */
export function locateKatexAssets(): KatexAssets {
  let css: string;
  try {
    css = require.resolve("katex/dist/katex.min.css");
  } catch {
    throw new HtmlExportError("static HTML export: cannot find katex/dist/katex.min.css (npm install katex in @optlab/kernel)");
  }
  const dir = path.join(path.dirname(css), "fonts");
  const fonts = fs.readdirSync(dir).filter((f) => f.endsWith(".woff2")).map((f) => path.join(dir, f));
  return { css, fonts };
}

/**
 * KaTeX's stylesheet with its woff2 fonts inlined as data: URLs (the .woff/.ttf fallbacks
 * dropped), for a page that has no vendor folder of its own (the reproduction report).
 */
export function katexInlineCss(assets: KatexAssets = locateKatexAssets()): string {
  const dir = path.dirname(assets.css);
  return fs.readFileSync(assets.css, "utf8").replace(/src:([^;}]*)/g, (_, list: string) => {
    const woff2 = /url\((fonts\/[^)]+\.woff2)\)/.exec(list);
    if (!woff2) return `src:${list}`;
    const data = fs.readFileSync(path.join(dir, woff2[1])).toString("base64");
    return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
  });
}

/** Directory (under vendor/) of the KaTeX files. */
export const KATEX_DIR = `${VENDOR_DIR}/katex`;

/** Copies katex.min.css and its woff2 fonts into `<outDir>/vendor/katex/` (the CSS loads `fonts/…` relative to itself). */
export function copyKatexAssets(outDir: string, assets: KatexAssets = locateKatexAssets()): void {
  const dir = path.join(outDir, KATEX_DIR);
  fs.mkdirSync(path.join(dir, "fonts"), { recursive: true });
  fs.copyFileSync(assets.css, path.join(dir, "katex.min.css"));
  for (const f of assets.fonts) fs.copyFileSync(f, path.join(dir, "fonts", path.basename(f)));
}

/** Options of the export. */
export interface HtmlExportOptions {
  /** Page title (default: `metadata.optlab.title`, else "notebook"). */
  title?: string;
  /** A link shown above the notebook, e.g. back to the reproduction report. */
  back?: { href: string; text: string };
}

/** A rendered page and what it needs. */
export interface RenderedNotebook {
  html: string;
  /** Widget views the page renders from the saved state (0: the page loads no scripts). */
  widgetViews: number;
  /** Whether the page shows typeset math (then it links vendor/katex/katex.min.css). */
  math: boolean;
}

/** The note under a standard control on the static page. */
export const KERNEL_NOTE = "Needs a running kernel: shown with its saved value, disabled on this static page.";

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Terminal text as a reader sees it: ANSI colours dropped, `\r` overwrites its line. */
function terminalText(s: string): string {
  return s.replace(ANSI, "").split("\n").map((l) => l.slice(l.lastIndexOf("\r", l.length - 2) + 1).replace(/\r$/, "")).join("\n");
}

/** JSON for inside a <script> element: `<` escaped so no `</script>` or `<!--` can end it. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

const text = (v: unknown): string => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : JSON.stringify(v, null, 2));
const b64 = (v: unknown) => text(v).replace(/\s+/g, "");
const img = (mime: string, base64: string, cls: string, alt: string) =>
  `<img class="${cls}" src="data:${mime};base64,${base64}" alt="${escapeHtml(alt)}">`;

/** The static stand-in of a widget output: its SVG, else its text. */
function widgetFallback(data: Record<string, unknown>): string {
  const svg = data["image/svg+xml"];
  if (svg !== undefined) return img("image/svg+xml", Buffer.from(text(svg)).toString("base64"), "figure", text(data["text/plain"] ?? "widget"));
  return `<pre>${escapeHtml(text(data["text/plain"] ?? "(widget)"))}</pre>`;
}

/** One display_data/execute_result bundle, richest representation first (as nbconvert picks). */
function renderBundle(data: Record<string, unknown>, state: WidgetState | undefined, views: { n: number }): string {
  const view = data[WIDGET_VIEW_MIME] as { model_id?: unknown; version_major?: unknown; version_minor?: unknown } | undefined;
  if (view && typeof view.model_id === "string") {
    const model = state?.state[view.model_id];
    const saved = model !== undefined;
    if (saved) views.n++;
    const script = saved
      ? `<script type="${WIDGET_VIEW_MIME}">${scriptJson({ version_major: 2, version_minor: 0, model_id: view.model_id })}</script>`
      : "";
    // optlab views run their figure in the browser and disable only what needs the kernel; any
    // other widget (sliders, interact, buttons) only talks to the kernel: inert and noted.
    const standard = saved && model.model_module !== "@optlab/widgets";
    const attrs = standard ? ` inert aria-disabled="true"` : "";
    const note = standard ? `<p class="kernel-note">${escapeHtml(KERNEL_NOTE)}</p>` : "";
    return `<div class="output widget${standard ? " needs-kernel" : ""}" data-model-id="${escapeHtml(view.model_id)}"${attrs}>${script}<div class="widget-fallback">${widgetFallback(data)}</div>${note}</div>`;
  }
  const check = data[CHECK_MIME] as { passed?: unknown; id?: unknown; claim?: unknown; numbers?: unknown; detail?: unknown } | undefined;
  if (check && typeof check === "object") {
    // reportClaim's record: verdict and claim in words, then one line per checked number.
    const passed = check.passed === true;
    const numbers = typeof check.numbers === "object" && check.numbers !== null ? Object.entries(check.numbers) : [];
    return `<div class="output check ${passed ? "pass" : "fail"}"><p><strong>${passed ? "passed" : "failed"}</strong> <code>${escapeHtml(String(check.id ?? ""))}</code> — ${escapeHtml(String(check.claim ?? ""))}</p>` +
      `<pre>${escapeHtml(numbers.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join("\n"))}</pre>` +
      `${check.detail ? `<p class="detail">${escapeHtml(String(check.detail))}</p>` : ""}</div>`;
  }
  // Trusted like nbconvert's export of an executed notebook: this run produced the HTML.
  if (data["text/html"] !== undefined) return `<div class="output html">${text(data["text/html"])}</div>`;
  if (data["image/svg+xml"] !== undefined) return `<div class="output image">${img("image/svg+xml", Buffer.from(text(data["image/svg+xml"])).toString("base64"), "figure", "SVG output")}</div>`;
  if (data["image/png"] !== undefined) return `<div class="output image">${img("image/png", b64(data["image/png"]), "figure", "PNG output")}</div>`;
  if (data["image/jpeg"] !== undefined) return `<div class="output image">${img("image/jpeg", b64(data["image/jpeg"]), "figure", "JPEG output")}</div>`;
  if (data["text/markdown"] !== undefined) return `<div class="output markdown">${renderMarkdown(text(data["text/markdown"]))}</div>`;
  if (data["application/json"] !== undefined) return `<pre class="output json">${escapeHtml(JSON.stringify(data["application/json"], null, 2))}</pre>`;
  if (data["text/plain"] !== undefined) return `<pre class="output text">${escapeHtml(terminalText(text(data["text/plain"])))}</pre>`;
  const other = Object.keys(data).find((m) => m.endsWith("+json"));
  return other ? `<pre class="output json">${escapeHtml(JSON.stringify(data[other], null, 2))}</pre>` : "";
}

function renderOutput(out: Output, state: WidgetState | undefined, views: { n: number }): string {
  switch (out.output_type) {
    case "stream":
      return `<pre class="output stream ${out.name}">${escapeHtml(terminalText(text(out.text)))}</pre>`;
    case "error": {
      const trace = out.traceback.length > 0 ? out.traceback.join("\n") : `${out.ename}: ${out.evalue}`;
      return `<pre class="output error">${escapeHtml(terminalText(trace))}</pre>`;
    }
    case "display_data":
    case "execute_result":
      return renderBundle(out.data, state, views);
  }
}

/** The saved widget state of a notebook, if it has one. */
export function savedWidgetState(nb: Notebook): WidgetState | undefined {
  const widgets = nb.metadata?.widgets as Record<string, unknown> | undefined;
  const s = widgets?.[WIDGET_STATE_MIME] as WidgetState | undefined;
  return s && typeof s === "object" && typeof s.state === "object" && s.state !== null ? s : undefined;
}

const STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  .back { font-size: .85rem; }
  .cell { margin: .8rem 0; }
  .cell.code .input { display: flex; gap: .5rem; }
  .prompt { color: #888; font: 12px/1.9 ui-monospace, monospace; min-width: 4.5rem; text-align: right; flex: none; }
  .cell.code .input pre { flex: 1; margin: 0; background: #f6f8fa; border: 1px solid #e4e7eb; border-radius: 4px; padding: .5rem .7rem; overflow-x: auto; }
  pre, code { font-family: ui-monospace, monospace; font-size: 13px; }
  .outputs { margin-left: 5rem; }
  .output { margin: .4rem 0; overflow-x: auto; }
  pre.output { white-space: pre-wrap; padding: .2rem 0; margin: .3rem 0; }
  pre.output.stderr { background: #fff5e6; }
  pre.output.error { background: #fdecea; padding: .5rem; }
  .output.check { border-left: 4px solid #1e8e3e; padding-left: .6rem; } .output.check.fail { border-color: #d93025; }
  .output.check pre { white-space: pre-wrap; margin: .2rem 0; }
  img.figure { max-width: 100%; }
  div.math.display { margin: .6rem 0; overflow-x: auto; }
  .needs-kernel .widget-subarea { opacity: .55; filter: grayscale(1); cursor: not-allowed; }
  .kernel-note { color: #777; font-size: .8rem; font-style: italic; margin: .1rem 0 .4rem; }
  .markdown img { max-width: 100%; }
  /* The static fallback shows until embed-amd has rendered the view next to it, and again if it
     rendered html-manager's error widget instead (a module that failed to load). */
  .widget-subarea:not(:empty) ~ .widget-fallback { display: none; }
  .widget-subarea:has(.jupyter-widgets-error-widget) ~ .widget-fallback { display: block; }`;

/**
 * The notebook as one HTML page; widget scripts are referenced from `vendor/` (see
 * copyWidgetAssets), and only when the page has a widget view to render.
 */
export function renderNotebookHtml(nb: Notebook, opts: HtmlExportOptions = {}): RenderedNotebook {
  const state = savedWidgetState(nb);
  const views = { n: 0 };
  const meta = (nb.metadata?.optlab ?? {}) as { title?: unknown };
  const title = opts.title ?? (typeof meta.title === "string" ? meta.title : "notebook");
  const cells = nb.cells.map((cell) => {
    const src = joinLines(cell.source);
    if (cell.cell_type === "markdown") return `<div class="cell markdown">\n${renderMarkdown(src)}\n</div>`;
    if (cell.cell_type === "raw") return `<div class="cell raw"><pre>${escapeHtml(src)}</pre></div>`;
    const count = typeof cell.execution_count === "number" ? String(cell.execution_count) : " ";
    const outputs = (cell.outputs ?? []).map((o) => renderOutput(o, state, views)).filter(Boolean).join("\n");
    return `<div class="cell code"${cell.id ? ` id="cell-${escapeHtml(cell.id)}"` : ""}>
<div class="input"><span class="prompt">In [${count}]:</span><pre><code>${escapeHtml(src)}</code></pre></div>${outputs ? `\n<div class="outputs">\n${outputs}\n</div>` : ""}
</div>`;
  }).join("\n");
  const scripts = views.n > 0 && state ? `
<script type="${WIDGET_STATE_MIME}">${scriptJson(state)}</script>
<script src="${VENDOR_DIR}/require.js"></script>
<script>requirejs.config({ baseUrl: ${JSON.stringify(VENDOR_DIR)}, paths: { "@optlab/widgets": "optlab-widgets.amd" } });</script>
<script src="${VENDOR_DIR}/embed-amd.js" data-jupyter-widgets-cdn="${NO_CDN}"></script>` : "";
  const math = cells.includes('class="katex');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>${math ? `\n<link rel="stylesheet" href="${KATEX_DIR}/katex.min.css">` : ""}
<style>${STYLE}
</style>
</head>
<body>
${opts.back ? `<p class="back"><a href="${escapeHtml(opts.back.href)}">${escapeHtml(opts.back.text)}</a></p>\n` : ""}<main class="notebook">
${cells}
</main>${scripts}
</body>
</html>
`;
  return { html, widgetViews: views.n, math };
}

/**
 * Writes `file` (the page) and, when it shows widgets or math, the scripts and KaTeX files into
 * `vendor/` next to it. Throws HtmlExportError when one is missing (nothing is written then).
 */
export function exportNotebookHtml(nb: Notebook, file: string, opts: HtmlExportOptions = {}): RenderedNotebook {
  const page = renderNotebookHtml(nb, opts);
  const dir = path.dirname(file);
  const assets = page.widgetViews > 0 ? locateWidgetAssets() : undefined;
  const katexAssets = page.math ? locateKatexAssets() : undefined;
  fs.mkdirSync(dir, { recursive: true });
  if (assets) copyWidgetAssets(dir, assets);
  if (katexAssets) copyKatexAssets(dir, katexAssets);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, page.html);
  return page;
}
