import * as fs from "fs";
import * as path from "path";
import { randomUUID } from "crypto";
import { compileGlob } from "./historyGlob";

/** One executed input, numbered as IPython numbers them: (session, line). */
export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  /** text/plain of the cell's execute_result, if any. */
  output: string | null;
}

/** A history_request's content (messaging spec). */
export interface HistoryQuery {
  hist_access_type: "tail" | "range" | "search";
  output?: boolean;
  raw?: boolean;
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

/** A history_reply row: [session, line, input] or [session, line, [input, output]]. */
export type HistoryRow = [number, number, string | [string, string | null]];

/** Entries kept in memory and on disk; older ones are dropped when the file is compacted. */
const MAX_ENTRIES = 10_000;


/**
 * Execution history, per session in memory and appended to a small JSON-lines file, so a
 * restarted kernel still answers history requests about earlier sessions.
 */
export class History {
  private readonly entries: HistoryEntry[] = [];
  /** This kernel run's session number (one more than any on disk). */
  readonly session: number;

  /** Highest session number seen in the file, entries and session markers alike. */
  private maxSession = 0;

  constructor(private readonly file: string | undefined, private readonly log: (line: string) => void = () => {}) {
    if (file) this.load(file);
    this.session = file ? this.claimSession(file) : this.maxSession + 1;
  }

  /**
   * Claims a session number no other kernel sharing the file holds: appends a marker line
   * (O_APPEND keeps concurrent small appends whole) and keeps the number only if its marker is
   * the first one for that number in the file; otherwise tries the next.
   */
  private claimSession(file: string): number {
    const owner = randomUUID();
    for (let attempt = 0; attempt < 50; attempt++) {
      const n = this.maxSession + 1;
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.appendFileSync(file, JSON.stringify({ session: n, owner }) + "\n");
        const first = fs.readFileSync(file, "utf8").split("\n").map((l) => {
          try {
            return JSON.parse(l) as { session?: unknown; owner?: unknown };
          } catch {
            return undefined;
          }
        }).find((m) => m && m.session === n && typeof m.owner === "string");
        if (first?.owner === owner) return n;
      } catch (e) {
        this.log(`history: cannot write ${file}: ${(e as Error).message}`);
        return n;
      }
      this.maxSession = n;
    }
    return this.maxSession + 1;
  }

  private load(file: string): void {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      return; // no history yet
    }
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as HistoryEntry;
        if (typeof e.session === "number") this.maxSession = Math.max(this.maxSession, e.session);
        if (typeof e.session === "number" && typeof e.line === "number" && typeof e.input === "string") {
          this.entries.push({ session: e.session, line: e.line, input: e.input, output: e.output ?? null });
        }
      } catch {
        this.log(`history: skipped a corrupt line in ${file}`);
      }
    }
    if (this.entries.length > MAX_ENTRIES) {
      this.entries.splice(0, this.entries.length - MAX_ENTRIES);
      this.rewrite();
    }
  }

  private rewrite(): void {
    if (!this.file) return;
    try {
      fs.writeFileSync(this.file, this.entries.map((e) => JSON.stringify(e) + "\n").join(""));
    } catch (e) {
      this.log(`history: cannot write ${this.file}: ${(e as Error).message}`);
    }
  }

  /** Records one stored execution. */
  add(line: number, input: string, output: string | null): void {
    const entry = { session: this.session, line, input, output };
    this.entries.push(entry);
    if (this.entries.length > 2 * MAX_ENTRIES) {
      this.entries.splice(0, this.entries.length - MAX_ENTRIES);
      this.rewrite();
      return;
    }
    if (!this.file) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.appendFileSync(this.file, JSON.stringify(entry) + "\n");
    } catch (e) {
      this.log(`history: cannot append to ${this.file}: ${(e as Error).message}`);
    }
  }

  /** Answers a history_request. */
  query(q: HistoryQuery): HistoryRow[] {
    let rows: HistoryEntry[];
    switch (q.hist_access_type) {
      case "tail":
        rows = this.entries.slice(-Math.max(0, q.n ?? 10));
        break;
      case "range": {
        // As in IPython, session 0 or negative counts back from the current one.
        const session = (q.session ?? 0) <= 0 ? this.session + (q.session ?? 0) : q.session!;
        const start = q.start ?? 1;
        rows = this.entries.filter((e) => e.session === session && e.line >= start && (q.stop === undefined || q.stop === null || e.line < q.stop));
        break;
      }
      case "search": {
        const glob = compileGlob(typeof q.pattern === "string" ? q.pattern : "*");
        rows = this.entries.filter((e) => glob.test(e.input));
        if (q.unique) {
          const seen = new Set<string>();
          rows = rows.reverse().filter((e) => !seen.has(e.input) && (seen.add(e.input), true)).reverse();
        }
        // As IPython: with n, the latest n matches (LIMIT n over newest first, then reversed).
        if (q.n !== undefined && q.n !== null) rows = q.n > 0 ? rows.slice(-q.n) : [];
        break;
      }
      default:
        throw new TypeError(`history_request: expected hist_access_type "tail", "range" or "search", got ${JSON.stringify(q.hist_access_type)}`);
    }
    return rows.map((e) => [e.session, e.line, q.output ? [e.input, e.output] : e.input]);
  }
}
