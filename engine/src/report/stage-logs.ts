// A sink that keeps each stage's output in a log file of its own, `<dir>/<stage>.log`, beside
// whatever else follows the run (the terminal, `--json`): what a Slurm job's log or the UI shows.
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { EventSink, RunEvent } from "../events/index.js";
import { plainLine } from "./reporters.js";

/** A stage name as a file name: `train@lr=0.1` → `train@lr=0.1`, path separators and oddities → `_`. */
const fileName = (stage: string): string => stage.replace(/[^A-Za-z0-9@=._,+-]/g, "_");

export function stageLogSink(dir: string): EventSink {
  let made = false;
  const write = (stage: string, line: string): void => {
    if (!made) mkdirSync(dir, { recursive: true });
    made = true;
    appendFileSync(join(dir, `${fileName(stage)}.log`), `${line}\n`);
  };
  return (e: RunEvent) => {
    if (e.type === "stage-output") write(e.stage, e.stream === "stderr" ? `[stderr] ${e.line}` : e.line);
    else if (e.type === "stage-start" || e.type === "stage-done") {
      const line = plainLine(e);
      if (line !== null) write(e.stage, line);
    }
  };
}
