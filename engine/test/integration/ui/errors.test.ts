// What goes wrong on disk becomes one line for the page, never a stack: a corrupt lock (409), a
// corrupt experiment record (a warning, the other rows still listed), an unexpected throw (500).
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentsResponse } from "../../../src/ui/api.js";
import { createUiServer } from "../../../src/ui/server/app.js";
import type { Rig } from "../../helpers/rig.js";
import { expectOk, makeUiProject } from "./fixture.js";

let rig: Rig;
beforeAll(() => {
  rig = makeUiProject({ git: false });
  expectOk(rig.pipe("exp", "run", "-S", "train.lr=0.2", "--name", "one"), "exp one");
  expectOk(rig.pipe("exp", "run", "-S", "train.lr=0.3", "--name", "two"), "exp two");
}, 120_000);
afterAll(() => rig?.cleanup());

describe("errors on disk and in the server", () => {
  it("a corrupt experiment record is a warning; the rest are listed", async () => {
    const app = createUiServer({ root: rig.dir, version: "t", watch: { useFsWatch: false } });
    try {
      const dir = join(rig.dir, ".pipe", "exp", "records");
      const first = readdirSync(dir).sort()[0] ?? "";
      writeFileSync(join(dir, first), "{ not json");
      const r = (await app.inject({ url: "/api/experiments" })).json<ExperimentsResponse>();
      expect(r.rows.filter((x) => x.kind === "experiment").map((x) => x.name)).toEqual(["two"]);
      expect(r.warnings).toEqual([`experiment one (${first.replace(/\.json$/, "")}): record missing or corrupt, skipped`]);
    } finally {
      await app.close();
    }
  });

  it("a corrupt pipeline.lock is a 409 naming the file", async () => {
    const app = createUiServer({ root: rig.dir, version: "t", watch: { useFsWatch: false } });
    const lock = rig.read("pipeline.lock");
    rig.write("pipeline.lock", "schema: '1.0'\nstages: [\n");
    try {
      const r = await app.inject({ url: "/api/pipeline" });
      expect(r.statusCode).toBe(409);
      expect(r.json()).toEqual({ error: expect.stringMatching(/^pipeline\.lock does not load: pipeline\.lock:\d+:\d+ /) as unknown });
    } finally {
      rig.write("pipeline.lock", lock);
      await app.close();
    }
  });

  it("an unexpected throw is a 500 with one line, told to the terminal, without a stack", async () => {
    const told: string[] = [];
    const app = createUiServer({ root: rig.dir, version: "t", watch: { useFsWatch: false }, onInternalError: (m) => told.push(m) });
    app.get("/api/boom", () => {
      throw new TypeError("cannot read x of undefined\n    at somewhere (file.js:1:2)");
    });
    try {
      const r = await app.inject({ url: "/api/boom" });
      expect(r.statusCode).toBe(500);
      expect(r.json()).toEqual({ error: "internal error: cannot read x of undefined" });
      expect(told).toEqual(["cannot read x of undefined"]);
    } finally {
      await app.close();
    }
  });
});
