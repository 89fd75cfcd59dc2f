#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, builds a user project against it with
# find_package(bulkflow), and runs the installed CLI with the user's plugin.
# Usage: check_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$src/tests/install/project" -B "$work/project" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log"
cmake --build "$work/project" > "$work/build.log"
out=$("$work/project/app")
[ "$out" = "42 36" ] || { echo "app printed '$out', expected '42 36'"; exit 1; }
printf 'plugins: [myecho]\nnodes:\n  - {id: e, type: MyEchoNode, params: {message: hi}}\n' > "$work/wf.yaml"
result=$("$work/prefix/bin/bulkflow" run "$work/wf.yaml" --plugin-dir "$work/project" --database sqlite:///:memory: --log-level off)
echo "$result" | grep -q '"echo":"hi"' || { echo "unexpected result: $result"; exit 1; }
echo "$result" | grep -q '"status":"completed"' || { echo "unexpected result: $result"; exit 1; }
echo "1 passed, 0 failed"
