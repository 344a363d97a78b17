// The server as a real process: `serve/src/server.ts` on a tiny transformer export (cold start,
// predictions, JSON logs on stdout), and graceful shutdown on SIGTERM with a request in flight.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWithMirror } from "../../stages/test/helpers/needs-mirror.js";
import { mirrorTokenizerDir, TINY_LABELS, writeTinyTransformerExport } from "./fixtures/tiny-export.js";

const tokDir = mirrorTokenizerDir(process.cwd());
const haveMirror = existsSync(join(tokDir, "tokenizer.json"));

interface Proc {
  child: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
  exit: Promise<number | null>;
}

/** Spawns `node --import tsx <script> ...args` and waits for its "listening" log line. */
async function spawnServer(script: string, args: string[]): Promise<Proc> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    rl.on("line", (l) => {
      try {
        const o = JSON.parse(l) as Record<string, unknown>;
        lines.push(o);
        if (o.event === "listening") resolve(o.url as string);
      } catch {
        // not a log line
      }
    });
    void exit.then((code) => reject(new Error(`server exited ${String(code)}: ${stderr}`)));
  });
  return { child, url, lines, exit };
}

async function waitReady(url: string, timeoutMs = 20_000): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const res = await fetch(`${url}/ready`).catch(() => undefined);
    if (res?.status === 200) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("not ready in time");
}

const predict = (url: string, title: string) =>
  fetch(`${url}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title, summary: "An abstract." }) });

describe("graceful shutdown", () => {
  it("finishes the in-flight request on SIGTERM, refuses new ones, exits 0", async () => {
    const p = await spawnServer(join("serve", "test", "slow-server.ts"), ["800"]);
    await waitReady(p.url);
    const inFlight = predict(p.url, "cs.LG paper");
    await new Promise((r) => setTimeout(r, 200));
    p.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 100));
    // A new connection is refused (or told 503) while the in-flight one finishes.
    const late = await fetch(`${p.url}/health`).then(
      (r) => r.status,
      () => "refused",
    );
    expect([503, "refused"]).toContain(late);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { category: string }).category).toBe("cs.LG");
    expect(await p.exit).toBe(0);
    expect(p.lines.some((l) => l.event === "shutdown")).toBe(true);
    await expect(fetch(`${p.url}/health`)).rejects.toThrow();
  });
});

describeWithMirror("serve CLI on a transformer export", haveMirror, "models/distilbert-base-uncased/tokenizer.json", () => {
  let dir: string;
  let p: Proc;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pipe-serve-"));
    writeTinyTransformerExport(join(dir, "export"), { tokenizerDir: tokDir });
    p = await spawnServer(join("serve", "src", "server.ts"), ["--model", join(dir, "export"), "--port", "0", "--max-batch-items", "4"]);
  });
  afterAll(async () => {
    p.child.kill("SIGTERM");
    await p.exit;
    rmSync(dir, { recursive: true, force: true });
  });

  it("becomes ready, predicts, batches concurrent requests, logs JSON lines", async () => {
    await waitReady(p.url);
    const ready = (await (await fetch(`${p.url}/ready`)).json()) as { model: { kind: string; lock_digest: string } };
    expect(ready.model).toMatchObject({ kind: "transformer", lock_digest: "tiny-lock-digest" });
    const one = (await (await predict(p.url, "Graph neural networks")).json()) as { category: string; top_k: { probability: number }[] };
    expect(TINY_LABELS).toContain(one.category);
    expect(one.top_k.reduce((a, b) => a + b.probability, 0)).toBeCloseTo(1, 3);
    // Concurrent single requests get the same answers as one batch request.
    const titles = ["Images", "Language models", "Sparse solvers", "Reinforcement learning"];
    const batch = (await (
      await fetch(`${p.url}/predict/batch`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ papers: titles.map((title) => ({ title, summary: "An abstract." })) }),
      })
    ).json()) as { predictions: { confidence: number; category: string }[] };
    const singles = await Promise.all(titles.map(async (t) => (await (await predict(p.url, t)).json()) as { confidence: number; category: string }));
    singles.forEach((s, i) => {
      expect(s.category).toBe(batch.predictions[i]?.category);
      expect(s.confidence).toBeCloseTo(batch.predictions[i]?.confidence ?? NaN, 4);
    });
    const tooMany = await fetch(`${p.url}/predict/batch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ papers: Array.from({ length: 5 }, () => ({ title: "t", summary: "s" })) }),
    });
    expect(tooMany.status).toBe(400);
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics).toMatch(/^model_load_seconds \d/m);
    expect(metrics).toMatch(/^http_requests_total\{method="POST",route="\/predict",status="200"\} 5$/m);
    const reqLogs = p.lines.filter((l) => l.msg === "request");
    expect(reqLogs.length).toBeGreaterThanOrEqual(7);
    expect(reqLogs.every((l) => typeof l.latency_ms === "number")).toBe(true);
  });
});
