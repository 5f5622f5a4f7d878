/** What every chart shares: reading a view's state, the figure's outer frame and its title. */
import type { Target } from "../target";

/** Reads one trait of a view's state (a widget model's `get`, or a property of a plain state object). */
export type Get = (name: string) => unknown;

/** A state object as a Get. */
export const getter = (state: object): Get => (name) => (state as Record<string, unknown>)[name];

/** Numbers of a trait as a plain array (typed arrays, lists, missing → []). */
export function nums(get: Get, name: string): number[] {
  const v = get(name);
  return v && typeof (v as ArrayLike<number>).length === "number" && typeof v !== "string" ? Array.from(v as ArrayLike<number>, Number) : [];
}

/** How a chart is drawn (the title is not part of the chart: the live view shows it in HTML, the static SVG above the chart). */
export interface DrawOptions {}

/** Sets the figure's size on its root <svg>. */
export function sizeRoot(root: Target, width: number, height: number): void {
  root.attr("width", Math.ceil(width)).attr("height", Math.ceil(height)).attr("viewBox", `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`);
}

let seq = 0;
/** An element id unique in this process (clip paths of several figures on one page must not collide). */
export function uniqueId(prefix: string): string {
  return `optlab-${prefix}-${++seq}`;
}
