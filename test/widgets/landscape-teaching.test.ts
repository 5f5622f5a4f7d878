/**
 * The landscape view for teaching: per-optimizer learning rates, a start point, axis names, a
 * colour scale with its bar, `show()` of `optim.minimize` results — and a clear error for every
 * bad option. Oracles: gradient descent and heavy ball on a diagonal quadratic written out by hand
 * (closed form for GD), the figure's own axis ticks (where the reader sees a value), and the
 * published end colours of the colour maps.
 */
import { strict as assert } from "assert";
import type { Element } from "@xmldom/xmldom";
import { optim, tensor, testfunctions } from "../../src";
import { headless } from "../../widgets/src/model/Widget";
import { show, viewFor } from "../../widgets/src/show";
import { LandscapeView, type Function2d } from "../../widgets/src/views/landscape";
import { byClass, closest, parseSvg, textOf } from "./figure-dom";

/** f(θ) = ½(a θ₁² + b θ₂²) on [−2, 2]², minimum at 0. */
const A = 1;
const B = 4;
const quad: Function2d = {
  name: "quadratic",
  dim: 2,
  value: (x) => 0.5 * (A * x[0] * x[0] + B * x[1] * x[1]),
  gradient: (x) => [A * x[0], B * x[1]],
  domain: [[-2, 2], [-2, 2]],
  minima: [{ x: [0, 0] }],
  start: [1.5, 1],
};
const quadClosure = { p: 2, value: (x: ArrayLike<number>) => quad.value(x), gradient: (x: ArrayLike<number>) => quad.gradient(x) };

/** Heavy ball as PyTorch writes it (v ← μv + g, θ ← θ − ηv; μ = 0 is GD), by hand. */
function heavyBall(start: [number, number], lr: number, mu: number, steps: number): [number, number][] {
  const th = [...start];
  const v = [0, 0];
  const out: [number, number][] = [[th[0], th[1]]];
  for (let k = 0; k < steps; k++) {
    const g = [A * th[0], B * th[1]];
    for (let i = 0; i < 2; i++) (v[i] = mu * v[i] + g[i]), (th[i] -= lr * v[i]);
    out.push([th[0], th[1]]);
  }
  return out;
}

function runsOf(v: LandscapeView): [number, number][][] {
  const t = v.get("trajectories") as Float64Array;
  const lens = v.get("trajectory_lengths") as Int32Array;
  const out: [number, number][][] = [];
  let o = 0;
  for (const n of lens) {
    out.push(Array.from({ length: n }, (_, i) => [t[2 * (o + i)], t[2 * (o + i) + 1]] as [number, number]));
    o += n;
  }
  return out;
}

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** The numbers in a transform="translate(x,y)". */
function translateOf(e: Element): [number, number] {
  const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(e.getAttribute("transform") ?? "");
  assert.ok(m, `no translate in ${e.getAttribute("transform")}`);
  return [Number(m[1]), Number(m[2])];
}

/** Tick label text → number ("−1.5" uses the minus sign). */
const tickValue = (t: Element) => Number(textOf(t).replace("−", "-"));

/** The pixel a value sits at on a map axis, read from its ticks alone (least-squares line through (value, px)). */
function axisPixel(doc: ReturnType<typeof parseSvg>, side: "x" | "y", value: number): number {
  const axis = byClass(doc, "axis", side).filter((a) => !closest(a, "colorbar") && !closest(a, "loss-panel"))[0];
  const pts = byClass(axis, "tick").map((t) => [tickValue(t), translateOf(t)[side === "x" ? 0 : 1]]);
  assert.ok(pts.length >= 3, `${side}: ${pts.length} ticks`);
  const n = pts.length;
  const mv = pts.reduce((s, p) => s + p[0], 0) / n;
  const mp = pts.reduce((s, p) => s + p[1], 0) / n;
  const slope = pts.reduce((s, p) => s + (p[0] - mv) * (p[1] - mp), 0) / pts.reduce((s, p) => s + (p[0] - mv) ** 2, 0);
  return mp + slope * (value - mv);
}

/** Distance between two #rrggbb / rgb() colours (max channel difference, 0..255). */
function colourDistance(a: string, b: string): number {
  const rgb = (c: string) => (c.startsWith("#") ? [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) : (c.match(/\d+/g) ?? []).slice(0, 3).map(Number));
  const [x, y] = [rgb(a), rgb(b)];
  return Math.max(...x.map((v, i) => Math.abs(v - y[i])));
}

