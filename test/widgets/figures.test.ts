/**
 * Legible figures (issue 16), checked on the static SVG parsed with a strict XML parser: legend
 * samples in the series colour with an unstyled label colour, log ticks without SI prefixes,
 * heatmaps with axis titles and a colour bar, one density smoother (the same numbers as core's),
 * and the curves view's per-panel x and per-panel series identity.
 */
import { strict as assert } from "assert";
import type { Element } from "@xmldom/xmldom";
import { show } from "../../widgets/src/show";
import { CurvesView, epochEndSteps } from "../../widgets/src/views/curves";
import { SpectrumView } from "../../widgets/src/views/spectrum";
import { renderCurves } from "../../widgets/src/svg/curves";
import { smoothDensity, linspace } from "../../widgets/src/svg/density";
import { formatTick, logTicks } from "../../widgets/src/svg/ticks";
import { emptiestCorner } from "../../widgets/src/svg/guides";
import { headless } from "../../widgets/src/model/Widget";
import { smooth } from "../../src/analysis/hessian/density";
import { data, nn, optim } from "../../src";
import { figureSamples, viewOf, type Sample } from "./figure-samples";
import { byClass, childElements, closest, parseSvg, textOf } from "./figure-dom";

/** An SI-prefixed tick as d3's "s" format writes it (100m, 1f, 2k, 1.5µ). */
const SI = /^[−-]?\d+(\.\d+)?[yzafpnµmkMGTPEZY]$/;
/** What our ticks may look like: a plain decimal, or (m×)10ⁿ with superscript digits. */
const PLAIN = /^[−-]?(\d+(\.\d+)?|(\d+(\.\d+)?×)?10[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/;

const staticOf = (s: Sample) => headless(() => viewOf(s).svg());

/** The colour a legend sample shows: a line's stroke, a filled dot's fill, a ring's stroke. */
function sampleColor(sample: Element): string {
  if (sample.nodeName === "line") return sample.getAttribute("stroke")!;
  const fill = sample.getAttribute("fill");
  return fill === "#ffffff" ? sample.getAttribute("stroke")! : fill!;
}

/** Colours (stroke, fill) of the marks a legend entry names, within the entry's panel. */
function seriesColors(entry: Element): string[] {
  const id = entry.getAttribute("data-series")!;
  const scope = closest(entry, "curves-panel") ?? closest(entry, "collapse-metrics") ?? entry.ownerDocument!.documentElement!;
  const out: string[] = [];
  const all = scope.getElementsByTagName("*");
  for (let i = 0; i < all.length; i++) {
    const e = all[i];
    const cls = (e.getAttribute("class") ?? "").split(/\s+/);
    if (!cls.includes("mark") || closest(e, "legend")) continue;
    const named = [e.getAttribute("data-series"), e.getAttribute("data-name"), e.getAttribute("data-label")].includes(id) || cls.includes(id);
    if (!named) continue;
    for (const a of ["stroke", "fill"]) {
      const v = e.getAttribute(a);
      if (v && v !== "none") out.push(v);
    }
    for (const c of childElements(e)) if (c.getAttribute("fill")) out.push(c.getAttribute("fill")!);
  }
  return out;
}

describe("legible figures: static SVG of every view (strict XML parse)", function () {
  this.timeout(60_000);
  let samples: Sample[];
  before(async () => {
    samples = await figureSamples();
  });

  it("every legend entry has a sample in its series' colour and a label whose colour no stylesheet rule sets", () => {
    let entries = 0;
    for (const s of samples) {
      const doc = parseSvg(staticOf(s));
      const style = byClass(doc, "optlab-svg")[0].getElementsByTagName("style")[0];
      assert.doesNotMatch(textOf(style), /fill\s*:/, `${s.name}: the stylesheet sets a fill, which would override the text colours`);
      for (const entry of byClass(doc, "legend-entry")) {
        entries++;
        const [sample] = byClass(entry, "legend-sample");
        assert.ok(sample, `${s.name}: legend entry ${entry.getAttribute("data-series")} has no sample`);
        const colors = seriesColors(entry);
        assert.ok(colors.length > 0, `${s.name}: no mark for legend entry ${entry.getAttribute("data-series")}`);
        assert.ok(colors.includes(sampleColor(sample)), `${s.name}: sample ${sampleColor(sample)} of ${entry.getAttribute("data-series")} is not its series' colour (${colors.join(", ")})`);
        const [label] = byClass(entry, "legend-label");
        assert.equal(label.getAttribute("fill"), "#222222", `${s.name}: label colour`);
        assert.ok(textOf(label).toLowerCase().startsWith(entry.getAttribute("data-series")!.slice(0, 3).toLowerCase()), `${s.name}: label "${textOf(label)}"`);
      }
    }
    assert.ok(entries >= 12, `only ${entries} legend entries over all samples`);
  });

  it("log axes carry plain decimal or power-of-ten ticks, never SI prefixes", () => {
    let logTicksSeen = 0;
    for (const s of samples) {
      const doc = parseSvg(staticOf(s));
      for (const tick of byClass(doc, "tick")) {
        const label = textOf(tick.getElementsByTagName("text")[0]);
        assert.doesNotMatch(label, SI, `${s.name}: SI tick ${label}`);
        assert.match(label, PLAIN, `${s.name}: tick "${label}"`);
        if (/10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]/.test(label) || label === "0.001") logTicksSeen++;
      }
    }
    assert.ok(logTicksSeen >= 4, `log ticks seen: ${logTicksSeen}`);
    // The tick formatter against hand-written expectations.
    assert.deepEqual([1e-3, 0.01, 0.1, 1, 10, 100, 1000, 1e-5, 1e6, 2e-7, 0.5, -3e-9].map(formatTick), ["0.001", "0.01", "0.1", "1", "10", "100", "1000", "10⁻⁵", "10⁶", "2×10⁻⁷", "0.5", "−3×10⁻⁹"]);
    assert.deepEqual(logTicks(1e-6, 2, 5), [1e-6, 1e-4, 0.01, 1]);
    assert.deepEqual(logTicks(0.3, 4, 5), [0.5, 1, 2]);
  });

  it("every heatmap (kernel, landscape) has titled axes and a colour bar with ticks and a title", () => {
    const heatmaps = samples.filter((s) => /kernel|landscape/.test(s.name));
    assert.equal(heatmaps.length, 4);
    for (const s of heatmaps) {
      const doc = parseSvg(staticOf(s));
      const titles = byClass(doc, "axis-title").map(textOf);
      const bar = byClass(doc, "colorbar");
      assert.equal(bar.length, 1, `${s.name}: colour bars`);
      assert.ok(byClass(bar[0], "colorbar-step").length >= 16, `${s.name}: colour steps`);
      assert.ok(byClass(bar[0], "tick").length >= 3, `${s.name}: colour bar ticks`);
      assert.equal(byClass(bar[0], "axis-title").length, 1, `${s.name}: colour bar title`);
      const map = byClass(doc, "axis", "x").filter((a) => !closest(a, "colorbar") && !closest(a, "decay"))[0];
      assert.ok(byClass(map, "axis-title").length === 1 && textOf(byClass(map, "axis-title")[0]).length > 0, `${s.name}: x title`);
      const yAxis = byClass(doc, "axis", "y").filter((a) => !closest(a, "colorbar") && !closest(a, "decay"))[0];
      assert.ok(byClass(yAxis, "axis-title").length === 1, `${s.name}: y title`);
      assert.ok(titles.length >= 3, `${s.name}: ${titles}`);
      // The colour bar's extreme steps are the extreme colours of the map.
      const fills = new Set(byClass(doc, "mark").filter((m) => /cell|contour/.test(m.getAttribute("class")!)).map((m) => m.getAttribute("fill")));
      const steps = byClass(bar[0], "colorbar-step");
      assert.ok(fills.size > 5, `${s.name}: map colours`);
      assert.notEqual(steps[0].getAttribute("fill"), steps[steps.length - 1].getAttribute("fill"));
    }
    assert.match(textOf(byClass(parseSvg(staticOf(heatmaps.find((s) => s.name.startsWith("landscape"))!)), "colorbar")[0]).toString(), /f\(θ\) − min \(log scale\)/);
  });

  it("legends sit where they cover the fewest data points", () => {
    // A curve hugging the top edge: the legend goes to a bottom corner.
    const box = { x0: 0, y0: 0, x1: 200, y1: 100 };
    const curve: [number, number][] = Array.from({ length: 50 }, (_, i) => [i * 4, 5 + (i % 3)]);
    const at = emptiestCorner(box, { width: 60, height: 30 }, [curve]);
    assert.equal(at.covered, 0);
    assert.ok(at.y > 50, `legend at y ${at.y}`);
    // In the static curves, a legend box over a rising curve avoids it.
    const x = Array.from({ length: 100 }, (_, i) => i);
    const doc = parseSvg(renderCurves({ series: [{ name: "rising", x, y: x.map((v) => v * v), panel: "p" }] }));
    const t = byClass(doc, "legend")[0].getAttribute("transform")!;
    const [lx, ly] = /translate\(([-\d.]+),([-\d.]+)\)/.exec(t)!.slice(1).map(Number);
    assert.ok(lx < 200 && ly < 60, `a rising curve leaves the top-left corner empty; legend at ${lx},${ly}`);
  });

  it("one density smoother: the views' φ equals core's hessian.smooth on the same nodes (and integrates to 1)", () => {
    const nodes = [[-0.1, 0.2, 3], [0, 0.15, 2.9, 3.1]];
    const weights = [[0.5, 0.3, 0.2], [0.4, 0.3, 0.2, 0.1]];
    const grid = Array.from(linspace(-1, 4, 501));
    const core = smooth({ nodes, weights }, { sigma: 0.05, grid });
    const ours = smoothDensity(nodes.flat(), weights.flat(), 2, 0.05, grid);
    let maxDiff = 0;
    for (let i = 0; i < grid.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - core.density[i]));
    assert.ok(maxDiff < 1e-12, `max |Δφ| ${maxDiff}`);
    const integral = ours.reduce((s, v) => s + v, 0) * (grid[1] - grid[0]);
    assert.ok(Math.abs(integral - 1) < 1e-6, `∫φ = ${integral}`);
  });

  it("the SLQ density defaults to a log y axis when outliers would vanish on a linear one, linear otherwise", () => {
    const bulk = Array.from({ length: 30 }, (_, i) => -0.1 + 0.2 * (i / 29));
    const withOutliers = { nodes: [[...bulk, 8]], weights: [[...bulk.map(() => 0.99 / 30), 0.01]], sigma: 0.05 };
    const bulkOnly = { nodes: [bulk], weights: [bulk.map(() => 1 / 30)], sigma: 0.05 };
    headless(() => {
      assert.equal(SpectrumView.fromResult(withOutliers).get("y_scale"), "log");
      assert.equal(SpectrumView.fromResult(bulkOnly).get("y_scale"), "linear");
      assert.equal(SpectrumView.fromResult(withOutliers, { y_scale: "linear" }).get("y_scale"), "linear");
    });
    // On the linear axis the outlier bump is under 2% of the bulk's peak: it would vanish.
    const grid = Array.from(linspace(-1, 9, 2001));
    const phi = smoothDensity(withOutliers.nodes.flat(), withOutliers.weights.flat(), 1, 0.05, grid);
    const peak = Math.max(...phi);
    const bump = Math.max(...phi.filter((_, i) => grid[i] > 7));
    assert.ok(bump / peak < 0.02 && bump > 0, `bump/peak ${bump / peak}`);
  });
});

