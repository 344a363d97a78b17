#!/usr/bin/env node
// pipe's executable: runs the compiled CLI (built by `npm install` through the `prepare` script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/engine/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write("pipe: not built yet: run `npm install` (or `npm run build`) in the pipe checkout\n");
  process.exit(2);
}
const { run } = await import(entry.href);
await run();
