import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { compileGlob } from "../../kernel/dist/src/historyGlob";
import { startKernel, tempDir } from "./client";

const PYTHON = "/usr/bin/python3";

describe("kernel history search", function () {
  this.timeout(120_000);

  it("glob matching agrees with SQLite's GLOB (what IPython's history search runs)", () => {
    const patterns = ["*", "", "a*", "*a", "*lr*", "lr?*", "?", "??", "[a-c]*", "*[^a]", "[]]*", "*[*", "a*b*c", "*a*a*b", "x", "*.*", "[^0-9]*9", "*é*", "*\n*", "[z-a]*"];
    const texts = ["", "a", "ab", "abc", "lr * 2", "const lr = 0.1", "]x", "aab", "axbxc", "a.b", "19", "x9", "café", "two\nlines", "zzz", "*["];
    const r = spawnSync(PYTHON, ["-c", [
      "import json, sqlite3, sys",
      "ps, ts = json.load(sys.stdin)",
      "db = sqlite3.connect(':memory:')",
      "print(json.dumps([[bool(db.execute('select ? glob ?', (t, p)).fetchone()[0]) for t in ts] for p in ps]))",
    ].join("\n")], { input: JSON.stringify([patterns, texts]), encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const expected = JSON.parse(r.stdout) as boolean[][];
    patterns.forEach((p, i) => {
      const g = compileGlob(p);
      assert.deepEqual(texts.map((t) => g.test(t)), expected[i], `pattern ${JSON.stringify(p)}`);
    });
  });

  it("a pathological glob over a long line answers within 100 ms (ReDoS guard) and the kernel keeps serving", async () => {
    const k = await startKernel();
    try {
      await k.client.execute(`const long = "${"a".repeat(5000)}"; 0`);
      const t0 = Date.now();
      const r = await k.client.request("shell", "history_request", { hist_access_type: "search", pattern: "*a*a*a*a*a*a*a*a*a*a*b", output: false, raw: true });
      const took = Date.now() - t0;
      assert.equal(r.reply.content.status, "ok");
      assert.deepEqual(r.reply.content.history, []);
      assert.ok(took < 100, `search took ${took} ms`);
      const hit = await k.client.request("shell", "history_request", { hist_access_type: "search", pattern: "*a*a*a*a*a*a*a*a*a*a*", output: false, raw: true });
      assert.equal(hit.reply.content.history.length, 1);
    } finally {
      await k.stop();
    }
  });

  it("two kernels started together on one history file get different session numbers", async () => {
    const dir = tempDir();
    const env = { OPTLAB_HISTORY_FILE: path.join(dir, "shared.jsonl") };
    const [a, b] = await Promise.all([startKernel({ env }), startKernel({ env })]);
    try {
      await a.client.execute("'from a'");
      await b.client.execute("'from b'");
      const session = async (k: typeof a) => (await k.client.request("shell", "history_request", { hist_access_type: "tail", n: 1, output: false, raw: true })).reply.content.history[0][0] as number;
      const [sa, sb] = [await session(a), await session(b)];
      assert.notEqual(sa, sb);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
