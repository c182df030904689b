#!/usr/bin/env bash
# Weft's production topology on one machine, without Docker: PostgreSQL, the
# Temporal server (persistence and visibility on PostgreSQL), Weft's search
# attributes, `weft migrate` once, then two `weft api` and two `weft worker`
# processes from this checkout. Every process is stoppable by its PID.
#
#   deploy/local-cluster.sh build                 go install the server and its sql tool (skipped when present)
#   deploy/local-cluster.sh up                    start everything (what is already running is left alone)
#   deploy/local-cluster.sh start <component>     start one: postgres, temporal, api-1, api-2, worker-1, worker-2
#   deploy/local-cluster.sh stop [component]      stop one (SIGTERM), or everything
#   deploy/local-cluster.sh kill <component>      SIGKILL one (fault drills)
#   deploy/local-cluster.sh status                each component, its PID, and whether it runs
#   deploy/local-cluster.sh down                  stop everything and delete the cluster's data
#
# Settings (environment):
#   WEFT_CLUSTER_DIR        data, logs and PID files (default .weft/cluster)
#   WEFT_CLUSTER_PG_PORT    PostgreSQL (default 5433)
#   WEFT_CLUSTER_TEMPORAL_PORT  Temporal frontend; the server's other ports follow it, +1..+9 (default 7233)
#   WEFT_CLUSTER_API_PORT   api-1; api-2 listens on the next port (default 8080)
#   WEFT_CLUSTER_METRICS_PORT   worker-1's /metrics; worker-2 on the next port (default 9464)
#   WEFT_CLUSTER_HISTORY_SHARDS Temporal history shards, fixed when the cluster is created (default 4)
#   WEFT_TEMPORAL_SERVER, WEFT_TEMPORAL_SQL_TOOL  the binaries (default: `server` and `sql` in $(go env GOPATH)/bin)
#   WEFT_TEMPORAL_SCHEMA_DIR  the server's schema/postgresql/v12 (default: from the Go module cache)
#   WEFT_BOOTSTRAP_ADMIN_KEY  the admin key; when unset one is made in $WEFT_CLUSTER_DIR/admin-key
# Other WEFT_* settings in the environment reach every Weft process.
set -euo pipefail

TEMPORAL_VERSION=1.29.1
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="$(mkdir -p "${WEFT_CLUSTER_DIR:-$ROOT/.weft/cluster}" && cd "${WEFT_CLUSTER_DIR:-$ROOT/.weft/cluster}" && pwd)"
PG_PORT="${WEFT_CLUSTER_PG_PORT:-5433}"
TEMPORAL_PORT="${WEFT_CLUSTER_TEMPORAL_PORT:-7233}"
API_PORT="${WEFT_CLUSTER_API_PORT:-8080}"
METRICS_PORT="${WEFT_CLUSTER_METRICS_PORT:-9464}"
SHARDS="${WEFT_CLUSTER_HISTORY_SHARDS:-4}"
COMPONENTS=(postgres temporal api-1 api-2 worker-1 worker-2)
# Temporal stores membership ports as a PostgreSQL smallint.
[ $((TEMPORAL_PORT + 9)) -le 32767 ] || { echo "WEFT_CLUSTER_TEMPORAL_PORT must be at most 32758 (Temporal stores its ports as smallint)" >&2; exit 2; }

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

gobin() { echo "$(go env GOPATH)/bin"; }
server_bin() { echo "${WEFT_TEMPORAL_SERVER:-$(gobin)/server}"; }
sql_bin() { echo "${WEFT_TEMPORAL_SQL_TOOL:-$(gobin)/sql}"; }
schema_dir() { echo "${WEFT_TEMPORAL_SCHEMA_DIR:-$(go env GOMODCACHE)/go.temporal.io/server@v$TEMPORAL_VERSION/schema/postgresql/v12}"; }

