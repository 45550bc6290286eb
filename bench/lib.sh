# Shared by the bench scripts: sourced after their flags are parsed.
#
# The functions below use the sourcing script's globals:
#   targets     the engines asked for, space-separated ("berth docker"); set before sourcing
#   base        this run's temp dir (engine dirs, sockets, results/, docker-config/)
#   daemon_pid  associative array: target -> pid of its daemon, filled by start_<target>
#   active      the targets whose daemon started, filled by start_engines
#   berth_tag   berthd's --net-tag (names of its bridge, links, netns and nft table)
#   berth_flags array of extra berthd flags (network tag, subnets, ...); empty unless set
#   docker_flags array of extra dockerd flags (--insecure-registry, ...); empty unless set
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # globals set here are the callers', and theirs are read here

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docker_cli="${DOCKER_CLI:-/usr/local/bin/docker}"
[[ -x "$docker_cli" ]] || docker_cli="$(command -v docker)"
berth_flags=()
docker_flags=()

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Installs the Debian packages not yet installed (docker.io only ever for the benchmarks).
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

has_target() { [[ " $targets " == *" $1 "* ]]; }

# Each engine's directory under $base. berth's is one letter because its
# exec root holds per-container attach sockets whose full path must fit in
# sun_path (108 bytes) together with a 64-hex container id.
dir_of() { case "$1" in berth) echo b ;; *) echo "$1" ;; esac; }

# The docker CLI pointed at one target. A private DOCKER_CONFIG keeps the
# user's contexts and credential helpers out of the measurement.
dk() {
  local t="$1"; shift
  DOCKER_HOST="unix://$base/$(dir_of "$t")/engine.sock" DOCKER_CONFIG="$base/docker-config" "$docker_cli" "$@"
}

pids_mentioning() {
  local needle="$1" p cmd
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [[ "$p" == "$$" || "$p" == "$BASHPID" ]] && continue
    cmd="$({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null)" || continue
    [[ "$cmd" == *"$needle"* ]] && echo "$p"
  done
}

now_us() { local t="${EPOCHREALTIME/./}"; echo "$((10#$t))"; }

# Times one command in microseconds (EPOCHREALTIME: no fork for the clock),
# appends the sample to results/<target>.<measure>, prints the command's
# output, and fails loudly when the command fails — a benchmark of an error
# path is worthless.
timed() {
  local t="$1" measure="$2"; shift 2
  local s e out
  s="$(now_us)"
  if ! out="$("$@" 2>&1)"; then
    log "$t: '$*' failed: $out"
    return 1
  fi
  e="$(now_us)"
  echo "$((e - s))" >>"$base/results/$t.$measure"
  printf '%s' "$out"
}

