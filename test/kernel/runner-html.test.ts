/**
 * The static HTML export's pure parts (no kernel, no browser): the safe markdown renderer and
 * the page structure around saved widget state. The browser side is test/e2e/static-export.test.ts.
 */
import { strict as assert } from "assert";
import { renderMarkdown } from "../../kernel/src/runner/htmlMarkdown";
import { KERNEL_NOTE, renderNotebookHtml, WIDGET_VIEW_MIME } from "../../kernel/src/runner/htmlExport";
import { renderReport } from "../../kernel/src/runner/html";
import type { Report } from "../../kernel/src/runner/reproduce";
import type { Notebook } from "../../kernel/src/runner/notebook";

const STATE_MIME = "application/vnd.jupyter.widget-state+json";

describe("static HTML export: markdown", () => {
  it("renders headings, emphasis, code, lists, fenced code and display math", () => {
    const html = renderMarkdown("## Title\n\nSome **bold**, *em* and `a*b*c`.\n\n1. one\n2. two\n\n```ts\nconst x = a < b;\n```\n\n$$\nx_1 * y_2\n$$");
    assert.match(html, /<h2>Title<\/h2>/);
    assert.match(html, /<strong>bold<\/strong>, <em>em<\/em> and <code>a\*b\*c<\/code>/);
    assert.match(html, /<ol>\n<li>one<\/li>\n<li>two<\/li>\n<\/ol>/);
    assert.match(html, /<pre><code class="language-ts">const x = a &lt; b;<\/code><\/pre>/);
    // Display math typeset by KaTeX: a display span, the TeX kept as MathML annotation, no `$$` left.
    assert.match(html, /<div class="math display"><span class="katex-display"><span class="katex">/);
    assert.match(html, /<annotation encoding="application\/x-tex">x_1 \* y_2<\/annotation>/);
    assert.ok(!html.includes("$$"), html);
  });

  it("inline math is typeset by KaTeX before emphasis runs: its underscores and stars stay TeX", () => {
    const html = renderMarkdown("$a_i * b_j$ and $c*d*e$");
    assert.equal((html.match(/<span class="katex">/g) ?? []).length, 2);
    assert.ok(!/<em>|<strong>/.test(html), html);
    assert.match(html, /<annotation encoding="application\/x-tex">a_i \* b_j<\/annotation>/);
    assert.match(html, /<annotation encoding="application\/x-tex">c\*d\*e<\/annotation>/);
    // KaTeX sees the TeX source, not its HTML escape: a < b is typeset as a less-than sign.
    assert.match(renderMarkdown("$a < b$"), /<mo>&lt;<\/mo>/);
    // A TeX error is shown (red, with the message), never thrown.
    assert.match(renderMarkdown("$\\frac{1}{$"), /katex-error/);
  });

  it("CommonMark emphasis: no intraword `_` emphasis in any script (λ_{j+1}, snake_case), `*` and `_` around words still emphasise", () => {
    assert.equal(renderMarkdown("the gap λ_{j+1} − λ_j between μ_k and ν_k"), "<p>the gap λ_{j+1} − λ_j between μ_k and ν_k</p>");
    assert.equal(renderMarkdown("λ_{j+1} and λ_{j}"), "<p>λ_{j+1} and λ_{j}</p>");
    assert.equal(renderMarkdown("snake_case_name and x_1_y"), "<p>snake_case_name and x_1_y</p>");
    assert.equal(renderMarkdown("an _em_ word, *em* too, __strong__ and **strong**"), "<p>an <em>em</em> word, <em>em</em> too, <strong>strong</strong> and <strong>strong</strong></p>");
    assert.equal(renderMarkdown("costs \\$5, not $x$")
      .replace(/<span class="katex">[^]*<\/span>(?=<\/p>)/, "MATH"), "<p>costs $5, not MATH</p>");
  });

  it("raw HTML is shown as text; javascript: links and remote images never become live", () => {
    const html = renderMarkdown('<img src=x onerror="alert(1)">\n\n[click](javascript:alert(1)) ![pic](https://example.org/p.png) ![ok](data:image/png;base64,AAAA)');
    assert.ok(!/<img src=x/.test(html), html);
    assert.match(html, /&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;/);
    assert.ok(!html.includes('href="javascript:'), html);
    assert.match(html, /\[click\]\(javascript:alert\(1\)\)/);
    // A remote image would be fetched: it becomes a link instead.
    assert.match(html, /<a href="https:\/\/example\.org\/p\.png">pic<\/a>/);
    assert.ok(!html.includes('<img src="https:'), html);
    assert.match(html, /<img src="data:image\/png;base64,AAAA" alt="ok">/);
  });
});

function notebook(state: Record<string, unknown> | undefined, modelId: string): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { ...(state ? { widgets: { [STATE_MIME]: { version_major: 2, version_minor: 0, state } } } : {}), optlab: { title: "T <1>" } },
    cells: [{
      cell_type: "code", id: "c0", metadata: {}, source: "w", execution_count: 1,
      outputs: [{ output_type: "display_data", metadata: {}, data: { [WIDGET_VIEW_MIME]: { version_major: 2, version_minor: 1, model_id: modelId }, "text/plain": "W()", "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg'/>" } }],
    }],
  };
}

