#!/usr/bin/env bash
# Start the bitget-mock sandbox in the background, wait until it answers /_mock/health, run a command
# against it, always stop it, and exit with the command's status.
#
#   ci/run-conformance.sh                               # the conformance harness (see below)
#   ci/run-conformance.sh pytest tests/integration      # your own tests against the sandbox
#
# The command's environment has BITGET_MOCK_URL, BITGET_API_KEY, BITGET_SECRET_KEY and
# BITGET_PASSPHRASE (the first key of the accounts file). With no command, the script runs
#   bitget-conformance run --adapter "$ADAPTER" --report-junit "$REPORT_DIR/junit.xml" \
#                          --report-html "$REPORT_DIR/report.html"
# (the harness also starts its own in-process mock, whose clock and faults it controls per check).
# When the command fails, the sandbox's journal is saved to "$REPORT_DIR/mock-journal.json".
#
# Settings (environment):
#   MOCK_HOST / MOCK_PORT   where the sandbox listens (127.0.0.1 / 8080)
#   MOCK_ACCOUNTS           accounts file (accounts.toml next to this script)
#   MOCK_FLAGS              more `mock-exchange serve` flags, e.g. "--manual-clock --seed 7"
#   MOCK_EXCHANGE           the command that starts the sandbox (mock-exchange)
#   HEALTH_TIMEOUT          seconds to wait for the sandbox (30)
#   ADAPTER                 adapter for the default run (reference)
#   REPORT_DIR              where reports go (conformance-report)
#   PYTHON                  python used for the health probe and reading the accounts file (python3)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
host="${MOCK_HOST:-127.0.0.1}"
port="${MOCK_PORT:-8080}"
accounts="${MOCK_ACCOUNTS:-$here/accounts.toml}"
timeout_s="${HEALTH_TIMEOUT:-30}"
report_dir="${REPORT_DIR:-conformance-report}"
python="${PYTHON:-python3}"
url="http://$host:$port"

mkdir -p "$report_dir"
log="$report_dir/mock-exchange.log"

# shellcheck disable=SC2086  # MOCK_FLAGS is a list of flags on purpose
${MOCK_EXCHANGE:-mock-exchange} serve --host "$host" --port "$port" --accounts "$accounts" --no-access-log \
    ${MOCK_FLAGS:-} >"$log" 2>&1 &
mock_pid=$!

stop_mock() {
    if kill -0 "$mock_pid" 2>/dev/null; then
        kill "$mock_pid" 2>/dev/null
        wait "$mock_pid" 2>/dev/null
    fi
}
trap stop_mock EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

probe() {
    "$python" - "$url/_mock/health" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=1) as r:
        sys.exit(0 if r.status == 200 and b'"ok"' in r.read() else 1)
except Exception:
    sys.exit(1)
PY
}

deadline=$((SECONDS + timeout_s))
until probe; do
    if ! kill -0 "$mock_pid" 2>/dev/null; then
        echo "run-conformance: the sandbox exited before it was healthy; its output:" >&2
        cat "$log" >&2
        exit 3
    fi
    if ((SECONDS >= deadline)); then
        echo "run-conformance: no healthy sandbox at $url after ${timeout_s}s; its output:" >&2
        cat "$log" >&2
        exit 3
    fi
    sleep 0.2
done

# the first key of the accounts file, for the command
creds="$("$python" - "$accounts" <<'PY'
import shlex, sys, tomllib
with open(sys.argv[1], "rb") as f:
    key = tomllib.load(f)["accounts"][0]["keys"][0]
for name, field in (("BITGET_API_KEY", "apiKey"), ("BITGET_SECRET_KEY", "secretKey"), ("BITGET_PASSPHRASE", "passphrase")):
    print(f"export {name}={shlex.quote(str(key.get(field, '')))}")
PY
)" || { echo "run-conformance: cannot read credentials from $accounts" >&2; exit 3; }
eval "$creds"
export BITGET_MOCK_URL="$url"
echo "run-conformance: sandbox healthy at $url (pid $mock_pid)"

if (($# == 0)); then
    set -- bitget-conformance run --adapter "${ADAPTER:-reference}" \
        --report-junit "$report_dir/junit.xml" --report-html "$report_dir/report.html"
fi
"$@"
status=$?
if ((status != 0)); then
    "$python" - "$url/_mock/journal?limit=1000" "$report_dir/mock-journal.json" <<'PY' || true
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=5) as r, open(sys.argv[2], "wb") as out:
    out.write(r.read())
PY
fi
exit "$status"
