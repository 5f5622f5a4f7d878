import * as fs from "fs";
import * as path from "path";
import { CheckResult, collectChecks } from "../runner/run";
import { Notebook, readNotebook, serializeNotebook } from "../runner/notebook";
import { validateNotebook } from "../runner/schema";
import { LineFigure, lineFigureSvg } from "./figure";
import { loadManifest, Manifest, writeManifest } from "./manifest";
import { readPointResult } from "./point";

/**
 * Mime type of a named scalar a notebook records for collection — scrapbook's `glue` bundle
 * (`{ name, data, encoder: "json", version: 1 }`), so papermill users' habit carries over:
 * `display.mime({ "application/scrapbook.scrap.json+json": { name: "loss", data: loss, encoder: "json", version: 1 } })`.
 */
export const SCRAP_MIME = "application/scrapbook.scrap.json+json";

/** A table cell: a number, boolean or string; null when the point did not produce it. */
export type Value = number | boolean | string | null;

/** The sweep as one table: a row per point. */
export interface SweepTable {
  /** point, status, attempts, the parameters, the scalars, checks, output, error. */
  columns: string[];
  rows: Value[][];
  /** The swept parameters' names (grid order). */
  params: string[];
  /** The scalar columns: glued scalars, then `<check id>.<number>` and `<check id>.passed`. */
  scalars: string[];
}

/** What `collect` wrote. */
export interface Collected {
  table: SweepTable;
  csv: string;
  summary: string;
  figures: number;
}

/** The named scalars (scrapbook bundles) in a notebook's outputs; a later one of the same name wins. */
export function collectScraps(nb: Notebook): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      if (o.output_type !== "display_data" && o.output_type !== "execute_result") continue;
      const s = o.data[SCRAP_MIME] as { name?: unknown; data?: unknown } | undefined;
      if (typeof s !== "object" || s === null || typeof s.name !== "string") continue;
      const v = s.data;
      out[s.name] = typeof v === "number" || typeof v === "boolean" || typeof v === "string" ? v : JSON.stringify(v ?? null);
    }
  }
  return out;
}

/** The scalar entries of check records: `<id>.<number name>` for numbers/booleans, `<id>.passed`. */
export function checkScalars(checks: CheckResult[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const c of checks) {
    for (const [k, v] of Object.entries(c.numbers)) if (typeof v === "number" || typeof v === "boolean") out[`${c.id}.${k}`] = v;
    out[`${c.id}.passed`] = c.passed;
  }
  return out;
}

/**
 * Brings the manifest up to date with the points' result files. Workers the driver did not wait
 * for (a Kubernetes Job, an interrupted Slurm sweep) leave results the manifest has not seen.
 */
export function reconcile(dir: string, m: Manifest): boolean {
  let changed = false;
  for (const p of m.points) {
    const r = readPointResult(dir, p.index);
    if (!r || p.status === "done") continue;
    const status = r.ok ? "done" : "failed";
    if (p.status === status && p.attempts > 0) continue;
    p.status = status;
    p.attempts = Math.max(p.attempts, 1);
    p.seconds = r.seconds;
    if (r.ok) delete p.error;
    else p.error = r.error;
    changed = true;
  }
  if (changed) writeManifest(dir, m);
  return changed;
}

const cellText = (v: unknown): Value => (v === null || v === undefined ? null : typeof v === "object" ? JSON.stringify(v) : (v as Value));

