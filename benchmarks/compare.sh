#!/usr/bin/env bash
# Runs the end-to-end harness and the winston-cloudwatch peer one right after the other, several times, and prints
# each run and the medians: absolute figures on a shared 2-core machine drift by 20-40 % between runs, ratios less.
#   benchmarks/compare.sh [runs] [harness options...]     e.g. benchmarks/compare.sh 5 --events 200000
# Both ship to ../shared/bench/cwsink.py (another process, so only the shipper's CPU is counted), and the harness also
# runs against its own in-process sink. Needs node/npm for the peer (installed by run_winston.sh on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"; shift || true
args=("$@"); [ ${#args[@]} -eq 0 ] && args=(--events 200000 --message-bytes 100 --streams 1)
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
bench="../shared/bench"
dotnet build -c Release benchmarks/Watchtower.Throughput -v q -nologo >/dev/null
harness=(dotnet benchmarks/Watchtower.Throughput/bin/Release/net10.0/Watchtower.Throughput.dll "${args[@]}")

tmp="$(mktemp -d)"
python3 "$bench/cwsink.py" --port 0 --port-file "$tmp/port" > "$tmp/sink.out" 2>&1 &
sink=$!
trap 'kill $sink 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
endpoint="http://127.0.0.1:$(cat "$tmp/port")"

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/^$1 *\([0-9.,]*\).*/\1/p" | tr -d ,; }

for i in $(seq 1 "$runs"); do
  "${harness[@]}" --endpoint "$endpoint" > "$tmp/ext.$i"
  "${harness[@]}" > "$tmp/in.$i"
  EVENTS="$(sed -n 's/.*--events \([0-9]*\).*/\1/p' <<<"${args[*]}")" "$bench/run_winston.sh" 2>/dev/null | tail -1 > "$tmp/winston.$i"
  printf 'run %d: watchtower (cwsink) %s us/event %s events/s | watchtower (in-process sink) %s us/event %s events/s | winston %s us/event %s events/s\n' "$i" \
    "$(grep '^CPU' "$tmp/ext.$i" | sed 's/.*= \([0-9.]*\) s per.*/\1/')" "$(field 'events\/s' < "$tmp/ext.$i")" \
    "$(grep '^CPU' "$tmp/in.$i" | sed 's/.*= \([0-9.]*\) s per.*/\1/')" "$(field 'events\/s' < "$tmp/in.$i")" \
    "$(sed 's/.*"cpu_us_per_event":\([0-9.]*\).*/\1/' "$tmp/winston.$i")" "$(sed 's/.*"events_per_s":\([0-9.]*\).*/\1/' "$tmp/winston.$i")"
done

ext=$(for i in $(seq 1 "$runs"); do grep '^CPU' "$tmp/ext.$i" | sed 's/.*= \([0-9.]*\) s per.*/\1/'; done | median)
inp=$(for i in $(seq 1 "$runs"); do grep '^CPU' "$tmp/in.$i" | sed 's/.*= \([0-9.]*\) s per.*/\1/'; done | median)
win=$(for i in $(seq 1 "$runs"); do sed 's/.*"cpu_us_per_event":\([0-9.]*\).*/\1/' "$tmp/winston.$i"; done | median)
extr=$(for i in $(seq 1 "$runs"); do field 'events\/s' < "$tmp/ext.$i"; done | median)
inr=$(for i in $(seq 1 "$runs"); do field 'events\/s' < "$tmp/in.$i"; done | median)
winr=$(for i in $(seq 1 "$runs"); do sed 's/.*"events_per_s":\([0-9.]*\).*/\1/' "$tmp/winston.$i"; done | median)
extc=$(for i in $(seq 1 "$runs"); do sed -n 's/^median log call *\([0-9]*\).*/\1/p' "$tmp/ext.$i"; done | median)
winc=$(for i in $(seq 1 "$runs"); do sed 's/.*"log_call_us_p50":\([0-9.]*\).*/\1/' "$tmp/winston.$i"; done | median)
echo "medians over $runs runs:"
echo "  CPU per event: watchtower $ext us (cwsink), $inp us (in-process sink); winston $win us; ratio $(awk "BEGIN { printf \"%.1f\", $win / $ext }")x (cwsink), $(awk "BEGIN { printf \"%.1f\", $win / $inp }")x (in-process)"
echo "  events/s:      watchtower $extr (cwsink), $inr (in-process sink); winston $winr"
echo "  median call:   watchtower ${extc} ns; winston $(awk "BEGIN { printf \"%.0f\", $winc * 1000 }") ns"