describe("landscape for teaching: per-optimizer lr, start point, axis names, colour scale, show(minimize)", () => {
  it("each optimizer runs at its own lr from the given start (GD closed form, heavy ball by hand); the legend names each lr", () => {
    const start: [number, number] = [1.5, -1];
    const v = headless(() => show(quad, { optimizers: ["gd", "momentum"], lr: { gd: 0.1, momentum: 0.05 }, momentum: 0.5, start, steps: 12, resolution: 21 }) as LandscapeView);
    assert.equal(v.get("status"), "ready", String(v.get("error")));
    const [gd, hb] = runsOf(v);
    assert.equal(gd.length, 13);
    gd.forEach((p, k) => assert.ok(close(p[0], (1 - 0.1 * A) ** k * start[0]) && close(p[1], (1 - 0.1 * B) ** k * start[1]), `gd step ${k}: ${p}`));
    heavyBall(start, 0.05, 0.5, 12).forEach((q, k) => assert.ok(close(hb[k][0], q[0]) && close(hb[k][1], q[1]), `momentum step ${k}: ${hb[k]} vs ${q}`));
    assert.deepEqual(Array.from(v.get("trajectory_lrs") as Float64Array), [0.1, 0.05]);
    // The loss at every point, for the loss panel.
    const vals = Array.from(v.get("trajectory_values") as Float64Array);
    assert.equal(vals.length, 26);
    assert.ok(close(vals[3], quad.value(gd[3])));
    const doc = parseSvg(v.svg());
    assert.deepEqual(byClass(doc, "legend-label").map(textOf), ["gd, η = 0.1", "momentum, η = 0.05", "start"]);
    assert.equal(byClass(doc, "trajectory").length, 2);
  });

  it("lrs set later (from the browser) recompute that optimizer alone; one lr for all covers the rest; a bad lrs entry is the view's error naming it", () => {
    const v = headless(() => LandscapeView.fromFunction(quad, { optimizers: ["gd", "nesterov"], lr: 0.2, steps: 4, resolution: 11 }));
    assert.deepEqual(Array.from(v.get("trajectory_lrs") as Float64Array), [0.2, 0.2]);
    headless(() => v.set({ lrs: { gd: 0.05 } }));
    const [gd] = runsOf(v);
    assert.ok(close(gd[4][0], (1 - 0.05 * A) ** 4 * 1.5), `gd after lrs: ${gd[4]}`);
    assert.deepEqual(Array.from(v.get("trajectory_lrs") as Float64Array), [0.05, 0.2]);
    assert.equal(v.lrOf("nesterov"), 0.2);
    headless(() => v.set({ lrs: { gd: -1 } }));
    assert.equal(v.get("status"), "error");
    assert.match(String(v.get("error")), /lrs\.gd: expected a finite number > 0, got -1/);
  });

  it("the start marker sits where the figure's own axis ticks put the start point; a start off the map is an error", () => {
    const start: [number, number] = [-1.25, 0.5];
    const doc = parseSvg(show(quad, { static: true, optimizers: ["gd"], lr: 0.1, start, steps: 5, resolution: 21 }));
    const marker = byClass(doc, "start-marker");
    assert.equal(marker.length, 1);
    assert.ok(Math.abs(Number(marker[0].getAttribute("cx")) - axisPixel(doc, "x", start[0])) < 0.6, `cx ${marker[0].getAttribute("cx")}`);
    assert.ok(Math.abs(Number(marker[0].getAttribute("cy")) - axisPixel(doc, "y", start[1])) < 0.6, `cy ${marker[0].getAttribute("cy")}`);
    assert.throws(() => headless(() => show(quad, { start: [3, 0] })), /start: expected a point inside x_range \[-2, 2\] × y_range \[-2, 2\], got \[3, 0\]/);
  });

  it("axis names: θ₁, θ₂ and f(θ) by default, the caller's names when given, a slice's directions", () => {
    const titles = (svg: string) => byClass(parseSvg(svg), "axis-title").map(textOf);
    const def = titles(show(quad, { static: true, steps: 2, resolution: 11 }));
    assert.ok(def.includes("θ₁") && def.includes("θ₂") && def.includes("f(θ) − min (log scale)"), def.join(" | "));
    const named = titles(show(quad, { static: true, steps: 2, resolution: 11, x_label: "weight w", y_label: "bias b", value_label: "L(w, b)", color_scale: "linear" }));
    assert.ok(named.includes("weight w") && named.includes("bias b") && named.includes("L(w, b)"), named.join(" | "));
    const slice = { method: "slice-2d", alphas: [-1, 0, 1], betas: [-1, 0, 1], losses: [[2, 1, 2], [1, 0, 1], [2, 1, 2]], directions: [{ kind: "random", normalization: "filter" }, { kind: "given", normalization: "none" }] };
    const st = titles(show(slice, { static: true }));
    assert.ok(st.includes("α along d₁ (random, filter-normalized)") && st.includes("β along d₂ (given)") && st.includes("loss"), st.join(" | "));
  });

  it("colour scale: log ticks are evenly spaced per decade, linear ticks per unit; the colour bar ends in the colour map's end colours", () => {
    // Rosenbrock spans ~4 decades on its domain.
    const rosen = testfunctions.rosenbrock();
    const barTicks = (svg: string) => {
      const bar = byClass(parseSvg(svg), "colorbar")[0];
      return byClass(bar, "tick").map((t) => [tickValue(t), translateOf(t)[1]] as [number, number]);
    };
    const logT = barTicks(show(rosen, { static: true, color_scale: "log", steps: 2, resolution: 41 }));
    assert.ok(logT.length >= 3, `log ticks ${JSON.stringify(logT)}`);
    const perDecade = logT.slice(1).map((t, i) => (t[1] - logT[i][1]) / Math.log10(t[0] / logT[i][0]));
    perDecade.forEach((d) => assert.ok(Math.abs(d - perDecade[0]) < 0.6, `px per decade ${perDecade}`));
    const linT = barTicks(show(rosen, { static: true, color_scale: "linear", steps: 2, resolution: 41 }));
    const perUnit = linT.slice(1).map((t, i) => (t[1] - linT[i][1]) / (t[0] - linT[i][0]));
    perUnit.forEach((d) => assert.ok(Math.abs(d - perUnit[0]) < 1e-3 * Math.abs(perUnit[0]) + 0.02, `px per unit ${perUnit}`));
    // magma runs from #000004 to #fcfdbf, cividis from #00224e to #fee838 (published end points).
    for (const [map, lo, hi] of [["magma", "#000004", "#fcfdbf"], ["cividis", "#00224e", "#fee838"]] as const) {
      const steps = byClass(parseSvg(show(rosen, { static: true, colormap: map, steps: 2, resolution: 21 })), "colorbar-step").map((s) => s.getAttribute("fill")!);
      assert.ok(colourDistance(steps[steps.length - 1], lo) < 24, `${map} bottom ${steps[steps.length - 1]}`);
      assert.ok(colourDistance(steps[0], hi) < 24, `${map} top ${steps[0]}`);
    }
  });

  it("show(minimize result): the recorded path over the contours, labelled with method and lr, and its loss curve", () => {
    const run = (opt: optim.Optimizer) => optim.minimize(opt, tensor([1.5, 1], [2]), optim.flatClosure(quadClosure), { steps: 15, trajectory: true });
    const gd = run(optim.sgd({ lr: 0.1 }));
    const hb = run(optim.sgd({ lr: 0.05, momentum: 0.5 }));
    assert.equal(gd.kind, "minimize");
    assert.equal(gd.lr, 0.1);
    assert.equal(hb.hyper.momentum, 0.5);
    assert.equal(viewFor(gd), "LandscapeView");
    const v = headless(() => show([gd, hb], { landscape: quad }) as LandscapeView);
    assert.deepEqual(v.get("trajectory_labels"), ["sgd, momentum = 0", "sgd, momentum = 0.5"]);
    const [p0, p1] = runsOf(v);
    p0.forEach((p, k) => assert.ok(close(p[0], 0.9 ** k * 1.5) && close(p[1], 0.6 ** k * 1), `gd ${k}`));
    heavyBall([1.5, 1], 0.05, 0.5, 15).forEach((q, k) => assert.ok(close(p1[k][0], q[0]) && close(p1[k][1], q[1]), `hb ${k}`));
    const doc = parseSvg(v.svg());
    assert.ok(byClass(doc, "contour").length > 3, "contours of the landscape");
    assert.equal(byClass(doc, "trajectory").length, 2);
    assert.deepEqual(byClass(doc, "legend-label").map(textOf), ["sgd, momentum = 0, η = 0.1", "sgd, momentum = 0.5, η = 0.05", "start"]);
    const curves = byClass(doc, "loss-curve");
    assert.equal(curves.length, 2);
    assert.equal(curves[0].getAttribute("data-points"), "16");
    // Loss values: the closed form of GD, f(θ_k) = ½(A·0.81^k·2.25 + B·0.36^k).
    const vals = Array.from(v.get("trajectory_values") as Float64Array).slice(0, 16);
    vals.forEach((f, k) => assert.ok(close(f, 0.5 * (A * 0.81 ** k * 2.25 + B * 0.36 ** k), 1e-12), `loss ${k}: ${f}`));
    // Runs of one method differing in lr alone are named by it, once.
    const lrOnly = headless(() => show([gd, run(optim.sgd({ lr: 0.05 }))], { landscape: quad }) as LandscapeView);
    assert.deepEqual(byClass(parseSvg(lrOnly.svg()), "legend-label").map(textOf), ["sgd, η = 0.1", "sgd, η = 0.05", "start"]);
    // Without a landscape: the path on a blank plane, no colour bar; the start is θ_0.
    const bare = parseSvg(show(gd, { static: true }));
    assert.equal(byClass(bare, "colorbar").length, 0);
    assert.equal(byClass(bare, "plane").length, 1);
    assert.equal(byClass(bare, "trajectory").length, 1);
  });

  it("show(minimize result) without 2-D iterates: loss curves, one per run, named with the lr", () => {
    const rosen3 = testfunctions.rosenbrock({ dim: 3 });
    const r = optim.minimize(optim.sgd({ lr: 1e-4 }), tensor([-1, 1, 1], [3]), testfunctions.closureOf(rosen3), { steps: 10 });
    assert.equal(viewFor(r), "CurvesView");
    const doc = parseSvg(show(r, { static: true }));
    assert.ok(byClass(doc, "legend-label").map(textOf).some((t) => t.startsWith("sgd (η 0.0001)")), byClass(doc, "legend-label").map(textOf).join(" | "));
    assert.throws(() => show(r, { landscape: quad }), /show: landscape: a landscape option, but this minimize result has no 2-D trajectory/);
  });

  it("bad options are errors naming the option and what was expected", () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ resolution: 1.5 }, /resolution: expected an integer in \[2, 400\], got 1\.5/],
      [{ x_range: [1, 0] }, /x_range: expected \[lo, hi\] with finite lo < hi, got an array of length 2/],
      [{ start: [NaN, 0] }, /start: expected a point \[θ₁, θ₂\] of two finite numbers/],
      [{ momentum: 1 }, /momentum: expected a number in \[0, 1\), got 1/],
      [{ color_scale: "logarithmic" }, /color_scale: expected "linear" or "log", got the string "logarithmic"/],
      [{ colormap: "jet" }, /colormap: expected one of viridis, cividis, magma, inferno, plasma, got the string "jet"/],
      [{ lr: -1 }, /lr: expected a finite number > 0, got -1/],
      [{ lr: [0.1] }, /lr: expected a finite number > 0 or an object \{ optimizer: lr \}/],
      [{ optimizers: ["gd"], lr: { adam: 0.1 } }, /lr: key "adam" is not among optimizers \(gd\)/],
      [{ lr: { adamm: 0.1 } }, /lr: key "adamm": expected optimizer names from gd, momentum/],
      [{ lr: { gd: 0 } }, /lr\.gd: expected a finite number > 0, got 0/],
      [{ optimizers: ["gd", "gd"] }, /optimizers: expected distinct names, got "gd" twice/],
      [{ optimizers: [] }, /optimizers: expected a non-empty array of optimizer names/],
      [{ steps: 0 }, /steps: expected an integer in \[1, 100000\], got 0/],
      [{ loss_curve: "yes" }, /loss_curve: expected a boolean/],
      [{ color_scale: "linear", log_scale: true }, /log_scale: contradicts color_scale "linear"/],
      [{ x_label: 3 }, /x_label: expected a string, got 3/],
      [{ colour_scale: "log" }, /show: unknown option "colour_scale"/],
    ];
    for (const [opts, re] of cases) assert.throws(() => headless(() => show(quad, opts as never)), re, JSON.stringify(opts));
    // Landscape options on other views, and minimize-fixed options, are errors too.
    assert.throws(() => show({ method: "dense", eigenvalues: [1, 2, 3] }, { start: [0, 0] }), /show: start: an option of landscape views, but this result gets a SpectrumView/);
    assert.throws(() => show(quad, { landscape: quad }), /show: landscape: only for optim.minimize results/);
    const gd = optim.minimize(optim.sgd({ lr: 0.1 }), tensor([1, 1], [2]), optim.flatClosure(quadClosure), { steps: 3, trajectory: true });
    assert.throws(() => show(gd, { lr: 0.2 }), /lr: fixed by the minimize run; expected no lr/);
    assert.throws(() => show([gd, { nope: 1 }]), /show: result: an array is shown only when every item is an optim.minimize result/);
    const slice = { method: "slice-2d", alphas: [-1, 1], betas: [-1, 1], losses: [[1, 1], [1, 1]] };
    assert.throws(() => show(slice, { start: [0, 0] }), /fromSlice: start: a loss slice is a fixed grid with no trajectories/);
  });
});
