// What pipe remote add|remove|default|modify write: only pipe's files, secrets only to
// .pipe/config.local, other sections kept, and a one-line refusal for every bad request.
import { describe, expect, it } from "vitest";
import { addRemote, modifyRemote, removeRemote, setDefault, type EditPlan } from "../../../src/remote/config/edit.js";
import { buildRemoteConfig, parseConfigs, type ConfigFile, type ParsedConfigs, type RemoteConfig } from "../../../src/remote/config/model.js";
import type { Result } from "../../../src/diagnostics/index.js";

type Files = Partial<Record<ConfigFile, string>>;
type Op = (parsed: ParsedConfigs, config: RemoteConfig) => Result<EditPlan, string>;

function load(files: Files): { parsed: ParsedConfigs; config: RemoteConfig } {
  const parsed = parseConfigs(new Map(Object.entries(files) as [ConfigFile, string][]));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const config = buildRemoteConfig(parsed.value, "/proj");
  if (!config.ok) throw new Error(config.error.message);
  return { parsed: parsed.value, config: config.value };
}

/** Applies an edit: the files after it, its notes, and the merged config. */
function run(files: Files, op: Op): { files: Files; notes: readonly string[]; config: RemoteConfig } {
  const { parsed, config } = load(files);
  const plan = op(parsed, config);
  if (!plan.ok) throw new Error(plan.error);
  const after: Files = { ...files, ...Object.fromEntries(plan.value.writes) };
  return { files: after, notes: plan.value.notes, config: load(after).config };
}

function refusal(files: Files, op: Op): string {
  const { parsed, config } = load(files);
  const plan = op(parsed, config);
  if (plan.ok) throw new Error("expected a refusal");
  return plan.error;
}

const add =
  (name: string, url: string, o: { d?: boolean; f?: boolean; local?: boolean } = {}): Op =>
  (p, c) =>
    addRemote(p, c, { name, url, makeDefault: o.d ?? false, force: o.f ?? false, local: o.local ?? false });

describe("add", () => {
  it("writes the remote (and with -d the default) to .pipe/config as DVC would", () => {
    const r = run({}, add("storage", "s3://bucket/path", { d: true }));
    expect(r.files[".pipe/config"]).toBe(`[core]\n    remote = storage\n['remote "storage"']\n    url = s3://bucket/path\n`);
    expect(r.config.default).toBe("storage");
    expect(r.files[".pipe/config.local"]).toBeUndefined();
  });

  it("--local writes .pipe/config.local; a relative directory is stored as written", () => {
    const r = run({}, add("mine", "../cache", { local: true }));
    expect(r.files[".pipe/config.local"]).toContain("url = ../cache");
    expect(r.files[".pipe/config"]).toBeUndefined();
  });

  it("a name that exists (in any file) needs -f; -f replaces its section and keeps the others", () => {
    const start: Files = { ".pipe/config": `# team settings\n['remote "a"']\n    url = /a\n    jobs = 4\n['remote "b"']\n    url = /b\n` };
    expect(refusal(start, add("A", "/x"))).toBe('remote "a" already exists (in .pipe/config): use -f to replace it');
    expect(refusal({ ".dvc/config": `['remote "d"']\n    url = /d\n` }, add("d", "/x"))).toContain("(in .dvc/config)");
    const r = run(start, add("a", "/new", { f: true }));
    expect(r.files[".pipe/config"]).toBe(`# team settings\n['remote "b"']\n    url = /b\n['remote "a"']\n    url = /new\n`);
  });

  it.each([
    ["a b", "/x", 'invalid remote name "a b"'],
    ["it's", "/x", "invalid remote name"],
    ["ok", "gs://b/x", 'unsupported remote URL "gs://b/x"'],
    ["ok", "ssh://me:hunter2@h/p", 'remote URL "ssh://me:***@h/p" holds a password'],
  ])("refuses %j %j", (name, url, message) => {
    const msg = refusal({}, add(name, url));
    expect(msg).toContain(message);
    expect(msg).not.toContain("hunter2");
  });

  it("says when a file of higher precedence overrides what was written", () => {
    const r = run({ ".pipe/config.local": `['remote "a"']\n    url = /mine\n` }, add("a", "/team", { f: true }));
    expect(r.notes).toContain('note: .pipe/config.local also sets url of "a", and wins over .pipe/config');
  });
});