/** Builds the table of a sweep directory from its manifest and executed notebooks. */
export function sweepTable(dir: string, m: Manifest): SweepTable {
  const params = Object.keys(m.grid);
  const perPoint = m.points.map((p) => {
    const file = path.join(dir, p.output);
    if (!fs.existsSync(file)) return { scalars: {} as Record<string, Value>, checks: "" };
    const nb = readNotebook(file);
    const checks = collectChecks(nb);
    return {
      scalars: { ...collectScraps(nb), ...checkScalars(checks) },
      checks: checks.length ? `${checks.filter((c) => c.passed).length}/${checks.length}` : "",
    };
  });
  const scalars: string[] = [];
  for (const r of perPoint) for (const k of Object.keys(r.scalars)) if (!scalars.includes(k)) scalars.push(k);
  const columns = ["point", "status", "attempts", ...params, ...scalars, "checks", "output", "error"];
  const rows = m.points.map((p, i) => [
    p.index, p.status, p.attempts,
    ...params.map((n) => cellText(p.params[n])),
    ...scalars.map((s) => perPoint[i].scalars[s] ?? null),
    perPoint[i].checks || null, p.output, p.error ? p.error.split("\n")[0] : null,
  ]);
  return { columns, rows, params, scalars };
}

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. */
export function toCsv(t: SweepTable): string {
  const field = (v: Value) => {
    const s = v === null ? "" : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [t.columns, ...t.rows].map((r) => r.map(field).join(",")).join("\n") + "\n";
}

/**
 * The figures of a sweep: every numeric scalar against every numeric swept parameter with at
 * least two values, one line per combination of the other parameters (done points only).
 */
export function sweepFigures(t: SweepTable, limit = 12): LineFigure[] {
  const col = (n: string) => t.columns.indexOf(n);
  const done = t.rows.filter((r) => r[col("status")] === "done");
  const numeric = (n: string) => done.length > 0 && done.every((r) => typeof r[col(n)] === "number" && Number.isFinite(r[col(n)] as number));
  const xs = t.params.filter((p) => numeric(p) && new Set(done.map((r) => r[col(p)])).size >= 2);
  const ys = t.scalars.filter(numeric);
  const figures: LineFigure[] = [];
  for (const y of ys) {
    for (const x of xs) {
      if (figures.length >= limit) return figures;
      const others = t.params.filter((p) => p !== x);
      const series = new Map<string, [number, number][]>();
      for (const r of done) {
        const label = others.length ? others.map((p) => `${p}=${r[col(p)]}`).join(", ") : y;
        if (!series.has(label)) series.set(label, []);
        series.get(label)!.push([r[col(x)] as number, r[col(y)] as number]);
      }
      figures.push({ title: `${y} vs ${x}`, x, y, series: [...series].map(([label, points]) => ({ label, points })) });
    }
  }
  return figures;
}

const escHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function tableHtml(t: SweepTable): string {
  const shown = t.columns.filter((c) => c !== "output" && c !== "error");
  const idx = shown.map((c) => t.columns.indexOf(c));
  const head = `<tr>${shown.map((c) => `<th>${escHtml(c)}</th>`).join("")}</tr>`;
  const body = t.rows.map((r) => `<tr>${idx.map((i) => `<td>${r[i] === null ? "" : escHtml(String(typeof r[i] === "number" ? Number((r[i] as number).toPrecision(6)) : r[i]))}</td>`).join("")}</tr>`);
  return `<table>\n${head}\n${body.join("\n")}\n</table>`;
}

/** The summary notebook: the table and one figure per (scalar, swept parameter), outputs saved. */
export function summaryNotebook(m: Manifest, t: SweepTable, figures: LineFigure[]): Notebook {
  const done = m.points.filter((p) => p.status === "done").length;
  const failed = m.points.filter((p) => p.status === "failed");
  const md = (id: string, source: string) => ({ cell_type: "markdown" as const, id, metadata: {}, source });
  const code = (id: string, source: string, data: Record<string, unknown>) => ({
    cell_type: "code" as const, id, metadata: {}, source, execution_count: null,
    outputs: [{ output_type: "display_data" as const, data, metadata: {} }],
  });
  const cells: Notebook["cells"] = [
    md("title", [
      `# Sweep of \`${path.basename(m.notebook)}\``,
      "",
      `${m.points.length} points over ${Object.entries(m.grid).map(([k, v]) => `\`${k}\` ∈ ${JSON.stringify(v)}`).join(" × ")}: ` +
        `${done} done, ${failed.length} failed${failed.length ? ` (points ${failed.map((p) => p.index).join(", ")})` : ""}.`,
      "",
      "Written by `optlab sweep collect`; the table is `sweep.csv` next to this notebook.",
    ].join("\n")),
    code("table", "// the sweep table (sweep.csv)", { "text/html": tableHtml(t), "text/plain": toCsv(t) }),
  ];
  figures.forEach((f, i) => {
    cells.push(code(`figure-${i + 1}`, `// ${f.title}: one line per ${f.series.length > 1 ? "setting of the other parameters" : "sweep"}`, {
      "image/svg+xml": lineFigureSvg(f),
      "text/plain": `${f.title}: ${f.series.map((s) => `${s.label}: ${s.points.map(([x, y]) => `(${x}, ${y})`).join(" ")}`).join("; ")}`,
    }));
  });
  return { nbformat: 4, nbformat_minor: 5, metadata: { optlab: { sweep: path.basename(m.notebook) } }, cells };
}

/**
 * `optlab sweep collect DIR`: reconciles the manifest with the points' results, then writes
 * `DIR/sweep.csv` (a row per point: parameters, scalars, check outcomes) and `DIR/summary.ipynb`.
 */
export function collect(dir: string): Collected {
  const m = loadManifest(dir);
  reconcile(dir, m);
  const table = sweepTable(dir, m);
  const csv = path.join(dir, "sweep.csv");
  fs.writeFileSync(csv, toCsv(table));
  const figures = sweepFigures(table);
  const nb = summaryNotebook(m, table, figures);
  const problems = validateNotebook(JSON.parse(serializeNotebook(nb)));
  if (problems.length > 0) throw new Error(`summary notebook does not validate (a collect bug): ${problems.join("; ")}`);
  const summary = path.join(dir, "summary.ipynb");
  fs.writeFileSync(summary, serializeNotebook(nb));
  return { table, csv, summary, figures: figures.length };
}
