#!/usr/bin/env bash
# Bench: pipe's TF-IDF + logistic-regression baseline against scikit-learn on the same split.
# Installs Debian's python3-sklearn if missing; extra args go to baseline-vs-sklearn.py (--C, --max-iter, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if ! "$PY" -c "import sklearn" 2>/dev/null; then
  echo "installing python3-sklearn (apt)" >&2
  flock /tmp/apt.lock sh -c 'apt-get update -qq && apt-get install -y -qq python3-sklearn' >&2
fi
exec "$PY" bench/baseline-vs-sklearn.py --mirror "${PIPE_MIRROR:-../shared/mirror}" "$@"