describe("curves view: each panel has its own x; series are identified per panel", () => {
  it("two panels may each hold a series called loss; each draws its own path on its own x", () => {
    const v = headless(() => CurvesView.fromHistory({}, { title: "two losses", log_y: [] }));
    v.pushMany("loss", [0, 1, 2], [3, 2, 1], { panel: "train", x_label: "step" });
    v.pushMany("loss", [0, 10, 20], [5, 4, 3], { panel: "test", x_label: "epoch" });
    v.flush();
    assert.deepEqual(v.data("loss", "train")!.y, [3, 2, 1]);
    assert.deepEqual(v.data("loss", "test")!.y, [5, 4, 3]);
    const doc = parseSvg(v.svg());
    const panels = byClass(doc, "curves-panel");
    assert.deepEqual(panels.map((p) => p.getAttribute("data-panel")), ["train", "test"]);
    for (const p of panels) assert.equal(byClass(p, "series").length, 1);
    // Own x: the test panel's last x tick is 20, the train panel's 2; titles step / epoch.
    const lastTick = (p: Element) => { const ts = byClass(byClass(p, "axis", "x")[0], "tick"); return textOf(ts[ts.length - 1]); };
    assert.equal(lastTick(panels[0]), "2");
    assert.equal(lastTick(panels[1]), "20");
    assert.deepEqual(panels.map((p) => textOf(byClass(byClass(p, "axis", "x")[0], "axis-title")[0])), ["step", "epoch"]);
    assert.throws(() => v.push("loss", 1, 1, { panel: "" }), /panel: expected a non-empty string/);
  });

  it("fromHistory: loss on steps with the full-data loss at the step each epoch ended; accuracy on epochs", async () => {
    const net = nn.mlp([2, 8, 3], { seed: 1 });
    const ds = data.gaussianMixture({ n: 60, classes: 3, seed: 1 });
    const res = await optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.1 }), loss: "crossEntropy", epochs: 4, batchSize: 20, seed: 1 });
    // n = 60, batch 20: 3 steps per epoch; onEpoch reports step = 3, 6, 9, 12.
    const seen: number[] = [];
    const net2 = nn.mlp([2, 8, 3], { seed: 1 });
    await optim.train(net2, ds, { optimizer: optim.sgd({ lr: 0.1 }), loss: "crossEntropy", epochs: 4, batchSize: 20, seed: 1, onEpoch: (i) => void seen.push(i.step) });
    assert.deepEqual(epochEndSteps(4, 12, undefined, "completed"), seen);
    assert.equal(epochEndSteps(4, 11, undefined, "completed"), undefined);
    assert.equal(epochEndSteps(4, 12, undefined, "aborted"), undefined);
    const v = headless(() => CurvesView.fromHistory(res));
    assert.deepEqual(v.data("epoch loss (full data)", "loss")!.x, seen);
    assert.deepEqual(v.data("accuracy", "accuracy")!.x, [0, 1, 2, 3]);
    const doc = parseSvg(v.svg());
    const titles = byClass(doc, "curves-panel").map((p) => [p.getAttribute("data-panel"), textOf(byClass(byClass(p, "axis", "x")[0], "axis-title")[0])]);
    assert.deepEqual(titles, [["loss", "step"], ["accuracy", "epoch"]]);
  });

  it("live callbacks put accuracy on epochs in its own panel, as fromHistory does", async () => {
    const v = headless(() => CurvesView.live());
    const cb = v.callbacks();
    await cb.onStep({ step: 0, loss: 1 });
    await cb.onEpoch({ epoch: 0, step: 3, loss: 0.9, accuracy: 0.5 });
    await cb.onEpoch({ epoch: 1, step: 6, loss: 0.8, accuracy: 0.6 });
    v.done();
    assert.deepEqual(v.data("accuracy", "accuracy")!.x, [0, 1]);
  });
});
