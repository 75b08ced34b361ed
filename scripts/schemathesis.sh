#!/usr/bin/env bash
# The OpenAPI document as the contract: Schemathesis (from PyPI, in a venv under the tools folder)
# generates requests for every operation of /api/v1/openapi.json against a throwaway demo server on
# 127.0.0.1 — without a session, as a teacher and as the administrator — a bounded number of examples
# per operation (SCHEMATHESIS_EXAMPLES, default 10; fixed seed, one worker, deterministic generation:
# the same cases every run), and every check must pass: no server
# error, every status and body as documented, schema-valid requests accepted and invalid ones
# refused, required headers enforced.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CARGO_TARGET_DIR:=/var/tmp/journal-target}"
: "${JOURNAL_TOOLS:=/var/tmp/journal-tools}"
server_bin="${JOURNAL_SERVER_BIN:-$CARGO_TARGET_DIR/debug/journal-server}"
venv="$JOURNAL_TOOLS/schemathesis"
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis>=4.32,<5"
fi
examples="${SCHEMATHESIS_EXAMPLES:-10}"
today=2027-03-03
work=$(mktemp -d)
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
"$server_bin" --db "$work/server.db" init --demo --today "$today" >/dev/null 2>&1
# A published app release, so the update manifest's 200 is checked against its schema too.
"$server_bin" updates keygen --out "$work/update.key" >/dev/null 2>&1
printf 'a package' >"$work/offline-journal_0.1.1_amd64.deb"
"$server_bin" updates publish --dir "$work/updates" --key "$work/update.key" --version 0.1.1 \
  --notes "Проверка" "$work/offline-journal_0.1.1_amd64.deb" >/dev/null 2>&1
port=$((20000 + RANDOM % 30000))
mkdir -p target/e2e-logs
"$server_bin" --db "$work/server.db" serve --addr "127.0.0.1:$port" --today "$today" --updates-dir "$work/updates" \
  >target/e2e-logs/schemathesis-journal-server.log 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
  curl -fsS "$base/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.1
done

token() {
  curl -fsS -H 'content-type: application/json' -H 'x-journal-protocol: 6' \
    -d "{\"login\":\"$1\",\"password\":\"demo\",\"device_id\":\"$(cat /proc/sys/kernel/random/uuid)\"}" \
    "$base/api/v1/auth/login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
export SCHEMATHESIS_HOOKS=tests.schemathesis.hooks
status=0
for who in anonymous teacher admin; do
  auth=()
  if [ "$who" != anonymous ]; then
    auth=(-H "Authorization: Bearer $(token "$who")")
  fi
  echo "schemathesis: $who"
  PYTHONPATH=. "$venv/bin/st" --config-file tests/schemathesis/schemathesis.toml run "$base/api/v1/openapi.json" --url "$base" "${auth[@]}" \
    -n "$examples" --seed 20261205 --phases examples,coverage,fuzzing --workers 1 --generation-deterministic \
    --exclude-path-regex '/auth/(logout|password)$' \
    >"target/e2e-logs/schemathesis-$who.txt" 2>&1 || status=1
  sed -n '/SUMMARY/,$p' "target/e2e-logs/schemathesis-$who.txt"
done
exit $status
