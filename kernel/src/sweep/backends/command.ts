import * as fs from "fs";
import * as path from "path";

/**
 * The command line that starts this package's `optlab` CLI on a worker: node plus
 * kernel/bin/optlab.js (three folders up from here both in src/ and in dist/). A worker on
 * another machine needs the same paths (a shared file system), as Slurm clusters usually have.
 */
export function optlabCommand(): string[] {
  const launcher = path.resolve(__dirname, "..", "..", "..", "bin", "optlab.js");
  if (!fs.existsSync(launcher)) throw new Error(`cannot find the optlab launcher at ${launcher}`);
  return [process.execPath, launcher];
}

/** Quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