describe("static HTML export: page structure", () => {
  it("widget state with '</script>' inside cannot end its script element, and parses back to the same state", () => {
    const evil = "</script><script>alert(1)</script><!--";
    const state = { m1: { model_name: "LabelModel", model_module: "@jupyter-widgets/controls", model_module_version: "2.0.0", state: { value: evil } } };
    const { html, widgetViews } = renderNotebookHtml(notebook(state, "m1"));
    assert.equal(widgetViews, 1);
    assert.ok(!html.includes("<script>alert(1)"), "state text escaped the script element");
    const m = /<script type="application\/vnd\.jupyter\.widget-state\+json">([^<]*)<\/script>/.exec(html);
    assert.ok(m, "state script not found whole");
    assert.equal(JSON.parse(m![1]).state.m1.state.value, evil);
    assert.match(html, /<title>T &lt;1&gt;<\/title>/);
    // The view script precedes its static fallback (the SVG as an image), which CSS hides once rendered.
    assert.match(html, /<script type="application\/vnd\.jupyter\.widget-view\+json">\{"version_major":2,"version_minor":0,"model_id":"m1"\}<\/script><div class="widget-fallback"><img class="figure" src="data:image\/svg\+xml;base64,/);
  });

  it("a standard control (it needs a kernel) is inert with a one-line note; an optlab view is not (it disables its own kernel controls)", () => {
    const control = { m1: { model_name: "IntSliderModel", model_module: "@jupyter-widgets/controls", model_module_version: "2.0.0", state: { value: 3 } } };
    const { html } = renderNotebookHtml(notebook(control, "m1"));
    assert.match(html, /<div class="output widget needs-kernel" data-model-id="m1" inert aria-disabled="true">/);
    assert.match(html, new RegExp(`<p class="kernel-note">${KERNEL_NOTE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</p></div>`));
    const view = { m1: { model_name: "SpectrumModel", model_module: "@optlab/widgets", model_module_version: "0.1.0", state: {} } };
    const v = renderNotebookHtml(notebook(view, "m1")).html;
    assert.match(v, /<div class="output widget" data-model-id="m1">/);
    assert.ok(!v.includes(`<p class="kernel-note">`) && !v.includes(" inert"), "optlab view marked as needing a kernel");
  });

  it("math in markdown makes the page link the vendored KaTeX stylesheet (and only then)", () => {
    const nb = notebook(undefined, "x");
    assert.equal(renderNotebookHtml(nb).math, false);
    assert.ok(!renderNotebookHtml(nb).html.includes("katex"));
    nb.cells.unshift({ cell_type: "markdown", metadata: {}, source: "The step size $\\eta < 2/\\lambda_{\\max}$." } as never);
    const { html, math } = renderNotebookHtml(nb);
    assert.equal(math, true);
    assert.match(html, /<link rel="stylesheet" href="vendor\/katex\/katex\.min\.css">/);
    assert.ok(!/https?:\/\//.test(html.replace(/xmlns="http:\/\/www\.w3\.org\/1998\/Math\/MathML"/g, "")), "the page names no remote URL");
  });

  it("a widget whose model is not in the saved state keeps only its fallback, and the page loads no scripts", () => {
    const { html, widgetViews } = renderNotebookHtml(notebook({}, "gone"));
    assert.equal(widgetViews, 0);
    assert.ok(!html.includes("<script"), html);
    assert.match(html, /<div class="widget-fallback"><img class="figure"/);
    const none = renderNotebookHtml(notebook(undefined, "gone"));
    assert.equal(none.widgetViews, 0);
    assert.ok(!none.html.includes("<script"));
  });
});

describe("reproduction report: math in claims", () => {
  const report = (claim: string) => ({
    generated: "now", optlab: "0", node: "v20", platform: "linux", cpus: "2",
    summary: { notebooks: 1, passed: 1, failed: 0, checks: 1, checksPassed: 1, line: "1/1" },
    papers: [{ name: "p", title: "P", notebook: "p.ipynb", status: "pass", seconds: 1, backend: "cpu", figures: [], claim, checks: [{ id: "c", claim, passed: true, numbers: { x: 1 } }] }],
  }) as unknown as Report;

  it("claims with TeX are typeset by KaTeX, its CSS and woff2 fonts inlined (the report has no vendor folder); plain claims load nothing", () => {
    const html = renderReport(report("GD is stable while $\\lambda_{\\max} < 2/\\eta$, and λ_{j+1} stays upright"));
    assert.equal((html.match(/<span class="katex">/g) ?? []).length, 2);
    assert.match(html, /@font-face\{[^}]*font-family:KaTeX_Main;[^}]*src:url\(data:font\/woff2;base64,[A-Za-z0-9+/]{100}/);
    assert.ok(!/url\(fonts\//.test(html), "a font is still loaded from a fonts/ folder next to the page");
    assert.ok(!html.includes("<em>"), "λ_{j+1} became emphasis");
    const plain = renderReport(report("a plain claim"));
    assert.ok(!plain.includes("katex") && !plain.includes("@font-face"));
  });
});
