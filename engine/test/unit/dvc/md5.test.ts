// DVC's md5 rules (engine/src/dvc/md5.ts) against values computed by Python, the way DVC computes
// them: hashlib.md5 of the bytes (DVC 3), DVC 2's md5-dos2unix (text by the first 512 bytes, CRLF
// to LF chunk by chunk of 1 MiB), and json.dumps(sorted entries, sort_keys=True) for a directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dirListingJson, dos2unix, fileMd5, isTextBlock, parseDvcLock, pathMd5 } from "../../../src/dvc/index.js";

const dir = mkdtempSync(join(tmpdir(), "pipe-dvc-md5-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, bytes: Uint8Array | string): string => {
  const p = join(dir, name);
  mkdirSync(join(p, ".."), { recursive: true });
  writeFileSync(p, bytes);
  return p;
};

describe("DVC's text detection (istextblock)", () => {
  it("follows dvc-data's cases and its 30% threshold", () => {
    expect(isTextBlock(Buffer.from(""))).toBe(true);
    expect(isTextBlock(Buffer.from("text"))).toBe(true);
    expect(isTextBlock(Buffer.from("\x00\x001", "latin1"))).toBe(false);
    expect(
      isTextBlock(Buffer.from("True\x80\x04\x95\x1a\x00\x00\x00\x00\x00\x00\x00\x8c\x08\r\n__main__\x94\x8c\x06Animal\x94\x93\x94)\x81\x94.", "latin1")),
    ).toBe(false);
    expect(isTextBlock(Buffer.concat([Buffer.alloc(30, 0xe9), Buffer.alloc(68, 0x61), Buffer.from("\r\n")]))).toBe(true); // 30/100
    expect(isTextBlock(Buffer.concat([Buffer.alloc(31, 0xe9), Buffer.alloc(69, 0x61), Buffer.from("\r\n")]))).toBe(false); // 31/102
  });

  it("dos2unix turns CRLF into LF and leaves lone CRs", () => {
    expect(Buffer.from(dos2unix(Buffer.from("a\r\nb\rc\r\n\r\n"))).toString()).toBe("a\nb\rc\n\n");
  });
});

describe("file md5", () => {
  it("DVC 3 (`hash: md5`) hashes the bytes; DVC 2 (md5-dos2unix) a text file with LF line ends", async () => {
    const crlf = file("crlf.txt", "a\r\nb\r\n");
    expect(await fileMd5(crlf, "md5")).toBe("59b0d7772f0561efb95518f3cb8abc60");
    expect(await fileMd5(crlf, "md5-dos2unix")).toBe("dd8c6a395b5dd36c56d23275028f526c");
  });

  it("DVC 2 leaves binary files alone, by the first 512 bytes", async () => {
    const bin = file("bin", Buffer.concat([Buffer.from([0, 1, 13, 10]), Buffer.from("z\r\n".repeat(5))]));
    expect(await fileMd5(bin, "md5-dos2unix")).toBe("2b590ca62b19cfd5a50ae66291782bf9");
    const mostlyLatin = file("latin", Buffer.concat([Buffer.alloc(31, 0xe9), Buffer.alloc(69, 0x61), Buffer.from("\r\n")]));
    expect(await fileMd5(mostlyLatin, "md5-dos2unix")).toBe("9bff89448afaafa945c8c0eb4b2ed9ea");
    const justText = file("latin-text", Buffer.concat([Buffer.alloc(30, 0xe9), Buffer.alloc(68, 0x61), Buffer.from("\r\n")]));
    expect(await fileMd5(justText, "md5-dos2unix")).toBe("9c8e4ae0b0d4cd720692ce170b23c2ea");
  });

  it("DVC 2 converts 1 MiB chunk by chunk: a CRLF split by a chunk boundary stays", async () => {
    const big = file("big.txt", Buffer.concat([Buffer.alloc((1 << 20) - 1, 0x78), Buffer.from("\r\n"), Buffer.from("y\r\n".repeat(10))]));
    expect(await fileMd5(big, "md5-dos2unix")).toBe("bc1c0fcaf93ada2505d382922c56a829");
    expect(await fileMd5(big, "md5")).toBe("5796ba9b21a0818f7aa2047884cbc977");
  });

  it("is null for a missing file", async () => {
    expect(await fileMd5(join(dir, "nope"), "md5")).toBeNull();
    expect(await pathMd5(join(dir, "nope"), "md5")).toBeNull();
  });
});

describe("directory md5", () => {
  it("serializes the listing byte for byte as Python's json.dumps(sorted(...), sort_keys=True)", () => {
    const entries = [
      { md5: "d41d8cd98f00b204e9800998ecf8427e", relpath: "b/é x.txt" },
      { md5: "0cc175b9c0f1b6a831c399e269772661", relpath: 'a"q\\.txt' },
      { md5: "900150983cd24fb0d6963f7d28e17f72", relpath: "z/\u{1F600}\u007f.bin" },
      { md5: "acbd18db4cc2f85cedef654fccc4a4d8", relpath: "b/e.txt" },
    ];
    expect(dirListingJson(entries)).toBe(
      '[{"md5": "0cc175b9c0f1b6a831c399e269772661", "relpath": "a\\"q\\\\.txt"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "b/e.txt"}, ' +
        '{"md5": "d41d8cd98f00b204e9800998ecf8427e", "relpath": "b/\\u00e9 x.txt"}, {"md5": "900150983cd24fb0d6963f7d28e17f72", "relpath": "z/\\ud83d\\ude00\\u007f.bin"}]',
    );
    expect(dirListingJson([])).toBe("[]");
  });

  it("is the md5 of that listing over the directory's files (recursively), plus .dir", async () => {
    file("d/b/é x.txt", "");
    file('d/a"q\\.txt', "a");
    file("d/z/\u{1F600}\u007f.bin", "abc");
    file("d/b/e.txt", "foo");
    expect(await pathMd5(join(dir, "d"), "md5")).toBe("40035091fe1cb45d028d815fd3bd009e.dir");
  });
});

describe("dvc.lock", () => {
  it("reads schema 2.0 stages: cmd, params, deps and outs with their md5 rule", () => {
    const stages = parseDvcLock(
      [
        "schema: '2.0'",
        "stages:",
        "  prep:",
        "    cmd: python prep.py",
        "    deps:",
        "    - path: data/raw.csv",
        "      md5: 0cc175b9c0f1b6a831c399e269772661",
        "      size: 1",
        "    params:",
        "      params.yaml:",
        "        prep.split: 0.2",
        "    outs:",
        "    - path: data/prepared",
        "      hash: md5",
        "      md5: 40035091fe1cb45d028d815fd3bd009e.dir",
        "      size: 4",
        "      nfiles: 4",
        "  remote:",
        "    cmd: [a, b]",
        "    deps:",
        "    - path: s3://bucket/x",
        "      hash: md5",
        "      etag: abc",
        "",
      ].join("\n"),
    );
    expect(stages.get("prep")).toEqual({
      cmd: "python prep.py",
      params: { "params.yaml": { "prep.split": 0.2 } },
      deps: [{ path: "data/raw.csv", md5: "0cc175b9c0f1b6a831c399e269772661", rule: "md5-dos2unix" }],
      outs: [{ path: "data/prepared", md5: "40035091fe1cb45d028d815fd3bd009e.dir", rule: "md5" }],
    });
    expect(stages.get("remote")?.deps[0]?.md5).toBeNull();
    expect(parseDvcLock("stages: {}\n").size).toBe(0); // not schema 2.0
    expect(parseDvcLock(": : :").size).toBe(0);
  });
});
