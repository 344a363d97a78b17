#!/usr/bin/env bash
# pipe's remote-transfer benchmark: push / second push / pull to a directory, over SSH and to S3,
# against rsync in the same run (see bench/README.md).
#   bench/remote/run.sh [--quick] [--small-only] [--remotes dir,ssh,s3] [--drop-caches] [--no-build] ...
set -euo pipefail
cd "$(dirname "$0")/../.."

build=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=0; else args+=("$a"); fi
done

for tool in rsync /usr/sbin/sshd ssh; do
  command -v "$tool" >/dev/null || { echo "[bench] $tool is missing: run scripts/test-services.sh as root" >&2; exit 2; }
done

if ((build)); then
  echo "[bench] npm run build" >&2
  npm run --silent build >&2 || { echo "[bench] build failed" >&2; exit 2; }
fi

exec npx tsx bench/remote/run.ts "${args[@]}"
