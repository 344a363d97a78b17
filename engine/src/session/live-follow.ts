// What follows every run besides the caller's sink: the live feed `pipe ui` tails (./live-feed.ts)
// and each stage's last log (report/stage-last-log.ts). Both best effort: they never fail a run.
import { fanOut, type EventSink } from "../events/index.js";
import { stageLastLogSink } from "../report/stage-last-log.js";
import { openLiveFeed } from "./live-feed.js";

export interface Followed {
  /** The caller's sink, then the feed, then the last logs. */
  readonly sink: EventSink;
  /** The run is over (whatever happened): files closed, the active marker dropped. */
  readonly close: () => void;
}

export async function followRun(root: string, runId: string, sink: EventSink): Promise<Followed> {
  const feed = await openLiveFeed(root, runId);
  const logs = stageLastLogSink(root);
  return {
    sink: fanOut(sink, feed.sink, logs.sink),
    close: () => {
      logs.close();
      feed.close();
    },
  };
}
