#!/usr/bin/env bash
# Whole-process benchmark, as users measure it (docs/performance.md, "Whole process, as users
# measure it"): the wall clock of a whole `bulkflow run` process against each database's own
# bulk tool run as a process, alternating in one session, on the same Product rows.
#
#   benchmarks/whole_process/run.sh [ROWS [REPEATS]]      # defaults: 1000000 rows, 3 repeats
#
# For every database: `psql \copy ... CSV`, `LOAD DATA LOCAL INFILE` through the mariadb client,
# `sqlite3 .import`; against `bulkflow run` of a workflow JSONReaderNode (lines) ->
# ProductBulkCreateNode {preserve_ids: true} and CSVReaderNode -> the same (all other parameters
# at their defaults). Before every run the table is dropped and created again with only its
# primary key (the table bulkflow creates for the model). Prints the median wall time of
# REPEATS runs, the ratio native/bulkflow (1.0 = as fast as the database's tool) and the median
# CPU (user + sys) of the client process, from /usr/bin/time.
#
# Environment: BULKFLOW (binary, default build/bin/bulkflow), PG_URL, MY_HOST, MY_PORT, MY_USER,
# MY_PASSWORD, MY_DB (default: the servers scripts/start-databases.sh starts), DIALECTS (default
# "postgres mysql sqlite"), INPUTS (default "jsonl csv"), WORK_DIR (default a new temporary
# directory, removed at the end unless KEEP=1).
# Not part of ctest: performance is never asserted in tests.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
rows=${1:-1000000}
repeats=${2:-3}
bulkflow=${BULKFLOW:-$root/build/bin/bulkflow}
pg_url=${PG_URL:-postgresql://bulkflow:bulkflow@127.0.0.1:5432/bulkflow_test}
my_host=${MY_HOST:-127.0.0.1} my_port=${MY_PORT:-3306} my_user=${MY_USER:-bulkflow}
my_password=${MY_PASSWORD:-bulkflow} my_db=${MY_DB:-bulkflow_test}
dialects=${DIALECTS:-postgres mysql sqlite}
inputs=${INPUTS:-jsonl csv}
work=${WORK_DIR:-$(mktemp -d /tmp/bulkflow-whole-process.XXXXXX)}
mkdir -p "$work"
[[ ${KEEP:-0} == 1 ]] || trap 'rm -rf "$work"' EXIT
[[ -x $bulkflow ]] || { echo "no $bulkflow: bash scripts/build.sh --target bulkflow bulkflow_default_plugins" >&2; exit 1; }

my_url="mysql://$my_user:$my_password@$my_host:$my_port/$my_db"
lite_db=$work/bench.db
lite_url="sqlite:///$lite_db"
my() { MYSQL_PWD=$my_password mariadb -h "$my_host" -P "$my_port" -u "$my_user" "$my_db" "$@"; }
pg() { psql "$pg_url" -X -q -v ON_ERROR_STOP=1 "$@"; }
lite() { sqlite3 "$lite_db" "$@"; }

# ---------------------------------------------------------------------------------- data, workflows
echo "data: $rows rows into $work"
python3 "$here/gen_products.py" "$rows" "$work"
model='models:
  Product:
    fields:
      name: {type: str, required: true, max_length: 200}
      price: {type: decimal, precision: 10, scale: 2}
      category: str
      stock: {type: int, default: 0}
      active: {type: bool, default: true}
      created_at: datetime'
load='  - id: load
    type: ProductBulkCreateNode
    params: {data: "<<read.records>>", preserve_ids: true}'
printf 'name: whole-process-jsonl\n%s\nnodes:\n  - id: read\n    type: JSONReaderNode\n    params: {path: %s, format: lines}\n%s\n' \
  "$model" "$work/products.jsonl" "$load" >"$work/jsonl.yaml"
printf 'name: whole-process-csv\n%s\nnodes:\n  - id: read\n    type: CSVReaderNode\n    params: {path: %s}\n%s\n' \
  "$model" "$work/products.csv" "$load" >"$work/csv.yaml"

# ------------------------------------------------------- tables: only the primary key, made fresh
# The DDL bulkflow itself creates for the model above (dialects/*/src/*_ddl.cpp).
pg_ddl='DROP TABLE IF EXISTS products; CREATE TABLE products (id BIGSERIAL PRIMARY KEY,
  name VARCHAR(200) NOT NULL, price NUMERIC(10,2), category TEXT, stock BIGINT, active BOOLEAN,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now()); CHECKPOINT;'