wait_ready() {
  local t="$1" secs="$2"
  for _ in $(seq $((secs * 10))); do
    dk "$t" version --format '{{.Server.Version}}' >/dev/null 2>&1 && return 0
    kill -0 "${daemon_pid[$t]}" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# A busybox image for engines without berth's built-in one: the host's static
# busybox with its applet links, imported from a tarball.
make_busybox_tar() {
  local dir="$base/busybox-rootfs" a
  mkdir -p "$dir/bin" "$dir/tmp" "$dir/etc"
  cp "$(command -v busybox)" "$dir/bin/busybox"
  for a in $("$dir/bin/busybox" --list); do
    [[ "$a" == busybox ]] || ln -sf busybox "$dir/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
  tar -C "$dir" -cf "$base/busybox.tar" .
}

# ---- engines ----------------------------------------------------------------
start_berth() {
  local d="$base/b"
  mkdir -p "$d/root" "$d/x"
  if [[ ! -f "$repo/dist/src/cmd/berthd.js" ]]; then (cd "$repo" && npm run build >&2) || true; fi
  [[ -x "$repo/bin/berthd" && -f "$repo/dist/src/cmd/berthd.js" ]] || { log "berth: bin/berthd or dist/ missing"; return 1; }
  "$repo/bin/berthd" -H "unix://$d/engine.sock" --data-root "$d/root" --exec-root "$d/x" --pidfile "$d/berthd.pid" \
    "${berth_flags[@]}" >"$d/daemon.log" 2>&1 </dev/null &
  daemon_pid[berth]=$!
  wait_ready berth 30 || { log "berth: not ready; log tail:"; tail -n 20 "$d/daemon.log" >&2; return 1; }
}

# Docker Engine with no bridge and no iptables, so it touches nothing on the
# host, and its own containerd (dockerd starts one under --exec-root when none
# is given). network.sh replaces this with one that has Docker's networking.
start_docker() {
  local d="$base/docker"
  mkdir -p "$d/root" "$d/exec"
  dockerd --data-root "$d/root" --exec-root "$d/exec" -H "unix://$d/engine.sock" \
    --pidfile "$d/dockerd.pid" --bridge none --iptables=false --ip-masq=false "${docker_flags[@]}" \
    >"$d/daemon.log" 2>&1 </dev/null &
  daemon_pid[docker]=$!
  wait_ready docker 60 || { log "docker: not ready; log tail:"; tail -n 20 "$d/daemon.log" >&2; return 1; }
  dk docker import - busybox:latest <"$base/busybox.tar" >/dev/null
}

# Starts each target with its start_<target>; those that start make up $active.
start_engines() {
  local t
  active=()
  for t in $targets; do
    log "starting $t"
    if "start_$t"; then active+=("$t"); else log "$t skipped"; unset "daemon_pid[$t]"; fi
  done
  ((${#active[@]})) || die "no engine started"
}

# Each round visits the targets in the opposite order of the previous one, so
# neither always runs first after the other's cache effects.
order_for_round() {
  if (($1 % 2)); then printf '%s\n' "${active[@]}" | tac; else printf '%s\n' "${active[@]}"; fi
}

# ---- cleanup (called from the scripts' EXIT traps, under set +e) -----------
# Removes every engine's containers, stops the daemons (TERM, up to 10 s, then
# KILL), kills whatever still runs from $base (shims, conmon, a wedged
# containerd) and unmounts everything below $base.
stop_daemons() {
  local t ids p
  for t in "${!daemon_pid[@]}"; do
    ids="$(dk "$t" ps -aq 2>/dev/null)"
    # shellcheck disable=SC2086 # ids are whitespace-separated on purpose
    [[ -n "$ids" ]] && dk "$t" rm -f $ids >/dev/null 2>&1
    kill -TERM "${daemon_pid[$t]}" 2>/dev/null
  done
  for t in "${!daemon_pid[@]}"; do
    for _ in $(seq 100); do kill -0 "${daemon_pid[$t]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${daemon_pid[$t]}" 2>/dev/null
  done
  for p in $(pids_mentioning "$base/"); do kill -KILL "$p" 2>/dev/null; done
  sleep 0.5
  # Deepest mount first; lazy so a busy mount cannot stop the rest.
  awk -v pfx="$base/" '{ mp = $5; gsub(/\\040/, " ", mp); if (index(mp, pfx) == 1) print length(mp) "\t" mp }' /proc/self/mountinfo \
    | sort -rn | cut -f2- | while IFS= read -r mp; do umount -l "$mp" 2>/dev/null; done
}

# Removes the kernel objects of $berth_tag still there after berthd stopped (its
# nft table, links and netns) and logs them after the message given.
remove_berth_leftovers() {
  local left="" l n
  nft list table inet "$berth_tag" >/dev/null 2>&1 && { left+=" nft-table"; nft delete table inet "$berth_tag"; }
  for l in $(ip -o link show | awk -F': ' '{ print $2 }' | cut -d@ -f1 | grep -E "^${berth_tag}(0|-|v)"); do left+=" $l"; ip link del "$l" 2>/dev/null; done
  for n in $(ip netns list | awk '{ print $1 }' | grep -E "^${berth_tag}-"); do left+=" netns:$n"; ip netns del "$n"; done
  if [[ -n "$left" ]]; then log "$1:$left"; fi
}

# Removes $base, unless BENCH_KEEP asks to keep it (logs).
remove_base() {
  if [[ -n "${BENCH_KEEP:-}" ]]; then log "kept $base"; else rm -rf "$base"; fi
}

# ---- report -----------------------------------------------------------------
median() { # target measure → median of results/<target>.<measure>, empty when none
  local f="$base/results/$1.$2"
  [[ -s "$f" ]] || { echo ""; return; }
  sort -n "$f" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ms() { local m; m="$(median "$1" "$2")"; [[ -n "$m" ]] && awk -v m="$m" 'BEGIN { printf "%.1f", m / 1000 }'; }
ratio() { if [[ -n "$1" && -n "$2" ]] && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo "n/a"; fi; }
