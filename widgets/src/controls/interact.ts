import { display as kernelDisplay, parentHeader } from "@optlab/kernel";
import { WidgetError } from "../model/errors";
import { Widget } from "../model/Widget";
import { VBox } from "./boxes";
import { Output } from "./output";
import { Dropdown, SelectionWidget, type Options } from "./selection";
import { Checkbox, Text } from "./simple";
import { FloatSlider, IntSlider } from "./sliders";

/**
 * How an argument of an interact function is given (ipywidgets' abbreviations):
 * - a widget with a `value` (used as is);
 * - `[min, max]` or `[min, max, step]` numbers → IntSlider when all are integers, else FloatSlider
 *   (value starts at the middle, snapped to the step; a float range without step gets (max−min)/100);
 * - any other list (labels, [label, value] pairs) or a plain object {label: value} → Dropdown;
 * - a boolean → Checkbox; a string → Text;
 * - a number v → a slider over [−v, 3v] (v > 0), [3v, −v] (v < 0), or [−1, 1] (v = 0), value v.
 */
export type Abbreviation = Widget | readonly unknown[] | Record<string, unknown> | boolean | string | number;

const isInt = (x: unknown) => Number.isInteger(x);

function snapMiddle(min: number, max: number, step: number): number {
  const mid = min + (max - min) / 2;
  return step > 0 ? Math.min(max, min + Math.round((mid - min) / step) * step) : mid;
}

/** The control for one abbreviation (see Abbreviation). */
export function widgetFromAbbreviation(name: string, a: Abbreviation): Widget {
  if (a instanceof Widget) {
    if (!("value" in a)) throw new WidgetError(`interact: ${name}: expected a widget with a value, got a ${a.constructor.name}`);
    return a;
  }
  if (Array.isArray(a)) {
    if ((a.length === 2 || a.length === 3) && a.every((x) => typeof x === "number" && Number.isFinite(x))) {
      const [min, max, step] = a as number[];
      if (min > max) throw new WidgetError(`interact: ${name}: expected [min, max(, step)] with min ≤ max, got [${a.join(", ")}]`);
      if (step !== undefined && !(step > 0)) throw new WidgetError(`interact: ${name}: step: expected a positive number, got ${step}`);
      if (a.every(isInt)) {
        const s = step ?? 1;
        return new IntSlider({ min, max, step: s, value: Math.round(snapMiddle(min, max, s)), description: name });
      }
      const s = step ?? (max - min) / 100;
      return new FloatSlider({ min, max, step: s, value: snapMiddle(min, max, s), description: name });
    }
    if (a.length === 0) throw new WidgetError(`interact: ${name}: expected options or [min, max(, step)], got an empty list`);
    return new Dropdown({ options: a as Options, description: name });
  }
  if (typeof a === "boolean") return new Checkbox({ value: a, description: name });
  if (typeof a === "string") return new Text({ value: a, description: name });
  if (typeof a === "number") {
    if (!Number.isFinite(a)) throw new WidgetError(`interact: ${name}: expected a finite number, got ${a}`);
    const [min, max] = a > 0 ? [-a, 3 * a] : a < 0 ? [3 * a, -a] : [-1, 1];
    return isInt(a) ? new IntSlider({ min, max, value: a, description: name }) : new FloatSlider({ min, max, step: (max - min) / 100, value: a, description: name });
  }
  if (typeof a === "object" && a !== null) return new Dropdown({ options: a as Options, description: name });
  throw new WidgetError(`interact: ${name}: cannot make a control from ${typeof a}`);
}

const valueOf = (w: Widget): unknown => (w as unknown as { value: unknown }).value;

/**
 * An interactive function: one control per argument, then an Output where `fn(kwargs)` runs
 * (cleared before each call; its return value, when not undefined, is displayed there). Runs once
 * on creation and again whenever any control's value changes.
 */
export class Interactive<K extends Record<string, unknown> = Record<string, unknown>> extends VBox {
  readonly controls: Record<string, Widget>;
  readonly out: Output;
  /** What the last call returned. */
  result: unknown = undefined;
  /** Number of calls so far. */
  calls = 0;
  readonly #fn: (kwargs: K) => unknown;

  constructor(fn: (kwargs: K) => unknown, spec: { [P in keyof K]?: Abbreviation }) {
    if (typeof fn !== "function") throw new WidgetError("interactive: fn: expected a function of one {name: value} argument");
    if (typeof spec !== "object" || spec === null) throw new WidgetError("interactive: spec: expected an object {name: control | [min, max, step] | options}");
    const controls: Record<string, Widget> = {};
    for (const [name, a] of Object.entries(spec)) controls[name] = widgetFromAbbreviation(name, a as Abbreviation);
    const out = new Output();
    super([...Object.values(controls), out], { _dom_classes: ["widget-interact"] });
    this.controls = controls;
    this.out = out;
    this.#fn = fn;
    for (const w of Object.values(controls)) w.on("change:value", () => void this.update());
    void this.update();
  }

  /** Current argument values. */
  get kwargs(): K {
    return Object.fromEntries(Object.entries(this.controls).map(([k, w]) => [k, valueOf(w)])) as K;
  }

  /** Calls the function now with the controls' values, capturing its output. */
  update(): unknown {
    this.calls++;
    return this.out.capture(() => {
      this.out.clearOutput({ wait: true });
      const r = this.#fn(this.kwargs);
      const show = (v: unknown) => {
        this.result = v;
        if (v !== undefined && v !== null) kernelDisplay(v);
        return v;
      };
      return r instanceof Promise ? r.then(show) : show(r);
    });
  }
}

/** Makes an Interactive without displaying it (ipywidgets' `interactive`). */
export function interactive<K extends Record<string, unknown>>(fn: (kwargs: K) => unknown, spec: { [P in keyof K]?: Abbreviation }): Interactive<K> {
  return new Interactive(fn, spec);
}

/**
 * The kernel's mark on values that are shown already (its display handles): a cell whose last
 * expression carries it gets no execute_result. Symbol.for, so this package needs no kernel internals.
 */
const ALREADY_DISPLAYED = Symbol.for("optlab.alreadyDisplayed");

/**
 * Makes an Interactive and displays it in the running cell (ipywidgets' `interact`); returns it.
 * The widget counts as shown for the rest of the request that displayed it, so `interact(...)`
 * as a cell's last expression appears once; evaluated in a later cell it is shown again.
 */
export function interact<K extends Record<string, unknown>>(fn: (kwargs: K) => unknown, spec: { [P in keyof K]?: Abbreviation }): Interactive<K> {
  const w = new Interactive(fn, spec);
  kernelDisplay(w);
  const shownIn = parentHeader()?.msg_id;
  Object.defineProperty(w, ALREADY_DISPLAYED, { get: () => shownIn !== undefined && parentHeader()?.msg_id === shownIn, configurable: true });
  return w;
}

export { SelectionWidget };
