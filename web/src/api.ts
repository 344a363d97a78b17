// The app's calls to `pipe ui`'s server: one typed fetch per route of engine/src/ui/api.ts.
import type { CompareResponse, ExperimentsResponse, PipelineResponse, PlotsResponse, ProjectInfo } from "../../engine/src/ui/api.js";

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: "application/json" } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { error?: unknown; message?: unknown };
      const m = body.error ?? body.message;
      if (typeof m === "string") message = m;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(`${path}: ${message}`);
  }
  return (await res.json()) as T;
}

const ids = (list: readonly string[]) => list.map(encodeURIComponent).join(",");

export const api = {
  project: () => getJson<ProjectInfo>("/api/project"),
  experiments: () => getJson<ExperimentsResponse>("/api/experiments"),
  compare: (list: readonly string[]) => getJson<CompareResponse>(`/api/compare?ids=${ids(list)}`),
  plots: (list: readonly string[]) => getJson<PlotsResponse>(`/api/plots?ids=${ids(list)}`),
  pipeline: () => getJson<PipelineResponse>("/api/pipeline"),
  async stageLog(name: string): Promise<string> {
    const res = await fetch(`/api/stages/${encodeURIComponent(name)}/log`);
    if (res.status === 404) return "";
    if (!res.ok) throw new Error(`log of ${name}: ${res.status} ${res.statusText}`);
    const type = res.headers.get("content-type") ?? "";
    if (type.includes("json")) {
      const body = (await res.json()) as { log?: unknown; text?: unknown };
      const t = body.log ?? body.text;
      return typeof t === "string" ? t : JSON.stringify(body, null, 2);
    }
    return res.text();
  },
};
