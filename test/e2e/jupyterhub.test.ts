/**
 * A class on JupyterHub, end to end, with Debian's jupyterhub 3.0 (+ node-configurable-http-proxy,
 * jupyterhub-singleuser on Debian's jupyter-server 1.23) started here on localhost with the course
 * recipe docs/jupyterhub_config.py and test overrides (hub-harness.ts): DummyAuthenticator with a
 * password and SimpleLocalProcessSpawner (no Unix accounts; homes under a temp dir).
 *
 * The optlab kernel comes from `optlab install --prefix P` (JUPYTER_PATH=P/share/jupyter in every
 * server's environment, as /usr/local/share/jupyter is searched without it) and the lessons from
 * `optlab course build`, copied into each home by the recipe's server command. Two students log in,
 * each starts a server, completes lesson 1 on an optlab kernel through the server's REST/websocket
 * kernel API (via the hub's proxy, with a token of their own), and the lesson's hidden checks pass;
 * their kernels are separate processes that share no variables. Everything is stopped after, and
 * the suite checks that no process it started is left.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { BrowserContext } from "playwright-core";
import { KERNEL_BIN, tempDir } from "../kernel/client";
import { alive, CellResult, ensureLabBuild, Hub, JUPYTERHUB, HubKernel, processesUnder, ROOT, startHub, waitForServer } from "./hub-harness";
import { requirePythonModules } from "./python";
import { CHROMIUM, launchBrowser } from "./widgets-harness";

const LESSON = "01-gradient-descent.ipynb";
const USERS = ["alice", "bob"] as const;
const ARTIFACTS = path.join(ROOT, "out", "artifacts", "jupyterhub");
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}`;

interface Cell {
  id: string;
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[]; optlab?: { exercise?: string; points?: number } };
}
const src = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);
const tagged = (c: Cell, tag: string) => (c.metadata.tags ?? []).includes(tag);

/** Fails (never skips) naming the Debian package when one of its files is missing. */
function requireFiles(files: Record<string, string>): void {
  for (const [file, pkg] of Object.entries(files)) {
    if (!fs.existsSync(file)) throw new Error(`${file} not found: install the Debian package ${pkg} (listed in .ci/apt-packages)`);
  }
}

