// The directory backend (a local disk or an NFS mount) against the remote contract, in a temp folder.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { contract } from "./contract.js";

let temp = "";
beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), "pipe-remote-dir-"));
  mkdirSync(join(temp, "remote"));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

contract("directory remote", () => ({
  good: () => ({ name: "shared", url: join(temp, "remote"), options: {} }),
  noRoot: () => ({ name: "shared", url: `file://${join(temp, "not-mounted")}`, options: {} }),
  secrets: [],
  largeSize: 3 * 1024 * 1024 + 17,
}));
