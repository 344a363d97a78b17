// Drives `pipe ui` in Debian's chromium for the browser tests, the screenshots and the bench: start
// the server as a subprocess (`--port 0`, the URL parsed from what it prints), launch the system
// browser through playwright-core (never a downloaded one), stop both afterwards.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const PIPE_BIN = join(REPO, "bin", "pipe.js");
export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/**
 * The few page globals the tests, bench and screenshots touch inside page.evaluate, typed here
 * because the Node-side tsconfig has no DOM lib: `(globalThis as unknown as PageGlobals)`.
 */
export interface PageElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  click(): void;
}
export interface PageGlobals {
  readonly document: { querySelector(sel: string): PageElement | null; querySelectorAll(sel: string): ArrayLike<PageElement> };
  readonly requestAnimationFrame: (fn: () => void) => number;
  readonly performance: { now(): number; getEntriesByType(type: "resource"): { name: string; responseEnd: number }[] };
}

export interface UiServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** What the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** `pipe ui --port 0` in `root`; resolves with its URL once it prints one (or fails with its output). */
export function startUi(root: string, timeoutMs = 30_000): Promise<UiServer> {
  const child = spawn(process.execPath, [PIPE_BIN, "ui", "--port", "0"], { cwd: root, env: { ...process.env, CI: "true" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<void>((res) => child.on("close", () => res()));
  const server = (url: string): UiServer => ({
    url,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  });
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rej(new Error(`pipe ui printed no URL within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const m = /https?:\/\/[^\s/]+/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        res(server(m[0]));
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) => {
      clearTimeout(timer);
      rej(new Error(`pipe ui exited (${String(code)}) before serving:\n${out}`));
    });
  });
}

/** Debian's chromium, headless, with nothing that reaches the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** The CLI run to completion in `root` (throws with its output when it fails). */
export function pipe(root: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [PIPE_BIN, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" }, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`pipe ${args.join(" ")} failed (${String(r.status)}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The CLI started without waiting (a repro the open page should follow). */
export function spawnPipe(root: string, ...args: string[]): { done: Promise<{ code: number | null; output: string }> } {
  const child = spawn(process.execPath, [PIPE_BIN, ...args], { cwd: root, env: { ...process.env, CI: "true" }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
  return { done: new Promise((res) => child.on("close", (code) => res({ code, output }))) };
}
