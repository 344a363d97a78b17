// What the live feed says about each stage (pure): started and not yet done → running; done with
// a failure → failed. Layered over the freshness decisions on the Pipeline page.
import type { RunEvent } from "../../events/index.js";

export type LiveState = "running" | "failed" | "done";

export function liveStates(events: readonly RunEvent[]): Map<string, LiveState> {
  const states = new Map<string, LiveState>();
  for (const e of events) {
    if (e.type === "stage-start") states.set(e.stage, "running");
    else if (e.type === "stage-done") states.set(e.stage, e.outcome === "failed" ? "failed" : "done");
  }
  return states;
}
