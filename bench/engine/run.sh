#!/usr/bin/env bash
# pipe's engine benchmarks: no-op repro vs snakemake -n, cold hashing, -j 2 (see bench/README.md).
#   bench/engine/run.sh [--quick] [--only noop,hash,restore,jobs] [--runs N] [--fresh] [--no-build] [--no-snakemake] [--compare DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."

build=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=0; else args+=("$a"); fi
done

need=()
command -v snakemake >/dev/null || [[ " $* " == *" --no-snakemake "* ]] || need+=(snakemake)
command -v hyperfine >/dev/null || need+=(hyperfine)
if ((${#need[@]} > 0)); then
  echo "[bench] installing ${need[*]} with apt" >&2
  sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
  lock=(); command -v flock >/dev/null && lock=(flock /tmp/apt.lock)  # other jobs may be using apt
  $sudo "${lock[@]}" apt-get update -qq >&2 || true
  $sudo "${lock[@]}" apt-get install -y -qq "${need[@]}" >&2 || echo "[bench] could not install ${need[*]}; continuing without" >&2
fi

if ((build)); then
  echo "[bench] npm run build" >&2
  npm run --silent build >&2 || echo "[bench] build failed: measuring the existing dist/" >&2
fi

exec node bench/engine/run.mjs "${args[@]}"
