import { strict as assert } from "assert";
import { DOMParser, type Document, type Element } from "@xmldom/xmldom";
import { renderCollapse } from "../../widgets/src/svg/collapse";
import { renderCurves } from "../../widgets/src/svg/curves";
import { renderKernel } from "../../widgets/src/svg/kernel";
import { renderLandscape } from "../../widgets/src/svg/landscape";
import { renderSpectrum } from "../../widgets/src/svg/spectrum";
import { alignedEtf, embedMeans } from "../../widgets/src/views/collapse";
import { CurvesView, downsample } from "../../widgets/src/views/curves";
import { headless } from "../../widgets/src/model/Widget";
import { symmetricEigen } from "../../widgets/src/views/jacobi";
import { outlierMask } from "../../widgets/src/views/spectrum";
import { show } from "../../widgets/src/show";
import { Rng } from "../../src/random/Rng";

/** Parses strictly: any XML warning or error fails the test. */
function parse(svg: string): Document {
  const doc = new DOMParser({ onError: (level: string, msg: string) => { throw new Error(`XML ${level}: ${msg}`); } }).parseFromString(svg, "image/svg+xml");
  const root = doc.documentElement!;
  assert.equal(root.nodeName, "svg");
  assert.equal(root.getAttribute("xmlns"), "http://www.w3.org/2000/svg");
  assert.ok(Number(root.getAttribute("width")) > 0 && Number(root.getAttribute("height")) > 0);
  return doc;
}

/** Elements carrying every one of the given classes. */
function marks(doc: Document, ...classes: string[]): Element[] {
  const out: Element[] = [];
  const all = doc.getElementsByTagName("*");
  for (let i = 0; i < all.length; i++) {
    const cls = (all[i].getAttribute("class") ?? "").split(/\s+/);
    if (classes.every((c) => cls.includes(c))) out.push(all[i]);
  }
  return out;
}

