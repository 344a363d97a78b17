// The SSH/SFTP backend against the remote contract, on Debian's sshd started here on 127.0.0.1
// with generated host and user keys; plus the host key check against a known_hosts file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openBackend, RemoteError } from "../../../src/remote/backends/index.js";
import type { RemoteSettings } from "../../../src/remote/backends/index.js";
import { describeWith } from "../../services/needs.js";
import { freePort } from "../../services/ports.js";
import type { SshService } from "../../services/sshd.js";
import { sshdAvailable, startSshd } from "../../services/sshd.js";
import { contract } from "./contract.js";

const available = sshdAvailable();
let sshd: SshService;
let closedPort = 0;
let temp = "";

describeWith("ssh remote", available, "openssh-server (/usr/sbin/sshd) and ssh-keygen", () => {
  beforeAll(async () => {
    sshd = await startSshd();
    closedPort = await freePort();
    temp = mkdtempSync(join(tmpdir(), "pipe-ssh-test-"));
  });
  afterAll(async () => {
    await sshd?.stop();
    if (temp !== "") rmSync(temp, { recursive: true, force: true });
  });

  // No ssh-agent and no ~/.ssh keys of the person running the tests: only the generated key.
  const env = (): Record<string, string> => ({ HOME: temp });
  const url = (root: string, port = sshd.port): string => `ssh://${sshd.user}@${sshd.host}:${port.toString()}${root}`;
  const settings = (root: string, options: Record<string, string> = {}): RemoteSettings => ({
    name: "lab",
    url: url(root),
    options: { keyfile: sshd.keyfile, known_hosts: join(temp, "known_hosts"), ...options },
  });

  contract("sftp", () => ({
    good: () => {
      mkdirSync(join(sshd.root, "cache"), { recursive: true });
      return settings(join(sshd.root, "cache"));
    },
    unreachable: () => ({ ...settings(sshd.root), url: url(sshd.root, closedPort) }),
    badAuth: () => settings(sshd.root, { keyfile: sshd.wrongKeyfile, password: "not-the-password" }),
    noRoot: () => settings(join(sshd.root, "not-there")),
    secrets: ["not-the-password"],
    largeSize: 5 * 1024 * 1024 + 11,
    env: env(),
  }));

  it("refuses a host whose key differs from the one known_hosts records for it, and accepts the recorded one", async () => {
    const known = join(temp, "known_hosts_check");
    const hostField = `[${sshd.host}]:${sshd.port.toString()}`;
    const other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBv2wGbyuLkhc0Z1sm3b3mPBEd5Q6C/hdtnWp3jdJUrL";
    writeFileSync(known, `${hostField} ${other}\n`);
    const refused = await openBackend(settings(sshd.root, { known_hosts: known }), { root: temp, env: env() });
    try {
      const err = await refused.existsMany(["x"]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteError);
      expect((err as RemoteError).kind).toBe("auth");
      expect((err as RemoteError).message).toMatch(/host key .* does not match/);
    } finally {
      await refused.close();
    }
    writeFileSync(known, `${hostField} ${sshd.hostPublicKey}\n`);
    const accepted = await openBackend(settings(sshd.root, { known_hosts: known }), { root: temp, env: env() });
    try {
      await accepted.put("known/ok", () => Readable.from([Buffer.from("ok")]), 2);
      expect([...(await accepted.existsMany(["known/ok"]))]).toEqual(["known/ok"]);
    } finally {
      await accepted.close();
    }
  });

  it("names the remote without the password a URL carried", async () => {
    const backend = await openBackend({ name: "lab", url: `ssh://me:hunter22@${sshd.host}:2222/srv/cache`, options: {} }, { root: temp, env: env() });
    expect(backend.url).toBe(`ssh://me@${sshd.host}:2222/srv/cache`);
    expect(backend.url).not.toContain("hunter22");
  });
});
