// An SSH server for tests: Debian's /usr/sbin/sshd in the foreground on 127.0.0.1 and a free port,
// with a generated host key, a generated user key for the current user, and a temp folder as the
// remote's root. stop() ends that sshd (by its own pid) and removes the folder.
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.js";

export const SSHD = "/usr/sbin/sshd";

export interface SshService {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The private key sshd accepts for `user`. */
  readonly keyfile: string;
  /** A private key sshd does not accept (for the refused-credentials case). */
  readonly wrongKeyfile: string;
  /** An empty folder the test may use as the remote's root. */
  readonly root: string;
  /** The host's public key line (`ssh-ed25519 AAAA...`), for known_hosts tests. */
  readonly hostPublicKey: string;
  stop(): Promise<void>;
}

/** Whether this machine can run the SSH tests (openssh-server and ssh-keygen installed). */
export function sshdAvailable(): boolean {
  return existsSync(SSHD) && spawnSync("ssh-keygen", ["-?"], { stdio: "ignore" }).error === undefined;
}

function keygen(file: string): void {
  const made = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "pipe-test", "-f", file], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`ssh-keygen failed: ${made.stderr}`);
}

export async function startSshd(): Promise<SshService> {
  const dir = mkdtempSync(join(tmpdir(), "pipe-sshd-"));
  const root = join(dir, "remote");
  mkdirSync(root);
  const hostKey = join(dir, "host_ed25519");
  const keyfile = join(dir, "id_ed25519");
  const wrongKeyfile = join(dir, "id_wrong");
  for (const file of [hostKey, keyfile, wrongKeyfile]) keygen(file);
  const authorized = join(dir, "authorized_keys");
  writeFileSync(authorized, readFileSync(`${keyfile}.pub`));
  // Privilege separation wants this folder when sshd starts as root (it is made at boot otherwise).
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });

  const port = await freePort();
  const user = userInfo().username;
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port.toString()}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${authorized}`,
      "StrictModes no",
      "PubkeyAuthentication yes",
      "PasswordAuthentication yes",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "PermitRootLogin prohibit-password",
      `AllowUsers ${user}`,
      "MaxSessions 64",
      "MaxStartups 64:30:128",
      "LogLevel ERROR",
      // In sshd's own process: no login shell (and its rc files) started per session.
      "Subsystem sftp internal-sftp",
      "",
    ].join("\n"),
  );

  const child = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => (log += text));
  await waitListening(child, port, () => log);
  return {
    host: "127.0.0.1",
    port,
    user,
    keyfile,
    wrongKeyfile,
    root,
    hostPublicKey: readFileSync(`${hostKey}.pub`, "utf8").trim(),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Until sshd accepts connections on `port`, or fails (with what it said). */
async function waitListening(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const { connect } = await import("node:net");
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${String(child.exitCode)}: ${log().trim()}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGTERM");
  throw new Error(`sshd did not listen on 127.0.0.1:${port.toString()}: ${log().trim()}`);
}
