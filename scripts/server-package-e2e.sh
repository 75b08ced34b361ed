#!/usr/bin/env bash
# The server as an institution installs it: the journal-server .deb (debug build) installed with
# apt-get, then checked — the service user, private data and backup directories, the settings file,
# the systemd unit — and run as the unit runs it (the user journal, the settings file's environment,
# `journal-server serve`): the first institution is created, its administrator signs in, `doctor`
# reports. CI machines have no running systemd, so the unit's command is started directly. Removing
# the package keeps the data. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "server-package-e2e: installing a package needs root; run it as root (CI does)" >&2
  exit 1
fi
PACKAGE_PROFILE=debug scripts/server-package.sh
deb=$(ls target/packages/journal-server_*.deb | head -n1)
start=$(date +%s%N)
apt-get install -y --no-install-recommends "./$deb" >/dev/null
end=$(date +%s%N)
echo "server-package-e2e: installed $(basename "$deb") in $(( (end - start) / 1000000 )) ms"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  apt-get purge -y journal-server >/dev/null 2>&1 || true
  rm -rf /var/lib/journal-server /var/backups/journal-server /etc/journal-server
}
trap cleanup EXIT

fail() { echo "server-package-e2e: $*" >&2; exit 1; }
getent passwd journal >/dev/null || fail "the service user journal was not created"
[ "$(stat -c '%U %a' /var/lib/journal-server)" = "journal 700" ] || fail "the data directory is not journal's alone"
[ "$(stat -c '%U %a' /var/backups/journal-server)" = "journal 700" ] || fail "the backup directory is not journal's alone"
[ "$(stat -c '%G %a' /etc/journal-server/journal-server.env)" = "journal 640" ] || fail "the settings file is readable by others"
unit=/usr/lib/systemd/system/journal-server.service
grep -q '^User=journal$' "$unit" || fail "the unit does not run as journal"
grep -q '^EnvironmentFile=/etc/journal-server/journal-server.env$' "$unit" || fail "the unit does not read the settings"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ "$exec_start" = "/usr/bin/journal-server serve" ] || fail "unexpected ExecStart: $exec_start"

# The unit's environment, on a free port.
port=$((20000 + RANDOM % 30000))
as_service() {
  runuser -u journal -- env -i PATH=/usr/bin:/bin \
    $(grep -E '^[A-Z_]+=' /etc/journal-server/journal-server.env) JOURNAL_ADDR="127.0.0.1:$port" "$@"
}
echo "Пароль-админа-1" | as_service /usr/bin/journal-server init \
  --institution "ГБПОУ «Колледж проверки пакета»" --kind college --admin admin >/dev/null
[ "$(stat -c '%U %a' /var/lib/journal-server/journal.db)" = "journal 600" ] || fail "the database is not journal's alone"
start=$(date +%s%N)
cd /var/lib/journal-server
as_service /usr/bin/journal-server serve >/dev/null 2>&1 &
server_pid=$!
cd - >/dev/null
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null || fail "the installed server did not answer"
end=$(date +%s%N)
echo "server-package-e2e: the installed server answered $(( (end - start) / 1000000 )) ms after start"
login=$(curl -sS -o /dev/null -w '%{http_code}' -H 'content-type: application/json' -H 'x-journal-protocol: 6' \
  -d '{"login":"admin","password":"Пароль-админа-1","device_id":"6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"}' \
  "http://127.0.0.1:$port/api/v1/auth/login")
[ "$login" = 200 ] || fail "the first administrator did not sign in ($login)"
curl -fsS "http://127.0.0.1:$port/" | grep -q '<html' || fail "the console is not served at /"
echo "server-package-e2e: doctor says:"
as_service /usr/bin/journal-server doctor || true
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
apt-get remove -y journal-server >/dev/null
[ -f /var/lib/journal-server/journal.db ] || fail "removing the package took the institution's data"
echo "server-package-e2e: ok (removed; the data stayed)"
