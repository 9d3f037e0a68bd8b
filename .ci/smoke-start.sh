#!/usr/bin/env bash
# Smoke test of the quick start: `npm start`, wait for the first dashboard, fetch index.html and
# one PNG from the local web server, stop with Ctrl-C (SIGINT) and expect a clean exit.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${SMOKE_PORT:-8080}
log=$(mktemp)
rm -rf var/dashboard
npm start -- --port "$port" --every 5 >"$log" 2>&1 &
pid=$!
cleanup() { kill -INT "$pid" 2>/dev/null || true; }
trap cleanup EXIT
ok=""
for _ in $(seq 1 90); do
  if curl -fsS "http://127.0.0.1:$port/index.html" 2>/dev/null | grep -q 'charts/'; then ok=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
if [ -z "$ok" ]; then
  echo "smoke: no dashboard after 90 s; output:" >&2; cat "$log" >&2; exit 1
fi
png=$(curl -fsS "http://127.0.0.1:$port/index.html" | grep -o 'charts/[^"]*\.png' | head -n 1)
curl -fsS "http://127.0.0.1:$port/$png" -o /tmp/hostwatch-smoke.png
head -c 8 /tmp/hostwatch-smoke.png | od -An -c | grep -q 'P   N   G' || { echo "smoke: $png is not a PNG" >&2; exit 1; }
trap - EXIT
kill -INT "$pid"
code=0
wait "$pid" || code=$?
echo "smoke: dashboard served (index.html, $png); npm start stopped with exit $code"
[ "$code" -eq 0 ] || { cat "$log" >&2; exit 1; }
