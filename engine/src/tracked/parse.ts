// Reading a tracking file (`PATH.dvc`) from its YAML nodes, so a hand-damaged one is one diagnostic
// at file:line:col. Reads pipe's form (`blake3:`/`xxh64:` + `hash:`), DVC 3's (`md5:` + `hash: md5`)
// and DVC 2's (`md5:` alone); keys pipe does not use (desc, meta, cache, deps, ...) are left alone.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from "yaml";
import { dirOf, resolveRel } from "../config/paths.js";
import type { RelPath } from "../config/types.js";
import { err, ok, type Diagnostic, type DiagnosticCode, type Result } from "../diagnostics/types.js";
import { digestKind, isDigest, isDirDigest, type Digest, type DigestKind, type HashInfo } from "../hashing/index.js";
import type { TrackedOut, TrackingFile } from "./types.js";

/** The digest fields pipe writes, by kind (the field is named after the algorithm, as DVC's `md5:`). */
export const PIPE_DIGEST_FIELDS: readonly DigestKind[] = ["blake3", "xxh64"];

class BadFile extends Error {
  constructor(
    readonly code: DiagnosticCode,
    message: string,
    readonly node: Node | null | undefined,
  ) {
    super(message);
  }
}

type Fields = Map<string, Node | null>;

function fields(node: Node | null, what: string): Fields {
  if (!isMap(node)) throw new BadFile("bad-type", `${what} must be a mapping`, node);
  const out: Fields = new Map();
  for (const p of node.items) {
    const key = isScalar(p.key) ? p.key.value : p.key;
    if (typeof key !== "string") throw new BadFile("bad-type", `${what}: keys must be strings`, p.key as Node);
    out.set(key, (p.value ?? null) as Node | null);
  }
  return out;
}

/** A scalar as written: an unquoted all-digit (or `123e45`) hex digest would resolve to a number. */
function text(node: Node | null, what: string): string {
  if (isScalar(node) && typeof node.value === "number" && typeof node.source === "string") return node.source;
  if (!isScalar(node) || typeof node.value !== "string") throw new BadFile("bad-type", `${what} must be a string`, node);
  return node.value;
}

function count(node: Node | null, what: string): number {
  if (!isScalar(node) || typeof node.value !== "number" || !Number.isInteger(node.value) || node.value < 0) {
    throw new BadFile("bad-type", `${what} must be a non-negative integer`, node);
  }
  return node.value;
}

/** A root-relative folder or path from one written relative to `base`; never outside the project. */
function resolveIn(base: string, written: string, what: string, node: Node | null): RelPath {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(written) || written.startsWith("/") || /^[a-z]:[\\/]/i.test(written)) {
    throw new BadFile("invalid-path", `${what} '${written}' is not a path inside the project (external data is not supported)`, node);
  }
  const r = resolveRel("", base, written);
  if (!r.ok) throw new BadFile("invalid-path", `${what} '${written}' leaves the project`, node);
  return r.path;
}

function pipeInfo(f: Fields, hashName: string | null, where: string): HashInfo | null {
  const kind = PIPE_DIGEST_FIELDS.find((k) => f.has(k)) ?? null;
  if (kind === null) {
    if (hashName !== null && (PIPE_DIGEST_FIELDS as readonly string[]).includes(hashName)) {
      throw new BadFile("bad-type", `${where} says 'hash: ${hashName}' but has no ${hashName} digest`, f.get("hash") ?? null);
    }
    return null;
  }
  const node = f.get(kind) ?? null;
  const value = text(node, `${where} ${kind}`);
  if (!isDigest(value) || digestKind(value) !== kind) throw new BadFile("bad-type", `${where} ${kind} is not a ${kind} digest: ${value}`, node);
  const sizeNode = f.get("size");
  if (sizeNode === undefined) throw new BadFile("bad-type", `${where} has a ${kind} digest but no size`, node);
  const size = count(sizeNode, `${where} size`);
  const nf = f.get("nfiles");
  const digest: Digest = value;
  return { digest, size, isDir: isDirDigest(digest), ...(nf === undefined || nf === null ? {} : { nfiles: count(nf, `${where} nfiles`) }) };
}

function out(node: Node | null, base: string, file: string, lc: LineCounter): TrackedOut {
  const f = fields(node, "an outs entry");
  const pathNode = f.get("path");
  if (pathNode === undefined) throw new BadFile("bad-type", "an outs entry has no path", node);
  const written = text(pathNode, "path");
  if (written.trim() === "") throw new BadFile("invalid-path", "path is empty", pathNode);
  const path = resolveIn(base, written, "path", pathNode);
  if (path === "") throw new BadFile("invalid-path", `path '${written}' is the project root`, pathNode);
  const where = `entry '${written}':`;
  const hashNode = f.get("hash");
  const hashName = hashNode === undefined || hashNode === null ? null : text(hashNode, `${where} hash`);
  const info = pipeInfo(f, hashName, where);
  const md5Node = f.get("md5");
  const md5 = md5Node === undefined || md5Node === null ? "" : text(md5Node, `${where} md5`).toLowerCase();
  const { line, col } = lc.linePos(node?.range?.[0] ?? 0);
  return { written, path, info, ...(md5 === "" ? {} : { md5 }), loc: { file, line, col } };
}

/** Parse a tracking file's text (pure); `file` is its root-relative path (paths in it are relative to its folder). */
export function parseTrackingFile(source: string, file: RelPath): Result<TrackingFile, Diagnostic> {
  const lc = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const bad = (code: DiagnosticCode, message: string, offset: number): Result<TrackingFile, Diagnostic> => {
    const { line, col } = lc.linePos(offset);
    return err({ severity: "error", code, message: `tracking file: ${message}`, location: { file, line, col } });
  };
  const first = doc.errors[0];
  if (first) return bad(first.code === "DUPLICATE_KEY" ? "duplicate-key" : "yaml-syntax", first.message.split("\n")[0] ?? first.code, first.pos[0]);
  try {
    if (doc.contents === null) throw new BadFile("bad-type", "the file is empty: it needs an 'outs' list", null);
    const top = fields(doc.contents, "the file");
    const wdirNode = top.get("wdir");
    const base = wdirNode === undefined || wdirNode === null ? dirOf(file) : resolveIn(dirOf(file), text(wdirNode, "wdir"), "wdir", wdirNode);
    const outsNode = top.get("outs") ?? null;
    if (!isSeq(outsNode) || outsNode.items.length === 0) throw new BadFile("bad-type", "'outs' must be a non-empty list", outsNode ?? doc.contents);
    const outs = outsNode.items.map((n) => out(n as Node, base, file, lc));
    const seen = new Set<string>();
    for (const [i, o] of outs.entries()) {
      if (seen.has(o.path)) throw new BadFile("duplicate-output", `'${o.path}' is listed twice`, outsNode.items[i] as Node);
      seen.add(o.path);
    }
    return ok({ file, outs });
  } catch (e) {
    if (!(e instanceof BadFile)) throw e;
    return bad(e.code, e.message, e.node?.range?.[0] ?? 0);
  }
}
