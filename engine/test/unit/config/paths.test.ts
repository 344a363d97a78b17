// getPath (dotted lookup shared with params/metrics) and root-relative path normalization.
import { describe, expect, test } from "vitest";
import { getPath } from "../../../src/config/index.js";
import { isGlob, resolveRel } from "../../../src/config/paths.js";

describe("getPath", () => {
  const obj = { a: { b: { c: 1 } }, "x.y": 2, l: [10, { z: 3 }], n: null };
  test("dotted keys, list indices, literal dotted keys", () => {
    expect(getPath(obj, "a.b.c")).toEqual({ found: true, value: 1 });
    expect(getPath(obj, "a.b")).toEqual({ found: true, value: { c: 1 } });
    expect(getPath(obj, "x.y")).toEqual({ found: true, value: 2 });
    expect(getPath(obj, "l.1.z")).toEqual({ found: true, value: 3 });
    expect(getPath(obj, "n")).toEqual({ found: true, value: null });
  });
  test("missing keys", () => {
    expect(getPath(obj, "a.q")).toEqual({ found: false });
    expect(getPath(obj, "a.b.c.d")).toEqual({ found: false });
    expect(getPath(obj, "l.5")).toEqual({ found: false });
    expect(getPath(obj, "toString")).toEqual({ found: false });
    expect(getPath(null, "a")).toEqual({ found: false });
  });
});

describe("resolveRel", () => {
  test("normalizes", () => {
    expect(resolveRel("/r", "", "./a//b/")).toEqual({ ok: true, path: "a/b" });
    expect(resolveRel("/r", "w", "../a")).toEqual({ ok: true, path: "a" });
    expect(resolveRel("/r", "w", "a\\b")).toEqual({ ok: true, path: "w/a/b" });
    expect(resolveRel("/r", "", ".")).toEqual({ ok: true, path: "" });
  });
  test("outside and external", () => {
    expect(resolveRel("/r", "w", "../../a")).toEqual({ ok: false, reason: "outside" });
    expect(resolveRel("/r", "", "/elsewhere/a")).toEqual({ ok: false, reason: "outside" });
    expect(resolveRel("/r", "", "/r2/a")).toEqual({ ok: false, reason: "outside" });
    expect(resolveRel("/r", "", "https://x/y")).toEqual({ ok: false, reason: "external" });
  });
  test("globs", () => {
    expect(["*.py", "a?", "[ab]", "{a,b}"].map(isGlob)).toEqual([true, true, true, true]);
    expect(isGlob("plain/path.txt")).toBe(false);
  });
});
