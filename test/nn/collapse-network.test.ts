/**
 * Neural-collapse metrics on an `nn.network` model without hand-built classifiers: classifierOf
 * finds the last linear layer ({ weight [C, d], bias }) and collapse.features takes image-shaped
 * inputs [n, 1, 28, 28]. Oracle: the model's own logits equal features · Wᵀ + b.
 */
import { strict as assert } from "node:assert";
import { nn, collapse, randn } from "../../src/index";

describe("collapse on nn.network models (LeNet-5)", () => {
  const net = nn.lenet5({ seed: 3 });
  const x = randn([20, 1, 28, 28], 4);

  it("classifierOf(lenet5) is its last linear layer: logits = features(x, −1) · Wᵀ + b", () => {
    const clf = collapse.classifierOf(net);
    const h = collapse.features(net, x, -1);
    const logits = net.apply(net.params, x);
    const [n, C] = logits.shape;
    const d = h.shape[1];
    assert.deepEqual([...clf.W.shape], [C, d]);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < C; c++) {
        let z = clf.b ? clf.b.data[c] : 0;
        for (let k = 0; k < d; k++) z += clf.W.data[c * d + k] * h.data[i * d + k];
        assert.ok(Math.abs(z - logits.data[i * C + c]) <= 1e-12 * (1 + Math.abs(z)), `logit ${i},${c}: ${z} vs ${logits.data[i * C + c]}`);
      }
    }
  });

  it("collapse.metrics runs on image-shaped inputs with the automatic classifier", () => {
    const labels = Int32Array.from({ length: 20 }, (_, i) => i % 10); // two examples of each of the 10 classes
    const m = collapse.metrics(collapse.features(net, x, -1), labels, collapse.classifierOf(net));
    assert.ok(Number.isFinite(m.nc1) && m.nc1 > 0);
  });
});
