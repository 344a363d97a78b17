// A minimal Server-Sent Events client over fetch for the live tests: collects every message
// (`event:` + `data:` frames), and waits for one that matches.
import type { LiveMessage } from "../../../src/ui/api.js";

export interface SseClient {
  readonly messages: LiveMessage[];
  /** Resolves with the first message (from the start) that `match` accepts; rejects after `ms`. */
  waitFor(match: (m: LiveMessage) => boolean, what: string, ms?: number): Promise<LiveMessage>;
  close(): void;
}

export async function connectSse(url: string): Promise<SseClient> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal, headers: { accept: "text/event-stream" } });
  if (res.status !== 200 || res.body === null) throw new Error(`SSE: ${url} answered ${res.status}`);
  const messages: LiveMessage[] = [];
  const waiters = new Set<() => void>();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const frame = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = frame
            .split("\n")
            .filter((l) => l.startsWith("data: "))
            .map((l) => l.slice(6))
            .join("\n");
          if (data !== "") messages.push(JSON.parse(data) as LiveMessage);
        }
        for (const w of waiters) w();
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    messages,
    waitFor: (match, what, ms = 60_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const m = messages.find(match);
          if (m === undefined) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages.map((m) => (m.type === "run" ? m.event.type : m.type)))}`));
        }, ms);
        if (!check()) waiters.add(check);
      }),
    close: () => controller.abort(),
  };
}
