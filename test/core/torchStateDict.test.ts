/**
 * Loading PyTorch state dicts into optlab's networks (io.networkFromStateDict, io.parseArchitecture):
 * a faithful archive gives back the same function and buffers; every kind of mismatch gives an
 * error that names the key and says what to rename, transpose, permute or set.
 */
import { strict as assert } from "node:assert";
import { Tensor } from "../../src/tensor/Tensor";
import { leaves, leafPaths, noGrad } from "../../src/autodiff";
import * as nn from "../../src/nn";
import { networkFromStateDict, parseArchitecture, stateDictKeys, torchKey, type NpyArray, type NpzArrays } from "../../src/io";
import { Rng } from "../../src/random/Rng";

const f8 = (shape: number[], data: ArrayLike<number>): NpyArray => ({ dtype: "f8", shape, data: Float64Array.from(data) });

/** What `np.savez(f, **{k: v.numpy() for k, v in model.state_dict().items()})` holds, built from an optlab network. */
function stateDictOf(net: nn.Network): NpzArrays {
  // Buffers exist once a forward pass has read them (as a torch module's exist from construction).
  noGrad(() => net.forward(net.params, new Tensor(new Float64Array(net.inputDim), [1, net.inputDim])));
  const out: NpzArrays = {};
  const ls = leaves(net.params);
  leafPaths(net.params).forEach((p, i) => (out[torchKey(p)] = f8([...ls[i].shape], ls[i].data)));
  for (const [k, t] of net.state) {
    out[k] = k.endsWith("num_batches_tracked") ? { dtype: "i8", shape: [], data: BigInt64Array.from([BigInt(t.data[0])]) } : f8([...t.shape], t.data);
  }
  return out;
}

function transposed2d(a: NpyArray): NpyArray {
  const [r, c] = a.shape;
  const d = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) d[j * r + i] = Number(a.data[i * c + j]);
  return f8([c, r], d);
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("expected an error");
}

