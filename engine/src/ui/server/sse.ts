// The open Server-Sent Events connections of /api/events: each LiveMessage goes to every one as
// `event: <type>` + `data: <json>`, a `: keep-alive` comment every 15 s keeps proxies and the
// browser from timing out, and a client that stops reading (8 MiB queued) is dropped.
import type { ServerResponse } from "node:http";
import type { LiveMessage } from "../api.js";

const KEEP_ALIVE_MS = 15_000;
const MAX_QUEUED = 8 * 1024 * 1024;

export function frame(m: LiveMessage): string {
  return `event: ${m.type}\ndata: ${JSON.stringify(m)}\n\n`;
}

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly keepAliveMs: number = KEEP_ALIVE_MS) {}

  get size(): number {
    return this.clients.size;
  }

  /** Takes over a response: headers sent, kept open until the client leaves or the hub closes. */
  add(res: ServerResponse): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-content-type-options": "nosniff",
    });
    res.write("retry: 2000\n: connected\n\n");
    this.clients.add(res);
    res.on("close", () => this.clients.delete(res));
    res.on("error", () => this.clients.delete(res));
    if (this.timer === null) {
      this.timer = setInterval(() => this.send(": keep-alive\n\n"), this.keepAliveMs);
      this.timer.unref();
    }
  }

  broadcast(m: LiveMessage): void {
    this.send(frame(m));
  }

  /** Ends every connection (the server is stopping). */
  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private send(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_QUEUED) {
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(text);
    }
  }
}