describe("modify", () => {
  const start: Files = { ".pipe/config": `['remote "s"']\n    url = s3://b\n` };

  it("sets and unsets a setting", () => {
    const r = run(start, (p, c) => modifyRemote(p, c, "s", "EndpointURL", "http://127.0.0.1:9000", { local: false }));
    expect(r.config.remotes[0]?.options).toEqual({ endpointurl: "http://127.0.0.1:9000" });
    const u = run(r.files, (p, c) => modifyRemote(p, c, "s", "endpointurl", null, { local: false }));
    expect(u.config.remotes[0]?.options).toEqual({});
    expect(u.files[".pipe/config"]).toBe(start[".pipe/config"]);
  });

  it.each(["password", "secret_access_key", "access_key_id", "session_token", "passphrase", "key_passphrase", "sas_token"])(
    "%s goes to .pipe/config.local even without --local, with a note",
    (key) => {
      const r = run(start, (p, c) => modifyRemote(p, c, "s", key, "TOPSECRET", { local: false }));
      expect(r.files[".pipe/config"]).toBe(start[".pipe/config"]);
      expect(r.files[".pipe/config.local"]).toBe(`['remote "s"']\n    ${key} = TOPSECRET\n`);
      expect(r.notes).toContain(`note: ${key} is a secret: written to .pipe/config.local (git-ignored), not .pipe/config`);
      expect(r.notes.join("\n")).not.toContain("TOPSECRET");
      expect(r.config.remotes[0]?.options[key]).toBe("TOPSECRET");
    },
  );

  it("a secret found in .pipe/config is moved out of it", () => {
    const r = run({ ".pipe/config": `['remote "s"']\n    url = s3://b\n    password = old\n` }, (p, c) =>
      modifyRemote(p, c, "s", "password", "new", { local: false }),
    );
    expect(r.files[".pipe/config"]).toBe(`['remote "s"']\n    url = s3://b\n`);
    expect(r.notes.join("\n")).not.toContain("new");
  });

  it("a setting not known for the remote's kind is kept, with a note naming the nearest known one", () => {
    const r = run(start, (p, c) => modifyRemote(p, c, "s", "endpoint_url", "http://x", { local: false }));
    expect(r.config.remotes[0]?.options).toEqual({ endpoint_url: "http://x" });
    expect(r.notes).toEqual(["note: endpoint_url is not a setting known for s3 remotes (did you mean endpointurl?); kept as written"]);
    expect(run(start, (p, c) => modifyRemote(p, c, "s", "region", "eu-west-1", { local: false })).notes).toEqual([]);
  });

  it("a remote defined in .dvc/config is modified through .pipe/config", () => {
    const r = run({ ".dvc/config": `['remote "d"']\n    url = s3://b\n` }, (p, c) => modifyRemote(p, c, "d", "region", "eu-west-1", { local: false }));
    expect(r.files[".dvc/config"]).toBe(`['remote "d"']\n    url = s3://b\n`);
    expect(r.files[".pipe/config"]).toBe(`['remote "d"']\n    region = eu-west-1\n`);
    expect(r.config.remotes[0]).toMatchObject({ url: "s3://b", options: { region: "eu-west-1" }, definedIn: ".dvc/config" });
  });

  it("refuses an unknown remote, a bad key, a bad url, unsetting the url, and a multi-line value", () => {
    expect(refusal(start, (p, c) => modifyRemote(p, c, "x", "region", "r", { local: false }))).toBe('unknown remote "x" (known: s)');
    expect(refusal(start, (p, c) => modifyRemote(p, c, "s", "bad key", "r", { local: false }))).toContain('invalid setting name "bad key"');
    expect(refusal(start, (p, c) => modifyRemote(p, c, "s", "url", "ftp://x", { local: false }))).toContain("unsupported remote URL");
    expect(refusal(start, (p, c) => modifyRemote(p, c, "s", "url", null, { local: false }))).toContain("cannot be unset");
    expect(refusal(start, (p, c) => modifyRemote(p, c, "s", "password", "a\nb", { local: false }))).toBe('password of "s": a value cannot span lines');
  });
});

describe("remove and default", () => {
  const both: Files = {
    ".pipe/config": `[core]\n    remote = a\n['remote "a"']\n    url = /a\n['remote "b"']\n    url = /b\n`,
    ".pipe/config.local": `['remote "a"']\n    password = pw\n`,
  };

  it("remove drops the remote from both pipe files and clears the default that named it", () => {
    const r = run(both, (p, c) => removeRemote(p, c, "a"));
    expect(r.files[".pipe/config"]).toBe(`['remote "b"']\n    url = /b\n`);
    expect(r.files[".pipe/config.local"]).toBe("");
    expect(r.config.default).toBeNull();
    expect(r.notes[0]).toContain('"a" was the default remote');
  });

  it("remove keeps the default when it names another remote; an unknown name is refused", () => {
    expect(run(both, (p, c) => removeRemote(p, c, "b")).config.default).toBe("a");
    expect(refusal(both, (p, c) => removeRemote(p, c, "zz"))).toBe('unknown remote "zz" (known: a, b)');
  });

  it("a remote only in DVC's files is not removed (pipe does not write them)", () => {
    expect(refusal({ ".dvc/config": `['remote "d"']\n    url = /d\n` }, (p, c) => removeRemote(p, c, "d"))).toContain("remove it there (dvc remote remove d)");
  });

  it("default sets, --unset clears even a default DVC's file sets, and an unknown name is refused", () => {
    const set = run(both, (p, c) => setDefault(p, c, "B", { local: false }));
    expect(set.config.default).toBe("b");
    const dvc: Files = { ".dvc/config": `[core]\n    remote = d\n['remote "d"']\n    url = /d\n` };
    const unset = run(dvc, (p, c) => setDefault(p, c, null, { local: false }));
    expect(unset.config.default).toBeNull();
    expect(unset.files[".dvc/config"]).toBe(dvc[".dvc/config"]);
    expect(refusal(both, (p, c) => setDefault(p, c, "zz", { local: false }))).toBe('unknown remote "zz" (known: a, b)');
  });

  it("a default written to .pipe/config while .pipe/config.local names another is noted (the local one wins)", () => {
    const r = run({ ...both, ".pipe/config.local": `[core]\n    remote = b\n` }, (p, c) => setDefault(p, c, "a", { local: false }));
    expect(r.config.default).toBe("b");
    expect(r.notes).toEqual(['note: .pipe/config.local also sets the default remote ("b"), and wins over .pipe/config']);
  });
});
