// Why a stage is stale: a closed set of reasons, each with the path or key it concerns
// (STYLE practice 14). `status --json` prints these; `repro` logs the first one of each stage it runs.

export type StaleReason =
  | { readonly kind: "never-run" }
  | { readonly kind: "cmd-changed" }
  | { readonly kind: "env-changed" }
  | { readonly kind: "dep-modified"; readonly path: string }
  | { readonly kind: "dep-missing"; readonly path: string }
  | { readonly kind: "param-changed"; readonly path: string; readonly key: string }
  | { readonly kind: "out-missing"; readonly path: string }
  | { readonly kind: "out-modified"; readonly path: string }
  | { readonly kind: "always-changed" };

export function describeReason(r: StaleReason): string {
  switch (r.kind) {
    case "never-run":
      return "never run";
    case "cmd-changed":
      return "command changed";
    case "env-changed":
      return "env changed";
    case "dep-modified":
      return `dependency modified: ${r.path}`;
    case "dep-missing":
      return `dependency missing: ${r.path}`;
    case "param-changed":
      return `param changed: ${r.key} (${r.path})`;
    case "out-missing":
      return `output missing: ${r.path}`;
    case "out-modified":
      return `output modified: ${r.path}`;
    case "always-changed":
      return "always changed";
    default: {
      const never: never = r;
      throw new Error(`unknown reason ${JSON.stringify(never)}`);
    }
  }
}
