// Every diagnostic code pipe reports: kebab-case ids, each documented in the README's table of
// pipeline errors. A new code is added here first, so it cannot be misspelled where it is raised.
export type DiagnosticCode =
  // the YAML/JSON text
  | "yaml-syntax"
  | "json-syntax"
  | "duplicate-key"
  | "missing-pipeline-file"
  // a stage's shape
  | "unknown-key"
  | "bad-type"
  | "missing-cmd"
  | "invalid-stage-name"
  | "duplicate-stage"
  | "invalid-foreach"
  | "interpolation-error"
  // stage-level vars that redefine a name or re-read a file already read (DVC refuses both)
  | "redefined-var"
  // paths
  | "invalid-path"
  | "dep-outside-project"
  | "out-outside-project"
  | "wdir-outside-project"
  // params
  | "missing-params-file"
  | "unknown-param-key"
  | "unsupported-params-format"
  // the graph
  | "duplicate-output"
  | "overlapping-output"
  | "missing-dep"
  | "cycle"
  // pipeline.lock
  | "bad-lock"
  // remote settings (.pipe/config, .pipe/config.local, .dvc/config)
  | "config-syntax"
  | "bad-remote"
  | "no-remote"
  | "unknown-remote";