pg_bin() {
  local d
  for d in $(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)") $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -rn); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/psql" ] && [ -x "$d/createdb" ] && { echo "$d"; return; }
  done
  die "PostgreSQL binaries not found (apt-get install -y postgresql)"
}

# PostgreSQL refuses to run as root: under root its commands run as the postgres user.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pidfile() { echo "$DIR/pids/$1.pid"; }
pid_of() {
  local f
  if [ "$1" = postgres ]; then f="$DIR/postgres/data/postmaster.pid"; else f="$(pidfile "$1")"; fi
  [ -f "$f" ] && head -n1 "$f" || true
}
running() { local p; p="$(pid_of "$1")"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# Waits for a condition; the deadline only bounds a broken start.
wait_until() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "timed out after ${seconds}s waiting for $what"
    sleep 0.2
  done
}

cmd_build() {
  command -v go >/dev/null 2>&1 || die "Go is needed to build the Temporal server"
  # Cached: built again only when missing or of another version.
  if [ ! -x "$(server_bin)" ] || ! "$(server_bin)" --version 2>/dev/null | grep -q "version $TEMPORAL_VERSION\$"; then
    log "building the Temporal server $TEMPORAL_VERSION (go install, several minutes)"
    go install "go.temporal.io/server/cmd/server@v$TEMPORAL_VERSION"
  fi
  if [ ! -x "$(sql_bin)" ]; then
    log "building the Temporal sql tool $TEMPORAL_VERSION"
    go install "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_VERSION"
  fi
  log "server: $(server_bin)"
  log "sql tool: $(sql_bin)"
}

start_postgres() {
  local bin data="$DIR/postgres/data"
  bin="$(pg_bin)"
  mkdir -p "$DIR/postgres"
  # Under root, the postgres user owns the cluster and must reach it (a mktemp directory is private).
  if [ "$(id -u)" -eq 0 ]; then chmod a+x "$DIR"; chown postgres: "$DIR/postgres"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$data" -A trust -U postgres -E UTF8 >/dev/null
  fi
  as_pg "$bin/pg_ctl" -D "$data" -w -l "$DIR/postgres/log" \
    -o "-p $PG_PORT -k $DIR/postgres -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
}

ensure_database() {
  local bin
  bin="$(pg_bin)"
  as_pg "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_database where datname = '$1'" | grep -q 1 \
    || as_pg "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$1"
}

# Creates or upgrades Temporal's two schemas with the server's own sql tool.
setup_temporal_schemas() {
  local sql schemas db kind
  sql="$(sql_bin)"; schemas="$(schema_dir)"
  [ -x "$sql" ] || die "the Temporal sql tool is missing at $sql: run \`$0 build\` or set WEFT_TEMPORAL_SQL_TOOL"
  [ -d "$schemas/temporal/versioned" ] || die "Temporal's schema files are missing at $schemas: run \`$0 build\` or set WEFT_TEMPORAL_SCHEMA_DIR"
  for kind in temporal visibility; do
    db=temporal; [ "$kind" = visibility ] && db=temporal_visibility
    ensure_database "$db"
    local args=(--plugin postgres12 --ep 127.0.0.1 -p "$PG_PORT" -u postgres --db "$db")
    # setup-schema -v 0.0 creates the version table once; update-schema applies every versioned step.
    "$sql" "${args[@]}" setup-schema -v 0.0 >>"$DIR/logs/schema.log" 2>&1 || true
    "$sql" "${args[@]}" update-schema -d "$schemas/$kind/versioned" >>"$DIR/logs/schema.log" 2>&1 \
      || die "Temporal $kind schema update failed (see $DIR/logs/schema.log)"
  done
}

