// Canonical JSON (object keys sorted recursively, no whitespace) and the record fingerprint built
// on it, so equal records hash equally whatever order their keys were written in.
import { digestString, type Fingerprint } from "./digest.js";

/**
 * JSON.stringify with object keys sorted at every level. `undefined` members are dropped (as
 * JSON does), non-finite numbers become `null`, bigints become decimal strings.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? "null";
}

function write(v: unknown): string | undefined {
  const t = typeof v;
  switch (t) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? JSON.stringify(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return JSON.stringify(String(v));
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    case "object": {
      if (v === null) return "null";
      if (Array.isArray(v)) return `[${v.map((x) => write(x) ?? "null").join(",")}]`;
      const json = (v as { toJSON?: () => unknown }).toJSON;
      if (typeof json === "function") return write(json.call(v));
      const rec = v as Record<string, unknown>;
      const parts: string[] = [];
      for (const k of Object.keys(rec).sort()) {
        const s = write(rec[k]);
        if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`);
      }
      return `{${parts.join(",")}}`;
    }
    default: {
      const never: never = t;
      throw new Error(`canonicalJson: unexpected typeof ${String(never)}`);
    }
  }
}

/** BLAKE3 hex of `canonicalJson(record)`: the stage fingerprint primitive (run-cache keys, shared through remotes). */
export function fingerprint(record: unknown): Fingerprint {
  return digestString(canonicalJson(record)) as string as Fingerprint;
}
