# shellcheck shell=bash
# Services the test suite needs, for .ci/run (sourced). Each ensure_* function does nothing
# when the service already answers, so it is safe on a developer machine where they run.
# On a fresh Debian machine (CI runs as root) it installs and starts what is missing.

REDIS_HOST=127.0.0.1
REDIS_PORT=6379
PG_HOST=127.0.0.1
PG_PORT=5432
PG_DATABASE=test

_apt_updated=0

# apt_install PACKAGE... — installs Debian packages; `apt-get update` runs once per run.
apt_install() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "services: need root to apt-get install $*" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [[ $_apt_updated -eq 0 ]]; then
    apt-get update -qq
    _apt_updated=1
  fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# wait_until NAME COMMAND... — retries COMMAND for up to 30 s.
wait_until() {
  local name=$1
  shift
  local i
  for ((i = 0; i < 150; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  echo "services: $name did not answer within 30 s" >&2
  return 1
}

redis_answers() {
  command -v redis-cli >/dev/null 2>&1 && [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

# ensure_redis — Redis on 127.0.0.1:6379, in memory only (no RDB, no AOF).
ensure_redis() {
  if redis_answers; then
    echo "services: redis answers on $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "services: installing redis-server"
    apt_install redis-server
  fi
  # The package's maintainer script may already have started a server.
  if ! redis_answers; then
    echo "services: starting redis-server"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no
  fi
  wait_until redis redis_answers
  echo "services: redis answers on $REDIS_HOST:$REDIS_PORT"
}

pg_answers() {
  command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$PG_HOST" -p "$PG_PORT"
}

# psql as the postgres superuser over TCP, never prompting for a password.
pg_sql() {
  psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -w -v ON_ERROR_STOP=1 -qtA "$@"
}

# pg_version — the first installed PostgreSQL major version, or nothing (never fails).
pg_version() {
  [[ -d /etc/postgresql ]] || return 0
  # sed reads to the end: head would leave the writer to a SIGPIPE, which pipefail reports.
  ls /etc/postgresql | sort -V | sed -n 1p
}

# pg_trust_localhost — first-match pg_hba.conf rules that trust TCP connections from this host.
pg_trust_localhost() {
  local version hba
  version=$(pg_version)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  if [[ -z "$version" || ! -f "$hba" ]]; then
    echo "services: no pg_hba.conf for a local cluster; cannot set trust auth" >&2
    return 1
  fi
  if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    echo "services: trusting 127.0.0.1 and ::1 in $hba"
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    if pg_answers; then
      pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    fi
  fi
}

# ensure_postgres — PostgreSQL on 127.0.0.1:5432, trust auth from this host, database `test`.
ensure_postgres() {
  if ! pg_answers; then
    if [[ -z "$(pg_version)" ]]; then
      echo "services: installing postgresql"
      apt_install postgresql
    fi
    local version
    version=$(pg_version)
    if [[ ! -d /etc/postgresql/$version/main ]]; then
      pg_createcluster "$version" main
    fi
    pg_trust_localhost
    if ! pg_answers; then
      echo "services: starting postgresql $version/main"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    fi
    wait_until postgresql pg_answers
  fi
  if ! pg_sql -d postgres -c 'select 1' >/dev/null 2>&1; then
    pg_trust_localhost
    wait_until "postgresql trust auth" pg_sql -d postgres -c 'select 1'
  fi
  if [[ "$(pg_sql -d postgres -c "select 1 from pg_database where datname = '$PG_DATABASE'")" != 1 ]]; then
    echo "services: creating database $PG_DATABASE"
    pg_sql -d postgres -c "create database $PG_DATABASE"
  fi
  echo "services: postgresql answers on $PG_HOST:$PG_PORT, database $PG_DATABASE"
}

# ensure_chromium — Debian's chromium for the browser test.
ensure_chromium() {
  if [[ ! -x /usr/bin/chromium ]]; then
    echo "services: installing chromium"
    # Without recommends (they pull in desktop packages); one font so pages render text.
    apt_install chromium fonts-liberation
  fi
  echo "services: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium at /usr/bin/chromium')"
}

# ensure_haproxy — Debian's HAProxy for the multi-process deployment test (examples/cluster).
# Only the binary is needed: the test starts its own HAProxy; a service the package may start
# is left alone.
ensure_haproxy() {
  if ! command -v haproxy >/dev/null 2>&1; then
    echo "services: installing haproxy"
    apt_install haproxy
  fi
  echo "services: $(haproxy -v 2>/dev/null | sed -n 1p)"
}

# ensure_services — all of the above, in order (they share apt, so not in parallel).
ensure_services() {
  ensure_redis
  ensure_postgres
  ensure_chromium
  ensure_haproxy
}
