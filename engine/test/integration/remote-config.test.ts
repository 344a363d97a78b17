// Integration: `pipe remote` run as a subprocess in a temp project: round trips through the files,
// DVC's .dvc/config read as DVC writes it, secrets kept out of .pipe/config and out of the output,
// and one-line errors (exit 2) for bad files, names and URLs.
import { statSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Rig, type CliResult } from "../helpers/rig.js";

let rig: Rig;
beforeEach(() => {
  rig = new Rig("pipe-remote-");
  rig.write("pipeline.yaml", "stages:\n  a:\n    cmd: echo a\n");
});
afterEach(() => rig.cleanup());

const ok = (r: CliResult): CliResult => {
  expect(r.stderr).not.toContain("    at ");
  expect(r.code, r.stderr).toBe(0);
  return r;
};

/** Exit 2, one line on stderr, no stack trace. */
const usageError = (r: CliResult): string => {
  expect(r.code).toBe(2);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  return r.stderr.trim();
};

describe("pipe remote", () => {
  it("add, list, default, modify and remove round trip through .pipe/config", () => {
    ok(rig.pipe("remote", "add", "-d", "storage", "s3://bucket/path"));
    ok(rig.pipe("remote", "add", "backup", "../shared-cache"));
    ok(rig.pipe("remote", "modify", "storage", "endpointurl", "http://127.0.0.1:9000"));
    expect(rig.read(".pipe/config")).toBe(
      `[core]\n    remote = storage\n['remote "storage"']\n    url = s3://bucket/path\n    endpointurl = http://127.0.0.1:9000\n['remote "backup"']\n    url = ../shared-cache\n`,
    );
    expect(ok(rig.pipe("remote", "list")).stdout).toBe("backup   ../shared-cache   .pipe/config\nstorage  s3://bucket/path  .pipe/config  (default)\n");
    expect(ok(rig.pipe("remote", "default")).stdout).toBe("storage\n");

    ok(rig.pipe("remote", "default", "backup"));
    expect(ok(rig.pipe("remote", "default")).stdout).toBe("backup\n");
    ok(rig.pipe("remote", "modify", "storage", "--unset", "endpointurl"));
    const json = JSON.parse(ok(rig.pipe("remote", "list", "--json")).stdout) as { default: string; remotes: { name: string; options: object }[] };
    expect(json.default).toBe("backup");
    expect(json.remotes.find((r) => r.name === "storage")?.options).toEqual({});

    const removed = ok(rig.pipe("remote", "remove", "backup"));
    expect(removed.stderr).toContain('"backup" was the default remote');
    expect(rig.pipe("remote", "default").code).toBe(1);
    expect(ok(rig.pipe("remote", "list")).stdout).toBe("storage  s3://bucket/path  .pipe/config\n");
  });

  it("reads a DVC project's .dvc/config; .pipe/config.local wins over .pipe/config, which wins over it", () => {
    rig.write(
      ".dvc/config",
      `[core]\n    remote = storage\n['remote "storage"']\n    url = s3://dvc-bucket/path\n['remote "nas"']\n    url = ../../nas/cache\n`,
    );
    const list = ok(rig.pipe("remote", "list")).stdout;
    expect(list).toBe("nas      ../nas/cache          .dvc/config\nstorage  s3://dvc-bucket/path  .dvc/config  (default)\n");
    ok(rig.pipe("remote", "add", "-f", "storage", "s3://pipe-bucket/p"));
    expect(ok(rig.pipe("remote", "list")).stdout).toContain("storage  s3://pipe-bucket/p  .pipe/config  (default)");
    ok(rig.pipe("remote", "modify", "--local", "storage", "url", "/mnt/mine"));
    expect(ok(rig.pipe("remote", "list")).stdout).toContain("storage  /mnt/mine     .pipe/config.local  (default)");
    // DVC's file is read, never written.
    expect(rig.read(".dvc/config")).toContain("s3://dvc-bucket/path");
    const removed = rig.pipe("remote", "remove", "nas");
    expect(usageError(removed)).toContain("which pipe reads but does not write");
  });

  it("a secret goes to .pipe/config.local (owner-only, git-ignored) and is never printed", () => {
    ok(rig.pipe("remote", "add", "-d", "s3", "s3://bucket"));
    const set = ok(rig.pipe("remote", "modify", "s3", "secret_access_key", "TOPSECRET123"));
    expect(set.stderr).toContain("note: secret_access_key is a secret: written to .pipe/config.local (git-ignored), not .pipe/config");
    expect(rig.read(".pipe/config")).not.toContain("TOPSECRET123");
    expect(rig.read(".pipe/config.local")).toContain("secret_access_key = TOPSECRET123");
    expect(statSync(rig.path(".pipe/config.local")).mode & 0o077).toBe(0);
    expect(rig.read(".pipe/.gitignore")).toBe("/config.local\n");
    for (const args of [["list"], ["list", "--json"], ["default"]]) {
      const r = ok(rig.pipe("remote", ...args));
      expect(r.stdout + r.stderr).not.toContain("TOPSECRET123");
    }
    expect(ok(rig.pipe("remote", "list", "--json")).stdout).toContain('"secret_access_key": "***"');

    const pw = rig.pipe("remote", "add", "box", "ssh://me:hunter2@host/srv");
    expect(usageError(pw)).toContain('"ssh://me:***@host/srv" holds a password');
    expect(pw.stderr).not.toContain("hunter2");
  });

  it("a bad config file is one error naming file:line", () => {
    rig.write(".pipe/config", `[core]\n    remote = s\n['remote "s"'\n    url = /x\n`);
    expect(usageError(rig.pipe("remote", "list"))).toBe(".pipe/config:3:1 error config-syntax: section header has no closing ]");
    rig.write(".pipe/config", `[core]\n    remote = s\n    nonsense\n`);
    expect(usageError(rig.pipe("remote", "add", "x", "/x"))).toMatch(/^\.pipe\/config:3:\d+ error config-syntax: invalid line/);
  });

  it("unknown names, existing names, bad names and bad URLs: one line, exit 2", () => {
    ok(rig.pipe("remote", "add", "a", "/srv/a"));
    expect(usageError(rig.pipe("remote", "remove", "zz"))).toBe('pipe remote remove: unknown remote "zz" (known: a)');
    expect(usageError(rig.pipe("remote", "default", "zz"))).toContain('unknown remote "zz"');
    expect(usageError(rig.pipe("remote", "modify", "zz", "region", "x"))).toContain('unknown remote "zz"');
    expect(usageError(rig.pipe("remote", "add", "a", "/srv/b"))).toContain('remote "a" already exists');
    expect(usageError(rig.pipe("remote", "add", "a b", "/srv/b"))).toContain('invalid remote name "a b"');
    expect(usageError(rig.pipe("remote", "add", "g", "gs://bucket/x"))).toContain('unsupported remote URL "gs://bucket/x"');
    expect(usageError(rig.pipe("remote", "add", "s", "s3://"))).toContain("names no bucket");
    expect(usageError(rig.pipe("remote", "add", "h", "ssh://host"))).toContain("names no folder");
    expect(usageError(rig.pipe("remote", "bogus"))).toContain('unknown subcommand "bogus"');
  });
});
