// The download stage as a subprocess against a temp project: copy + verify from a local path, the
// mirror and http; a checksum mismatch or a truncated body fails in one line and leaves no output.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = resolve(import.meta.dirname, "../..");
const TSX = join(REPO, "node_modules/tsx/dist/cli.mjs");
const OUT = "data/raw/arxiv-papers.csv.gz";

let dir: string;
const body = gzipSync(Buffer.from('id,title,summary,published,primary_category,categories\n1,T,"a, b",2020-01-01,cs.CL,cs.CL\n'));
const sha = createHash("sha256").update(body).digest("hex");

function project(params: string, env: Record<string, string> = {}): { code: number | null; stderr: string; root: string } {
  const root = mkdtempSync(join(dir, "p-"));
  writeFileSync(join(root, "params.yaml"), params);
  const r = spawnSync(process.execPath, [TSX, join(REPO, "stages/download.ts")], {
    cwd: root,
    env: { ...process.env, PIPE_ROOT: root, PIPE_MIRROR: join(dir, "no-mirror"), ...env },
    encoding: "utf8",
  });
  return { code: r.status, stderr: r.stderr, root };
}

function leftovers(root: string): string[] {
  const raw = join(root, "data/raw");
  return existsSync(raw) ? readdirSync(raw) : [];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pipe-download-"));
  writeFileSync(join(dir, "copy.csv.gz"), body);
  mkdirSync(join(dir, "mirror/arxiv"), { recursive: true });
  writeFileSync(join(dir, "mirror/arxiv/arxiv-papers.csv.gz"), body);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("download stage", () => {
  it("copies a local path and verifies its sha256", () => {
    const r = project(`download:\n  url: ${join(dir, "copy.csv.gz")}\n  sha256: ${sha}\n`);
    expect(r.stderr).toContain("verified");
    expect(r.code).toBe(0);
    expect(readFileSync(join(r.root, OUT)).equals(body)).toBe(true);
    expect(leftovers(r.root)).toEqual(["arxiv-papers.csv.gz"]);
  });

  it("uses the mirror when download.url is empty", () => {
    const r = project(`download:\n  url: ""\n  sha256: ${sha}\n`, { PIPE_MIRROR: join(dir, "mirror") });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("(mirror)");
    expect(readFileSync(join(r.root, OUT)).equals(body)).toBe(true);
  });

  it("fails in one line naming both digests on a checksum mismatch, leaving no output", () => {
    const wrong = "0".repeat(64);
    const r = project(`download:\n  url: ${join(dir, "copy.csv.gz")}\n  sha256: "${wrong}"\n`);
    expect(r.code).toBe(1);
    const lines = r.stderr
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("download: checksum"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`expected sha256 ${wrong}, got ${sha}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(leftovers(r.root)).toEqual([]);
    const unquoted = project(`download:\n  url: ${join(dir, "copy.csv.gz")}\n  sha256: ${wrong}\n`);
    expect(unquoted.code).toBe(1);
    expect(unquoted.stderr).toMatch(/quote it/);
  });

  it("says clearly when there is neither a url nor a mirror", () => {
    const r = project(`download:\n  url: ""\n  sha256: ${sha}\n`, { PIPE_MIRROR: "" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no mirror was found/);
    const bad = project(`download:\n  url: ""\n  sha256: ${sha}\n`);
    expect(bad.stderr).toMatch(/PIPE_MIRROR=.* does not exist/);
  });

  it("fetches over http, and rejects a truncated body without leaving output", async () => {
    // spawnSync blocks this process, so the server runs in a child process of its own.
    const serverScript = `
      const http = require("node:http");
      const body = Buffer.from(process.argv[1], "base64");
      const s = http.createServer((req, res) => {
        if (req.url === "/short") { res.writeHead(200, {"content-length": String(body.length + 100)}); res.write(body); setTimeout(() => res.destroy(), 50); return; }
        res.writeHead(200, {"content-length": String(body.length)}); res.end(body);
      });
      s.listen(0, "127.0.0.1", () => console.log(s.address().port));`;
    const child = spawn(process.execPath, ["-e", serverScript, body.toString("base64")], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const port = await new Promise<string>((ok) => child.stdout.once("data", (d: Buffer) => ok(d.toString().trim())));
      const good = project(`download:\n  url: http://127.0.0.1:${port}/file\n  sha256: ${sha}\n`);
      expect(good.stderr).toContain("verified");
      expect(good.code).toBe(0);
      const short = project(`download:\n  url: http://127.0.0.1:${port}/short\n  sha256: ${sha}\n`);
      expect(short.code).toBe(1);
      expect(short.stderr).toMatch(/download: (truncated|copy from .* failed after \d+ bytes)/);
      expect(leftovers(short.root)).toEqual([]);
    } finally {
      child.kill();
    }
  });
});
