# PostgreSQL for bench/peers: Debian's package, a throwaway cluster in a temporary directory on a
# loopback port, fsync=on and synchronous_commit=on (a commit returns after its WAL is on disk).
# Sourced by bench/peers; sets PG_PORT, PG_PID, PG_DIR.

# The newest PostgreSQL bin directory Debian installed (initdb and pg_ctl are not on the PATH).
pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && printf '%s\n' "$dir"
}

# Runs a command as the postgres user when we are root (initdb refuses to run as root).
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ensure_installed() {
  pg_bin_dir >/dev/null || peers_apt_install postgresql postgresql-client
  pg_bin_dir >/dev/null || peers_die "PostgreSQL is not installed and apt-get could not install it"
  command -v npm >/dev/null || peers_apt_install npm
}

# pg_start WORKDIR: initdb + start; the settings are the durable defaults, spelled out.
pg_start() {
  local work=$1 bin
  bin=$(pg_bin_dir)
  PG_DIR="$work/postgres"
  PG_PORT=$(peers_free_port)
  mkdir -p "$PG_DIR"
  [ "$(id -u)" -ne 0 ] || chown postgres "$PG_DIR"
  peers_log "PostgreSQL: initdb in $PG_DIR, port $PG_PORT ($("$bin/postgres" --version))"
  pg_as_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-sync >"$work/postgres-initdb.log" 2>&1 \
    || peers_die "initdb failed, see $work/postgres-initdb.log"
  cat >>"$PG_DIR/data/postgresql.conf" <<CONF
# bench/peers: loopback only, durable commits, memory sized for a 1 GB bulk ingest.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
fsync = on
synchronous_commit = on
full_page_writes = on
wal_sync_method = fdatasync
shared_buffers = 1GB
max_connections = 200
max_wal_size = 4GB
CONF
  pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start >/dev/null \
    || peers_die "PostgreSQL did not start, see $PG_DIR/server.log"
  PG_PID=$(head -1 "$PG_DIR/data/postmaster.pid")
  export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres
  "$bin/createdb" bench
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ] || return 0
  pg_as_owner "$(pg_bin_dir)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_jdbc_url DATABASE [SCHEMA]: Message DB's functions call each other unqualified and expect
# its schema on the search path (its own role has it set; the benchmark connects as postgres).
pg_jdbc_url() {
  printf 'jdbc:postgresql://127.0.0.1:%s/%s?user=postgres&reWriteBatchedInserts=true&currentSchema=%s\n' \
    "$PG_PORT" "$1" "${2:-public}"
}

# Message DB from its npm package, installed with the package's own install script.
MESSAGE_DB_VERSION=1.3.1

messagedb_install() {
  local cache pkg
  cache=$(peers_cache_dir)/message-db-$MESSAGE_DB_VERSION
  pkg="$cache/package"
  if [ ! -f "$pkg/database/install.sh" ]; then
    peers_log "Message DB: fetching @eventide/message-db@$MESSAGE_DB_VERSION from the npm registry"
    mkdir -p "$cache"
    (cd "$cache" && npm pack --silent "@eventide/message-db@$MESSAGE_DB_VERSION" >/dev/null 2>&1 \
      && tar xzf eventide-message-db-$MESSAGE_DB_VERSION.tgz) \
      || peers_die "could not fetch @eventide/message-db from npm"
  fi
  peers_log "Message DB: running its database/install.sh against port $PG_PORT"
  PATH="$(pg_bin_dir):$PATH" DATABASE_NAME=message_store bash "$pkg/database/install.sh" \
    >"$PG_DIR/message-db-install.log" 2>&1 || peers_die "Message DB install failed, see $PG_DIR/message-db-install.log"
}
