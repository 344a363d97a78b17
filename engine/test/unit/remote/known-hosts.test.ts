// Which known_hosts lines speak for a host: plain names, `[host]:port`, patterns, negations, hashed
// entries (HashKnownHosts), and @revoked keys, as ssh reads them.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { algorithmsFor, knownKeysFor } from "../../../src/remote/backends/known-hosts.js";

const KEY_A = Buffer.from("key-a").toString("base64");
const KEY_B = Buffer.from("key-b").toString("base64");

function hashed(name: string): string {
  const salt = Buffer.from("0123456789abcdefghij");
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

describe("knownKeysFor", () => {
  it("finds a host by name, by [host]:port off port 22, by pattern, and by its hashed name", () => {
    const text = [
      `# comment`,
      `build.lan,10.0.0.5 ssh-ed25519 ${KEY_A}`,
      `[build.lan]:2222 ssh-rsa ${KEY_B}`,
      `*.cluster,!bad.cluster ecdsa-sha2-nistp256 ${KEY_A}`,
      `${hashed("[secret.lan]:2200")} ssh-ed25519 ${KEY_B}`,
    ].join("\n");
    expect(knownKeysFor(text, "build.lan", 22).accepted.map((k) => k.line)).toEqual([2]);
    expect(knownKeysFor(text, "build.lan", 2222).accepted.map((k) => k.type)).toEqual(["ssh-rsa"]);
    expect(knownKeysFor(text, "node1.cluster", 22).accepted).toHaveLength(1);
    expect(knownKeysFor(text, "bad.cluster", 22).accepted).toHaveLength(0);
    expect(knownKeysFor(text, "secret.lan", 2200).accepted.map((k) => k.blob.toString())).toEqual(["key-b"]);
    expect(knownKeysFor(text, "elsewhere", 22).accepted).toHaveLength(0);
  });

  it("keeps @revoked keys apart and ignores @cert-authority lines", () => {
    const text = `@revoked build.lan ssh-ed25519 ${KEY_A}\n@cert-authority *.lan ssh-ed25519 ${KEY_B}\n`;
    const keys = knownKeysFor(text, "build.lan", 22);
    expect(keys.accepted).toHaveLength(0);
    expect(keys.revoked.map((k) => k.blob.toString())).toEqual(["key-a"]);
  });

  it("offers the host key algorithms known_hosts has, rsa under its three names", () => {
    const keys = knownKeysFor(`h ssh-rsa ${KEY_A}\nh ssh-ed25519 ${KEY_B}\n`, "h", 22).accepted;
    expect(algorithmsFor(keys)).toEqual(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-ed25519"]);
  });
});
