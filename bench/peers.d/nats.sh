# NATS JetStream for bench/peers: Debian's nats-server, one server with JetStream on loopback and
# its store in a temporary directory. Sourced by bench/peers; sets NATS_PORT, NATS_PID, NATS_STORE.
#
# Durability: Debian's nats-server is 2.9.10, whose file store writes every stored message to its
# block file (write(2), flush in place) before the server sends the publish acknowledgement, and
# fsyncs the blocks only from a timer every 2 minutes (stream.go sets SyncInterval, and the server
# config has no option for it: 2.9.10 rejects `sync_interval` as an unknown field; 2.10 added it).
# An acknowledged message survives a crash of nats-server, not one of the OS or of the machine.

# The nats-server binary (Debian puts it in /usr/sbin, which a normal user's PATH may lack).
nats_server_bin() {
  if [ -x /usr/sbin/nats-server ]; then
    printf '%s\n' /usr/sbin/nats-server
  else
    command -v nats-server
  fi
}

nats_ensure_installed() {
  nats_server_bin >/dev/null || peers_apt_install nats-server
  nats_server_bin >/dev/null || peers_die "nats-server is not installed and apt-get could not install it"
}

# nats_start DIR: a config file, the JetStream store and the log go in DIR.
nats_start() {
  local dir=$1 bin
  bin=$(nats_server_bin)
  NATS_PORT=$(peers_free_port)
  NATS_STORE="$dir/jetstream"
  mkdir -p "$NATS_STORE"
  cat >"$dir/nats.conf" <<CONF
# bench/peers: loopback only, JetStream with file storage in a temporary directory.
listen: 127.0.0.1:$NATS_PORT
jetstream {
  store_dir: "$NATS_STORE"
}
CONF
  peers_log "NATS: $("$bin" --version), JetStream store in $NATS_STORE, port $NATS_PORT"
  "$bin" -c "$dir/nats.conf" >"$dir/nats.log" 2>&1 &
  NATS_PID=$!
  peers_wait_port "$NATS_PORT" 30 "$NATS_PID" || peers_die "nats-server did not start, see $dir/nats.log"
}

nats_stop() {
  peers_stop_process "${NATS_PID:-}"
  NATS_PID=""
}
