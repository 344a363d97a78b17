// openBackend picks a backend by the remote's URL, and a URL it cannot use is one config line naming the remote.
import { describe, expect, it } from "vitest";
import { openBackend, RemoteError } from "../../../src/remote/backends/index.js";

const ctx = { root: "/project", env: {} };

async function configError(url: string): Promise<RemoteError> {
  try {
    await openBackend({ name: "team", url, options: {} }, ctx);
  } catch (err) {
    expect(err).toBeInstanceOf(RemoteError);
    return err as RemoteError;
  }
  throw new Error(`opened ${url}`);
}

describe("openBackend", () => {
  it("opens a folder path, relative to the project root, or a file:// URL", async () => {
    expect((await openBackend({ name: "team", url: "../cache", options: {} }, ctx)).url).toBe("../cache");
    expect((await openBackend({ name: "team", url: "/mnt/shared/cache", options: {} }, ctx)).url).toBe("/mnt/shared/cache");
    expect((await openBackend({ name: "team", url: "file:///mnt/shared/cache", options: {} }, ctx)).url).toBe("file:///mnt/shared/cache");
  });

  it.each([
    ["gs://bucket/path", /unsupported remote type "gs:\/\/"/],
    ["me@host:/srv/cache", /ssh:\/\/user@host\/absolute\/path/],
    ["file://host/share", /file:\/\//],
    ["", /no URL/],
  ])("rejects %j as a config error naming the remote", async (url, why) => {
    const err = await configError(url);
    expect(err.kind).toBe("config");
    expect(err.message).toContain('remote "team"');
    expect(err.message).toMatch(why);
    expect(err.message).not.toMatch(/\n/);
  });
});
