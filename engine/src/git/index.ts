// Git plumbing (`git show`, `rev-parse`, `status`, `rev-list`, `ls-files`, refs) through one runner, and the pipeline as it was at a commit.
export { gitState, isGitRepo, listCommits, resolveRevision, showFile } from "./revision.js";
export type { PipelineLoader } from "./pipeline-at.js";
export { defaultPipelineLoader, gitConfigFs } from "./pipeline-at.js";
export { listWorkingFiles } from "./files.js";
export { listRevisions, type RevisionRef } from "./refs.js";
