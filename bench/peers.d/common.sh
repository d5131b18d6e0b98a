# Helpers shared by the peer setup scripts of bench/peers. Sourced, not run.

peers_log() {
  printf '[peers %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

peers_die() {
  peers_log "error: $*"
  exit 1
}

# A free TCP port on loopback (asks the kernel, so two peers never collide).
peers_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until something listens on 127.0.0.1:$1, up to $2 seconds; fails if process $3 died.
peers_wait_port() {
  local port=$1 timeout=$2 pid=${3:-} waited=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
    [ "$waited" -lt $((timeout * 2)) ] || return 1
  done
}

# Stops a server this shell started in the background (pid $1; nothing if empty) and reaps it.
peers_stop_process() {
  [ -n "${1:-}" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# The cache for downloaded peers (Kafka jars, the Message DB package), kept between runs.
peers_cache_dir() {
  local dir=${PEREGRINE_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/peregrine-peers}
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

# Installs Debian packages if a command is missing (needs root or sudo).
peers_apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  peers_log "installing Debian packages: $*"
  $sudo apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
}
