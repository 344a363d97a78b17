// What ~/.ssh/known_hosts says about a host: the keys it has recorded for `host` (or `[host]:port`),
// plain or hashed (`|1|salt|hash`), with `*`/`?` patterns and `!` negations; @revoked keys apart.
import { createHmac } from "node:crypto";

export interface KnownKey {
  /** `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`... */
  readonly type: string;
  /** The public key blob, as the server sends it. */
  readonly blob: Buffer;
  readonly line: number;
}

export interface HostKeys {
  readonly accepted: readonly KnownKey[];
  readonly revoked: readonly KnownKey[];
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

function hashedMatches(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split("|");
  if (magic !== "1" || salt === undefined || hash === undefined) return false;
  const mac = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64");
  return mac === hash;
}

/** Whether a known_hosts host field (`a,b,[c]:2222,!d,*.lan`) names `name`. */
function fieldMatches(field: string, name: string): boolean {
  if (field.startsWith("|")) return hashedMatches(field, name);
  let matched = false;
  for (const pattern of field.split(",")) {
    if (pattern.startsWith("!")) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) matched = true;
  }
  return matched;
}

/** The keys `text` (a known_hosts file) records for `host` on `port`. */
export function knownKeysFor(text: string, host: string, port: number): HostKeys {
  const name = port === 22 ? host : `[${host}]:${port.toString()}`;
  const accepted: KnownKey[] = [];
  const revoked: KnownKey[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const fields = line.split(/\s+/);
    let marker = "";
    if (fields[0]?.startsWith("@")) marker = fields.shift() ?? "";
    const [hosts, type, key] = fields;
    if (hosts === undefined || type === undefined || key === undefined) return;
    if (marker === "@cert-authority" || !fieldMatches(hosts, name)) return;
    const entry = { type, blob: Buffer.from(key, "base64"), line: index + 1 };
    if (marker === "@revoked") revoked.push(entry);
    else accepted.push(entry);
  });
  return { accepted, revoked };
}

/** The host key algorithms to offer so the server shows a key type known_hosts has (rsa has three names). */
export function algorithmsFor(keys: readonly KnownKey[]): string[] {
  const names = new Set<string>();
  for (const key of keys) {
    if (key.type === "ssh-rsa") ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"].forEach((n) => names.add(n));
    else names.add(key.type);
  }
  return [...names];
}
