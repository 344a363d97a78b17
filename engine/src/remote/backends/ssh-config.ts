// From an `ssh://user@host:port/abs/path` remote and its options to what ssh2 connects with: user,
// port, the keys to offer (ssh-agent, `keyfile`, ~/.ssh/id_ed25519, id_ecdsa, id_rsa), a password,
// and the host key check.
//
// Host keys: when ~/.ssh/known_hosts records the host, the server's key must be one of those
// recorded (a mismatch is refused, as ssh does); when it records nothing, the key is accepted, like
// `StrictHostKeyChecking=accept-new` but without writing known_hosts (pipe never edits ~/.ssh).
// `known_hosts` (option) names another file; `known_hosts = none` skips the check.
import { existsSync, readFileSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { AuthMethod, ConnectConfig, ParsedKey } from "ssh2";
import ssh2 from "ssh2";
import type { RemoteSettings } from "./backend.js";
import { RemoteError } from "./backend.js";
import { algorithmsFor, knownKeysFor } from "./known-hosts.js";
import type { KnownKey } from "./known-hosts.js";
import type { OpenContext } from "./open.js";

export interface SshTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The remote's root folder on the host, absolute. */
  readonly root: string;
  /** The URL as shown: `ssh://user@host:port/path`, never a password. */
  readonly display: string;
  /** ssh2's settings, less the host key check (see `hostCheck`). */
  readonly connect: ConnectConfig;
  /** The keys known_hosts records for this host; empty when it records none (accepted, not written). */
  readonly known: readonly KnownKey[];
  readonly revoked: readonly KnownKey[];
  readonly knownHostsFile: string | undefined;
  /** Secrets to keep out of messages. */
  readonly secrets: readonly string[];
  /** SSH connections to open (the `sessions` option), each one SFTP channel. */
  readonly sessions: number;
}

const DEFAULT_KEYS = ["id_ed25519", "id_ecdsa", "id_rsa"];
const DEFAULT_SESSIONS = 4;

export function sshTarget(settings: RemoteSettings, ctx: OpenContext): SshTarget {
  const o = settings.options;
  let url: URL;
  try {
    url = new URL(settings.url.trim());
  } catch {
    throw new RemoteError("config", `remote "${settings.name}": ${JSON.stringify(stripPassword(settings.url))} is not a valid ssh:// URL`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const user = o.user ?? (url.username !== "" ? decodeURIComponent(url.username) : undefined) ?? ctx.env.USER ?? userInfo().username;
  const portText = o.port ?? (url.port !== "" ? url.port : "22");
  const port = Number(portText);
  const root = decodeURIComponent(url.pathname).replace(/\/+$/, "") || "/";
  const shownPort = port === 22 ? "" : `:${port.toString()}`;
  const display = `ssh://${user}@${url.hostname}${shownPort}${root}`;
  const bad = (what: string): RemoteError => new RemoteError("config", `remote "${settings.name}" (${display}): ${what}`);
  if (host === "") throw bad("no host in the URL (write ssh://user@host/absolute/path)");
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`port ${JSON.stringify(portText)} is not a port number`);
  if (root.startsWith("/~")) throw bad("the path must be absolute (write ssh://host/home/me/cache, not ~)");
  const sessionsText = o.sessions ?? String(DEFAULT_SESSIONS);
  const sessions = Number(sessionsText);
  if (!Number.isInteger(sessions) || sessions < 1 || sessions > 64) throw bad(`sessions = ${JSON.stringify(sessionsText)} is not a number from 1 to 64`);

  const home = ctx.env.HOME ?? homedir();
  const expand = (path: string): string => (path.startsWith("~/") ? join(home, path.slice(2)) : isAbsolute(path) ? path : resolve(ctx.root, path));
  const password = o.password ?? (url.password !== "" ? decodeURIComponent(url.password) : undefined);
  const passphrase = o.passphrase;

  const auth: AuthMethod[] = [];
  const agent = ctx.env.SSH_AUTH_SOCK;
  if (agent !== undefined && agent !== "" && o.keyfile === undefined) auth.push({ type: "agent", username: user, agent } as AuthMethod);
  const keyfiles = o.keyfile !== undefined ? [expand(o.keyfile)] : DEFAULT_KEYS.map((name) => join(home, ".ssh", name)).filter((f) => existsSync(f));
  for (const file of keyfiles) {
    const key = readKey(file, passphrase, o.keyfile !== undefined, bad);
    if (key) auth.push({ type: "publickey", username: user, key } as AuthMethod);
  }
  if (password !== undefined) auth.push({ type: "password", username: user, password } as AuthMethod);
  if (auth.length === 0) auth.push({ type: "none", username: user });

  const knownOption = o.known_hosts;
  const knownHostsFile = knownOption === "none" ? undefined : expand(knownOption ?? "~/.ssh/known_hosts");
  let known: KnownKey[] = [];
  let revoked: KnownKey[] = [];
  if (knownHostsFile !== undefined && existsSync(knownHostsFile)) {
    const keys = knownKeysFor(readFileSync(knownHostsFile, "utf8"), host, port);
    known = [...keys.accepted];
    revoked = [...keys.revoked];
  }
  const connect: ConnectConfig = {
    host,
    port,
    username: user,
    authHandler: auth,
    readyTimeout: 20_000,
    keepaliveInterval: 15_000,
    ...(known.length > 0 ? { algorithms: { serverHostKey: algorithmsFor(known) as never } } : {}),
  };
  return {
    host,
    port,
    user,
    root,
    display,
    connect,
    known,
    revoked,
    knownHostsFile,
    secrets: [password, passphrase].filter((s): s is string => s !== undefined),
    sessions,
  };
}

/** A private key file parsed (decrypted with `passphrase` when it is encrypted); an unusable default key is skipped. */
function readKey(file: string, passphrase: string | undefined, explicit: boolean, bad: (what: string) => RemoteError): ParsedKey | undefined {
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (err) {
    if (!explicit) return undefined;
    throw bad(`cannot read keyfile ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const parsed = ssh2.utils.parseKey(text, passphrase);
  const key: ParsedKey | Error | undefined = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (key === undefined || key instanceof Error) {
    if (!explicit) return undefined;
    const why =
      key instanceof Error && /encrypt|passphrase/i.test(key.message)
        ? "is encrypted; set its passphrase with `pipe remote modify --local NAME passphrase ...`"
        : "is not a private key ssh2 can read";
    throw bad(`keyfile ${file} ${why}`);
  }
  return key;
}

/** Whether the host's key (its blob) is acceptable under the policy above. */
export function hostKeyAccepted(target: SshTarget, blob: Buffer): boolean {
  if (target.revoked.some((k) => k.blob.equals(blob))) return false;
  if (target.known.length === 0) return true;
  return target.known.some((k) => k.blob.equals(blob));
}

/** `ssh://me:secret@host/x` → `ssh://me@host/x`, for messages about a URL that did not parse. */
export function stripPassword(url: string): string {
  return url.replace(/^(ssh:\/\/[^:@/]*):[^@/]*@/i, "$1@");
}
