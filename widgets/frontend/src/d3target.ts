/** A d3 selection as the Target the shared charts draw into (widgets/src/svg/target.ts). */
import type * as d3 from "d3";
import { attrValue, type Target } from "../../src/svg/target";

type AnySelection = d3.Selection<d3.BaseType, unknown, null, undefined>;

export class D3Target implements Target {
  constructor(readonly sel: AnySelection) {}
  append(tag: string): D3Target {
    return new D3Target(this.sel.append(tag) as unknown as AnySelection);
  }
  attr(name: string, value: string | number | null | undefined): D3Target {
    this.sel.attr(name, value === null || value === undefined ? null : attrValue(value));
    return this;
  }
  text(content: string): D3Target {
    this.sel.text(content);
    return this;
  }
}

/** Clears an <svg> and wraps it as a chart target. */
export function svgTarget(svg: d3.Selection<SVGSVGElement, unknown, null, undefined>): D3Target {
  svg.selectAll("*").remove();
  return new D3Target(svg as unknown as AnySelection);
}
