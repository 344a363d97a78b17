// Placeholder until the s3 backend lands: a config error naming the remote.
import type { RemoteBackend, RemoteSettings } from "./backend.js";
import { RemoteError } from "./backend.js";
import type { OpenContext } from "./open.js";

export function openS3(settings: RemoteSettings, _ctx: OpenContext): RemoteBackend {
  throw new RemoteError("config", `remote "${settings.name}": s3:// remotes are not available yet`);
}
