/**
 * A tiny, safe Markdown → HTML renderer for notebook markdown cells in the static export.
 *
 * Safe by construction: every character of the source is HTML-escaped first, and only the
 * constructs below produce tags, so raw HTML in a cell shows as text. Links and images keep only
 * relative, `#`, `http(s):`, `mailto:` (links) and `data:image/…` (images) URLs; a remote image
 * becomes a link, so the exported page never fetches from the network by itself.
 *
 * Blocks: ATX headings, fenced code, `$$ … $$` display math, block quotes, `-`/`*`/`+` and `1.`
 * lists (one level), horizontal rules, paragraphs. Inline: code spans, `$…$` / `$$…$$` math,
 * `**strong**`, `*em*`/`_em_`, links, images, hard breaks.
 *
 * Math is typeset here, at export time, by KaTeX (npm `katex`): the page needs only KaTeX's CSS and
 * fonts, vendored next to it (htmlExport.ts), no script and no network. Math spans are taken out
 * before any emphasis rule runs, so `$λ_{j+1}$` is never italicised; emphasis follows CommonMark's
 * flanking rules for `_` (no intraword `_` emphasis, in any script: `λ_{j+1}` stays as written).
 */
import katex from "katex";

/** HTML-escapes text for element content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A URL (already HTML-escaped) if its scheme is allowed, else undefined. */
function safeUrl(url: string, image: boolean): string | undefined {
  const u = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(u)?.[1]?.toLowerCase();
  if (scheme === undefined) return u; // relative or #fragment
  if (image) return scheme === "data" && /^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/i.test(u) ? u : undefined;
  return scheme === "http" || scheme === "https" || scheme === "mailto" ? u : undefined;
}

/** Undoes escapeHtml (TeX is typeset from the source text). */
function unescapeHtml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&");
}

/**
 * TeX typeset as HTML by KaTeX (`span.katex`; display math in `span.katex-display`). A TeX error
 * shows the source in red with the message as its title, never an exception.
 */
export function renderTex(tex: string, display: boolean): string {
  return katex.renderToString(tex, { displayMode: display, throwOnError: false, output: "htmlAndMathml", strict: "ignore", trust: false });
}

/** Letters and digits of any script: `_` next to one does not open or close emphasis. */
const WORD = String.raw`\p{L}\p{N}`;
const EM_UNDERSCORE = new RegExp(String.raw`(^|[^_${WORD}])_(?=\S)([^]*?\S)_(?![_${WORD}])`, "gu");
const STRONG_UNDERSCORE = new RegExp(String.raw`(^|[^_${WORD}])__(?=\S)([^]*?\S)__(?![_${WORD}])`, "gu");
const EM_STAR = new RegExp(String.raw`(^|[^*${WORD}])\*(?=[^\s*])((?:[^*]|\*\*[^*]+\*\*)*?[^\s*])\*(?![*${WORD}])`, "gu");

/** Inline markup of one (HTML-escaped) line or paragraph. */
function inline(escaped: string): string {
  // Code spans and math first, into placeholders, so their contents are not emphasised.
  const held: string[] = [];
  const hold = (html: string) => `\u0000${held.push(html) - 1}\u0000`;
  let s = escaped
    .replace(/(`+)([^`]|[^`][^]*?[^`])\1(?!`)/g, (_, __, code: string) => hold(`<code>${code.trim()}</code>`))
    .replace(/\\\$/g, () => hold("$"))
    .replace(/\$\$([^$]+?)\$\$/g, (_, tex: string) => hold(renderTex(unescapeHtml(tex.trim()), true)))
    .replace(/\$([^$\s](?:[^$]*[^$\s])?)\$/g, (_, tex: string) => hold(renderTex(unescapeHtml(tex), false)));
  s = s
    .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (m, alt: string, url: string) => {
      const img = safeUrl(url, true);
      if (img !== undefined) return hold(`<img src="${img}" alt="${alt}">`);
      const link = safeUrl(url, false);
      return link !== undefined ? hold(`<a href="${link}">${alt || link}</a>`) : m;
    })
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (m, text: string, url: string) => {
      const link = safeUrl(url, false);
      return link !== undefined ? `<a href="${link}">${text}</a>` : m;
    })
    .replace(/\*\*(?=\S)([^]*?\S)\*\*/g, "<strong>$1</strong>")
    .replace(STRONG_UNDERSCORE, "$1<strong>$2</strong>")
    .replace(EM_STAR, "$1<em>$2</em>")
    .replace(EM_UNDERSCORE, "$1<em>$2</em>")
    .replace(/ {2,}\n/g, "<br>\n");
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => held[Number(i)]);
}

/** One line of plain text (a claim, a caption) as HTML: escaped, with its math typeset and inline markup. */
export function renderInline(text: string): string {
  return inline(escapeHtml(text));
}

const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;

/** Renders a markdown cell's source as HTML. */
export function renderMarkdown(source: string): string {
  const lines = escapeHtml(source.replace(/\r\n?/g, "\n")).split("\n");
  const out: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length > 0) out.push(`<p>${inline(para.join("\n"))}</p>`);
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s{0,3}(```+|~~~+)\s*([\w+-]*)/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      while (++i < lines.length && !lines[i].trimStart().startsWith(fence[1])) body.push(lines[i]);
      out.push(`<pre><code${fence[2] ? ` class="language-${fence[2]}"` : ""}>${body.join("\n")}</code></pre>`);
      continue;
    }
    if (/^\s*\$\$/.test(line)) {
      flush();
      const body = [line.replace(/^\s*\$\$/, "")];
      let closed = /\$\$\s*$/.test(body[0]) && body[0].trim() !== "";
      while (!closed && ++i < lines.length) {
        closed = /\$\$\s*$/.test(lines[i]);
        body.push(lines[i]);
      }
      const tex = body.join("\n").replace(/\$\$\s*$/, "").trim();
      out.push(`<div class="math display">${renderTex(unescapeHtml(tex), true)}</div>`);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      out.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`);
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      out.push("<hr>");
      continue;
    }
    if (/^\s{0,3}&gt;/.test(line)) {
      flush();
      const body: string[] = [];
      for (; i < lines.length && /^\s{0,3}&gt;/.test(lines[i]); i++) body.push(lines[i].replace(/^\s{0,3}&gt;\s?/, ""));
      i--;
      out.push(`<blockquote><p>${inline(body.join("\n"))}</p></blockquote>`);
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      const ordered = /\d/.test(item[1]);
      const items: string[] = [];
      for (; i < lines.length; i++) {
        const m = LIST_ITEM.exec(lines[i]);
        if (m && /\d/.test(m[1]) === ordered) items.push(m[2]);
        else if (lines[i].trim() !== "" && /^\s+/.test(lines[i]) && items.length > 0) items[items.length - 1] += `\n${lines[i].trim()}`;
        else if (lines[i].trim() !== "" && !m && items.length > 0 && !/^\s{0,3}(#|```|~~~|&gt;)/.test(lines[i])) items[items.length - 1] += `\n${lines[i].trim()}`;
        else break;
      }
      i--;
      const tag = ordered ? "ol" : "ul";
      out.push(`<${tag}>\n${items.map((t) => `<li>${inline(t)}</li>`).join("\n")}\n</${tag}>`);
      continue;
    }
    if (line.trim() === "") flush();
    else para.push(line);
  }
  flush();
  return out.join("\n");
}
