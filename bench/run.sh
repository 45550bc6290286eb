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

# shellcheck source-path=SCRIPTDIR source=lib.sh
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
  stop_daemons
  remove_base
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- helpers ----------------------------------------------------------------
descendants() {
  local p kids
  for p in "$@"; do
    echo "$p"
    kids="$(cat /proc/"$p"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . || true)"
    # shellcheck disable=SC2086 # one pid a word
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

# ---- engines ----------------------------------------------------------------
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

start_engines

netflag=()
[[ "$network" == default ]] || netflag=(--network "$network")

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
