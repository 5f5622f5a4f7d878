#!/usr/bin/env node
import { main } from "../src/cli/main";
import { exitWhenDrained, ignoreClosedPipes } from "../src/cli/exit";

ignoreClosedPipes();

main(process.argv.slice(2)).then(
  (code) => exitWhenDrained(code),
  (e: unknown) => {
    console.error(`optlab: ${(e as Error).stack ?? e}`);
    exitWhenDrained(1);
  },
);
