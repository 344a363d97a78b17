// Remote settings merged from .dvc/config, .dvc/config.local, .pipe/config and .pipe/config.local
// (later wins, key by key), and the remote a command gets from resolveRemote.
import { describe, expect, it } from "vitest";
import { buildRemoteConfig, parseConfigs, type ConfigFile, type RemoteConfig } from "../../../src/remote/config/model.js";
import { resolveRemote } from "../../../src/remote/config/resolve.js";

const ROOT = "/proj";
function config(files: Partial<Record<ConfigFile, string>>): RemoteConfig {
  const parsed = parseConfigs(new Map(Object.entries(files) as [ConfigFile, string][]));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const built = buildRemoteConfig(parsed.value, ROOT);
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

const DVC = `[core]\n    remote = storage\n['remote "storage"']\n    url = s3://dvc-bucket/path\n    endpointurl = http://localhost:9000\n    region = us-east-1\n`;

describe("merging", () => {
  it("reads a DVC project's .dvc/config as DVC writes it", () => {
    const c = config({ ".dvc/config": DVC });
    expect(c.default).toBe("storage");
    expect(c.remotes).toEqual([
      {
        name: "storage",
        url: "s3://dvc-bucket/path",
        options: { endpointurl: "http://localhost:9000", region: "us-east-1" },
        definedIn: ".dvc/config",
        files: [".dvc/config"],
      },
    ]);
  });

  it(".pipe/config.local wins over .pipe/config, which wins over .dvc/config.local and .dvc/config, key by key", () => {
    const c = config({
      ".dvc/config": DVC,
      ".dvc/config.local": `['remote "storage"']\n    region = eu-west-1\n    profile = dvc\n`,
      ".pipe/config": `[core]\n    remote = team\n['remote "storage"']\n    url = s3://pipe-bucket/p\n    profile = pipe\n['remote "team"']\n    url = /mnt/team\n`,
      ".pipe/config.local": `[core]\n    remote = storage\n['remote "storage"']\n    secret_access_key = s3cr3t\n['remote "team"']\n    url = /mnt/mine\n`,
    });
    expect(c.default).toBe("storage");
    expect(c.defaultSource).toBe(".pipe/config.local");
    const storage = c.remotes.find((r) => r.name === "storage");
    expect(storage).toMatchObject({
      url: "s3://pipe-bucket/p",
      definedIn: ".pipe/config",
      files: [".dvc/config", ".dvc/config.local", ".pipe/config", ".pipe/config.local"],
    });
    expect(storage?.options).toEqual({ endpointurl: "http://localhost:9000", region: "eu-west-1", profile: "pipe", secret_access_key: "s3cr3t" });
    expect(c.remotes.find((r) => r.name === "team")).toMatchObject({ url: "/mnt/mine", definedIn: ".pipe/config.local" });
    expect(c.sources).toEqual([".dvc/config", ".dvc/config.local", ".pipe/config", ".pipe/config.local"]);
  });

  it("an empty default in a later file means no default", () => {
    expect(config({ ".dvc/config": DVC, ".pipe/config": "[core]\n    remote =\n" }).default).toBeNull();
  });

  it("a relative path in .dvc/config is relative to .dvc/ (as DVC reads it): rebased onto the project root", () => {
    const c = config({
      ".dvc/config": `['remote "local"']\n    url = ../../shared/cache\n    keyfile = keys/id\n`,
      ".pipe/config": `['remote "mine"']\n    url = ../other\n`,
    });
    expect(c.remotes.map((r) => [r.name, r.url, r.options])).toEqual([
      ["local", "../shared/cache", { keyfile: ".dvc/keys/id" }],
      ["mine", "../other", {}],
    ]);
  });

  it("names and keys are read case-insensitively, as DVC lower-cases them", () => {
    const c = config({ ".dvc/config": `[core]\n    remote = MyRemote\n['remote "MyRemote"']\n    URL = /x\n` });
    expect(c.default).toBe("myremote");
    expect(c.remotes[0]).toMatchObject({ name: "myremote", url: "/x" });
  });

  it("a remote with no url is one error naming the file and line", () => {
    const parsed = parseConfigs(new Map([[".pipe/config.local", `\n['remote "ghost"']\n    password = x\n`]]));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const built = buildRemoteConfig(parsed.value, ROOT);
    expect(built.ok).toBe(false);
    if (built.ok) return;
    expect(built.error).toMatchObject({ code: "bad-remote", location: { file: ".pipe/config.local", line: 2 } });
    expect(built.error.message).toContain('remote "ghost" has no url');
    expect(built.error.message).not.toContain("x\n");
  });

  it("a syntax error names the file it is in", () => {
    const parsed = parseConfigs(
      new Map([
        [".dvc/config", DVC],
        [".pipe/config", "[core\n"],
      ]),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.location).toMatchObject({ file: ".pipe/config", line: 1 });
  });

  it("a secret in the committed .pipe/config is a warning that does not show it", () => {
    const c = config({ ".pipe/config": `['remote "s"']\n    url = s3://b\n    password = hunter2\n` });
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatchObject({ severity: "warning", location: { file: ".pipe/config", line: 3 } });
    expect(c.warnings[0]?.message).not.toContain("hunter2");
  });
});

describe("resolveRemote", () => {
  const two = config({
    ".pipe/config": `[core]\n    remote = b\n['remote "a"']\n    url = data/remote\n['remote "b"']\n    url = ssh://me@host:2222/srv/cache\n`,
  });

  it("gives the default, or the one named (case-insensitively), with its location", () => {
    const b = resolveRemote(two);
    expect(b.ok && b.value.location).toEqual({ kind: "ssh", user: "me", host: "host", port: 2222, path: "/srv/cache" });
    const a = resolveRemote(two, "A");
    expect(a.ok && a.value.location).toEqual({ kind: "directory", path: "/proj/data/remote" });
  });

  it("no remotes: says how to add one", () => {
    const r = resolveRemote(config({}));
    expect(!r.ok && r.error).toMatchObject({ code: "no-remote", message: "no remote: add one with `pipe remote add -d NAME URL`" });
  });

  it("an unknown name lists the known ones", () => {
    const r = resolveRemote(two, "c");
    expect(!r.ok && r.error).toMatchObject({ code: "unknown-remote", message: 'unknown remote "c" (known: a, b)' });
  });

  it("no default set, or a default that names no remote", () => {
    const none = resolveRemote(config({ ".pipe/config": `['remote "a"']\n    url = /a\n` }));
    expect(!none.ok && none.error.code).toBe("no-remote");
    expect(!none.ok && none.error.message).toContain("no default remote");
    const dangling = resolveRemote(config({ ".dvc/config": `[core]\n    remote = gone\n['remote "a"']\n    url = /a\n` }));
    expect(!dangling.ok && dangling.error.message).toBe('the default remote "gone" (set in .dvc/config) is not configured (known: a)');
  });

  it("a remote whose URL pipe cannot use (a DVC gs:// remote) is refused when used, not when read", () => {
    const c = config({ ".dvc/config": `['remote "g"']\n    url = gs://bucket/x\n['remote "a"']\n    url = /a\n` });
    expect(resolveRemote(c, "a").ok).toBe(true);
    const g = resolveRemote(c, "g");
    expect(!g.ok && g.error).toMatchObject({ code: "bad-remote" });
    expect(!g.ok && g.error.message).toContain('remote "g" (.dvc/config): unsupported remote URL "gs://bucket/x"');
  });
});
