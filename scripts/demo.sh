#!/usr/bin/env bash
# README command 1: installs the dependencies, builds, and runs workflows/quickstart.yaml against a
# throw-away SQLite database, printing the run's result JSON. Safe to run again.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh
bash scripts/build.sh

bin=${BUILD_DIR:-build}/bin/bulkflow
workflow=workflows/quickstart.yaml
[[ -x $bin ]] || { echo "demo: error: $bin was not built" >&2; exit 1; }
[[ -f $workflow ]] || { echo "demo: error: $workflow is missing" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "demo: bulkflow run $workflow --database sqlite:///$tmp/quickstart.db" >&2
# The result JSON goes to stdout; logs and progress to stderr.
"$bin" run "$workflow" --database "sqlite:///$tmp/quickstart.db"
