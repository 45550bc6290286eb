#!/usr/bin/env bash
# Side-by-side benchmark: the same docker CLI commands against berthd, Docker
# Engine (Debian's docker.io) and optionally podman's Docker-compatible API, on
# this machine, interleaved round by round so drift (page cache, CPU
# frequency, other load) hits every target alike. Prints medians and ratios as
# a markdown table. Not part of `npm test`: speed is reported, never asserted.
#
# usage: sudo bench/run.sh [--rounds N] [--containers N] [--targets "berth docker podman"]
#
# Environment (same as the flags): BENCH_ROUNDS (15), BENCH_CONTAINERS (100),
# BENCH_TARGETS ("berth docker"), BENCH_NETWORK (none; "default" to use each
# engine's default network — Docker here runs with --bridge none, so "none"
# keeps the work equal), BENCH_PARALLEL_TOTAL (200) and BENCH_PARALLEL_CLIENTS (20) for
# the concurrent-start measure, DOCKER_CLI (/usr/local/bin/docker), BENCH_KEEP=1 keeps
# the temp dir (logs) after the run.
set -euo pipefail

rounds="${BENCH_ROUNDS:-15}"
containers="${BENCH_CONTAINERS:-100}"
par_total="${BENCH_PARALLEL_TOTAL:-200}"
par_clients="${BENCH_PARALLEL_CLIENTS:-20}"
targets="${BENCH_TARGETS:-berth docker}"
network="${BENCH_NETWORK:-none}"
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --containers) containers="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    --network) network="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $(id -u) -eq 0 ]] || die "run as root: the engines need mounts, namespaces and cgroups"
[[ "$rounds" =~ ^[0-9]+$ && "$containers" =~ ^[0-9]+$ ]] || die "--rounds and --containers take numbers"

# ---- prerequisites ---------------------------------------------------------
has_target docker && apt_install docker.io busybox-static
has_target podman && apt_install podman busybox-static
has_target berth && apt_install crun runc conmon iptables busybox-static nftables iproute2

# One temp dir for everything this run creates; short so socket paths fit in
# sun_path (containerd and conmon put their sockets below it).
base="$(mktemp -d /tmp/bn.XXXXXX)"
declare -A daemon_pid=()

# ---- cleanup ----------------------------------------------------------------
cleanup() {
  local rc=$?
  set +e
  for t in "${!daemon_pid[@]}"; do
    local ids
    ids="$(dk "$t" ps -aq 2>/dev/null)"
    # shellcheck disable=SC2086 # ids are whitespace-separated on purpose
    [[ -n "$ids" ]] && dk "$t" rm -f $ids >/dev/null 2>&1
    kill -TERM "${daemon_pid[$t]}" 2>/dev/null
  done
  for t in "${!daemon_pid[@]}"; do
    for _ in $(seq 100); do kill -0 "${daemon_pid[$t]}" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "${daemon_pid[$t]}" 2>/dev/null
  done
  # Whatever still runs from our dir (shims, conmon, a wedged containerd).
  for p in $(pids_mentioning "$base/"); do kill -KILL "$p" 2>/dev/null; done
  sleep 0.5
  # Deepest mount first; lazy so a busy mount cannot stop the rest.
  awk -v pfx="$base/" '{ mp = $5; gsub(/\\040/, " ", mp); if (index(mp, pfx) == 1) print length(mp) "\t" mp }' /proc/self/mountinfo \
    | sort -rn | cut -f2- | while IFS= read -r mp; do umount -l "$mp" 2>/dev/null; done
  if [[ -n "${BENCH_KEEP:-}" ]]; then
    log "kept $base"
  else
    rm -rf "$base"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- helpers ----------------------------------------------------------------
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

descendants() {
  local p kids
  for p in "$@"; do
    echo "$p"
    kids="$(cat /proc/"$p"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . || true)"
    [[ -n "$kids" ]] && descendants $kids
  done
}

# Resident memory of one engine, in KiB: the daemon, its helpers (containerd,
# shims, conmon — found as descendants and by naming our temp dir) but not the
# containers' own processes (they have a pivoted root, not /).
engine_rss_kb() {
  local t="$1" total=0 n=0 pss_total=0 p rss pss
  local -A seen=()
  for p in $(descendants "${daemon_pid[$t]}") $(pids_mentioning "$base/$(dir_of "$t")/"); do
    [[ -n "${seen[$p]:-}" ]] && continue
    seen[$p]=1
    [[ "$(readlink "/proc/$p/root" 2>/dev/null)" == "/" ]] || continue
    rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)"
    [[ -n "$rss" ]] || continue
    total=$((total + rss)); n=$((n + 1))
    # PSS splits shared pages (libraries every monitor maps) among the processes sharing them,
    # so the sum is what the engine really costs; VmRSS counts each shared page once per process.
    pss="$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)"
    pss_total=$((pss_total + ${pss:-0}))
  done
  echo "$total $n $pss_total"
}

