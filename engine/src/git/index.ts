// Git plumbing (`git show`, `rev-parse`, `status`, `rev-list`) and the pipeline as it was at a commit.
export { gitState, isGitRepo, listCommits, resolveRevision, showFile } from "./revision.js";
export type { PipelineLoader } from "./pipeline-at.js";
export { defaultPipelineLoader, gitConfigFs } from "./pipeline-at.js";
