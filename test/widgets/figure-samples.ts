/**
 * Results every optlab view is shown with in the figure tests and the screenshots: realistic
 * shapes (a Hessian spectrum with outliers, an SLQ density whose outliers carry weight ~1/p, a
 * labelled NTK, a collapse run, a test-function race, a training run from core's train()).
 */
import { data, nn, optim, tensor, testfunctions } from "../../src";
import { show } from "../../widgets/src/show";
import { CurvesView } from "../../widgets/src/views/curves";
import type { OptlabView } from "../../widgets/src/views/base";
import { Rng } from "../../src/random/Rng";

export interface Sample {
  name: string;
  result: unknown;
  opts?: Record<string, unknown>;
  /** Builds the view itself (a notebook-style CurvesView) instead of show(result, opts). Call in headless(). */
  build?: () => OptlabView;
}

/** The view of a sample (call inside headless() where no kernel runs). */
export function viewOf(s: Sample): OptlabView {
  return s.build ? s.build() : (show(s.result, (s.opts ?? {}) as never) as unknown as OptlabView);
}

/** A notebook-style wide CurvesView: two panels side by side, series sharing a name across panels. */
function wideCurves(): OptlabView {
  const v = new CurvesView({ title: "Minima reached: GD (left) vs SGD (right)", x_label: "learning rate η", log_y: ["GD minima", "SGD minima"], width: 720, height: 300 });
  const etas = Array.from({ length: 12 }, (_, i) => 0.05 + 0.05 * i);
  v.pushMany("λmax", etas, etas.map((e) => 1.8 / e), { panel: "GD minima" });
  v.pushMany("2/η", etas, etas.map((e) => 2 / e), { panel: "GD minima", style: "dashed" });
  v.pushMany("λmax", etas, etas.map((e) => 0.9 / e + 0.3 * Math.sin(8 * e)), { panel: "SGD minima" });
  v.pushMany("2/η", etas, etas.map((e) => 2 / e), { panel: "SGD minima", style: "dashed" });
  v.flush();
  return v;
}

/** A labelled Gram matrix of n points in 3 classes (class means plus noise), and its eigenvalues. */
function labelledKernel(n: number, seed: number): { shape: [number, number]; data: Float64Array; labels: number[] } {
  const rng = new Rng(seed);
  const labels = Array.from({ length: n }, (_, i) => (i * 7) % 3);
  const dim = 6;
  const means = [0, 1, 2].map(() => Array.from({ length: dim }, () => rng.normal()));
  const X = labels.map((c) => means[c].map((m) => m + 0.6 * rng.normal()));
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * n + j] = X[i].reduce((s, v, k) => s + v * X[j][k], 0) / dim;
  return { shape: [n, n], data: K, labels };
}

export async function figureSamples(): Promise<Sample[]> {
  const rng = new Rng(1);
  const bulk = Array.from({ length: 120 }, () => 0.05 * rng.normal() + 0.02);
  const eigen = [...bulk, 3.1, 5.4, 9.8];
  // SLQ: 4 probes of 30 Ritz nodes; the three outliers carry weight 1/p each (p = 300).
  const nodes: number[][] = [];
  const weights: number[][] = [];
  for (let k = 0; k < 4; k++) {
    const nk = Array.from({ length: 27 }, () => 0.08 * rng.normal());
    nodes.push([...nk, 3.1, 5.4, 9.8]);
    weights.push([...nk.map(() => (1 - 3 / 300) / 27), 1 / 300, 1 / 300, 1 / 300]);
  }
  const K = labelledKernel(60, 2);
  const C = 4;
  const epochs = [1, 2, 4, 8, 16, 32, 64, 128];
  const cos = Array.from({ length: C }, (_, i) => Array.from({ length: C }, (_, j) => (i === j ? 1 : -1 / 3 + 0.03 * ((i + j) % 2))));
  const net = nn.mlp([2, 16, 3], { seed: 0 });
  const ds = data.gaussianMixture({ n: 120, classes: 3, seed: 0 });
  const train = await optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.1 }), loss: "crossEntropy", epochs: 12, batchSize: 20, seed: 0 });
  const t = Array.from({ length: 60 }, (_, i) => i);
  const rosen = testfunctions.rosenbrock();
  const path = (opt: optim.Optimizer) => optim.minimize(opt, tensor([...rosen.start], [2]), testfunctions.closureOf(rosen), { steps: 300, trajectory: true });
  return [
    { name: "spectrum-stems", result: { method: "lanczos", eigenvalues: eigen.slice(100), eigenvectors: null }, opts: { title: "Hessian top eigenvalues" } },
    { name: "spectrum-histogram", result: { method: "dense", eigenvalues: eigen, eigenvectors: null }, opts: { title: "Hessian spectrum (dense, p = 123)" } },
    { name: "spectrum-density", result: { method: "slq", nodes, weights, sigma: 0.02, probes: 4 }, opts: { title: "Hessian spectral density (SLQ)" } },
    { name: "kernel-ntk", result: { method: "structured", kernel: { shape: K.shape, data: K.data } }, opts: { title: "empirical NTK, 60 points", labels: K.labels } },
    {
      name: "collapse",
      result: {
        history: { epoch: epochs, nc1: epochs.map((e) => 3 / e), nc2Equinorm: epochs.map((e) => 0.4 / Math.sqrt(e)), nc2Equiangular: epochs.map((e) => 0.3 / e), nc2Etf: epochs.map((e) => 1.2 / Math.sqrt(e)), nc3: epochs.map((e) => 0.9 / e), nc4: epochs.map((e) => 0.2 / e) },
        last: { classes: C, nc1: 3 / 128, nc2Equinorm: 0.03, nc2Equiangular: 0.002, nc2Etf: 0.1, nc3: 0.007, nc4: 0.001, meanNorms: [1, 1.05, 0.95, 1], meanCosines: cos },
      },
      opts: { title: "Neural collapse" },
    },
    { name: "landscape-race", result: testfunctions.himmelblau(), opts: { optimizers: ["gd", "momentum", "adam"], lr: 0.01, steps: 150, resolution: 60, title: "Himmelblau: gd, momentum, adam" } },
    {
      name: "landscape-teaching", result: rosen,
      opts: { optimizers: ["gd", "momentum", "adam"], lr: { gd: 1e-3, momentum: 2e-4, adam: 0.05 }, momentum: 0.9, start: [-1.5, 2], steps: 300, resolution: 60, loss_curve: true, colormap: "cividis", x_label: "θ₁ (weight)", y_label: "θ₂ (bias)", title: "Rosenbrock: each optimizer at its own η" },
    },
    { name: "landscape-minimize", result: [path(optim.sgd({ lr: 1e-3 })), path(optim.adam({ lr: 0.05 }))], opts: { landscape: rosen, resolution: 60, title: "show(optim.minimize results) on Rosenbrock" } },
    { name: "curves-train", result: train, opts: { title: "training (fromHistory)" } },
    { name: "curves-wide", result: null, build: wideCurves },
    { name: "curves-stability", result: { unit: "step", t, lambdaMax: t.map((i) => 40 * (1 - Math.exp(-i / 12)) + (i > 30 ? 1.5 * Math.sin(i) : 0)), twoOverLr: t.map(() => 40), loss: t.map((i) => 2 * Math.exp(-i / 15) + 0.01) }, opts: { title: "edge of stability" } },
  ];
}
