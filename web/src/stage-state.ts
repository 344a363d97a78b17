// Stage states: their colours and words, shared by the DAG, its legend and the stage panel.
import type { StageState } from "../../engine/src/ui/api.js";

export const STATES: readonly StageState[] = ["fresh", "stale", "running", "failed", "frozen", "never-run"];

export const STATE_LABEL: Record<StageState, string> = {
  fresh: "fresh",
  stale: "stale",
  running: "running",
  failed: "failed",
  frozen: "frozen",
  "never-run": "never run",
};
