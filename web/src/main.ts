// pipe ui's web app: a header with the project and the live stream's state, and hash-routed pages
// (#/experiments, #/compare?ids=, #/plots?ids=, #/pipeline?stage=, #/live). Each page returns its cleanup.
import { api } from "./api.js";
import { h } from "./dom.js";
import { connectLive } from "./live.js";
import { comparePage } from "./pages/compare.js";
import { experimentsPage } from "./pages/experiments.js";
import { livePage } from "./pages/live.js";
import { pipelinePage } from "./pages/pipeline.js";
import { plotsPage } from "./pages/plots.js";
import { disposeCharts } from "./plots-view.js";
import type { ProjectInfo } from "../../engine/src/ui/api.js";
import { app, onLive } from "./state.js";

type Route = "experiments" | "compare" | "plots" | "pipeline" | "live";
const NAV: readonly [Route, string][] = [
  ["experiments", "Experiments"],
  ["plots", "Plots"],
  ["pipeline", "Pipeline"],
  ["live", "Live"],
];

const main = h("main", { id: "main" });
const nav = h("nav", {}, ...NAV.map(([r, label]) => h("a", { href: `#/${r}`, "data-route": r }, label)));
const projectName = h("span", { class: "project" });
const liveDot = h("span", { class: "live-dot", title: "live stream" });
const runBadge = h("a", { class: "run-badge", href: "#/live", hidden: true });
document.body.append(
  h("header", { class: "top" }, h("span", { class: "logo" }, "pipe"), projectName, nav, h("span", { class: "spacer" }), runBadge, liveDot),
  main,
);

let cleanup: () => void = () => undefined;

function go(hash: string): void {
  location.hash = hash;
}

function route(): void {
  cleanup();
  void disposeCharts();
  const [path = "", query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const params = new URLSearchParams(query);
  const r: Route = (["experiments", "compare", "plots", "pipeline", "live"] as const).find((x) => x === path) ?? "experiments";
  for (const a of nav.querySelectorAll("a")) a.classList.toggle("active", a.dataset.route === r || (r === "compare" && a.dataset.route === "experiments"));
  document.body.dataset.page = r;
  switch (r) {
    case "experiments":
      cleanup = experimentsPage(main, go);
      break;
    case "compare":
      cleanup = comparePage(main, params);
      break;
    case "plots":
      cleanup = plotsPage(main, params);
      break;
    case "pipeline":
      cleanup = pipelinePage(main, params);
      break;
    case "live":
      cleanup = livePage(main);
      break;
  }
}

async function loadProject(): Promise<ProjectInfo | null> {
  try {
    const project = await api.project();
    app.project = project;
    projectName.textContent = project.name;
    projectName.title = `${project.pipelines.join(", ")} · ${project.stages} stages · ${project.experiments} experiments · pipe ${project.version}`;
    document.title = `${project.name} · pipe ui`;
    return project;
  } catch (e) {
    projectName.textContent = `cannot reach pipe ui's server: ${e instanceof Error ? e.message : String(e)}`;
    projectName.classList.add("error");
    return null;
  }
}

function start(): void {
  // the page's own data is asked for at the same time, not after the project info
  app.projectReady = loadProject();
  connectLive((ok) => {
    liveDot.classList.toggle("on", ok);
    liveDot.title = ok ? "live: following runs in this project" : "live stream disconnected (retrying)";
  });
  const running = new Set<string>();
  onLive((m) => {
    if (m.type !== "run") return;
    if (m.event.type === "plan") running.add(m.event.runId);
    if (m.event.type === "summary") running.delete(m.event.runId);
    runBadge.hidden = running.size === 0;
    runBadge.textContent = running.size === 1 ? "● run in progress" : `● ${running.size} runs in progress`;
  });
  window.addEventListener("hashchange", route);
  route();
}

start();
