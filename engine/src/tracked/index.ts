// Tracked data: the model of tracking files (`PATH.dvc`: parse, write, pure), the checks on what
// may be tracked, and `pipe add`'s work. The session layer collects a project's tracking files.
export type { TrackedOut, TrackingFile } from "./types.js";
export { TRACKING_SUFFIX, isTrackingName, trackingFileFor } from "./types.js";
export { PIPE_DIGEST_FIELDS, parseTrackingFile } from "./parse.js";
export { trackedEntry, trackingText, updatedTrackingText } from "./write.js";
export { ignoreEntry, withIgnoreEntry } from "./gitignore.js";
export { addRefusal, trackedConflicts, type TrackedPath } from "./refusals.js";
export { addTracked, type AddOutcome, type AddRefusal, type AddRequest, type Added } from "./add.js";
