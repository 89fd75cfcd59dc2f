#!/usr/bin/env bash
# Installs the Debian packages that bulkflow's build and tests need (compiler, CMake, libraries,
# PostgreSQL and MariaDB servers). Idempotent: when every package is already installed it neither
# updates the package lists nor calls apt-get, so a second run takes a moment.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev
  libpq-dev libsoci-dev libmariadb-dev libsqlite3-dev sqlite3
  libssl-dev openssl ca-certificates
  libspdlog-dev libfmt-dev libtbb-dev libyaml-cpp-dev libcli11-dev catch2
  postgresql postgresql-client mariadb-server mariadb-client
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ $status == ii* ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages are installed"
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || { echo "install-deps: error: run as root (or install sudo)" >&2; exit 1; }
  sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run_quiet() {  # runs a command; prints its output only when it fails
  if ! "$@" >"$log" 2>&1; then
    echo "install-deps: error: '$*' failed:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

echo "install-deps: installing ${missing[*]}"
run_quiet "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
run_quiet "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
echo "install-deps: done"
