#!/usr/bin/env bash
# Starts bin/berthd in the background and waits until it answers GET /_ping.
# Idempotent: when a daemon is already answering on the socket it does nothing.
# Extra arguments are passed to berthd unchanged (e.g. --default-runtime runc).
#
# Environment overrides (defaults match berthd's own):
#   BERTH_SOCKET     /run/berth/berth.sock
#   BERTH_DATA_ROOT  /var/lib/berth
#   BERTH_EXEC_ROOT  /run/berth
#   BERTH_PIDFILE    /run/berthd.pid
#   BERTH_LOG        /var/log/berthd.log
#   BERTH_START_TIMEOUT  seconds to wait for the socket (30)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
socket="${BERTH_SOCKET:-/run/berth/berth.sock}"
data_root="${BERTH_DATA_ROOT:-/var/lib/berth}"
exec_root="${BERTH_EXEC_ROOT:-/run/berth}"
pidfile="${BERTH_PIDFILE:-/run/berthd.pid}"
logfile="${BERTH_LOG:-/var/log/berthd.log}"
timeout="${BERTH_START_TIMEOUT:-30}"

log() { printf '[start-daemon] %s\n' "$*" >&2; }

# node is always present (berth runs on it) while curl may not be, so the
# readiness probe is a few lines of node speaking HTTP over the unix socket.
ping_ok() {
  [[ -S "$socket" ]] || return 1
  node -e '
    const http = require("node:http");
    const req = http.get({ socketPath: process.argv[1], path: "/_ping", timeout: 2000 }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => process.exit(res.statusCode === 200 && body.trim() === "OK" ? 0 : 1));
    });
    req.on("error", () => process.exit(1));
    req.on("timeout", () => { req.destroy(); process.exit(1); });
  ' "$socket"
}

if ping_ok; then
  log "berthd already answering on unix://$socket"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  log "berthd needs root (mounts, namespaces, cgroups); run: sudo $0"
  exit 1
fi

# A fresh checkout has no dist/ yet; build rather than fail with a confusing
# "module not found" in the log.
if [[ ! -f "$repo/dist/src/cmd/berthd.js" ]]; then
  log "dist/ missing, building"
  (cd "$repo" && npm run build)
fi

# A stale pidfile from a daemon that died must not stop the new one, but a live
# process that holds it (hung, not answering yet) must not get a twin.
if [[ -f "$pidfile" ]]; then
  old="$(cat "$pidfile" 2>/dev/null || true)"
  if [[ -n "$old" ]] && kill -0 "$old" 2>/dev/null; then
    log "pid $old from $pidfile is alive; waiting for it to answer"
  else
    rm -f "$pidfile"
    old=""
  fi
fi

mkdir -p "$(dirname "$socket")" "$data_root" "$exec_root" "$(dirname "$logfile")" "$(dirname "$pidfile")"

if [[ -z "${old:-}" ]]; then
  # setsid detaches the daemon from this shell's session so it survives the
  # terminal (and sudo) exiting; stdin from /dev/null so it never waits on a tty.
  printf '\n==== %s starting berthd ====\n' "$(date -u +%FT%TZ)" >>"$logfile"
  setsid "$repo/bin/berthd" -H "unix://$socket" --data-root "$data_root" \
    --exec-root "$exec_root" --pidfile "$pidfile" "$@" \
    </dev/null >>"$logfile" 2>&1 &
  pid=$!
else
  pid="$old"
fi

for ((i = 0; i < timeout * 10; i++)); do
  if ping_ok; then
    log "berthd (pid $pid) ready on unix://$socket — log: $logfile"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    log "berthd exited during start-up; last lines of $logfile:"
    tail -n 30 "$logfile" >&2 || true
    exit 1
  fi
  sleep 0.1
done

log "berthd did not answer on unix://$socket within ${timeout}s; last lines of $logfile:"
tail -n 30 "$logfile" >&2 || true
exit 1
