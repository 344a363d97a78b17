// Stage names that are not file names (`gen@a` from foreach, `sub/dvc.yaml:train` from a second
// pipeline file): each keeps its own last log, and the routes find them by their encoded names.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineResponse, ProjectInfo } from "../../../src/ui/api.js";
import { createUiServer } from "../../../src/ui/server/app.js";
import { Rig } from "../../helpers/rig.js";
import { expectOk } from "./fixture.js";

let rig: Rig;
let app: FastifyInstance;

beforeAll(() => {
  rig = new Rig("pipe-ui-names-");
  rig.write(
    "pipeline.yaml",
    "stages:\n  gen:\n    foreach: [a, b]\n    do:\n      cmd: echo made ${item} && echo ${item} > out-${item}.txt\n      outs:\n        - out-${item}.txt\n",
  );
  rig.write("sub/dvc.yaml", "stages:\n  train:\n    cmd: echo sub-train && echo x > t.txt\n    outs: [t.txt]\n");
  expectOk(rig.pipe("repro", "-P"), "repro -P");
  app = createUiServer({ root: rig.dir, version: "t", watch: { useFsWatch: false } });
}, 120_000);

afterAll(async () => {
  await app?.close();
  rig?.cleanup();
});

describe("stage names with @, / and :", () => {
  it("lists them with the file that declares them", async () => {
    const project = (await app.inject({ url: "/api/project" })).json<ProjectInfo>();
    expect(project.pipelines).toEqual(["pipeline.yaml", "sub/dvc.yaml"]);
    const view = (await app.inject({ url: "/api/pipeline" })).json<PipelineResponse>();
    expect(view.stages.map((s) => [s.name, s.file, s.state, s.hasLog])).toEqual([
      ["gen@a", "pipeline.yaml", "fresh", true],
      ["gen@b", "pipeline.yaml", "fresh", true],
      ["sub/dvc.yaml:train", "sub/dvc.yaml", "fresh", true],
    ]);
  });

  it("serves each one's own log by its encoded name", async () => {
    const log = async (name: string): Promise<string[]> => {
      const r = await app.inject({ url: `/api/stages/${encodeURIComponent(name)}/log` });
      expect(r.statusCode, name).toBe(200);
      return r.body.split("\n").slice(1);
    };
    expect(await log("gen@a")).toEqual(["made a", ""]);
    expect(await log("gen@b")).toEqual(["made b", ""]);
    expect(await log("sub/dvc.yaml:train")).toEqual(["sub-train", ""]);
    expect(rig.exists(".cache/logs/sub%2Fdvc.yaml%3Atrain.log")).toBe(true);
    expect((await app.inject({ url: "/api/stages/sub%2Fdvc.yaml%3Anope/log" })).statusCode).toBe(404);
  });
});