describe("io.networkFromStateDict: PyTorch state dicts into optlab networks", () => {
  const le = nn.lenet5({ seed: 7 });
  const rng = new Rng(3);
  const x = new Tensor(rng.normals(3 * 784), [3, 784]);

  it("torchKey turns list indices into dotted ones", () => {
    assert.equal(torchKey("layer1[0].bn1.weight"), "layer1.0.bn1.weight");
    assert.equal(torchKey("blocks.block0.attn.attn.in_proj_weight"), "blocks.block0.attn.attn.in_proj_weight");
    assert.equal(torchKey("layer3[12].shortcut[1].bias"), "layer3.12.shortcut.1.bias");
  });

  it("the LeNet-5 keys are PyTorch's module names", () => {
    const keys = stateDictKeys(parseArchitecture("lenet5"));
    assert.deepEqual(keys.map((k) => k.key), ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"]);
    assert.deepEqual(keys[0].shape, [6, 1, 5, 5]);
    assert.deepEqual(keys[4].shape, [120, 400]);
  });

  it("a faithful LeNet-5 archive gives the same function", () => {
    const net = networkFromStateDict(stateDictOf(le), parseArchitecture("lenet5"));
    const a = noGrad(() => nn.predict(le, x)).data;
    const b = noGrad(() => nn.predict(net, x)).data;
    assert.deepEqual(Array.from(b), Array.from(a));
  });

  it("ResNet buffers (running stats, num_batches_tracked as int64) go into the state; evaluation mode uses them", () => {
    const r = nn.resnetCifar({ blocks: 1, width: 2, size: 8, seed: 4 });
    r.updateRunningStats(new Tensor(rng.normals(6 * 3 * 64, 0.5, 2), [6, 3, 8, 8]));
    r.updateRunningStats(new Tensor(rng.normals(6 * 3 * 64, -0.2, 1.5), [6, 3, 8, 8]));
    const sd = stateDictOf(r);
    assert.ok("layer1.0.bn1.running_mean" in sd && "layer2.0.shortcut.1.running_var" in sd && "bn1.num_batches_tracked" in sd);
    const net = networkFromStateDict(sd, parseArchitecture("resnet:blocks=1,width=2,size=8"));
    assert.equal(net.training, false);
    assert.deepEqual(Array.from(net.state.get("layer2.0.bn2.running_var")!.data), Array.from(r.state.get("layer2.0.bn2.running_var")!.data));
    assert.equal(net.state.get("bn1.num_batches_tracked")!.data[0], 2);
    const xr = new Tensor(rng.normals(2 * 3 * 64), [2, 3, 8, 8]);
    assert.deepEqual(Array.from(noGrad(() => net.apply(net.params, xr)).data), Array.from(noGrad(() => r.forward(r.params, xr, { training: false })).data));
    // Without the buffers' values (fresh running stats 0 / 1) the function differs: the loader did use them.
    const fresh = noGrad(() => r.forward(r.params, xr, { training: false, state: new Map() })).data;
    assert.notDeepEqual(Array.from(noGrad(() => net.apply(net.params, xr)).data), Array.from(fresh));
    // num_batches_tracked is optional (it does not enter the function).
    const noCount = Object.fromEntries(Object.entries(sd).filter(([k]) => !k.endsWith("num_batches_tracked")));
    networkFromStateDict(noCount, parseArchitecture("resnet:blocks=1,width=2,size=8"));
  });

  it("ViT-tiny and the grokking transformer load by their attention names (in_proj_weight, out_proj.weight)", () => {
    const v = nn.vitTiny({ dim: 8, depth: 1, heads: 2, size: 8, patch: 4, seed: 1 });
    const sd = stateDictOf(v);
    assert.ok("blocks.block0.attn.block.attn.in_proj_weight" in sd && "blocks.block0.attn.block.attn.out_proj.weight" in sd, Object.keys(sd).join(" "));
    const net = networkFromStateDict(sd, parseArchitecture("vit:dim=8,depth=1,heads=2,size=8,patch=4"));
    const xv = new Tensor(rng.normals(2 * 3 * 64), [2, 3 * 64]);
    assert.deepEqual(Array.from(nn.predict(net, xv).data), Array.from(nn.predict(v, xv).data));
    const g = nn.grokkingTransformer({ p: 7, dim: 8, heads: 2, seed: 2 });
    const gn = networkFromStateDict(stateDictOf(g), parseArchitecture("grokking:p=7,dim=8,heads=2"));
    const xt = new Tensor(Float64Array.from([1, 2, 6, 0]), [2, 2]);
    assert.deepEqual(Array.from(nn.predict(gn, xt).data), Array.from(nn.predict(g, xt).data));
  });

  it("missing keys are listed with their shapes and the nearest key present", () => {
    const sd = stateDictOf(le);
    delete sd["fc3.bias"];
    delete sd["conv2.weight"];
    const m = message(() => networkFromStateDict(sd, parseArchitecture("lenet5"), { file: "le.npz" }));
    assert.match(m, /^le\.npz: does not match lenet5/);
    assert.match(m, /2 missing keys/);
    assert.match(m, /missing 'conv2\.weight' \(16, 6, 5, 5\) \(nearest key in the archive: 'conv1\.weight' \(6, 1, 5, 5\)\)/);
    assert.match(m, /missing 'fc3\.bias' \(10,\) \(nearest key in the archive: 'fc[12]\.bias' \(\d+,\)\)/);
  });

  it("keys under other names: the rename is spelled out, and the unexpected keys name the nearest expected one", () => {
    const sd = stateDictOf(le);
    sd["features.0.weight"] = sd["conv1.weight"];
    delete sd["conv1.weight"];
    sd["classifier.weight"] = sd["fc3.weight"];
    delete sd["fc3.weight"];
    const m = message(() => networkFromStateDict(sd, parseArchitecture("lenet5")));
    assert.match(m, /missing 'conv1\.weight' \(6, 1, 5, 5\) — rename 'features\.0\.weight' \(6, 1, 5, 5\) to 'conv1\.weight'/);
    assert.match(m, /missing 'fc3\.weight' \(10, 84\) — rename 'classifier\.weight' \(10, 84\) to 'fc3\.weight'/);
    assert.match(m, /2 unexpected keys \(rename them to the expected names, or drop them\)/);
    assert.match(m, /unexpected 'classifier\.weight' \(10, 84\) \(nearest expected name: 'fc3\.weight'\)/);
  });

  it("an extra key is unexpected, with the nearest expected name", () => {
    const sd = stateDictOf(le);
    sd["fc4.weight"] = f8([5, 10], new Float64Array(50));
    const m = message(() => networkFromStateDict(sd, parseArchitecture("lenet5")));
    assert.match(m, /1 unexpected key /);
    assert.match(m, /unexpected 'fc4\.weight' \(5, 10\) \(nearest expected name: 'fc[123]\.weight'\)/);
    assert.doesNotMatch(m, /missing/);
  });

  it("a DataParallel archive ('module.' prefix) says to strip the prefix", () => {
    const sd = Object.fromEntries(Object.entries(stateDictOf(le)).map(([k, v]) => [`module.${k}`, v]));
    assert.match(message(() => networkFromStateDict(sd, parseArchitecture("lenet5"))), /every key starts with 'module\.'.*model\.module\.state_dict\(\)/);
  });

  it("a transposed linear weight says transpose", () => {
    const sd = stateDictOf(le);
    sd["fc1.weight"] = transposed2d(sd["fc1.weight"]);
    const m = message(() => networkFromStateDict(sd, parseArchitecture("lenet5")));
    assert.match(m, /1 wrong shape:\n  'fc1\.weight' has shape \(400, 120\) but lenet5 needs \(120, 400\): it is transposed — save it transposed \(weight\.T in NumPy\)/);
  });

  it("a conv weight in (kh, kw, in, out) order gives the np.transpose axes that fix it", () => {
    const sd = stateDictOf(le);
    sd["conv2.weight"] = f8([5, 5, 6, 16], new Float64Array(2400));
    const m = message(() => networkFromStateDict(sd, parseArchitecture("lenet5")));
    assert.match(m, /'conv2\.weight' has shape \(5, 5, 6, 16\) but lenet5 needs \(16, 6, 5, 5\): its axes are in another order — save np\.transpose\(a, \(3, 2, 0, 1\)\)/);
  });

  it("a flattened weight says reshape; a different width says which --arch options to set", () => {
    const sd = stateDictOf(le);
    sd["conv1.weight"] = f8([6, 25], new Float64Array(150));
    assert.match(message(() => networkFromStateDict(sd, parseArchitecture("lenet5"))), /'conv1\.weight' has shape \(6, 25\) but lenet5 needs \(6, 1, 5, 5\): same number of values — reshape it to \(6, 1, 5, 5\)/);
    const wide = stateDictOf(nn.resnetCifar({ blocks: 1, width: 4, size: 8 }));
    const m = message(() => networkFromStateDict(wide, parseArchitecture("resnet:width=2,size=8")));
    assert.match(m, /'conv1\.weight' has shape \(4, 3, 3, 3\) but resnet:width=2,size=8 needs \(2, 3, 3, 3\): a different layer size — set the architecture's options \(--arch resnet:key=value,…\)/);
    assert.match(m, /'layer1\.0\.bn1\.running_mean' has shape \(4,\) but resnet:width=2,size=8 needs \(2,\)/);
    // A deeper ResNet's archive loaded as ResNet-8: its extra blocks are unexpected.
    const deep = stateDictOf(nn.resnetCifar({ blocks: 2, width: 2, size: 8 }));
    assert.match(message(() => networkFromStateDict(deep, parseArchitecture("resnet8:width=2,size=8"))), /unexpected 'layer1\.1\.conv1\.weight' \(2, 2, 3, 3\)/);
  });

  it("a missing running statistic is a missing key", () => {
    const sd = stateDictOf(nn.resnetCifar({ blocks: 1, width: 2, size: 8 }));
    delete sd["layer3.0.shortcut.1.running_var"];
    assert.match(message(() => networkFromStateDict(sd, parseArchitecture("resnet:width=2,size=8"))), /1 missing key:\n  missing 'layer3\.0\.shortcut\.1\.running_var' \(8,\)/);
  });

  it("non-finite values name the key and the index; integer weights and negative variances are refused", () => {
    const sd = stateDictOf(le);
    const w = Float64Array.from(sd["fc2.weight"].data as Float64Array);
    w[3 * 120 + 7] = NaN;
    sd["fc2.weight"] = f8([84, 120], w);
    assert.match(message(() => networkFromStateDict(sd, parseArchitecture("lenet5"), { file: "m.npz" })), /m\.npz: fc2\.weight: non-finite value NaN at \[3, 7\]/);
    const sd2 = stateDictOf(le);
    sd2["fc3.bias"] = { dtype: "i8", shape: [10], data: new BigInt64Array(10) };
    assert.match(message(() => networkFromStateDict(sd2, parseArchitecture("lenet5"))), /fc3\.bias: expected float32 or float64, got '<i8'/);
    const r = stateDictOf(nn.resnetCifar({ blocks: 1, width: 2, size: 8 }));
    r["bn1.running_var"] = f8([2], [1, -0.5]);
    assert.match(message(() => networkFromStateDict(r, parseArchitecture("resnet:width=2,size=8"))), /bn1\.running_var: negative variance -0\.5 at \[1\]/);
  });
});

describe("io.parseArchitecture: --arch name[:key=value,…]", () => {
  it("reads names, aliases and typed options", () => {
    assert.deepEqual(parseArchitecture("lenet5"), { name: "lenet5", options: {} });
    assert.deepEqual(parseArchitecture("resnet20:width=8"), { name: "resnet", options: { blocks: 3, width: 8 } });
    assert.deepEqual(parseArchitecture("grokking:p=13,layerNorm=true"), { name: "grokking", options: { p: 13, layerNorm: true } });
    assert.deepEqual(parseArchitecture("lenet5:size=32,activation=tanh"), { name: "lenet5", options: { size: "32", activation: "tanh" } });
  });

  it("refuses unknown names, unknown options and values of the wrong kind, listing what is accepted", () => {
    assert.throws(() => parseArchitecture("vgg16"), /arch: unknown architecture 'vgg16' \(expected one of lenet5, resnet, vit, grokking/);
    assert.throws(() => parseArchitecture("resnet:depth=20"), /arch: resnet has no option 'depth' \(expected blocks, width, channels, size, classes\)/);
    assert.throws(() => parseArchitecture("resnet:width=0"), /arch: resnet option width: expected a positive integer, got '0'/);
    assert.throws(() => parseArchitecture("lenet5:pooling=sum"), /arch: lenet5 option pooling: expected one of max, avg, got 'sum'/);
    assert.throws(() => parseArchitecture("resnet:width"), /'width' in 'resnet:width' is not key=value/);
    assert.throws(() => parseArchitecture(""), /arch: expected an architecture name/);
  });
});
