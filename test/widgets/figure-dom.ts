/** Reading the figures back: a strict XML parse of an SVG string and lookups by class and attribute. */
import { strict as assert } from "assert";
import { DOMParser, type Document, type Element } from "@xmldom/xmldom";

/** Parses strictly: any XML warning or error fails the test. */
export function parseSvg(svg: string): Document {
  const doc = new DOMParser({ onError: (level: string, msg: string) => { throw new Error(`XML ${level}: ${msg}`); } }).parseFromString(svg, "image/svg+xml");
  const root = doc.documentElement!;
  assert.equal(root.nodeName, "svg");
  assert.equal(root.getAttribute("xmlns"), "http://www.w3.org/2000/svg");
  assert.ok(Number(root.getAttribute("width")) > 0 && Number(root.getAttribute("height")) > 0);
  return doc;
}

/** Descendants of `root` carrying every one of the given classes. */
export function byClass(root: Document | Element, ...classes: string[]): Element[] {
  const out: Element[] = [];
  const all = root.getElementsByTagName("*");
  for (let i = 0; i < all.length; i++) {
    const cls = (all[i].getAttribute("class") ?? "").split(/\s+/);
    if (classes.every((c) => cls.includes(c))) out.push(all[i]);
  }
  return out;
}

/** Element children of an element. */
export function childElements(e: Element): Element[] {
  const out: Element[] = [];
  for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

/** Text content of an element. */
export const textOf = (e: Element): string => e.textContent ?? "";

/** The nearest ancestor (or self) with a class. */
export function closest(e: Element, cls: string): Element | null {
  for (let n: Element | null = e; n; n = n.parentNode && n.parentNode.nodeType === 1 ? (n.parentNode as Element) : null) {
    if ((n.getAttribute("class") ?? "").split(/\s+/).includes(cls)) return n;
  }
  return null;
}
