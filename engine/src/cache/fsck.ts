// `pipe cache verify` (Git's fsck): read back every object, manifest and run-cache entry, and check
// the outputs pipeline.lock records are all in the store. Findings are data; with `repair`, bad
// objects and the run-cache entries that lean on them are removed, so the next repro makes them
// again instead of restoring them.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { mapLimit } from "../common/limit.js";
import { digestFileAs, digestKind, digestStreamFor, matchesDigest, type Digest } from "../hashing/index.js";
import type { CacheLayout } from "./layout.js";
import { readObjectText, type ObjectStore } from "./object-store.js";
import { parseRunEntry } from "./runs.js";
import { parseManifest } from "./store.js";

export type Finding =
  | { readonly kind: "corrupt-object"; readonly digest: Digest }
  | { readonly kind: "bad-manifest"; readonly digest: Digest }
  | { readonly kind: "manifest-gap"; readonly digest: Digest; readonly file: string; readonly object: Digest }
  | { readonly kind: "bad-run-entry"; readonly key: string; readonly why: string }
  | { readonly kind: "run-entry-gap"; readonly key: string; readonly path: string; readonly object: Digest }
  | { readonly kind: "lock-gap"; readonly stage: string; readonly path: string; readonly object: Digest };

export interface FsckReport {
  readonly objects: number;
  readonly runEntries: number;
  readonly lockOuts: number;
  readonly findings: readonly Finding[];
  /** With repair: what was removed, relative to `.cache/`. */
  readonly removed: readonly string[];
}

export function describeFinding(f: Finding): string {
  switch (f.kind) {
    case "corrupt-object":
      return `object ${f.digest}: its bytes do not hash to its name`;
    case "bad-manifest":
      return `manifest ${f.digest}: does not parse, or does not hash to its name`;
    case "manifest-gap":
      return `manifest ${f.digest}: ${f.file} names object ${f.object}, which is missing or bad`;
    case "bad-run-entry":
      return `run-cache entry ${f.key}: ${f.why}`;
    case "run-entry-gap":
      return `run-cache entry ${f.key}: ${f.path} needs object ${f.object}, which is missing or bad`;
    case "lock-gap":
      return `pipeline.lock: ${f.path} of stage '${f.stage}' has no good copy in the cache (object ${f.object}); 'pipe repro ${f.stage}' makes it again`;
    default: {
      const never: never = f;
      throw new Error(`unknown finding ${JSON.stringify(never)}`);
    }
  }
}

export interface FsckInputs {
  readonly layout: CacheLayout;
  readonly objects: ObjectStore;
  /** The outputs pipeline.lock records, by stage. */
  readonly recorded: readonly { readonly stage: string; readonly path: string; readonly hash: Digest }[];
  readonly repair: boolean;
}

export async function fsck(inp: FsckInputs): Promise<FsckReport> {
  const { objects } = inp;
  const findings: Finding[] = [];
  const all: Digest[] = [];
  for await (const d of objects.list()) all.push(d);
  all.sort();
  // Every object, read back in full.
  const good = new Set<Digest>();
  const files = all.filter((d) => !d.endsWith(".dir"));
  const fileOk = await mapLimit(files, 4, async (d) => {
    try {
      if (objects.localPath !== undefined) return (await digestFileAs(objects.localPath(d), digestKind(d))) === d;
      const stream = await objects.read(d);
      if (stream === null) return false;
      // Bytes, not text: a binary object would not survive a round trip through UTF-8.
      const h = digestStreamFor(d);
      for await (const chunk of stream) h.update(chunk as Uint8Array);
      return h.digest() === d;
    } catch {
      return false;
    }
  });
  files.forEach((d, i) => (fileOk[i] ? good.add(d) : findings.push({ kind: "corrupt-object", digest: d })));
  const badManifests = new Set<Digest>();
  for (const d of all.filter((x) => x.endsWith(".dir"))) {
    const text = await readObjectText(objects, d).catch(() => null);
    const manifest = text !== null && matchesDigest(text, d) ? parseManifest(text) : null;
    if (manifest === null) {
      findings.push({ kind: "bad-manifest", digest: d });
      badManifests.add(d);
      continue;
    }
    const gap = manifest.find(([, fd]) => !good.has(fd));
    if (gap !== undefined) {
      findings.push({ kind: "manifest-gap", digest: d, file: gap[0], object: gap[1] });
      badManifests.add(d);
      continue;
    }
    good.add(d);
  }
  // Run-cache entries: they parse, and every out they name is there and good.
  const badRuns: string[] = [];
  const runNames = (await fsp.readdir(inp.layout.runs).catch(() => [] as string[])).filter((n) => !n.startsWith(".")).sort();
  for (const name of runNames) {
    const key = name.replace(/\.json$/, "");
    const text = await fsp.readFile(join(inp.layout.runs, name), "utf8").catch(() => "");
    const entry = name.endsWith(".json") ? parseRunEntry(text) : "not a run-cache entry";
    if (typeof entry === "string") {
      findings.push({ kind: "bad-run-entry", key, why: entry });
      badRuns.push(name);
      continue;
    }
    const gap = entry.outs.find((o) => !good.has(o.digest));
    if (gap !== undefined) {
      findings.push({ kind: "run-entry-gap", key, path: gap.path, object: gap.digest });
      badRuns.push(name);
    }
  }
  // pipeline.lock: every recorded out can be checked out.
  let lockOuts = 0;
  for (const out of inp.recorded) {
    lockOuts++;
    if (!good.has(out.hash)) findings.push({ kind: "lock-gap", stage: out.stage, path: out.path, object: out.hash });
  }
  const removed: string[] = [];
  if (inp.repair) {
    for (const f of findings) {
      if (f.kind === "corrupt-object" || f.kind === "bad-manifest" || f.kind === "manifest-gap") {
        await objects.remove(f.digest);
        removed.push(`objects/${f.digest.slice(0, 2)}/${f.digest.slice(2)}`);
      }
    }
    for (const name of badRuns) {
      await fsp.rm(join(inp.layout.runs, name), { force: true });
      removed.push(`runs/${name}`);
    }
  }
  return { objects: all.length, runEntries: runNames.length, lockOuts, findings, removed };
}
