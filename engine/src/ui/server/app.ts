// `pipe ui`'s HTTP server: Fastify with GET routes only (the JSON of ../api.ts, the live stream,
// the web app's files), requests confined to the project, 4xx as one-line JSON, never a stack.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { basename } from "node:path";
import type { ActiveRunResponse, ProjectInfo } from "../api.js";
import { isGitRepo } from "../../git/index.js";
import { lockPathOf } from "../../lock/address.js";
import { declaredOf } from "../../metrics/index.js";
import { readLastLog } from "../../report/stage-last-log.js";
import { activeRun, readFeed } from "../../session/live-read.js";
import { compareRows } from "./compare.js";
import { experimentCache } from "./exp-cache.js";
import { listExperiments } from "./experiments.js";
import { HttpError, oneLine } from "./http-error.js";
import { pipelineView } from "./pipeline.js";
import { plotRows } from "./plots.js";
import { requireProject, requireStores } from "./project.js";
import { parseIds, resolveRows } from "./rows.js";
import { SseHub } from "./sse.js";
import { defaultBundleDir, staticFile } from "./static.js";
import { watchProject, type ProjectWatcher, type WatchOptions } from "./watch.js";

export interface UiServerOptions {
  /** The project root (already validated by the caller). */
  readonly root: string;
  readonly version: string;
  /** Where the built web app is; default dist/ui/ beside the compiled engine. */
  readonly bundleDir?: string;
  /** The host the server binds: any Host header is accepted only when it is 0.0.0.0 or ::. */
  readonly host?: string;
  readonly watch?: WatchOptions;
  /** A 500 happened (the client got one line): for the terminal. */
  readonly onInternalError?: (message: string) => void;
}

const LOCAL_NAMES = new Set(["localhost", "127.0.0.1", "::1"]);

/** The hostname of a Host header: `[::1]:4173` → `::1`, `localhost:80` → `localhost`. */
export function hostName(header: string | undefined): string {
  const h = (header ?? "").trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") === -1 ? h.length : h.indexOf("]"));
  const colon = h.lastIndexOf(":");
  return colon === -1 ? h : h.slice(0, colon);
}

