#!/usr/bin/env node
import { watchParentDuringStartup } from "../src/client/startupWatch";
import { exitWhenDrained, ignoreClosedPipes } from "../src/cli/exit";

// The kernel command watches its parent before the heavy modules load (see startupWatch).
if (process.argv[2] === "kernel") watchParentDuringStartup();
ignoreClosedPipes();

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { main } = require("../src/cli/main") as typeof import("../src/cli/main");

main(process.argv.slice(2)).then(
  (code) => exitWhenDrained(code),
  (e: unknown) => {
    console.error(`optlab: ${(e as Error).stack ?? e}`);
    exitWhenDrained(1);
  },
);
