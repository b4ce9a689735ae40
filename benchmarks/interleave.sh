#!/usr/bin/env bash
# Compares two builds of the harness fairly on a noisy machine: runs them in turn (A, B, A, B, ...) against one
# ../shared/bench/cwsink.py, so that drift hits both alike, and prints each run and the medians.
#   benchmarks/interleave.sh DIR_A DIR_B [runs] [text|json]
# DIR_A and DIR_B are checkouts of this repository (e.g. a `git worktree add /tmp/before <commit>`); each is built first.
set -euo pipefail
a="$1"; b="$2"; runs="${3:-7}"; format="${4:-text}"
here="$(cd "$(dirname "$0")/.." && pwd)"
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1
for dir in "$a" "$b"; do dotnet build -c Release "$dir/benchmarks/Watchtower.Throughput" -v q -nologo >/dev/null; done
tmp="$(mktemp -d)"
python3 "$here/../shared/bench/cwsink.py" --port 0 --port-file "$tmp/port" > "$tmp/sink.out" 2>&1 &
sink=$!
trap 'kill $sink 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
endpoint="http://127.0.0.1:$(cat "$tmp/port")"
for i in $(seq 1 "$runs"); do
  for side in a b; do
    dir="$a"; [ "$side" = b ] && dir="$b"
    out="$(dotnet "$dir/benchmarks/Watchtower.Throughput/bin/Release/net10.0/Watchtower.Throughput.dll" --events 200000 --message-bytes 100 --streams 1 --format "$format" --endpoint "$endpoint")"
    cpu="$(grep '^CPU' <<<"$out" | sed 's/.*= \([0-9.]*\) s per.*/\1/')"
    call="$(sed -n 's/^median log call *\([0-9]*\).*/\1/p' <<<"$out")"
    echo "run $i $side: $cpu us/event, median call $call ns"
    echo "$cpu $call" >> "$tmp/$side"
  done
done
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for side in a b; do
  echo "$side: median $(cut -d' ' -f1 "$tmp/$side" | median) us/event (range $(cut -d' ' -f1 "$tmp/$side" | sort -g | head -1)-$(cut -d' ' -f1 "$tmp/$side" | sort -g | tail -1)), median call $(cut -d' ' -f2 "$tmp/$side" | median) ns"
done
