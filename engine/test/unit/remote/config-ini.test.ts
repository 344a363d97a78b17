// The configobj dialect of .dvc/config and .pipe/config: what is read, which mistakes are named by
// file:line, and that an edit keeps every other section, key and comment.
import { describe, expect, it } from "vitest";
import { parseIni, sectionsOf } from "../../../src/remote/config/ini.js";
import { quoteValue, removeSection, serializeIni, setEntry, unsetEntry } from "../../../src/remote/config/ini-edit.js";

// As `dvc remote add -d storage s3://bucket/path` and `dvc remote modify` write it (configobj).
const DVC = `[core]
    remote = storage
    autostage = true
['remote "storage"']
    url = s3://bucket/path
    endpointurl = http://localhost:9000
`;

const parse = (text: string, file = ".dvc/config") => {
  const r = parseIni(file, text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const entries = (text: string) =>
  Object.fromEntries([...sectionsOf(parse(text))].map(([name, s]) => [name, Object.fromEntries([...s.entries].map(([k, e]) => [k, e.value]))]));

describe("reading", () => {
  it("reads DVC's file: bare and quoted section names, indented keys", () => {
    expect(entries(DVC)).toEqual({
      core: { remote: "storage", autostage: "true" },
      'remote "storage"': { url: "s3://bucket/path", endpointurl: "http://localhost:9000" },
    });
  });

  it("reads quoted values, inline and full-line comments, CRLF, upper-case keys and names", () => {
    const text = `# top\r\n[Core]\r\n  Remote = "my remote" # the default\r\n['Remote "X"']\r\n  URL = /x\r\n`;
    expect(entries(text)).toEqual({ core: { remote: "my remote" }, 'remote "x"': { url: "/x" } });
    expect(entries(`[a]\nk = 'has # hash, comma'\nj = v # note\nempty =\nq = ""\n`).a).toEqual({ k: "has # hash, comma", j: "v", empty: "", q: "" });
  });

  it("reads a triple-quoted value over several lines", () => {
    expect(entries(`[a]\nk = '''one\ntwo'''\nz = 1\n`).a).toEqual({ k: "one\ntwo", z: "1" });
  });

  it.each([
    ["[core\n", 1, "no closing ]"],
    ["[core]\n    just words\n", 2, "invalid line"],
    ["[a]\nk = 'open\n", 2, "unterminated"],
    ["[a]\nk = '''open\nmore\n", 2, "unterminated '''"],
    ["[a]\nk = 'v' trailing\n", 2, "after the closing quote"],
    ["[a]\nk = 'v', 'w'\n", 2, "lists are not supported"],
    ["[a]\n[[b]]\n", 2, "nested sections"],
    ["[a]\nk = 1\n[A]\n", 3, "duplicate section [a] (first at line 1)"],
    ["[a]\nk = 1\n  K = 2\n", 3, "duplicate key k in [a] (first at line 2)"],
    ["[]\n", 1, "empty section name"],
  ])("names file and line of %j", (text, line, message) => {
    const r = parseIni(".pipe/config", text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("config-syntax");
    expect(r.error.location).toMatchObject({ file: ".pipe/config", line });
    expect(r.error.message).toContain(message);
  });
});

describe("writing", () => {
  const commented = `# settings for the team\n[core]\n    remote = storage  # default\n\n# the bucket\n['remote "storage"']\n    url = s3://bucket/path\n[other]\n  keep = me\n`;

  it("an unedited document serializes to its text", () => {
    expect(serializeIni(parse(commented))).toBe(commented);
  });

  it("setting a key replaces its line in place and keeps every other line", () => {
    const out = serializeIni(setEntry(parse(commented), 'remote "storage"', "url", "s3://other/p"));
    expect(out).toBe(commented.replace("url = s3://bucket/path", "url = s3://other/p"));
  });

  it("a new key goes at its section's end, a new section at the file's end, as configobj writes them", () => {
    let doc = setEntry(parse(commented), 'remote "storage"', "region", "eu-west-1");
    doc = setEntry(doc, 'remote "backup"', "url", "/mnt/cache");
    const out = serializeIni(doc);
    expect(out).toContain(`    url = s3://bucket/path\n    region = eu-west-1\n[other]`);
    expect(out.endsWith(`  keep = me\n['remote "backup"']\n    url = /mnt/cache\n`)).toBe(true);
    expect(entries(out)['remote "backup"']).toEqual({ url: "/mnt/cache" });
  });

  it("a new section asked for first goes before the other sections, after the file's opening comment", () => {
    const out = serializeIni(setEntry(parse(`# mine\n['remote "a"']\n    url = /a\n`), "core", "remote", "a", { first: true }));
    expect(out).toBe(`# mine\n[core]\n    remote = a\n['remote "a"']\n    url = /a\n`);
  });

  it("unsetting the last key drops its section; removing a section keeps the others", () => {
    const unset = serializeIni(unsetEntry(parse(commented), 'remote "storage"', "url"));
    expect(unset).not.toContain('remote "storage"');
    expect(entries(unset)).toEqual({ core: { remote: "storage" }, other: { keep: "me" } });
    const removed = serializeIni(removeSection(parse(commented), "core"));
    expect(entries(removed)).toEqual({ 'remote "storage"': { url: "s3://bucket/path" }, other: { keep: "me" } });
    expect(removed.startsWith("# settings for the team\n")).toBe(true);
  });

  it.each(["", " lead", "trail ", "a#b", "a,b", `say "hi"`, "it's", "plain/value:1"])("quotes %j so it reads back the same", (value) => {
    const text = `[a]\n    k = ${quoteValue(value)}\n`;
    expect(entries(text).a?.k).toBe(value);
  });
});
