// The reporter a command's run events go to: JSON lines on stdout with --json, else a live view
// on a terminal, plain lines otherwise (CI, pipes).
import { jsonReporter, plainReporter, ttyReporter, type Reporter } from "../report/index.js";
import type { CliIO } from "./io.js";

export function makeReporter(io: CliIO, json: boolean): Reporter {
  if (json) return jsonReporter(io.stdout);
  return io.isTTY ? ttyReporter(io.stderr) : plainReporter(io.stderr);
}
