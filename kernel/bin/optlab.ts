#!/usr/bin/env node
import { main } from "../src/cli/main";
import { exitWhenDrained } from "../src/cli/exit";

main(process.argv.slice(2)).then(
  (code) => exitWhenDrained(code),
  (e: unknown) => {
    console.error(`optlab: ${(e as Error).stack ?? e}`);
    exitWhenDrained(1);
  },
);
