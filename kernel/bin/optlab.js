#!/usr/bin/env node
// The `optlab` command npm links at install time, before any build exists (npm links a
// workspace's bin only when its target file is there): it runs the built CLI, or says how to build it.
"use strict";
const fs = require("fs");
const path = require("path");

const entry = path.join(__dirname, "..", "dist", "bin", "optlab.js");
if (fs.existsSync(entry)) {
  require(entry);
} else {
  process.stderr.write(`optlab: the CLI is not built yet (no ${entry}); run \`npm run build\` in the repository first\n`);
  process.exitCode = 1;
}
