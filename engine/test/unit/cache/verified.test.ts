// The verified-objects state: an object read back once is trusted while its (ino, size, mtime)
// hold, and hashed again as soon as any of them changes.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifiedObjects } from "../../../src/cache/verified.js";
import { digestString } from "../../../src/hashing/index.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pipe-verified-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("verifiedObjects", () => {
  it("hashes an object once, then trusts it while untouched, and persists what it learnt", async () => {
    const obj = join(dir, "obj");
    writeFileSync(obj, "payload");
    utimesSync(obj, 1_700_000_000, 1_700_000_000);
    const d = digestString("payload");
    const state = join(dir, "verified.json");
    const v = verifiedObjects(state);
    expect(await v.check(d, obj)).toBe("ok");
    await v.flush();
    // Same size, same inode, the old mtime put back: trusted without reading (the stat cache's rule).
    writeFileSync(obj, "PAYLOAD");
    utimesSync(obj, 1_700_000_000, 1_700_000_000);
    expect(await verifiedObjects(state).check(d, obj)).toBe("ok");
    // Any visible change: read again, and found out.
    writeFileSync(obj, "PAYLOAD");
    expect(await verifiedObjects(state).check(d, obj)).toBe("corrupt");
    expect(await v.check(d, join(dir, "nope"))).toBe("missing");
  });
});
