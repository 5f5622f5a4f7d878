import { strict as assert } from "assert";
import { putBuffers, removeBuffers } from "../../widgets/src/protocol/buffers";
import { Model } from "../../widgets/src/model/Model";
import { Throttle } from "../../widgets/src/model/throttle";
import { t } from "../../widgets/src/model/traits";
import { headless } from "../../widgets/src/model/Widget";
import { FloatSlider } from "../../widgets/src/controls/sliders";
import { CurvesView } from "../../widgets/src/views/curves";
import { CollapseView } from "../../widgets/src/views/collapse";

const traits = () => ({ x: t.float(1, { min: 0 }), name: t.string("a"), mode: t.enum(["a", "b"] as const, "a"), arr: t.f32() });
class M extends Model<ReturnType<typeof traits>> {
  constructor(init = {}) {
    super(traits(), init);
  }
}

describe("widgets model: traits, batching, change events, throttling (no kernel)", () => {
  it("defaults, property access and validation with named TraitErrors", () => {
    const m = new M() as M & { x: number; arr: Float32Array };
    assert.equal(m.x, 1);
    assert.equal(m.get("name"), "a");
    assert.throws(() => m.set({ x: NaN }), { name: "TraitError", message: "M.x: expected a finite number, got NaN" });
    assert.throws(() => m.set({ x: -1 }), { name: "TraitError", message: "M.x: expected a number ≥ 0, got -1" });
    assert.throws(() => m.set({ mode: "c" as never }), { name: "TraitError", message: /M\.mode: expected one of "a", "b"/ });
    assert.throws(() => m.set({ y: 1 } as never), { name: "TraitError", message: /unknown trait "y"/ });
    assert.throws(() => new M({ arr: [1, "2"] }), { name: "TraitError", message: /M\.arr\[1\]: expected a number/ });
    m.arr = [1, 2] as never; // arrays are coerced to the trait's typed array
    assert.ok(m.arr instanceof Float32Array);
    assert.deepEqual(Array.from(m.arr), [1, 2]);
  });

  it("set({...}) is all-or-nothing and batched: change:x per trait, one 'change' with every name", () => {
    const m = new M();
    const events: string[] = [];
    m.on("change:x", (e: { old: number; new: number }) => events.push(`x:${e.old}->${e.new}`));
    m.on("change:name", (e: { new: string }) => events.push(`name:${e.new}`));
    m.on("change", (e: { names: string[] }) => events.push(`change:${e.names.join(",")}`));
    assert.throws(() => m.set({ x: 5, name: 3 as never }));
    assert.equal(m.get("x"), 1, "nothing applied");
    m.set({ x: 5, name: "b" });
    assert.deepEqual(events, ["x:1->5", "name:b", "change:x,name"]);
    m.set({ x: 5 });
    assert.equal(events.length, 3, "no event for an unchanged value");
    m.batch(() => {
      m.set({ x: 6 });
      m.set({ name: "c" });
    });
    assert.deepEqual(events.slice(3), ["x:5->6", "name:c", "change:x,name"]);
  });

  it("stream(): 1000 synchronous pushes give one leading change and one trailing change with the last value", async () => {
    const m = new M({ x: 0 });
    const seen: number[] = [];
    m.on("change", () => seen.push(m.get("x")));
    for (let i = 1; i <= 1000; i++) m.stream({ x: i });
    assert.deepEqual(seen, [1], "only the leading change so far");
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(seen, [1, 1000]);
    assert.throws(() => m.stream({ x: -5 }), { name: "TraitError" }, "validated at push time");
  });

  it("Throttle: flush() sends what is pending now; cancel() drops it", () => {
    const got: Record<string, unknown>[] = [];
    const th = new Throttle<Record<string, unknown>>((p) => got.push(p), 1000);
    th.push({ a: 1 });
    th.push({ a: 2, b: 1 });
    th.push({ a: 3 });
    assert.deepEqual(got, [{ a: 1 }]);
    th.flush();
    assert.deepEqual(got, [{ a: 1 }, { a: 3, b: 1 }]);
    th.push({ c: 1 });
    th.push({ c: 2 });
    th.cancel();
    assert.equal(th.waiting, false);
    assert.equal(got.length, 2, "the push right after a flush waits its slot, then is dropped by cancel");
  });

  it("removeBuffers/putBuffers: nested paths, lists keep null slots, objects lose the key; round trip", () => {
    const a = new Float64Array([1, 2]);
    const b = new Uint8Array([3]);
    const state = { x: 1, arr: a, series: [{ name: "s", y: b }, null], list: [a, 5] };
    const { state: s, bufferPaths, buffers } = removeBuffers(state);
    assert.deepEqual(bufferPaths, [["arr"], ["series", 0, "y"], ["list", 0]]);
    assert.deepEqual(s, { x: 1, series: [{ name: "s" }, null], list: [null, 5] });
    assert.ok(state.arr === a && state.series[0]!.y === b, "input untouched");
    assert.deepEqual(buffers, [a, b, a]);
    const back = JSON.parse(JSON.stringify(s));
    putBuffers(back, bufferPaths, buffers.map((x) => Buffer.from((x as Uint8Array).buffer)));
    assert.ok(Buffer.isBuffer(back.arr) && Buffer.isBuffer(back.series[0].y) && Buffer.isBuffer(back.list[0]));
    assert.throws(() => putBuffers({}, [["a"], ["b"]], [Buffer.alloc(1)]), /2 paths but only 1 buffers/);
  });

  it("headless widgets need no kernel and render their text; sliders clamp from the start", () => {
    const s = headless(() => new FloatSlider({ min: 0, max: 1, value: 3 }));
    assert.equal(s.value, 1);
    assert.equal(s.isHeadless, true);
    assert.equal(s.toString(), "FloatSlider(max=1, value=1)");
    assert.equal(s.wireState()._model_name, "FloatSliderModel");
  });

  it("CurvesView.callbacks: steps, epoch metrics and a stability tracker's λmax with the 2/η reference", async () => {
    const history = { t: [] as number[], lambdaMax: [] as number[], twoOverLr: [] as number[] };
    const stability = { history, onEpoch: async (i: { epoch: number }) => { history.t.push(i.epoch); history.lambdaMax.push(i.epoch * 2); history.twoOverLr.push(40); } };
    const v = headless(() => CurvesView.live({ max_points: 100 }));
    const cb = v.callbacks({ stability: stability as never });
    for (let s = 1; s <= 6; s++) await cb.onStep({ step: s, loss: 1 / s });
    await cb.onEpoch({ epoch: 1, step: 6, loss: 0.1, accuracy: 0.5, extra: { margin: 0.2 } });
    v.done();
    assert.deepEqual(v.data("loss"), { x: [1, 2, 3, 4, 5, 6], y: [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6] });
    // Epoch metrics are on epochs (their panels have their own x), as fromHistory draws them.
    assert.deepEqual(v.data("accuracy"), { x: [1], y: [0.5] });
    assert.deepEqual(v.data("margin"), { x: [1], y: [0.2] });
    assert.deepEqual(v.data("λmax"), { x: [1], y: [2] });
    assert.deepEqual(v.data("2/η"), { x: [1], y: [40] });
    const series = v.get("series") as { name: string; style: string; panel: string }[];
    assert.deepEqual(series.map((s) => `${s.name}/${s.panel}/${s.style}`), ["loss/loss/line", "accuracy/accuracy/line", "margin/margin/line", "λmax/sharpness/line", "2/η/sharpness/dashed"]);
    assert.equal(v.get("total_points"), 10);
    assert.equal(v.get("live"), false);
  });

  it("CollapseView.track: wraps the tracker's onEpoch and streams its history (NaN for null NC3/NC4)", async () => {
    const h = { epoch: [] as number[], nc1: [] as number[], nc2Equinorm: [] as number[], nc2Equiangular: [] as number[], nc2Etf: [] as number[], nc3: [] as (number | null)[], nc4: [] as (number | null)[] };
    const cos = [[1, -0.5, -0.5], [-0.5, 1, -0.5], [-0.5, -0.5, 1]];
    const tracker = {
      history: h, last: null as unknown,
      onEpoch: (i: { epoch: number }) => {
        h.epoch.push(i.epoch); h.nc1.push(1 / i.epoch); h.nc2Equinorm.push(0.1); h.nc2Equiangular.push(0.1); h.nc2Etf.push(0.1); h.nc3.push(null); h.nc4.push(null);
        tracker.last = { classes: 3, nc1: 1, nc2Equinorm: 0, nc2Equiangular: 0, nc2Etf: 0, nc3: null, nc4: null, meanNorms: [1, 1, 1], meanCosines: cos };
      },
    };
    const v = headless(() => new CollapseView());
    const onEpoch = v.track(tracker as never);
    for (let e = 1; e <= 3; e++) await onEpoch({ epoch: e } as never);
    v.done();
    assert.deepEqual(Array.from(v.get("epoch") as Float64Array), [1, 2, 3]);
    assert.deepEqual(Array.from(v.get("nc1") as Float64Array), [1, 1 / 2, 1 / 3]);
    assert.ok(Array.from(v.get("nc3") as Float64Array).every(Number.isNaN));
    assert.equal(v.get("classes"), 3);
    assert.equal((v.get("means") as Float64Array).length, 6);
  });
});
