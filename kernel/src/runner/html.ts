import type { PaperReport, Report } from "./reproduce";
import { katexInlineCss } from "./htmlExport";
import { renderInline } from "./htmlMarkdown";

const esc = (s: unknown): string =>
  String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A number as a reader wants it: integers whole, others to 6 significant digits. */
function num(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
  if (Array.isArray(v)) {
    const shown = v.slice(0, 12).map(num).join(", ");
    return `[${shown}${v.length > 12 ? `, … (${v.length})` : ""}]`;
  }
  if (typeof v === "object" && v !== null) return `{${Object.entries(v).map(([k, x]) => `${k}: ${num(x)}`).join(", ")}}`;
  return typeof v === "string" ? v : JSON.stringify(v);
}

const duration = (s: number) => (s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

function section(p: PaperReport, i: number): string {
  const badge = `<span class="badge ${p.status}">${p.status === "pass" ? "PASS" : "FAIL"}</span>`;
  const checks = p.checks.map((c) => `
      <div class="check">
        <p><span class="badge ${c.passed ? "pass" : "fail"}">${c.passed ? "passed" : "failed"}</span> <code>${esc(c.id)}</code> — ${renderInline(c.claim)}</p>
        <table class="numbers"><tbody>
${Object.entries(c.numbers).map(([k, v]) => `          <tr><th>${esc(k)}</th><td>${esc(num(v))}</td></tr>`).join("\n")}
        </tbody></table>${c.detail ? `\n        <p class="detail">${renderInline(c.detail)}</p>` : ""}
      </div>`).join("");
  const figures = p.figures.map((f) => `
      <figure><a href="${esc(f)}"><img src="${esc(f)}" alt="${esc(`figure ${f} of ${p.name}`)}" loading="lazy"></a><figcaption>${esc(f)}</figcaption></figure>`).join("");
  const failure = p.failure ? `
    <pre class="failure">${esc(p.failure.message)}</pre>` : "";
  return `
  <section id="${esc(p.name)}" class="${p.status}">
    <h2>${i + 1}. ${esc(p.title ?? p.name)} ${badge}</h2>
    ${p.citation ? `<p class="citation">${esc(p.citation)}</p>` : ""}
    ${p.claim ? `<p class="claim"><strong>Claim.</strong> ${renderInline(p.claim)}</p>` : ""}
    <p class="meta">notebook <code>${esc(p.notebook)}</code>${p.executed ? ` (<a href="${esc(p.executed)}">executed</a>)` : ""}${p.interactive ? ` · <a class="interactive" href="${esc(p.interactive)}">interactive version</a>` : ""} · run time ${duration(p.seconds)} · backend ${esc(p.backend)}</p>${failure}
    <div class="figures">${figures || "\n      <p class=\"none\">no figures</p>"}
    </div>
    <div class="checks">${checks || "\n      <p class=\"none\">no check reported</p>"}
    </div>
  </section>`;
}

/**
 * The reproduction report as one self-contained HTML page (figures linked from figures/); claims
 * with TeX are typeset by KaTeX, its CSS and fonts inlined when the page has math.
 */
export function renderReport(r: Report): string {
  const ok = r.summary.failed === 0 && r.summary.notebooks > 0;
  const sections = r.papers.map(section).join("\n");
  const math = sections.includes('class="katex') ? `\n<style>${katexInlineCss()}</style>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>optlab — paper reproductions</title>${math}
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h1 { margin-bottom: .2rem; }
  .summary { font-size: 1.1rem; padding: .6rem .9rem; border-radius: 6px; }
  .summary.pass { background: #e6f4ea; } .summary.fail { background: #fdecea; }
  section { border-top: 1px solid #ddd; padding: 1rem 0; }
  .badge { font-size: .75rem; padding: .1rem .45rem; border-radius: 4px; color: #fff; vertical-align: middle; }
  .badge.pass { background: #1e8e3e; } .badge.fail { background: #d93025; }
  .citation { color: #555; font-style: italic; margin: 0; }
  .meta { color: #666; font-size: .85rem; }
  .figures { display: flex; flex-wrap: wrap; gap: 1rem; }
  figure { margin: 0; } figure img { max-width: 100%; max-height: 420px; border: 1px solid #eee; }
  figcaption { font-size: .75rem; color: #888; }
  table.numbers { border-collapse: collapse; font-size: .85rem; }
  table.numbers th { text-align: left; padding: .1rem .8rem .1rem 0; font-weight: 600; }
  table.numbers td { font-family: ui-monospace, monospace; }
  pre.failure { background: #fdecea; padding: .6rem; overflow-x: auto; white-space: pre-wrap; }
  .none { color: #999; }
</style>
</head>
<body>
<h1>optlab — paper reproductions</h1>
<p class="summary ${ok ? "pass" : "fail"}" id="summary">${esc(r.summary.line)}</p>
<p class="meta">generated ${esc(r.generated)} · optlab ${esc(r.optlab)} · Node ${esc(r.node)} · ${esc(r.platform)} · ${esc(r.cpus)} · <a href="report.json">report.json</a></p>
${sections}
</body>
</html>
`;
}
