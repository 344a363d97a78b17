// What the pages share: the selected rows (experiments page → compare, plots), the project info,
// and a tiny event bus the live stream publishes on.
import type { LiveMessage, ProjectInfo } from "../../engine/src/ui/api.js";

export const selection = new Set<string>();

export const app: { project: ProjectInfo | null; projectReady: Promise<ProjectInfo | null> } = { project: null, projectReady: Promise.resolve(null) };

type Listener = (m: LiveMessage) => void;
const listeners = new Set<Listener>();

/** Subscribe to live messages; returns the unsubscribe function. */
export function onLive(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function publish(m: LiveMessage): void {
  for (const fn of listeners) fn(m);
}

/** localStorage that never throws (private mode, quota): reads give null, writes are dropped. */
export const store = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      localStorage.setItem(key, value);
    } catch {
      // not persisted: the choice lasts until the page reloads
    }
  },
};
