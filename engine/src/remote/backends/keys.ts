// Keys are `/`-separated paths under a remote's root (`objects/ab/cdef...`, `runs/<fp>.json`):
// checked once here so no backend can be led outside its root, plus the helpers that batch them.
import { randomBytes } from "node:crypto";
import { RemoteError } from "./backend.js";

/** A key must be a plain relative path: no leading `/`, no empty, `.` or `..` segment, no `\`. */
export function checkKey(key: string): string {
  const bad =
    key === "" || key.startsWith("/") || key.includes("\\") || key.includes("\0") || key.split("/").some((seg) => seg === "" || seg === "." || seg === "..");
  if (bad) throw new RemoteError("config", `invalid remote key ${JSON.stringify(key)} (a relative path without . or ..)`, key);
  return key;
}

/** A list prefix: "" (everything) or a folder such as `objects/`; a trailing `/` is optional. */
export function checkPrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, "");
  if (trimmed === "") return "";
  checkKey(trimmed);
  return `${trimmed}/`;
}

const TEMP = /\.tmp-[0-9a-f]{16}$/;

/** The temporary name a put writes before renaming: `<key>.tmp-<random>` in the same folder. */
export function tempKey(key: string): string {
  return `${key}.tmp-${randomBytes(8).toString("hex")}`;
}

/** Whether a name is a put still in flight (or one that died): never listed as a key. */
export function isTempName(name: string): boolean {
  return TEMP.test(name);
}

/** The folder part of a key (`objects/ab` for `objects/ab/cdef`, "" for a top-level key). */
export function parentOf(key: string): string {
  const slash = key.lastIndexOf("/");
  return slash < 0 ? "" : key.slice(0, slash);
}

/** Keys grouped by their folder, so a backend can list a folder once instead of asking per key. */
export function groupByParent(keys: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const key of new Set(keys)) {
    const parent = parentOf(checkKey(key));
    const group = groups.get(parent);
    if (group) group.push(key);
    else groups.set(parent, [key]);
  }
  return groups;
}