my_ddl='DROP TABLE IF EXISTS products; CREATE TABLE products (`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `name` VARCHAR(200) NOT NULL, `price` DECIMAL(10,2), `category` LONGTEXT, `stock` BIGINT, `active` BOOLEAN,
  `created_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updated_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;'
lite_ddl="DROP TABLE IF EXISTS products; CREATE TABLE products (\"id\" INTEGER PRIMARY KEY NOT NULL,
  \"name\" TEXT NOT NULL, \"price\" TEXT, \"category\" TEXT, \"stock\" INTEGER, \"active\" INTEGER,
  \"created_at\" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')),
  \"updated_at\" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000Z','now')));"
# sqlite3 .import fills every column of an existing table, so its table is the CSV's own columns.
lite_native_ddl='DROP TABLE IF EXISTS products; CREATE TABLE products (id INTEGER PRIMARY KEY NOT NULL,
  name TEXT NOT NULL, price TEXT, category TEXT, stock INTEGER, active INTEGER, created_at TEXT);'
cols='id, name, price, category, stock, active, created_at'
printf 'SET time_zone = %s;\nLOAD DATA LOCAL INFILE %s INTO TABLE products CHARACTER SET utf8mb4 FIELDS TERMINATED BY %s LINES TERMINATED BY %s IGNORE 1 LINES (%s);\n' \
  "'+00:00'" "'$work/products_my.csv'" "','" "'\\n'" "$cols" >"$work/load.sql"

prepare() { # dialect side
  case $1:$2 in
    postgres:*) pg -c "$pg_ddl" ;;
    mysql:*) my -e "$my_ddl" ;;
    sqlite:native) lite "PRAGMA journal_mode=WAL" "$lite_native_ddl" >/dev/null ;;
    sqlite:*) lite "PRAGMA journal_mode=WAL" "$lite_ddl" >/dev/null ;;
  esac
}
count() {
  case $1 in
    postgres) pg -Atc 'SELECT count(*) FROM products' ;;
    mysql) my -N -e 'SELECT count(*) FROM products' ;;
    sqlite) lite 'SELECT count(*) FROM products' ;;
  esac
}
native_cmd() { # sets cmd: the database's own tool, as an argument list
  case $1 in
    postgres) cmd=(psql "$pg_url" -X -q -v ON_ERROR_STOP=1 -c "\\copy products ($cols) FROM '$work/products.csv' CSV HEADER") ;;
    mysql) cmd=(env MYSQL_PWD="$my_password" mariadb --local-infile=1 -h "$my_host" -P "$my_port" -u "$my_user" "$my_db" -e "source $work/load.sql") ;;
    sqlite) cmd=(sqlite3 "$lite_db" -cmd 'PRAGMA journal_mode=WAL' -cmd 'PRAGMA synchronous=NORMAL' ".import --csv --skip 1 $work/products.csv products") ;;
  esac
}
url() { case $1 in postgres) echo "$pg_url" ;; mysql) echo "$my_url" ;; sqlite) echo "$lite_url" ;; esac; }

# One timed run: appends "wall user sys maxrss_kb" to $work/times.<dialect>.<side>.
run() { # dialect side(native|jsonl|csv)
  local d=$1 side=$2 out=$work/times.$1.$2 t=$work/time.out
  prepare "$d" "$side"
  if [[ $side == native ]]; then
    native_cmd "$d"
    /usr/bin/time -f '%e %U %S %M' -o "$t" "${cmd[@]}" >/dev/null
  else
    /usr/bin/time -f '%e %U %S %M' -o "$t" "$bulkflow" run "$work/$side.yaml" --database "$(url "$d")" >"$work/result.json" ||
      { cat "$work/result.json" >&2; exit 1; }
  fi
  local n; n=$(count "$d")
  [[ $n == "$rows" ]] || { echo "$d $side: $n rows in the table, expected $rows" >&2; exit 1; }
  tail -n 1 "$t" >>"$out"
  printf '  %-8s %-6s %s\n' "$d" "$side" "$(tail -n 1 "$t" | awk '{printf "%.2f s wall, %.2f s cpu, %d MB", $1, $2 + $3, $4 / 1024}')"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; bulkflow $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
for ((r = 1; r <= repeats; r++)); do
  echo "round $r/$repeats"
  for d in $dialects; do
    sides=(native $inputs)
    ((r % 2 == 0)) && sides=($inputs native) # alternate who goes first
    for s in "${sides[@]}"; do run "$d" "$s"; done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# Leave the shared test databases as they were.
for d in $dialects; do case $d in postgres) pg -c 'DROP TABLE IF EXISTS products' ;; mysql) my -e 'DROP TABLE IF EXISTS products' ;; esac; done

# ------------------------------------------------------------------------------------- the table
median() { # column expression over a times file
  awk "{print $2}" "$1" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
tool() { case $1 in postgres) echo 'psql \copy' ;; mysql) echo 'LOAD DATA LOCAL' ;; sqlite) echo 'sqlite3 .import' ;; esac; }
echo
echo "Whole process, $rows rows, median of $repeats; ratio = native s / bulkflow s; CPU = user + sys of the client process"
echo
echo '| Path | bulkflow s | native s | ratio | bulkflow CPU s | native client CPU s | bulkflow peak RSS MB |'
echo '|---|---|---|---|---|---|---|'
for d in $dialects; do
  nat=$work/times.$d.native
  for s in $inputs; do
    f=$work/times.$d.$s
    P="$d, $s -> bulkflow vs $(tool "$d")" awk -v b="$(median "$f" '$1')" -v n="$(median "$nat" '$1')" \
      -v bc="$(median "$f" '$2 + $3')" -v nc="$(median "$nat" '$2 + $3')" -v m="$(median "$f" '$4')" \
      'BEGIN {printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f |\n", ENVIRON["P"], b, n, n / b, bc, nc, m / 1024}'
  done
done