write_temporal_config() {
  local conf="$DIR/temporal/config" p="$TEMPORAL_PORT"
  mkdir -p "$conf"
  datastore() {
    cat <<EOF
      sql:
        pluginName: postgres12
        databaseName: $1
        connectAddr: "127.0.0.1:$PG_PORT"
        connectProtocol: tcp
        user: postgres
        password: ""
        maxConns: $2
        maxIdleConns: $2
        maxConnLifetime: 1h
EOF
  }
  cat >"$conf/development.yaml" <<EOF
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: $SHARDS
  datastores:
    default:
$(datastore temporal 20)
    visibility:
$(datastore temporal_visibility 10)
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: "127.0.0.1:$((p + 9))"
services:
  frontend:
    rpc: { grpcPort: $p, membershipPort: $((p + 4)), bindOnLocalHost: true, httpPort: $((p + 8)) }
  history:
    rpc: { grpcPort: $((p + 1)), membershipPort: $((p + 5)), bindOnLocalHost: true }
  matching:
    rpc: { grpcPort: $((p + 2)), membershipPort: $((p + 6)), bindOnLocalHost: true }
  worker:
    rpc: { grpcPort: $((p + 3)), membershipPort: $((p + 7)), bindOnLocalHost: true }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:$p"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: "$ROOT/deploy/temporal/dynamicconfig.yaml"
  pollInterval: 10s
EOF
}

start_temporal() {
  local server
  server="$(server_bin)"
  [ -x "$server" ] || die "the Temporal server is missing at $server: run \`$0 build\` or set WEFT_TEMPORAL_SERVER"
  setup_temporal_schemas
  write_temporal_config
  (exec setsid "$server" --root "$DIR/temporal" --config config --env development --allow-no-auth start) \
    >>"$DIR/logs/temporal.log" 2>&1 </dev/null &
  echo $! >"$(pidfile temporal)"
  # Waits for the frontend, then registers the namespace (the server makes none) and Weft's
  # search attributes; gives up at once if the server exits meanwhile.
  (weft_env node "$ROOT/bin/weft.js" temporal-setup --timeout 300) >>"$DIR/logs/temporal-setup.log" 2>&1 &
  local setup=$!
  while kill -0 "$setup" 2>/dev/null; do
    running temporal || { kill "$setup"; die "the Temporal server exited (see $DIR/logs/temporal.log)"; }
    sleep 0.5
  done
  wait "$setup" || die "Temporal did not get ready (see $DIR/logs/temporal-setup.log and $DIR/logs/temporal.log)"
}

admin_key() {
  if [ -n "${WEFT_BOOTSTRAP_ADMIN_KEY:-}" ]; then echo "$WEFT_BOOTSTRAP_ADMIN_KEY"; return; fi
  if [ ! -f "$DIR/admin-key" ]; then
    (umask 077 && node -e 'process.stdout.write(require("node:crypto").randomBytes(24).toString("hex"))' >"$DIR/admin-key")
  fi
  cat "$DIR/admin-key"
}

# Runs a command with the cluster's settings; `exec`, so a background job's $! is the process itself.
weft_env() {
  local key
  key="$(admin_key)"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/weft" TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT" WEFT_BOOTSTRAP_ADMIN_KEY="$key"
  exec "$@"
}

migrate() {
  ensure_database weft
  (weft_env node "$ROOT/bin/weft.js" migrate) >>"$DIR/logs/migrate.log" 2>&1 || die "weft migrate failed (see $DIR/logs/migrate.log)"
}

api_ready() { curl -fsS "http://127.0.0.1:$1/ready" >/dev/null; }
# A worker serves /metrics only once it polls, whatever its log level.
worker_ready() { curl -fsS -o /dev/null "http://127.0.0.1:$1/metrics"; }

launch_weft() {
  local name="$1" n="${1##*-}" kind="${1%-*}" logf="$DIR/logs/$1.log"
  : >"$logf"
  if [ "$kind" = api ]; then
    (WEFT_PORT=$((API_PORT + n - 1)) weft_env setsid node "$ROOT/bin/weft.js" api) >>"$logf" 2>&1 </dev/null &
  else
    (WEFT_METRICS_PORT=$((METRICS_PORT + n - 1)) weft_env setsid node "$ROOT/bin/weft.js" worker) >>"$logf" 2>&1 </dev/null &
  fi
  echo $! >"$(pidfile "$name")"
}

