// A copy of the built CLI for a benchmark, so a rebuild of dist/ by someone else mid-run cannot
// break (or change) what is measured. Shared by bench/remote and bench/slurm.
import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";

const REPO = resolve(import.meta.dirname, "..");

/** Copies dist/, bin/ and package.json into `<work>/<name>` (node_modules linked); returns the command words that run it. */
export function snapshotPipe(work: string, name = "pipe"): string[] {
  const at = join(work, name);
  mkdirSync(at);
  cpSync(join(REPO, "dist"), join(at, "dist"), { recursive: true });
  cpSync(join(REPO, "bin"), join(at, "bin"), { recursive: true });
  cpSync(join(REPO, "package.json"), join(at, "package.json"));
  symlinkSync(join(REPO, "node_modules"), join(at, "node_modules"));
  return [process.execPath, join(at, "bin", "pipe.js")];
}
