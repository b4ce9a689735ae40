#!/usr/bin/env bash
# The on-disk buffer's cost (issue 14): the end-to-end harness with the buffer off, on with the defaults, and on with
# BufferWaitForFsync (each call waits for write + fsync), interleaved run by run so that the machine's drift hits all
# three alike; prints each run and the medians.
#   benchmarks/buffer.sh [runs] [events] [fsync-events]     e.g. benchmarks/buffer.sh 7 2000000 3000
# The buffer folder is a temporary one under $TMPDIR (the disk under /tmp here); fsync mode logs from one thread, so
# every call waits for its own fsync: fewer events.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"; events="${2:-2000000}"; fsync_events="${3:-3000}"
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
dotnet build -c Release benchmarks/Watchtower.Throughput -v q -nologo >/dev/null
harness=(dotnet benchmarks/Watchtower.Throughput/bin/Release/net10.0/Watchtower.Throughput.dll)
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for i in $(seq 1 "$runs"); do
  for mode in off on fsync; do
    n="$events"; warm=500000
    [ "$mode" = fsync ] && n="$fsync_events" && warm=0
    "${harness[@]}" --events "$n" --warmup-events "$warm" --buffer "$mode" > "$tmp/$mode.$i"
    printf 'run %d %-5s %s us/event, %s events/s, call p50 %s ns p99 %s ns\n' "$i" "$mode" \
      "$(sed -n 's/^CPU.*= \([0-9.]*\) s per.*/\1/p' "$tmp/$mode.$i")" "$(sed -n 's/^events\/s *\([0-9,]*\).*/\1/p' "$tmp/$mode.$i" | tr -d ,)" \
      "$(sed -n 's/^median log call *\([0-9]*\) ns.*/\1/p' "$tmp/$mode.$i")" "$(sed -n 's/^median log call.*p99 \([0-9]*\) ns.*/\1/p' "$tmp/$mode.$i")"
  done
done
echo "medians over $runs runs:"
for mode in off on fsync; do
  cpu=$(for i in $(seq 1 "$runs"); do sed -n 's/^CPU.*= \([0-9.]*\) s per.*/\1/p' "$tmp/$mode.$i"; done | median)
  rate=$(for i in $(seq 1 "$runs"); do sed -n 's/^events\/s *\([0-9,]*\).*/\1/p' "$tmp/$mode.$i" | tr -d ,; done | median)
  p50=$(for i in $(seq 1 "$runs"); do sed -n 's/^median log call *\([0-9]*\) ns.*/\1/p' "$tmp/$mode.$i"; done | median)
  p99=$(for i in $(seq 1 "$runs"); do sed -n 's/^median log call.*p99 \([0-9]*\) ns.*/\1/p' "$tmp/$mode.$i"; done | median)
  printf '  %-5s CPU %s us/event, %s events/s, log call p50 %s ns, p99 %s ns\n' "$mode" "$cpu" "$rate" "$p50" "$p99"
done
