// The one way pipe runs git: `git ARGS` in a folder, its stdout or a one-line error, never a throw.
import { execFile } from "node:child_process";
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";

export function git(cwd: string, args: readonly string[], maxBuffer = 256 * 1024 * 1024): Promise<Result<string, string>> {
  return new Promise((resolve) => {
    execFile("git", [...args], { cwd, maxBuffer, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) resolve(err((stderr || error.message).trim()));
      else resolve(ok(stdout));
    });
  });
}
