/**
 * Harness for the widgets browser suite: Debian jupyter-server with the optlab kernel installed
 * in a throwaway prefix, the test page (widgets/frontend/e2e: @jupyterlab/services +
 * @jupyter-widgets/html-manager + the optlab views, bundled here with esbuild) served by that
 * server from --ServerApp.extra_static_paths (same origin: no CORS, token auth), and Debian
 * chromium driven by playwright-core. Missing tools fail the suite with the package to install.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { installedKernelEnv } from "./python";
import { freePort } from "../freePort";

export const ROOT = path.resolve(__dirname, "..", "..");
export const CHROMIUM = process.env.OPTLAB_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = path.join(ROOT, "out", "artifacts", "widgets");

/** Result of `window.optlab.execute(code)` on the page. */
export interface CellResult {
  /** The cell's number: its element is `.cell[data-cell="<n>"]`. */
  cell: number;
  status: string;
  texts: string[];
  error?: string;
}

/** Fails (never skips) when a Debian tool is missing. */
export function requireTools(): string {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install the Debian package chromium (listed in .ci/apt-packages)`);
  const which = spawnSync("sh", ["-c", "command -v jupyter-server"], { encoding: "utf8" });
  const server = which.stdout.trim();
  if (which.status !== 0 || !server) throw new Error("jupyter-server not found: install the Debian packages jupyter-server python3-jupyter-server (listed in .ci/apt-packages)");
  return server;
}

/** esbuild bundle of the test page into `dir` (index.html, page.js, page.css, fonts). */
export async function buildPage(dir: string): Promise<void> {
  const esbuild = await import("esbuild");
  const src = path.join(ROOT, "widgets", "frontend", "e2e");
  await esbuild.build({
    entryPoints: [path.join(src, "page.ts")],
    outfile: path.join(dir, "page.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file", ".png": "file", ".gif": "file" },
    // html-manager's libembed assigns webpack's public path; esbuild has none.
    banner: { js: 'var __webpack_public_path__ = "";' },
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
    logLevel: "error",
  });
  fs.copyFileSync(path.join(src, "index.html"), path.join(dir, "index.html"));
}


export interface JupyterServer {
  url: string;
  token: string;
  proc: ChildProcess;
  prefix: string;
  log(): string;
  stop(): Promise<void>;
}

/** Starts jupyter-server serving `pageDir` under /static/, with the optlab kernelspec installed. */
export async function startServer(exe: string, pageDir: string): Promise<JupyterServer> {
  const { env, prefix } = installedKernelEnv();
  const work = path.join(prefix, "work");
  fs.mkdirSync(work, { recursive: true });
  const port = await freePort();
  const token = `t${Math.random().toString(36).slice(2)}`;
  let log = "";
  const proc = spawn(exe, [
    "--no-browser", "--allow-root", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0",
    `--ServerApp.token=${token}`, `--ServerApp.root_dir=${work}`, `--ServerApp.extra_static_paths=${pageDir}`,
  ], { env, cwd: work, stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout!.on("data", (d) => (log += d));
  proc.stderr!.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter-server exited with ${proc.exitCode}:\n${log}`);
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`jupyter-server did not answer on ${url} within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url, token, proc, prefix,
    log: () => log,
    async stop() {
      // Shut the kernels down through the API (exit 0), then stop the server itself.
      try {
        const ks = (await (await fetch(`${url}/api/kernels?token=${token}`)).json()) as { id: string }[];
        await Promise.all(ks.map((k) => fetch(`${url}/api/kernels/${k.id}?token=${token}`, { method: "DELETE" })));
      } catch {
        /* server already gone */
      }
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once("exit", r));
        proc.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (proc.exitCode === null) proc.kill("SIGKILL");
      }
    },
  };
}

/** Debian chromium (headless, fresh profile) through playwright-core. */
export async function launchBrowser(profileDir: string): Promise<BrowserContext> {
  const { chromium } = await import("playwright-core");
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    viewport: { width: 1200, height: 900 },
  });
}

/** Opens the test page and waits for its kernel; page errors are collected in `errors`. */
export async function openPage(ctx: BrowserContext, server: JupyterServer, errors: string[]): Promise<Page> {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(`${server.url}/static/index.html?token=${server.token}&kernel=optlab`);
  await page.waitForFunction(() => (globalThis as any).optlab !== undefined);
  await page.evaluate(() => (globalThis as any).optlab.ready);
  return page;
}

/** Runs a cell through the kernel from the page (outputs rendered into the page). */
export function execute(page: Page, code: string): Promise<CellResult> {
  return page.evaluate((c) => (globalThis as any).optlab.execute(c), code) as Promise<CellResult>;
}

/** The element of cell number `n` on the page. */
export function cellLocator(page: Page, n: number): Locator {
  return page.locator(`.cell[data-cell="${n}"]`);
}

/** Screenshot of an element (or the whole page) into the artifacts folder; returns its path. */
export async function screenshot(page: Page, name: string, target?: Locator): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  if (target) await target.screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Evaluates `expr` in the kernel and returns it, JSON round-tripped through stdout. */
export async function kernelValue<T>(page: Page, expr: string): Promise<T> {
  const r = await execute(page, `console.log("@@" + JSON.stringify(${expr}));`);
  if (r.status !== "ok") throw new Error(`kernel: ${expr}: ${r.error}`);
  const line = r.texts.join("").split("\n").find((l) => l.startsWith("@@"));
  if (!line) throw new Error(`kernel: ${expr}: no output (${JSON.stringify(r.texts)})`);
  return JSON.parse(line.slice(2)) as T;
}
