/**
 * Where a chart draws: the three calls of a d3 selection a chart needs (append a child element,
 * set an attribute, set the text). The live views pass a d3 selection (wrapped by the frontend's
 * d3Target), the static renderer an `SvgNode` that serialises to an SVG string — so one draw
 * function per chart makes both figures (d3-shape's `line.context(ctx)` idea).
 */
export interface Target {
  append(tag: string): Target;
  /** Sets an attribute; `null`/`undefined` leaves it out. Numbers are written with ≤ 2 decimals. */
  attr(name: string, value: string | number | null | undefined): Target;
  text(content: string): Target;
}

/** Escapes text for XML content and attribute values. */
export function esc(s: unknown): string {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A coordinate as written: at most 2 decimals (screen scale needs no more), non-finite → 0. */
export function coord(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 100) / 100) : "0";
}

/** An attribute value as both targets write it. */
export function attrValue(v: string | number): string {
  return typeof v === "number" ? coord(v) : v;
}

/** An element of an SVG string under construction. */
export class SvgNode implements Target {
  readonly attrs = new Map<string, string>();
  readonly children: SvgNode[] = [];
  content = "";
  constructor(readonly tag: string) {}

  append(tag: string): SvgNode {
    const c = new SvgNode(tag);
    this.children.push(c);
    return c;
  }

  attr(name: string, value: string | number | null | undefined): SvgNode {
    if (value === null || value === undefined) this.attrs.delete(name);
    else this.attrs.set(name, attrValue(value));
    return this;
  }

  text(content: string): SvgNode {
    this.content = content;
    this.children.length = 0;
    return this;
  }

  toString(): string {
    const a = [...this.attrs].map(([k, v]) => ` ${k}="${esc(v)}"`).join("");
    const body = this.content ? esc(this.content) : this.children.map(String).join("");
    return body === "" ? `<${this.tag}${a}/>` : `<${this.tag}${a}>${body}</${this.tag}>`;
  }
}

/** A `translate(x,y)` transform with the coordinates written as every other coordinate (≤ 2 decimals). */
export function translate(x: number, y: number): string {
  return `translate(${coord(x)},${coord(y)})`;
}
