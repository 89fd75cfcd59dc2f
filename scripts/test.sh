#!/usr/bin/env bash
# README command 2: installs the dependencies, starts PostgreSQL and MariaDB on 127.0.0.1, builds,
# and runs the whole test suite with ctest. Exits with ctest's status. Extra arguments go to ctest
# (e.g. `bash scripts/test.sh -R unit`).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh
bash scripts/start-databases.sh
bash scripts/build.sh

export BULKFLOW_TEST_PG_URL=${BULKFLOW_TEST_PG_URL:-postgresql://bulkflow:bulkflow@127.0.0.1:5432/bulkflow_test}
export BULKFLOW_TEST_MYSQL_URL=${BULKFLOW_TEST_MYSQL_URL:-mysql://bulkflow:bulkflow@127.0.0.1:3306/bulkflow_test}

# --no-tests=error: a suite that finds no test must not pass.
exec ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure --no-tests=error -j 2 --timeout 900 "$@"
