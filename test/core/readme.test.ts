/** The README's ten-line example runs as written (against the source tree) and says what it claims. */
import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";

describe("README example", () => {
  it("runs and prints the top-10 Hessian eigenvalues (descending) and NC metrics", function () {
    this.timeout(120000);
    const readme = readFileSync(resolve(__dirname, "../../README.md"), "utf8");
    const block = /## Ten lines\s*```ts\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, "README has a ```ts block under '## Ten lines'");
    const lines = block[1].trim().split("\n");
    assert.ok(lines.length <= 12, `the example is short (${lines.length} lines)`);
    // A notebook cell runs as CommonJS with top-level await (tslab's conversion); emulate that.
    const [importLine, ...body] = lines;
    const src = importLine.replace('"@optlab/core"', JSON.stringify(resolve(__dirname, "../../src/index.ts"))) +
      "\n(async () => {\n" + body.join("\n") + "\n})().catch((e) => { console.error(e); process.exit(1); });\n";
    const dir = mkdtempSync(join(tmpdir(), "optlab-readme-"));
    try {
      const file = join(dir, "example.ts");
      writeFileSync(file, src);
      const tsx = resolve(__dirname, "../../node_modules/.bin/tsx");
      const r = spawnSync(tsx, [file], { encoding: "utf8", timeout: 110000 });
      assert.equal(r.status, 0, `example failed:\n${r.stderr}`);
      const eig = /top-10 Hessian eigenvalues: \[([^\]]*)\]/.exec(r.stdout);
      assert.ok(eig, `eigenvalues printed:\n${r.stdout}`);
      const values = eig[1].split(",").map(Number);
      assert.equal(values.length, 10, "ten eigenvalues printed");
      assert.ok(values.every(Number.isFinite) && values.every((v, i) => i === 0 || v <= values[i - 1]), "finite, descending");
      assert.match(r.stdout, /nc1:/, "NC metrics printed");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