describe("static SVG renderers (server side, parsed with a strict XML parser)", () => {
  it("spectrum stems: one line per eigenvalue, the far eigenvalue is the one outlier (median/MAD rule)", () => {
    const eigenvalues = [0.1, 0.2, 0.3, 0.25, 0.15, 0.22, 50];
    // median 0.22, MAD 0.07 → only |50 − 0.22| > 5·0.07
    const outliers = outlierMask(eigenvalues);
    assert.deepEqual(Array.from(outliers), [0, 0, 0, 0, 0, 0, 1]);
    const doc = parse(renderSpectrum({ eigenvalues, outliers, mode: "stems", title: "a < b & c" }));
    assert.equal(marks(doc, "mark", "stem").length, 7);
    assert.equal(marks(doc, "stem", "outlier").length, 1);
    assert.equal(Number(marks(doc, "outlier")[0].getAttribute("data-value")), 50);
    assert.equal(marks(doc, "bar").length, 0);
  });

  it("spectrum histogram + density: two far clusters fill exactly two bins; one density path", () => {
    const grid = [-1, 0, 5, 10, 11];
    const doc = parse(renderSpectrum({ eigenvalues: [0, 0, 0, 10, 10], mode: "histogram", bins: 10, grid, density: [0, 0.3, 0, 0.2, 0] }));
    assert.equal(marks(doc, "mark", "bar").length, 2);
    assert.equal(marks(doc, "mark", "density").length, 1);
    assert.equal(marks(doc, "stem").length, 0);
    // log y and a slice panel still parse
    const d2 = parse(renderSpectrum({ eigenvalues: [1, 2], mode: "both", y_scale: "log", grid, density: [1e-9, 0.3, 0, 0.2, 1e-3], slice_t: [-1, 0, 1], slice_loss: [1, 0, 1], slice_index: 1 }));
    assert.equal(marks(d2, "stem").length, 2);
    assert.equal(marks(d2, "slice").length, 1);
  });

  it("kernel heatmap: n² cells (block-averaged to 64² beyond 64) and one decay point per positive eigenvalue", () => {
    const m = Array.from({ length: 25 }, (_, i) => (i % 6 === 0 ? 2 : 0.1));
    const doc = parse(renderKernel({ matrix: m, rows: 5, cols: 5, eigenvalues: [5, 3, 1, 0, -1], labels: [2, 0, 1, 0, 2], sort_by_label: true }));
    assert.equal(marks(doc, "mark", "cell").length, 25);
    assert.equal(marks(doc, "mark", "eig").length, 3);
    const big = parse(renderKernel({ matrix: new Float64Array(100 * 100).fill(1), rows: 100, cols: 100 }));
    assert.equal(marks(big, "cell").length, 64 * 64);
    assert.equal(marks(big, "eig").length, 0);
  });

  it("collapse: one path per metric with data (nc3/nc4 null → none), and C means and ETF vertices", () => {
    const nan = [NaN, NaN, NaN, NaN];
    const means = embedMeans([1, 1, 1], [[1, -0.5, -0.5], [-0.5, 1, -0.5], [-0.5, -0.5, 1]], 2);
    const doc = parse(renderCollapse({ epoch: [0, 10, 20, 30], nc1: [1, 0.1, 0.01, 1e-3], nc2_equinorm: [0.5, 0.2, 0.1, 0.05], nc2_equiangular: [0.4, 0.2, 0.1, 0.05], nc2_etf: [1, 0.5, 0.2, 0.1], nc3: nan, nc4: nan, classes: 3, dims: 2, means, etf: alignedEtf(means, 3, 2) }));
    assert.equal(marks(doc, "mark", "metric").length, 4);
    assert.equal(marks(doc, "mark", "mean").length, 3);
    assert.equal(marks(doc, "mark", "etf").length, 3);
    assert.equal(marks(doc, "classifier").length, 0);
  });

  it("collapse geometry: MDS of an ETF Gram gives equal pairwise distances; the aligned ETF lands on the means", () => {
    const C = 4;
    const cos = Array.from({ length: C }, (_, i) => Array.from({ length: C }, (_, j) => (i === j ? 1 : -1 / (C - 1))));
    const m = embedMeans([2, 2, 2, 2], cos, 3);
    const dist = (i: number, j: number) => Math.hypot(m[3 * i] - m[3 * j], m[3 * i + 1] - m[3 * j + 1], m[3 * i + 2] - m[3 * j + 2]);
    const d01 = dist(0, 1);
    for (let i = 0; i < C; i++) for (let j = i + 1; j < C; j++) assert.ok(Math.abs(dist(i, j) - d01) < 1e-9, `d(${i},${j})`);
    // unit RMS norm
    const rms = Math.sqrt(Array.from(m).reduce((s, v) => s + v * v, 0) / C);
    assert.ok(Math.abs(rms - 1) < 1e-12);
    // 2-D: a C=5 regular pentagon rotated by 0.3 rad and reflected is recovered exactly
    const pent = new Float64Array(10);
    for (let i = 0; i < 5; i++) (pent[2 * i] = Math.cos(0.3 - (2 * Math.PI * i) / 5)), (pent[2 * i + 1] = Math.sin(0.3 - (2 * Math.PI * i) / 5));
    const e = alignedEtf(pent, 5, 2);
    e.forEach((v, i) => assert.ok(Math.abs(v - pent[i]) < 1e-12, `etf[${i}]`));
  });

  it("symmetric eigen-solver: closed form for [[2,1],[1,2]] and A·v = λ·v, Σλ = tr A for a random 8×8", () => {
    assert.deepEqual(Array.from(symmetricEigen([2, 1, 1, 2], 2).values).map((v) => Math.round(v * 1e12) / 1e12), [3, 1]);
    const rng = new Rng(3);
    const n = 8;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
    const { values, vectors } = symmetricEigen(a, n);
    let tr = 0;
    for (let i = 0; i < n; i++) tr += a[i * n + i];
    assert.ok(Math.abs(values.reduce((s, v) => s + v, 0) - tr) < 1e-10);
    for (let k = 0; k < n; k++) {
      assert.ok(k === 0 || values[k] <= values[k - 1], "descending");
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j] * vectors[k][j];
        assert.ok(Math.abs(av - values[k] * vectors[k][i]) < 1e-9, `residual k=${k} i=${i}`);
      }
    }
  });

  it("landscape: one filled band per contour level, one path per trajectory, minima and start markers", () => {
    const n = 21;
    const values = new Float64Array(n * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values[j * n + i] = (-1 + i / 10) ** 2 + (-1 + j / 10) ** 2;
    const doc = parse(renderLandscape({
      x_range: [-1, 1], y_range: [-1, 1], nx: n, ny: n, values, levels: 5, minima: [0, 0], start: [0.8, 0.8],
      trajectories: [0.8, 0.8, 0.4, 0.4, 0.1, 0.1, 0.8, 0.8, 0.5, 0.2], trajectory_lengths: [3, 2], trajectory_labels: ["gd", "adam"],
    }));
    assert.equal(marks(doc, "mark", "contour").length, 5);
    assert.equal(marks(doc, "mark", "trajectory").length, 2);
    assert.deepEqual(marks(doc, "trajectory").map((e) => e.getAttribute("data-label")), ["gd", "adam"]);
    assert.equal(marks(doc, "mark", "minimum").length, 1);
    assert.equal(marks(doc, "mark", "start").length, 1);
    // log scale with the minimum at exactly 0 still draws every level
    assert.equal(marks(parse(renderLandscape({ x_range: [-1, 1], y_range: [-1, 1], nx: n, ny: n, values, levels: 4, log_scale: true })), "contour").length, 4);
  });

  it("curves: one path per series across panels; dashed references marked", () => {
    const x = [0, 1, 2, 3];
    const doc = parse(renderCurves({
      series: [
        { name: "loss", x, y: [1, 0.5, 0.2, 0.1], panel: "loss" },
        { name: "λmax", x, y: [1, 2, 3, 3.9], panel: "sharpness" },
        { name: "2/η", x, y: [4, 4, 4, 4], panel: "sharpness", style: "dashed" },
      ],
      log_y: ["loss"],
    }));
    assert.equal(marks(doc, "mark", "series").length, 3);
    assert.equal(marks(doc, "series", "reference").length, 1);
    assert.equal(marks(doc, "axis", "x").length, 2, "two panels");
  });

  it("curves legend: '= last value' by default, the name only with legend_value: false (also through CurvesView)", () => {
    const x = [0, 1, 2];
    const doc = parse(renderCurves({
      series: [
        { name: "loss", x, y: [1, 0.5, 0.25], panel: "p" },
        { name: "λ₁ (mean)", x, y: [60, 60, 60], panel: "p", style: "dashed", legend_value: false },
      ],
    }));
    const texts = Array.from(doc.getElementsByTagName("text")).map((t) => t.textContent ?? "");
    assert.ok(texts.includes("loss = 0.25"), texts.join(" | "));
    assert.ok(texts.includes("λ₁ (mean)"), texts.join(" | "));
    assert.ok(!texts.some((t) => t.startsWith("λ₁ (mean) =")), texts.join(" | "));
    const v = headless(() => new CurvesView());
    v.pushMany("ref", x, [1, 1, 1], { legend_value: false });
    v.pushMany("loss", x, [3, 2, 1]);
    v.flush();
    const series = v.get("series") as { name: string; legend_value?: boolean }[];
    assert.deepEqual(series.map((s) => [s.name, s.legend_value]), [["ref", false], ["loss", undefined]]);
    assert.throws(() => v.push("bad", 0, 0, { legend_value: "no" as never }), /legend_value: expected true or false, got no/);
  });

  it("downsampling keeps ≤ max points, the first and last, and a single spike", () => {
    const x = Array.from({ length: 10000 }, (_, i) => i);
    const y = x.map((i) => (i === 4321 ? 100 : Math.sin(i / 100)));
    const d = downsample(x, y, 300);
    assert.ok(d.x.length <= 300 && d.x.length > 150, `${d.x.length}`);
    assert.equal(d.x[0], 0);
    assert.equal(d.x[d.x.length - 1], 9999);
    assert.ok(Array.from(d.y).includes(100));
    assert.deepEqual(Array.from(d.x), [...d.x].sort((a, b) => a - b));
  });

  it("show(result, {static: true}) picks the view by the result's fields and returns only SVG (no kernel)", () => {
    const cases: [unknown, string][] = [
      [{ method: "lanczos", eigenvalues: [1, 2, 3], eigenvectors: null }, "stem"],
      [{ method: "slq", nodes: [[0, 1, 2]], weights: [[0.2, 0.5, 0.3]], grid: [0, 1, 2], density: [0.1, 0.5, 0.1], sigma: 0.1 }, "density"],
      [{ method: "structured", kernel: { shape: [3, 3], data: [1, 0, 0, 0, 1, 0, 0, 0, 1] } }, "cell"],
      [{ method: "closed-form", ntk: { shape: [2, 2], data: [1, 0.5, 0.5, 1] }, nngp: { shape: [2, 2], data: [1, 0, 0, 1] } }, "cell"],
      [{ method: "papyan-han-donoho", classes: 3, nc1: 0.1, nc2Equinorm: 0.1, nc2Equiangular: 0.1, nc2MaxAngle: 0.1, nc2Etf: 0.1, nc3: null, nc4: null, meanNorms: [1, 1, 1], meanCosines: [[1, -0.5, -0.5], [-0.5, 1, -0.5], [-0.5, -0.5, 1]] }, "mean"],
      [{ epoch: [1, 2], nc1: [1, 0.5], nc2Equinorm: [1, 1], nc2Equiangular: [1, 1], nc2Etf: [1, 1], nc3: [null, null], nc4: [null, null] }, "metric"],
      [{ name: "bowl", dim: 2, value: (p: ArrayLike<number>) => p[0] ** 2 + p[1] ** 2, gradient: (p: ArrayLike<number>) => [2 * p[0], 2 * p[1]], domain: [[-1, 1], [-1, 1]] }, "trajectory"],
      [{ method: "slice-2d", alphas: [-1, 0, 1], betas: [-1, 0, 1], losses: [[2, 1, 2], [1, 0, 1], [2, 1, 2]] }, "contour"],
      [{ unit: "epoch", t: [0, 1], lambdaMax: [1, 2], twoOverLr: [4, 4] }, "reference"],
      [{ steps: 3, history: { step: { step: [0, 1, 2], loss: [1, 0.5, 0.2], lr: [0.1, 0.1, 0.1], gradNorm: [1, 1, 1] }, epoch: { epoch: [1], loss: [0.2], accuracy: [0.9], extra: {} } } }, "series"],
      [{ method: "slice-1d", alphas: [-1, 0, 1], losses: [1, 0, 1], centerLoss: 0 }, "series"],
    ];
    for (const [result, mark] of cases) {
      const svg = show(result, { static: true });
      assert.equal(typeof svg, "string");
      assert.ok(marks(parse(svg), "mark", mark).length > 0, `${JSON.stringify(result).slice(0, 60)} → ${mark}`);
    }
  });

  it("show: bad input → named errors (non-object, unrecognised result, unknown option)", () => {
    assert.throws(() => show(42), { name: "WidgetError", message: /show: result: expected an analysis result object, got number/ });
    assert.throws(() => show({ foo: 1 }), { name: "WidgetError", message: /show: result: no view for an object with fields foo/ });
    assert.throws(() => show({ method: "dense", eigenvalues: [1] }, { static: true, colour: "red" } as never), { name: "WidgetError", message: /show: unknown option "colour"/ });
  });
});
