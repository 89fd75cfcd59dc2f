#!/usr/bin/env bash
# Starts PostgreSQL 15 and MariaDB on 127.0.0.1 for the integration tests and creates, in each,
# the user `bulkflow` (password `bulkflow`) and the database `bulkflow_test`. Needs no systemd.
# Idempotent: running servers are left running, existing users and databases are kept.
set -euo pipefail

if ((EUID != 0)); then
  command -v sudo >/dev/null || { echo "start-databases: error: run as root" >&2; exit 1; }
  exec sudo -E bash "$0" "$@"
fi

PG_VERSION=15 PG_CLUSTER=main PG_PORT=5432 MYSQL_PORT=3306
DB_USER=bulkflow DB_PASS=bulkflow DB_NAME=bulkflow_test
PG_URL=postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/$DB_NAME
MYSQL_URL=mysql://$DB_USER:$DB_PASS@127.0.0.1:$MYSQL_PORT/$DB_NAME
WAIT_S=60

log() { echo "start-databases: $*"; }
die() { echo "start-databases: error: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "$1 not found: run scripts/install-deps.sh first"; }
show_log() { [[ -f $1 ]] && { echo "--- last lines of $1:" >&2; tail -n 30 "$1" >&2; }; return 0; }

# ---------------------------------------------------------------- PostgreSQL
start_postgres() {
  need pg_ctlcluster; need pg_isready; need psql
  local conf_dir=/etc/postgresql/$PG_VERSION/$PG_CLUSTER
  local pg_log=/var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log
  if [[ ! -f $conf_dir/postgresql.conf ]]; then
    log "creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
    pg_createcluster --port "$PG_PORT" --encoding UTF8 --locale C.UTF-8 \
      "$PG_VERSION" "$PG_CLUSTER" >/dev/null || die "pg_createcluster $PG_VERSION $PG_CLUSTER failed"
  fi

  # Loopback only, fixed port (conf.d is included by Debian's postgresql.conf).
  local conf=$conf_dir/conf.d/bulkflow.conf changed=0
  local want="# written by bulkflow scripts/start-databases.sh
listen_addresses = '127.0.0.1'
port = $PG_PORT"
  mkdir -p "$conf_dir/conf.d"
  if [[ ! -f $conf ]] || [[ $(cat "$conf") != "$want" ]]; then
    printf '%s\n' "$want" >"$conf"
    changed=1
  fi
  install -d -o postgres -g postgres -m 2775 /var/run/postgresql

  local status=0
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1 || status=$?
  if ((status == 0 && changed)); then
    log "restarting PostgreSQL $PG_VERSION/$PG_CLUSTER (configuration changed)"
    setsid pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart </dev/null ||
      { show_log "$pg_log"; die "PostgreSQL $PG_VERSION/$PG_CLUSTER did not restart"; }
  elif ((status != 0)); then
    log "starting PostgreSQL $PG_VERSION/$PG_CLUSTER"
    setsid pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start </dev/null ||
      { show_log "$pg_log"; die "PostgreSQL $PG_VERSION/$PG_CLUSTER did not start"; }
  else
    log "PostgreSQL $PG_VERSION/$PG_CLUSTER is running"
  fi

  local i
  for ((i = 0; i < WAIT_S; i++)); do
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 1
  done
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" ||
    { show_log "$pg_log"; die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT after ${WAIT_S}s"; }

  # SUPERUSER: the tests use session_replication_role.
  runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres >/dev/null <<SQL ||
SELECT 'CREATE ROLE $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') \gexec
ALTER ROLE $DB_USER WITH LOGIN SUPERUSER PASSWORD '$DB_PASS';
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING ''UTF8'' LOCALE ''C.UTF-8'' TEMPLATE template0'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
SQL
    die "could not create the PostgreSQL role/database"
  PGCONNECT_TIMEOUT=10 psql -X -q -tA "$PG_URL" -c 'select 1' >/dev/null ||
    die "cannot log in to PostgreSQL as $DB_USER on 127.0.0.1:$PG_PORT"
}

# ---------------------------------------------------------------- MariaDB
mysql_alive() { mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1; }

start_mariadb() {
  need mariadb; need mariadb-admin; need mysqld_safe
  local err_log=/var/log/mysql/error.log
  if mysql_alive; then
    log "MariaDB is running"
  else
    install -d -o mysql -g root -m 0755 /run/mysqld
    install -d -o mysql -g adm -m 2750 /var/log/mysql
    if [[ ! -d /var/lib/mysql/mysql ]]; then
      log "initialising the MariaDB data directory"
      mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null ||
        die "mariadb-install-db failed"
    fi
    log "starting MariaDB"
    # No systemd here and policy-rc.d may refuse service starts: run mysqld_safe detached.
    setsid nohup mysqld_safe --user=mysql --bind-address=127.0.0.1 --port="$MYSQL_PORT" \
      --local-infile=1 --skip-syslog --log-error="$err_log" </dev/null >/dev/null 2>&1 &
    local i
    for ((i = 0; i < WAIT_S; i++)); do
      mysql_alive && break
      sleep 1
    done
    mysql_alive || { show_log "$err_log"; die "MariaDB did not answer mysqladmin ping after ${WAIT_S}s"; }
  fi

  mariadb --protocol=socket -uroot <<SQL || die "could not create the MariaDB user/database"
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
ALTER USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
ALTER USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1', '$DB_USER'@'localhost';
-- The bulk integration suite runs in a database of its own (as on PostgreSQL).
CREATE DATABASE IF NOT EXISTS \`bulkflow_suite\` CHARACTER SET utf8mb4;
GRANT ALL PRIVILEGES ON \`bulkflow_suite\`.* TO '$DB_USER'@'127.0.0.1', '$DB_USER'@'localhost';
SET GLOBAL local_infile = 1;
SQL
  local infile
  infile=$(MYSQL_PWD=$DB_PASS mariadb -N -h 127.0.0.1 -P "$MYSQL_PORT" -u "$DB_USER" "$DB_NAME" \
    -e 'select @@local_infile') || die "cannot log in to MariaDB as $DB_USER on 127.0.0.1:$MYSQL_PORT"
  [[ $infile == 1 ]] || die "MariaDB local_infile is '$infile', expected 1"
}

start_postgres
start_mariadb
echo "PostgreSQL: $PG_URL"
echo "MariaDB:    $MYSQL_URL"