function optlab(args: string[]): string {
  const r = spawnSync(process.execPath, [KERNEL_BIN, ...args], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`optlab ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

describe("JupyterHub 3.0 (Debian): a course on the optlab kernel for two students", function () {
  this.timeout(600_000);
  let dir: string;
  let prefix: string;
  let course: string;
  let hub: Hub | undefined;
  let proxyPid: number | undefined;
  const tokens: Record<string, string> = {};
  const kernels: Record<string, HubKernel> = {};
  const serverPids: Record<string, number> = {};
  let browser: BrowserContext | undefined;

  before(async function () {
    this.timeout(900_000); // a first run installs and builds lab/ (lab/README.md)
    requireFiles({ [JUPYTERHUB]: "jupyterhub", "/usr/bin/jupyterhub-singleuser": "jupyterhub", "/usr/bin/configurable-http-proxy": "node-configurable-http-proxy" });
    requirePythonModules({ jupyterlab_server: "python3-jupyterlab-server" });
    ensureLabBuild();
    dir = tempDir("optlab-hub-");
    prefix = path.join(dir, "prefix");
    course = path.join(dir, "course");
    optlab(["install", "--prefix", prefix]);
    optlab(["course", "build", path.join(ROOT, "notebooks", "course"), "--out", course, "--no-html"]);
    // The recipe's optional system-wide labconfig (/etc/jupyter there): no "Jupyter news?" pop-up.
    const etc = path.join(dir, "etc", "jupyter");
    fs.mkdirSync(path.join(etc, "labconfig"), { recursive: true });
    fs.writeFileSync(path.join(etc, "labconfig", "page_config.json"), JSON.stringify({ disabledExtensions: { "@jupyterlab/apputils-extension:announcements": true } }));
    hub = await startHub({
      dir, courseDir: path.join(course, "student"), password: PASSWORD,
      spawnerEnv: { JUPYTER_PATH: path.join(prefix, "share", "jupyter"), JUPYTER_CONFIG_PATH: etc, PYTHONDONTWRITEBYTECODE: "1" },
    });
    proxyPid = Number(fs.readFileSync(path.join(dir, "proxy.pid"), "utf8"));
  });

  after(async function () {
    await browser?.close().catch(() => undefined);
    for (const k of Object.values(kernels)) await k.shutdown().catch(() => undefined);
    await hub?.stop();
    // Whatever a failed test left behind goes too (the last test asserts there is nothing).
    for (const pid of [...processesUnder(dir ?? "/nonexistent").keys(), proxyPid ?? 0].filter((p) => p > 0 && alive(p))) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("logs each student in with the password through the login form, and refuses a wrong one", async function () {
    const login = (username: string, password: string) =>
      fetch(`${hub!.url}/hub/login`, {
        method: "POST", redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username, password }).toString(),
      });
    for (const user of USERS) {
      const r = await login(user, PASSWORD);
      assert.equal(r.status, 302, `${user}: login answered ${r.status}`);
      assert.match(r.headers.get("set-cookie") ?? "", /jupyterhub-hub-login=/);
    }
    const wrong = await login("alice", PASSWORD + "x");
    assert.notEqual(wrong.status, 302, "a wrong password must not log in");
    assert.doesNotMatch(wrong.headers.get("set-cookie") ?? "", /jupyterhub-hub-login=/);
    // The login created the users (DummyAuthenticator + allowed_users).
    const names = (await hub!.api("GET", "users")).map((u: { name: string }) => u.name).sort();
    assert.deepEqual(names, [...USERS]);
  });

  it("starts one server per student, each with the lessons in its home and the optlab kernelspec", async function () {
    // alice already has a course/README.md of her own: the copy must keep it.
    const ownNotes = `alice's own notes ${Math.random()}`;
    fs.mkdirSync(path.join(hub!.homes, "alice", "course"), { recursive: true });
    fs.writeFileSync(path.join(hub!.homes, "alice", "course", "README.md"), ownNotes);
    for (const user of USERS) await hub!.api("POST", `users/${user}/server`);
    for (const user of USERS) {
      await waitForServer(hub!, user);
      tokens[user] = (await hub!.api("POST", `users/${user}/tokens`, { note: "e2e" })).token;
      serverPids[user] = (await hub!.api("GET", `users/${user}`)).servers[""].state.pid;
    }
    assert.notEqual(serverPids.alice, serverPids.bob);
    for (const user of USERS) {
      const base = `${hub!.url}/user/${user}/api`;
      const auth = { headers: { Authorization: `token ${tokens[user]}` } };
      const specs = await (await fetch(`${base}/kernelspecs`, auth)).json();
      assert.ok(specs.kernelspecs.optlab, `${user}: no optlab kernelspec: ${Object.keys(specs.kernelspecs)}`);
      assert.equal(specs.kernelspecs.optlab.spec.display_name, "TypeScript (optlab)");
      // The recipe's start command gave every file of `optlab course build`'s student/ to the student.
      const listing = await (await fetch(`${base}/contents/course`, auth)).json();
      const names = listing.content.map((e: { name: string }) => e.name).sort();
      assert.deepEqual(names, fs.readdirSync(path.join(course, "student")).sort());
      const readme = await (await fetch(`${base}/contents/course/README.md?content=1`, auth)).json();
      if (user === "alice") assert.equal(readme.content, ownNotes, "the lessons copy overwrote alice's own file");
      else assert.equal(readme.content, fs.readFileSync(path.join(course, "student", "README.md"), "utf8"));
      // A student's token opens their own server only.
      const other = USERS.find((u) => u !== user)!;
      const foreign = await fetch(`${hub!.url}/user/${other}/api/kernels`, { ...auth, redirect: "manual" });
      assert.ok(foreign.status === 403 || foreign.status === 302, `${user}'s token reached ${other}'s server: HTTP ${foreign.status}`);
    }
  });

  it("each student completes lesson 1 on an optlab kernel via the kernel API, and its hidden checks pass", async function () {
    const teacher = JSON.parse(fs.readFileSync(path.join(course, "teacher", LESSON), "utf8")) as { cells: Cell[] };
    const runLesson = async (user: string) => {
      const auth = { headers: { Authorization: `token ${tokens[user]}` } };
      const r = await fetch(`${hub!.url}/user/${user}/api/contents/course/${LESSON}?content=1`, auth);
      assert.equal(r.status, 200, `${user}: GET their copy of ${LESSON}: HTTP ${r.status}`);
      const mine = (await r.json()).content as { cells: Cell[] };
      assert.ok(!mine.cells.some((c) => tagged(c, "hidden-check")), "the student version must not hold the hidden checks");
      const byId = new Map(mine.cells.map((c) => [c.id, c]));
      kernels[user] = await HubKernel.start(HubKernel.settings(hub!.url, user, tokens[user]), "optlab");
      const results: { cell: Cell; role: string; result: CellResult }[] = [];
      for (const cell of teacher.cells) {
        if (cell.cell_type !== "code") continue;
        let code: string;
        let role = "lesson";
        if (tagged(cell, "hidden-check")) {
          role = "hidden-check"; // what `optlab grade` puts back
          code = src(cell);
        } else if (tagged(cell, "solution")) {
          role = "solution"; // the student's answer, in place of the // TODO stub of their copy
          assert.match(src(byId.get(cell.id)!), /TODO/, `${user}: ${cell.id} of their copy should be a stub`);
          code = src(cell);
        } else {
          const own = byId.get(cell.id);
          assert.ok(own, `${user}: their copy of ${LESSON} lacks cell ${cell.id}`);
          code = src(own);
          if (tagged(cell, "self-check")) role = "self-check";
        }
        results.push({ cell, role, result: await kernels[user].run(code) });
      }
      return results;
    };
    // Both at once: two kernels on two servers behind one hub.
    const all = await Promise.all(USERS.map(runLesson));
    for (const [i, results] of all.entries()) {
      const user = USERS[i];
      for (const { cell, role, result } of results) {
        assert.equal(result.status, "ok", `${user}: ${role} cell ${cell.id} failed: ${JSON.stringify(result.error)}\n${result.text}`);
        if (role === "self-check") {
          assert.match(result.text, /✓/, `${user}: self-check ${cell.id} printed no ✓: ${result.text}`);
          assert.doesNotMatch(result.text, /✗/, `${user}: self-check ${cell.id}: ${result.text}`);
        }
      }
      // The lesson's live figures are widgets: their comms reached the student through the hub's proxy.
      assert.ok(kernels[user].widgets.length > 0, `${user}: no widget comm was opened`);
      const hidden = results.filter((r) => r.role === "hidden-check");
      assert.equal(hidden.length, teacher.cells.filter((c) => tagged(c, "hidden-check")).length);
      assert.ok(hidden.length >= 3, `${LESSON} should have a hidden check per exercise, found ${hidden.length}`);
    }
    // The oracle can fail: the stub of exercise 1.1 from bob's copy, then its hidden check.
    const stubCell = teacher.cells.find((c) => tagged(c, "solution") && c.metadata.optlab?.exercise === "1.1")!;
    const check = teacher.cells.find((c) => tagged(c, "hidden-check") && c.metadata.optlab?.exercise === "1.1")!;
    const stub = await (await fetch(`${hub!.url}/user/bob/api/contents/course/${LESSON}?content=1`, { headers: { Authorization: `token ${tokens.bob}` } })).json();
    const stubSource = src(stub.content.cells.find((c: Cell) => c.id === stubCell.id));
    assert.equal((await kernels.bob.run(stubSource)).status, "ok", "the stub itself runs");
    const failed = await kernels.bob.run(src(check));
    assert.equal(failed.status, "error", `the hidden check of 1.1 passed on the // TODO stub: ${failed.text}`);
  });

  it("keeps the two kernels apart: own process, own home, no shared variables", async function () {
    const marker = `secret-${Math.random().toString(36).slice(2)}`;
    const probe = `console.log(JSON.stringify({ pid: process.pid, ppid: process.ppid, home: process.env.HOME, cwd: process.cwd() }));`;
    const set = await kernels.alice.run(`const hubSecret = ${JSON.stringify(marker)};\n(globalThis as any).hubShared = ${JSON.stringify(marker)};\n${probe}`);
    assert.equal(set.status, "ok", JSON.stringify(set));
    const a = JSON.parse(set.text.trim());
    const bobProbe = await kernels.bob.run(probe);
    const b = JSON.parse(bobProbe.text.trim());
    assert.notEqual(a.pid, b.pid);
    assert.equal(a.ppid, serverPids.alice, "alice's kernel is a child of alice's server");
    assert.equal(b.ppid, serverPids.bob, "bob's kernel is a child of bob's server");
    assert.equal(a.home, path.join(hub!.homes, "alice"));
    assert.equal(b.home, path.join(hub!.homes, "bob"));
    assert.equal(a.cwd, a.home);
    assert.equal(b.cwd, b.home);
    // The same cell in both kernels: alice sees her variable, bob's kernel has never heard of it.
    const read = `console.log(hubSecret);`;
    const mine = await kernels.alice.run(read);
    assert.equal(mine.status, "ok");
    assert.equal(mine.text.trim(), marker);
    const theirs = await kernels.bob.run(read);
    assert.equal(theirs.status, "error", `bob's kernel read alice's variable: ${theirs.text}`);
    assert.doesNotMatch(theirs.text + JSON.stringify(theirs.error), new RegExp(marker));
    const global = await kernels.bob.run(`console.log(String((globalThis as any).hubShared));`);
    assert.equal(global.status, "ok");
    assert.equal(global.text.trim(), "undefined");
  });

  it("serves each student JupyterLab with the @optlab/widgets extension, opening on their lesson", async function () {
    for (const user of USERS) {
      const auth = { headers: { Authorization: `token ${tokens[user]}` } };
      const page = await fetch(`${hub!.url}/user/${user}/lab/tree/course/${LESSON}`, auth);
      assert.equal(page.status, 200, `${user}: GET /lab/tree/course/${LESSON}: HTTP ${page.status}`);
      const html = await page.text();
      const m = /<script id="jupyter-config-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
      assert.ok(m, `${user}: the page has no jupyter-config-data`);
      const config = JSON.parse(m[1]) as { appName: string; fullLabextensionsUrl: string; treePath?: string; federated_extensions: { name: string; load: string }[] };
      assert.equal(config.appName, "JupyterLab");
      const widgets = config.federated_extensions.find((e) => e.name === "@optlab/widgets");
      assert.ok(widgets, `${user}: JupyterLab lists no @optlab/widgets extension: ${JSON.stringify(config.federated_extensions)}`);
      // The module-federation entry the browser loads, from the optlab install's labextensions folder.
      const entry = await fetch(`${hub!.url}${config.fullLabextensionsUrl}/@optlab/widgets/${widgets.load}`, auth);
      assert.equal(entry.status, 200, `${user}: ${widgets.load}: HTTP ${entry.status}`);
      const installed = fs.readFileSync(path.join(prefix, "share", "jupyter", "labextensions", "@optlab", "widgets", widgets.load), "utf8");
      assert.equal(await entry.text(), installed);
    }
  });

  it("a student signs in on the hub's page in Chromium, and JupyterLab runs lesson 1's live figures", async function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install the Debian package chromium (listed in .ci/apt-packages)`);
    browser = await launchBrowser(path.join(dir, "chromium-profile"));
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.setViewportSize({ width: 1400, height: 1000 });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    try {
      await page.goto(`${hub!.url}/hub/login`);
      await page.fill("#username_input", "alice");
      await page.fill("#password_input", PASSWORD);
      await Promise.all([page.waitForURL(/\/(hub\/home|hub\/spawn-pending|user\/alice)/), page.click("#login_submit")]);
      // The hub's cookie, then the single-user server's OAuth hand-shake with the hub, open the lesson.
      await page.goto(`${hub!.url}/user/alice/lab/tree/course/${LESSON}`);
      await page.waitForSelector('body[data-lab-restored="true"]', { state: "attached", timeout: 120_000 });
      assert.equal(new URL(page.url()).pathname, `/user/alice/lab/tree/course/${LESSON}`);
      await page.locator(".jp-StatusBar-Widget").getByText("TypeScript (optlab) | Idle").waitFor({ timeout: 120_000 });
      const federated = await page.evaluate(() => (globalThis as any).labFederated as { name: string; ok: boolean }[]);
      assert.deepEqual(federated.filter((f) => f.name === "@optlab/widgets"), [{ name: "@optlab/widgets", ok: true }]);

      // Runs the lesson's first code cells in order, as the student would, with Shift+Enter.
      const cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell");
      const teacher = JSON.parse(fs.readFileSync(path.join(course, "teacher", LESSON), "utf8")) as { cells: Cell[] };
      const figureCell = teacher.cells.findIndex((c) => /new CurvesView\(/.test(src(c)) && !/interact\(/.test(src(c)));
      const sliderCell = teacher.cells.findIndex((c) => /interact\(/.test(src(c)));
      assert.ok(figureCell > 0 && sliderCell > figureCell, `lesson 1 changed: figure cell ${figureCell}, slider cell ${sliderCell}`);
      for (let i = 0; i <= sliderCell; i++) {
        if (teacher.cells[i].cell_type !== "code") continue;
        const c = cells.nth(i);
        const prompt = c.locator(".jp-InputArea-prompt");
        await c.locator(".jp-InputPrompt").click();
        await page.keyboard.press("Escape");
        await page.keyboard.press("Shift+Enter");
        await page.waitForFunction((el) => /^\[\d+\]:$/.test((el as any).textContent.trim()), await prompt.elementHandle(), { timeout: 120_000 });
        const err = c.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]');
        assert.equal(await err.count(), 0, `cell ${i} failed: ${(await err.count()) ? await err.first().innerText() : ""}`);
      }
      // The static figure: one line per step size (0.5, 1, 1.9, 2.05 × 1/L); the live one: a slider and its curve.
      const fig = cells.nth(figureCell).locator(".optlab-CurvesView");
      await fig.locator("path.series-line").first().waitFor({ timeout: 60_000 });
      assert.equal(await fig.locator("path.series-line").count(), 4);
      const live = cells.nth(sliderCell);
      await live.locator(".widget-slider").waitFor({ timeout: 60_000 });
      await live.locator(".optlab-CurvesView path.series-line").first().waitFor({ timeout: 60_000 });
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await cells.nth(figureCell).scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, "alice-lesson1.png") });
      await live.screenshot({ path: path.join(ARTIFACTS, "alice-lesson1-slider.png") });
    } catch (e) {
      await page.screenshot({ path: path.join(dir, "failure.png") }).catch(() => undefined);
      throw new Error(`${(e as Error).message}\npage errors: ${JSON.stringify(errors)}\nhub log:\n${hub!.log().slice(-3000)}`);
    } finally {
      await browser.close();
      browser = undefined;
    }
  });

  it("stops the kernels, the servers and the hub, leaving no process behind", async function () {
    const kernelPids: number[] = [];
    for (const user of USERS) {
      const r = await kernels[user].run(`console.log(process.pid)`);
      kernelPids.push(Number(r.text.trim()));
    }
    for (const user of USERS) {
      await kernels[user].shutdown();
      delete kernels[user];
    }
    for (const user of USERS) await hub!.api("DELETE", `users/${user}/server`);
    const deadline = Date.now() + 30_000;
    while ([...kernelPids, ...Object.values(serverPids)].some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    for (const pid of [...kernelPids, ...Object.values(serverPids)]) assert.ok(!alive(pid), `process ${pid} still runs after its server was stopped`);
    assert.ok(alive(proxyPid!), "the proxy runs while the hub does");
    await hub!.stop();
    assert.equal(hub!.proc.exitCode, 0, `jupyterhub exited with ${hub!.proc.exitCode ?? hub!.proc.signalCode} on SIGTERM`);
    const until = Date.now() + 10_000;
    while (alive(proxyPid!) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    assert.ok(!alive(proxyPid!), `configurable-http-proxy (pid ${proxyPid}) outlived the hub`);
    const left = processesUnder(dir);
    assert.equal(left.size, 0, `left running: ${[...left].map(([p, c]) => `${p} ${c}`).join("; ")}`);
  });
});
