// Placeholder until the ssh backend lands: a config error naming the remote.
import type { RemoteBackend, RemoteSettings } from "./backend.js";
import { RemoteError } from "./backend.js";
import type { OpenContext } from "./open.js";

export function openSsh(settings: RemoteSettings, _ctx: OpenContext): RemoteBackend {
  throw new RemoteError("config", `remote "${settings.name}": ssh:// remotes are not available yet`);
}
