// The remote storage backends: open one from a remote's settings; everything else speaks RemoteBackend.
export type { RemoteBackend, RemoteErrorKind, RemoteSettings } from "./backend.js";
export { RemoteError } from "./backend.js";
export type { OpenContext } from "./open.js";
export { openBackend } from "./open.js";