export function createUiServer(opts: UiServerOptions): FastifyInstance {
  const { root } = opts;
  const bundleDir = opts.bundleDir ?? defaultBundleDir();
  const experiments = experimentCache(root);
  const hub = new SseHub();
  let watcher: ProjectWatcher | null = null;
  const anyHost = opts.host === "0.0.0.0" || opts.host === "::";
  const allowed = new Set([...LOCAL_NAMES, (opts.host ?? "127.0.0.1").toLowerCase()]);

  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    frameworkErrors: (error, _req, reply) =>
      void (reply as FastifyReply)
        .code(400)
        .type("application/json")
        .send({ error: oneLine(error) }),
  });

  app.setErrorHandler((error: FastifyError | HttpError, _req, reply) => {
    const code = error.statusCode;
    if (code !== undefined && code >= 400 && code < 500)
      return reply
        .code(code as 400)
        .type("application/json")
        .send({ error: oneLine(error) });
    opts.onInternalError?.(oneLine(error));
    return reply
      .code(500)
      .type("application/json")
      .send({ error: `internal error: ${oneLine(error)}` });
  });

  // DNS rebinding: a page from another site that resolves its name to 127.0.0.1 sends its own Host.
  app.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header("x-content-type-options", "nosniff");
    if (!anyHost && !allowed.has(hostName(req.headers.host)))
      throw new HttpError(403, `host "${hostName(req.headers.host)}" not served (pipe ui answers ${[...allowed].join(", ")})`);
  });

  app.addHook("onReady", async () => {
    // Read the experiment records now, while the browser is still loading the page.
    experiments.list().catch(() => undefined);
    watcher = await watchProject(
      root,
      () => watchedFiles(root),
      (m) => hub.broadcast(m),
      opts.watch,
    );
  });
  app.addHook("preClose", async () => {
    watcher?.stop();
    hub.close();
  });

  app.get("/api/project", async (): Promise<ProjectInfo> => {
    const project = await requireProject(root);
    const listed = await experiments.list();
    return {
      name: basename(root),
      pipelines: project.pipelines,
      git: await isGitRepo(root),
      stages: project.graph.order.length,
      experiments: listed.records.length,
      version: opts.version,
    };
  });

  app.get("/api/experiments", async () => {
    const project = await requireProject(root);
    return listExperiments(root, declaredOf(project.pipeline), experiments);
  });

  app.get("/api/compare", async (req) => {
    const ids = parseIds((req.query as Record<string, unknown>).ids, 2);
    const project = await requireProject(root);
    return compareRows(await resolveRows(root, declaredOf(project.pipeline), ids, experiments));
  });

  app.get("/api/plots", async (req) => {
    const ids = parseIds((req.query as Record<string, unknown>).ids, 1);
    const project = await requireProject(root);
    const declared = declaredOf(project.pipeline);
    return plotRows(declared, await resolveRows(root, declared, ids, experiments));
  });

  app.get("/api/pipeline", async () => {
    const project = await requireProject(root);
    return pipelineView(project, await requireStores(project));
  });

  app.get("/api/stages/:name/log", async (req, reply) => {
    const name = (req.params as { name: string }).name;
    const project = await requireProject(root);
    if (!project.graph.order.includes(name as never)) throw new HttpError(404, `unknown stage "${name.slice(0, 200)}"`);
    const log = readLastLog(root, name);
    if (log === null) throw new HttpError(404, `stage "${name}" has no log yet (it has not run since pipe began keeping logs)`);
    return reply.type("text/plain; charset=utf-8").header("cache-control", "no-cache").send(log.text);
  });

  app.get("/api/runs/active", async (): Promise<ActiveRunResponse> => {
    const runId = activeRun(root);
    return { runId, events: runId === null ? [] : readFeed(root, runId) };
  });

  app.get("/api/events", (req, reply) => {
    reply.hijack();
    hub.add(reply.raw);
  });

  app.get("/*", async (req, reply) => {
    const path = req.url.split("?")[0] ?? "/";
    if (path === "/api" || path.startsWith("/api/")) throw new HttpError(404, `no such API route: ${path.slice(0, 200)}`);
    const file = await staticFile(bundleDir, path);
    return reply.code(file.status).type(file.type).header("cache-control", file.cache).send(file.body);
  });

  app.setNotFoundHandler(async (req) => {
    if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, `pipe ui is read-only: ${req.method} is not served`);
    throw new HttpError(404, `not found: ${req.url.slice(0, 200)}`);
  });

  return app;
}

/** The files whose change means `pipeline-changed`: every pipeline file, its lock, and the params files it reads. */
async function watchedFiles(root: string): Promise<string[]> {
  const files = new Set<string>(["pipeline.yaml", "dvc.yaml", "params.yaml", "pipeline.lock", "dvc.lock"]);
  try {
    const project = await requireProject(root);
    for (const f of project.pipelines) {
      files.add(f);
      files.add(lockPathOf(f));
    }
    for (const s of project.pipeline.stages) for (const p of s.params) files.add(p.file);
    // An edited stage script or raw input makes its stage stale: the DAG should say so. Outputs of
    // other stages are left out (a running repro rewrites them; its own events tell the page).
    const outs = project.pipeline.stages.flatMap((s) => s.outs.map((o) => o.path as string));
    const made = (path: string): boolean => outs.some((o) => path === o || path.startsWith(`${o}/`));
    for (const s of project.pipeline.stages) for (const d of s.deps) if (!made(d.path)) files.add(d.path);
  } catch {
    /* an invalid pipeline: the fixed names still tell when it is fixed */
  }
  return [...files];
}