await_weft() {
  local name="$1" n="${1##*-}" logf="$DIR/logs/$1.log"
  if [ "${name%-*}" = api ]; then
    wait_until "$name on port $((API_PORT + n - 1)) (see $logf)" 90 api_ready $((API_PORT + n - 1))
  else
    wait_until "$name to poll (see $logf)" 90 worker_ready $((METRICS_PORT + n - 1))
  fi
  log "started $name (PID $(pid_of "$name"))"
}

start_one() {
  local name="$1"
  if running "$name"; then log "$name already running (PID $(pid_of "$name"))"; return; fi
  case "$name" in
    postgres) start_postgres ;;
    temporal) start_temporal ;;
    api-1 | api-2 | worker-1 | worker-2) launch_weft "$name"; await_weft "$name"; return ;;
    *) die "unknown component '$name' (one of: ${COMPONENTS[*]})" ;;
  esac
  log "started $name (PID $(pid_of "$name"))"
}

stop_one() {
  local name="$1" signal="${2:-TERM}" pid
  if ! running "$name"; then log "$name is not running"; return; fi
  pid="$(pid_of "$name")"
  if [ "$name" = postgres ]; then
    if [ "$signal" = KILL ]; then kill -KILL "$pid"; else as_pg "$(pg_bin)/pg_ctl" -D "$DIR/postgres/data" -m fast -w stop >/dev/null; fi
  else
    kill "-$signal" "$pid"
  fi
  wait_until "$name (PID $pid) to exit" 30 bash -c "! kill -0 $pid"
  log "stopped $name (PID $pid, SIG$signal)"
}

cmd_up() {
  mkdir -p "$DIR/pids" "$DIR/logs"
  start_one postgres
  start_one temporal
  migrate
  log "migrated the weft database (weft migrate, once, before any replica starts)"
  # The four Weft processes start together (the migrations are already done) and are awaited in turn.
  local c started=()
  for c in api-1 api-2 worker-1 worker-2; do
    if running "$c"; then log "$c already running (PID $(pid_of "$c"))"; else launch_weft "$c"; started+=("$c"); fi
  done
  for c in "${started[@]}"; do await_weft "$c"; done
  cmd_status
  log "API: http://127.0.0.1:$API_PORT and http://127.0.0.1:$((API_PORT + 1)); admin key: $(if [ -n "${WEFT_BOOTSTRAP_ADMIN_KEY:-}" ]; then echo 'WEFT_BOOTSTRAP_ADMIN_KEY'; else echo "$DIR/admin-key"; fi)"
  log "Temporal: 127.0.0.1:$TEMPORAL_PORT; PostgreSQL: postgres://postgres@127.0.0.1:$PG_PORT/weft; logs: $DIR/logs"
}

cmd_status() {
  local c
  for c in "${COMPONENTS[@]}"; do
    if running "$c"; then printf '%-9s running  PID %s\n' "$c" "$(pid_of "$c")"; else printf '%-9s stopped\n' "$c"; fi
  done
}

cmd_stop_all() {
  local i
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop_one "${COMPONENTS[$i]}"; done
}

main() {
  mkdir -p "$DIR/pids" "$DIR/logs"
  local cmd="${1:-}"
  case "$cmd" in
    build) cmd_build ;;
    up) cmd_up ;;
    start) [ $# -eq 2 ] || die "usage: $0 start <component>"; start_one "$2" ;;
    stop) if [ $# -eq 2 ]; then stop_one "$2"; else cmd_stop_all; fi ;;
    kill) [ $# -eq 2 ] || die "usage: $0 kill <component>"; stop_one "$2" KILL ;;
    status) cmd_status ;;
    down) cmd_stop_all; rm -rf "$DIR"; log "removed $DIR" ;;
    *) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; [ -z "$cmd" ] || exit 2 ;;
  esac
}

main "$@"
