// The settings DVC's schema (dvc/config_schema.py) knows for each kind of remote pipe opens: a key
// outside them is kept (a backend may read it) but noted, so a typo such as `endpoint_url` is seen.
import type { RemoteLocation } from "./url.js";

const COMMON = ["url", "jobs", "checksum_jobs", "worktree", "no_traverse", "version_aware", "verify"];

const KNOWN: Readonly<Record<RemoteLocation["kind"], readonly string[]>> = {
  directory: [...COMMON, "type", "protected", "shared", "slow_link_warning"],
  s3: [
    ...COMMON,
    ...["region", "profile", "credentialpath", "configpath", "endpointurl", "access_key_id", "secret_access_key", "session_token", "listobjects"],
    ...["use_ssl", "allow_anonymous_login", "ssl_verify", "sse", "sse_kms_key_id", "sse_customer_algorithm", "sse_customer_key", "acl"],
    ...["grant_read", "grant_read_acp", "grant_write_acp", "grant_full_control", "cache_regions", "read_timeout", "connect_timeout"],
  ],
  ssh: [
    ...COMMON,
    ...["type", "port", "user", "password", "ask_password", "passphrase", "key_passphrase", "ask_passphrase", "keyfile", "timeout"],
    ...["gss_auth", "allow_agent", "max_sessions"],
  ],
};

/** A note when `key` is not a setting known for this kind of remote (with the nearest known one), else null. */
export function unknownKeyNote(kind: RemoteLocation["kind"], key: string): string | null {
  const known = KNOWN[kind];
  if (known.includes(key)) return null;
  const near = known.map((k) => ({ k, d: distance(k, key.replace(/[-_]/g, "")) })).sort((a, b) => a.d - b.d)[0];
  const hint = near !== undefined && near.d <= 2 ? ` (did you mean ${near.k}?)` : "";
  const what = kind === "directory" ? "directory" : kind;
  return `note: ${key} is not a setting known for ${what} remotes${hint}; kept as written`;
}

/** Levenshtein distance, ignoring `_` and `-` in the known key too. */
function distance(known: string, key: string): number {
  const a = known.replace(/[-_]/g, "");
  let prev = Array.from({ length: key.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= key.length; j++) {
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === key[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[key.length] ?? 0;
}
