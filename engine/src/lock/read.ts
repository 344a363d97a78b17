// Read and validate pipeline.lock from its YAML nodes, so a hand-damaged lock is reported as one
// `bad-lock` diagnostic at file:line:col instead of crashing. An absent lock is an empty lock.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from "yaml";
import type { RelPath } from "../config/types.js";
import { err, ok, type Diagnostic, type Result } from "../diagnostics/types.js";
import { isDigest } from "../hashing/index.js";
import { LOCK_FILE, LOCK_SCHEMA, emptyLock, type LockEntry, type LockFile, type LockItem } from "./types.js";

/** Thrown inside the validator only, turned into the returned diagnostic. */
class BadLock extends Error {
  constructor(
    message: string,
    readonly node: Node | null | undefined,
  ) {
    super(message);
  }
}

type Entries = [string, Node | null][];

function mapEntries(node: unknown, what: string): Entries {
  if (!isMap(node)) throw new BadLock(`${what} must be a mapping`, node as Node);
  return node.items.map((p) => {
    const key = isScalar(p.key) ? p.key.value : p.key;
    if (typeof key !== "string") throw new BadLock(`${what}: keys must be strings`, p.key as Node);
    return [key, (p.value ?? null) as Node | null];
  });
}

function str(node: Node | null, what: string): string {
  if (!isScalar(node) || typeof node.value !== "string") throw new BadLock(`${what} must be a string`, node);
  return node.value;
}

function num(node: Node | null, what: string): number {
  if (!isScalar(node) || typeof node.value !== "number" || !Number.isInteger(node.value) || node.value < 0) {
    throw new BadLock(`${what} must be a non-negative integer`, node);
  }
  return node.value;
}

/** A hash as written: an unquoted all-digit (or `123e45`) digest would resolve to a number. */
function digestText(node: Node | null, what: string): string {
  if (isScalar(node) && typeof node.value === "number" && typeof node.source === "string") return node.source;
  return str(node, what);
}

function items(node: Node | null, what: string): LockItem[] {
  if (!isSeq(node)) throw new BadLock(`${what} must be a list`, node);
  return node.items.map((n) => {
    const fields = new Map(mapEntries(n, `${what} item`));
    const path = str(fields.get("path") ?? null, `${what} path`);
    const hashNode = fields.get("hash") ?? null;
    const hash = digestText(hashNode, `${what} hash`);
    if (!isDigest(hash)) throw new BadLock(`${what} hash is not a digest: ${hash}`, hashNode);
    const size = num(fields.get("size") ?? null, `${what} size`);
    const nf = fields.get("nfiles");
    const base = { path: path as RelPath, hash, size };
    return nf === undefined ? base : { ...base, nfiles: num(nf, `${what} nfiles`) };
  });
}

function entry(name: string, node: Node | null): LockEntry {
  const f = new Map(mapEntries(node, `stage ${name}`));
  const cmdNode = f.get("cmd") ?? null;
  let cmd: string | string[];
  if (isSeq(cmdNode)) cmd = cmdNode.items.map((c) => str(c as Node, `stage ${name} cmd`));
  else cmd = str(cmdNode ?? node, `stage ${name} cmd`);
  const params: Record<string, Record<string, unknown>> = {};
  const p = f.get("params");
  if (p !== undefined && p !== null) {
    for (const [file, keys] of mapEntries(p, `stage ${name} params`)) {
      const values: Record<string, unknown> = {};
      for (const [k, v] of mapEntries(keys, `stage ${name} params ${file}`)) values[k] = v === null ? null : v.toJSON();
      params[file] = values;
    }
  }
  const d = f.get("deps");
  const o = f.get("outs");
  const e = f.get("env");
  const result: LockEntry = {
    cmd,
    deps: d === undefined || d === null ? [] : items(d, `stage ${name} deps`),
    params,
    outs: o === undefined || o === null ? [] : items(o, `stage ${name} outs`),
  };
  if (e === undefined || e === null) return result;
  const env: Record<string, string> = {};
  for (const [k, v] of mapEntries(e, `stage ${name} env`)) env[k] = str(v, `stage ${name} env ${k}`);
  return { ...result, env };
}

/** Parse lock text (pure); `file` names it in diagnostics. */
export function parseLock(text: string, file: string = LOCK_FILE): Result<LockFile, Diagnostic> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const bad = (message: string, offset: number): Result<LockFile, Diagnostic> => {
    const { line, col } = lc.linePos(offset);
    return err({ severity: "error", code: "bad-lock", message: `corrupt ${file}: ${message}`, location: { file, line, col } });
  };
  const first = doc.errors[0];
  if (first) return bad(first.message.split("\n")[0] ?? first.code, first.pos[0]);
  if (doc.contents === null) return ok(emptyLock());
  try {
    const top = new Map(mapEntries(doc.contents, "the lock file"));
    const schemaNode = top.get("schema") ?? null;
    const schema = str(schemaNode ?? doc.contents, "schema");
    if (schema !== LOCK_SCHEMA) throw new BadLock(`unsupported schema '${schema}' (expected '${LOCK_SCHEMA}')`, schemaNode);
    const stagesNode = top.get("stages");
    const stages: Record<string, LockEntry> = {};
    if (stagesNode !== undefined && stagesNode !== null) {
      for (const [name, node] of mapEntries(stagesNode, "stages")) stages[name] = entry(name, node);
    }
    return ok({ schema: LOCK_SCHEMA, stages });
  } catch (e) {
    if (!(e instanceof BadLock)) throw e;
    return bad(e.message, e.node?.range?.[0] ?? 0);
  }
}

/** Read `<root>/pipeline.lock`; absent means empty. */
export async function readLock(root: string, file: string = LOCK_FILE): Promise<Result<LockFile, Diagnostic>> {
  let text: string;
  try {
    text = await fsp.readFile(join(root, file), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return ok(emptyLock());
    throw e;
  }
  return parseLock(text, file);
}