now_us() { local t="${EPOCHREALTIME/./}"; echo "$((10#$t))"; }

# Times one command in microseconds (EPOCHREALTIME: no fork for the clock),
# appends the sample to results/<target>.<measure>, and fails loudly when the
# command fails — a benchmark of an error path is worthless.
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
  local d="$base/$(dir_of berth)"
  mkdir -p "$d/root" "$d/x"
  if [[ ! -f "$repo/dist/src/cmd/berthd.js" ]]; then (cd "$repo" && npm run build >&2) || true; fi
  [[ -x "$repo/bin/berthd" && -f "$repo/dist/src/cmd/berthd.js" ]] || { log "berth: bin/berthd or dist/ missing"; return 1; }
  "$repo/bin/berthd" -H "unix://$d/engine.sock" --data-root "$d/root" --exec-root "$d/x" \
    --pidfile "$d/berthd.pid" >"$d/daemon.log" 2>&1 </dev/null &
  daemon_pid[berth]=$!
  wait_ready berth 30 || { log "berth: not ready; log tail:"; tail -n 20 "$d/daemon.log" >&2; return 1; }
}

start_docker() {
  local d="$base/docker"
  mkdir -p "$d/root" "$d/exec"
  # Its own containerd (dockerd starts one under --exec-root when none is
  # given), no bridge and no iptables so it touches nothing on the host.
  dockerd --data-root "$d/root" --exec-root "$d/exec" -H "unix://$d/engine.sock" \
    --pidfile "$d/dockerd.pid" --bridge none --iptables=false --ip-masq=false \
    >"$d/daemon.log" 2>&1 </dev/null &
  daemon_pid[docker]=$!
  wait_ready docker 60 || { log "docker: not ready; log tail:"; tail -n 20 "$d/daemon.log" >&2; return 1; }
  dk docker import - busybox:latest <"$base/busybox.tar" >/dev/null
}

start_podman() {
  local d="$base/podman"
  mkdir -p "$d/root" "$d/run"
  # runc, not podman's default crun, and no cgroup manager: the same runtime
  # choice berth makes on a host whose cgroup layout crun refuses. Podman as
  # root raises RLIMIT_NOFILE/NPROC by default, which fails where the sandbox
  # withholds CAP_SYS_RESOURCE; pin them to modest fixed values.
  local pm=(podman --root "$d/root" --runroot "$d/run" --cgroup-manager cgroupfs --events-backend file --runtime runc --tmpdir "$d/run/tmp")
  printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=32768:32768"]\n' >"$d/containers.conf"
  export CONTAINERS_CONF="$d/containers.conf"
  "${pm[@]}" import - localhost/busybox:latest <"$base/busybox.tar" >/dev/null 2>&1
  "${pm[@]}" system service --time=0 "unix://$d/engine.sock" >"$d/daemon.log" 2>&1 </dev/null &
  daemon_pid[podman]=$!
  wait_ready podman 30 || { log "podman: not ready; log tail:"; tail -n 20 "$d/daemon.log" >&2; return 1; }
}

