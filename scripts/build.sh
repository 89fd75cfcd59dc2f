#!/usr/bin/env bash
# Configures (when needed) and builds bulkflow with CMake + Ninja into build/ (or $BUILD_DIR).
# CI=true turns warnings into errors. Extra arguments go to `cmake --build` (e.g. --target X).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

build_dir=${BUILD_DIR:-build}
jobs=${BUILD_JOBS:-2}
werror=OFF
[[ ${CI:-} == true ]] && werror=ON

# ccache: compile paths relative to the checkout, so a fresh clone elsewhere (CI) still hits.
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
else
  launcher=()
fi

cache=$build_dir/CMakeCache.txt
cached() { sed -n "s/^$1:[A-Z]*=//p" "$cache" 2>/dev/null; }
if [[ ! -f $build_dir/build.ninja ]] || [[ $(cached CMAKE_BUILD_TYPE) != RelWithDebInfo ]] ||
   [[ $(cached BULKFLOW_WERROR) != "$werror" ]]; then
  if [[ -f $cache ]] && [[ $(cached CMAKE_GENERATOR) != Ninja ]]; then
    echo "build: error: $build_dir was configured with another generator; remove it first" >&2
    exit 1
  fi
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBULKFLOW_WERROR="$werror" "${launcher[@]}"
fi

cmake --build "$build_dir" -j "$jobs" "$@"
