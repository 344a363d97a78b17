// Remote URLs: the forms pipe accepts, what each names, and passwords never shown.
import { describe, expect, it } from "vitest";
import { hasPassword, parseRemoteUrl, redactUrl } from "../../../src/remote/config/url.js";

const parse = (url: string) => parseRemoteUrl(url, "/proj");

describe("parseRemoteUrl", () => {
  it.each([
    ["/mnt/shared/cache", { kind: "directory", path: "/mnt/shared/cache" }],
    ["../shared", { kind: "directory", path: "/shared" }],
    ["remote-dir", { kind: "directory", path: "/proj/remote-dir" }],
    ["file:///mnt/a%20b", { kind: "directory", path: "/mnt/a b" }],
    ["s3://bucket", { kind: "s3", bucket: "bucket", prefix: "" }],
    ["s3://my.bucket-1/team/cache/", { kind: "s3", bucket: "my.bucket-1", prefix: "team/cache" }],
    ["ssh://host/srv/cache", { kind: "ssh", user: null, host: "host", port: null, path: "/srv/cache" }],
    ["ssh://me@10.0.0.5:2222/srv/cache", { kind: "ssh", user: "me", host: "10.0.0.5", port: 2222, path: "/srv/cache" }],
    ["ssh://me@[::1]:22/data@v1", { kind: "ssh", user: "me", host: "::1", port: 22, path: "/data@v1" }],
    ["SSH://host:22/data@v1", { kind: "ssh", user: null, host: "host", port: 22, path: "/data@v1" }],
  ])("%s", (url, location) => {
    expect(parse(url)).toEqual({ ok: true, value: location });
  });

  it.each([
    ["", "empty remote URL"],
    ["gs://bucket/x", 'unsupported remote URL "gs://bucket/x"'],
    ["https://example.com/cache", "unsupported remote URL"],
    ["ssh:host/path", "unsupported remote URL"],
    ["s3://", "names no bucket"],
    ["s3://bad bucket/x", "is not a bucket name"],
    ["ssh://host", "names no folder"],
    ["ssh:///srv", "names no host"],
    ["ssh://host:70000/srv", "port 70000 is not between 1 and 65535"],
    ["file://host/x", "needs an absolute path"],
  ])("refuses %j in one line", (url, message) => {
    const r = parse(url);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain(message);
      expect(r.error).not.toContain("\n");
    }
  });

  it.each(["ssh://u:pw@h/p", "https://u:pw@example.com/x", "s3://AKIA:secretkey@bucket/x", "ssh://u:1234@h/p", "ssh://u:pa/ss@h/p"])(
    "refuses %s without printing the password",
    (url) => {
      expect(hasPassword(url)).toBe(true);
      const r = parse(url);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toContain("holds a password");
        for (const secret of ["pw", "secretkey", "1234", "pa/ss"]) expect(r.error).not.toContain(`:${secret}@`);
      }
    },
  );
});

describe("redactUrl", () => {
  it("masks only the password", () => {
    expect(redactUrl("ssh://u:pw@h:22/p")).toBe("ssh://u:***@h:22/p");
    expect(redactUrl("ssh://u@h:22/p")).toBe("ssh://u@h:22/p");
    expect(redactUrl("ssh://h:22/data@v1")).toBe("ssh://h:22/data@v1");
    expect(redactUrl("/plain/path")).toBe("/plain/path");
  });
});
