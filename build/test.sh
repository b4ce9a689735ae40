#!/usr/bin/env bash
# Runs every test of the solution and ends with one summary line ("Watchtower: N passed, N failed, N skipped").
# The integration tests start their own moto_server on a free loopback port; nothing else needs a network.
set -euo pipefail
cd "$(dirname "$0")/.."

# No AWS credential or region chain may probe the instance-metadata address, and nothing from the
# machine's own AWS setup may leak into the tests: they set explicit test credentials themselves.
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
      AWS_ENDPOINT_URL AWS_ENDPOINT_URL_CLOUDWATCH_LOGS AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
      AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_WEB_IDENTITY_TOKEN_FILE || true
export AWS_REGION=us-east-1

# moto must be importable by the Python the tests start (WATCHTOWER_PYTHON, else python3).
python="${WATCHTOWER_PYTHON:-python3}"
if ! "$python" -c "import moto.server" >/dev/null 2>&1; then
  echo "error: '$python' cannot import moto. Install it with: pip install \"moto[server]\" (or set WATCHTOWER_PYTHON)." >&2
  exit 1
fi
export WATCHTOWER_PYTHON="$python"

results="artifacts/test-results"
rm -rf "$results"
status=0
dotnet test Watchtower.slnx -c Release --logger "trx;LogFileName=watchtower.trx" --results-directory "$results" || status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${total:-0} - ${p:-0} - ${f:-0}))
done
echo "Watchtower: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "error: no test ran" >&2
  exit 1
fi
exit "$status"