mkdir -p "$base/results" "$base/docker-config"
if has_target docker || has_target podman; then make_busybox_tar; fi

active=()
for t in $targets; do
  log "starting $t"
  if "start_$t"; then active+=("$t"); else log "$t skipped"; unset "daemon_pid[$t]"; fi
done
((${#active[@]})) || die "no engine started"

netflag=()
[[ "$network" == default ]] || netflag=(--network "$network")

# Each round visits the targets in the opposite order of the previous one, so
# neither always runs first after the other's cache effects.
order_for_round() {
  if (($1 % 2)); then printf '%s\n' "${active[@]}" | tac; else printf '%s\n' "${active[@]}"; fi
}

# ---- warm-up: first runs pay for lazily loaded code and page cache ----------
for t in "${active[@]}"; do
  for _ in 1 2 3; do dk "$t" run --rm "${netflag[@]}" busybox true >/dev/null; done
done

# ---- single-container latency ----------------------------------------------
log "run/create/start: $rounds rounds"
for ((r = 0; r < rounds; r++)); do
  for t in $(order_for_round "$r"); do
    timed "$t" run dk "$t" run --rm "${netflag[@]}" busybox true >/dev/null
    id="$(timed "$t" create dk "$t" create "${netflag[@]}" busybox true)"
    timed "$t" start dk "$t" start "$id" >/dev/null
    dk "$t" wait "$id" >/dev/null
    timed "$t" rm dk "$t" rm "$id" >/dev/null
  done
done

sleep 2 # let the daemons settle (GC, deferred cleanup) before reading RSS
for t in "${active[@]}"; do engine_rss_kb "$t" >"$base/results/$t.rss_idle"; done

# ---- many running containers ------------------------------------------------
log "starting $containers containers per engine"
for ((i = 0; i < containers; i++)); do
  for t in $(order_for_round "$i"); do
    timed "$t" run_d dk "$t" run -d "${netflag[@]}" busybox sleep 3600 >/dev/null
  done
done

log "ps with $containers running: $rounds rounds"
for ((r = 0; r < rounds; r++)); do
  for t in $(order_for_round "$r"); do
    timed "$t" ps dk "$t" ps >/dev/null
  done
done
for t in "${active[@]}"; do
  n="$(dk "$t" ps -q | wc -l)"
  [[ "$n" -eq "$containers" ]] || log "warning: $t lists $n running containers, expected $containers"
done

log "exec true into a running container: $rounds rounds"
declare -A exec_target=()
for t in "${active[@]}"; do
  exec_target[$t]="$(dk "$t" ps -q | head -n1)"
  dk "$t" exec "${exec_target[$t]}" true # warm-up
done
for ((r = 0; r < rounds; r++)); do
  for t in $(order_for_round "$r"); do
    timed "$t" exec dk "$t" exec "${exec_target[$t]}" true
  done
done

sleep 2
for t in "${active[@]}"; do engine_rss_kb "$t" >"$base/results/$t.rss_full"; done

# ---- stats ------------------------------------------------------------------
# `stats --no-stream` of one container and of all of them (the docker CLI asks with
# stream=false, so each engine primes a CPU sample before answering), then the daemon's own
# CPU while `docker stats` streams every running container for $stats_secs seconds.
log "stats --no-stream: $rounds rounds"
for ((r = 0; r < rounds; r++)); do
  for t in $(order_for_round "$r"); do
    one="$(dk "$t" ps -q | head -n 1)"
    timed "$t" stats1 dk "$t" stats --no-stream "$one" >/dev/null
    timed "$t" stats_all dk "$t" stats --no-stream >/dev/null
  done
done
# utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat; the
# command name in field 2 has no spaces for these daemons).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
stats_secs="${BENCH_STATS_SECS:-30}"
for t in "${active[@]}"; do
  log "$t: daemon CPU while docker stats streams $containers containers for ${stats_secs}s"
  dk "$t" stats >/dev/null 2>&1 &
  streamer=$!
  sleep 3
  c0="$(cpu_ticks "${daemon_pid[$t]}")"
  sleep "$stats_secs"
  c1="$(cpu_ticks "${daemon_pid[$t]}")"
  kill "$streamer" 2>/dev/null; wait "$streamer" 2>/dev/null || true
  # percent of one CPU = ticks / (seconds * CLK_TCK) * 100
  awk -v d="$((c1 - c0))" -v s="$stats_secs" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", d / (s * hz) * 100 }' >"$base/results/$t.stats_cpu"
done

# ---- many clients at once ---------------------------------------------------
# Throughput under concurrency (moby #29780, #42096: starts serialised behind a lock): every
# engine, one after the other on an empty host, gets $par_total `run -d` from $par_clients
# clients at once; containers per second is the count that runs at the end over the wall time.
remove_all() {
  local ids
  ids="$(dk "$1" ps -aq)"
  # shellcheck disable=SC2086 # ids are whitespace-separated on purpose
  [[ -z "$ids" ]] || dk "$1" rm -f $ids >/dev/null
}
for t in "${active[@]}"; do remove_all "$t"; done
log "parallel: $par_total run -d from $par_clients concurrent clients per engine"
for t in "${active[@]}"; do
  per=$((par_total / par_clients))
  s="$(now_us)"
  pids=()
  for ((c = 0; c < par_clients; c++)); do
    ( for ((i = 0; i < per; i++)); do dk "$t" run -d "${netflag[@]}" busybox sleep 3600 >/dev/null || exit 1; done ) &
    pids+=($!)
  done
  failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
  e="$(now_us)"
  n="$(dk "$t" ps -q | wc -l)"
  echo "$((e - s)) $n $failed" >"$base/results/$t.par"
  ((failed == 0)) || log "warning: $t: $failed of $par_clients clients saw a failure"
  remove_all "$t"
done

# ---- report -----------------------------------------------------------------
median_ms() {
  local f="$base/results/$1.$2"
  [[ -s "$f" ]] || { echo ""; return; }
  sort -n "$f" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}
rss_mib() { [[ -s "$base/results/$1.$2" ]] && awk '{ printf "%.1f", $1 / 1024 }' "$base/results/$1.$2"; }
procs() { [[ -s "$base/results/$1.$2" ]] && awk '{ print $2 }' "$base/results/$1.$2"; }
pss_mib() { [[ -s "$base/results/$1.$2" ]] && awk '{ printf "%.1f", $3 / 1024 }' "$base/results/$1.$2"; }
# Memory per running container, in MiB: (with N running - idle) / N. Fields after paste:
# full total, n, pss, then idle total, n, pss; $2 names the pair: "rss" or "pss".
per_container() {
  [[ -s "$base/results/$1.rss_full" && -s "$base/results/$1.rss_idle" ]] || return 0
  paste -d' ' "$base/results/$1.rss_full" "$base/results/$1.rss_idle" |
    awk -v c="$containers" -v which="$2" '{ d = (which == "pss") ? $3 - $6 : $1 - $4; printf "%.2f", d / 1024 / c }'
}
ratio() { if [[ -n "$1" && -n "$2" ]] && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo "n/a"; fi; }
sum2() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print ""; else printf "%.1f", a + b }'; }

declare -A val=()
for t in berth docker podman; do
  val[$t.run]="$(median_ms "$t" run)"
  val[$t.create]="$(median_ms "$t" create)"
  val[$t.start]="$(median_ms "$t" start)"
  val[$t.cs]="$(sum2 "${val[$t.create]}" "${val[$t.start]}")"
  val[$t.rm]="$(median_ms "$t" rm)"
  val[$t.run_d]="$(median_ms "$t" run_d)"
  val[$t.ps]="$(median_ms "$t" ps)"
  val[$t.stats1]="$(median_ms "$t" stats1)"
  val[$t.stats_all]="$(median_ms "$t" stats_all)"
  [[ -s "$base/results/$t.stats_cpu" ]] && val[$t.stats_cpu]="$(cat "$base/results/$t.stats_cpu")"
  val[$t.exec]="$(median_ms "$t" exec)"
  val[$t.rss_idle]="$(rss_mib "$t" rss_idle || true)"
  val[$t.rss_full]="$(rss_mib "$t" rss_full || true)"
  val[$t.pss_idle]="$(pss_mib "$t" rss_idle || true)"
  val[$t.pss_full]="$(pss_mib "$t" rss_full || true)"
  val[$t.rss_per]="$(per_container "$t" rss || true)"
  val[$t.pss_per]="$(per_container "$t" pss || true)"
  val[$t.procs_idle]="$(procs "$t" rss_idle || true)"
  val[$t.procs_full]="$(procs "$t" rss_full || true)"
  if [[ -s "$base/results/$t.par" ]]; then
    val[$t.par_rate]="$(awk '{ printf "%.1f", $2 / ($1 / 1e6) }' "$base/results/$t.par")"
    val[$t.par_secs]="$(awk '{ printf "%.1f", $1 / 1e6 }' "$base/results/$t.par")"
  fi
done

show_podman=0
has_target podman && [[ -n "${daemon_pid[podman]:-}" ]] && show_podman=1
row() {
  local label="$1" key="$2"
  local b="${val[berth.$key]:-}" d="${val[docker.$key]:-}" p="${val[podman.$key]:-}"
  if ((show_podman)); then
    printf '| %s | %s | %s | %s | %s |\n' "$label" "${b:-n/a}" "${d:-n/a}" "${p:-n/a}" "$(ratio "$b" "$d")"
  else
    printf '| %s | %s | %s | %s |\n' "$label" "${b:-n/a}" "${d:-n/a}" "$(ratio "$b" "$d")"
  fi
}

echo
echo "## berth vs Docker Engine — $(date -u +%F) on $(uname -r), $(nproc) CPUs"
echo
echo "docker CLI $("$docker_cli" version --format '{{.Client.Version}}' 2>/dev/null); engines:"
for t in "${active[@]}"; do echo "- $t: $(dk "$t" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null)"; done
echo
echo "Medians of $rounds interleaved rounds (run -d: of $containers); times in ms, memory in MiB;"
echo "network: ${network}. RSS sums VmRSS (PSS: Pss from smaps_rollup) of the daemon and its helper processes"
echo "(containerd, shims / conmon), not of the containers' own processes."
echo
if ((show_podman)); then
  echo '| measure | berth | docker | podman | berth/docker |'
  echo '|---|---:|---:|---:|---:|'
else
  echo '| measure | berth | docker | berth/docker |'
  echo '|---|---:|---:|---:|'
fi
row 'run --rm busybox true' run
row 'create' create
row 'start' start
row 'create + start' cs
row 'rm (exited)' rm
row "run -d busybox sleep 3600 (×$containers)" run_d
row "ps with $containers running" ps
row 'stats --no-stream (one container)' stats1
row "stats --no-stream ($containers containers)" stats_all
row "daemon CPU % while docker stats streams $containers containers" stats_cpu
row 'exec CONTAINER true' exec
row 'RSS idle' rss_idle
row "RSS with $containers running" rss_full
row 'RSS per running container' rss_per
row 'PSS idle' pss_idle
row "PSS with $containers running" pss_full
row 'PSS per running container' pss_per
row 'processes counted, idle' procs_idle
row "processes counted, $containers running" procs_full
row "$par_total run -d from $par_clients clients: seconds" par_secs
row "$par_total run -d from $par_clients clients: containers/s (higher is better)" par_rate
echo
