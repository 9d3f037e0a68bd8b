#!/usr/bin/env bash
# Smoke test of the quick start: `npm start`, wait for the first dashboard, fetch index.html and
# one PNG from the local web server, stop with Ctrl-C (SIGINT) and expect a clean exit.
set -euo pipefail
# job control: the background job gets its own process group and, unlike a plain background
# job, does not ignore SIGINT, so the INT below is what Ctrl-C sends to the group
set -m
cd "$(dirname "$0")/.."
port=${SMOKE_PORT:-8080}
log=$(mktemp)
rm -rf var/dashboard
npm start -- --port "$port" --every 5 >"$log" 2>&1 &
pid=$!
cleanup() { kill -TERM -- "-$pid" 2>/dev/null || true; }
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
curl -fsS "http://127.0.0.1:$port/$png" -o "$log.png"
head -c 8 "$log.png" | od -An -c | grep -q 'P   N   G' || { echo "smoke: $png is not a PNG" >&2; exit 1; }
trap - EXIT
kill -INT -- "-$pid"
code=0
wait "$pid" || code=$?
# npm itself exits 130 on Ctrl-C, as it does in a terminal; what matters is that all stopped cleanly
echo "smoke: dashboard served (index.html, $png); npm start stopped with exit $code"
sleep 1
# only this run's processes: npm start's job is its own process group (set -m) and the quick start
# spawns the agent and collector inside it; other checkouts' hostwatch processes are not ours
if pgrep -g "$pid" >/dev/null; then
  echo "smoke: processes left behind after Ctrl-C:" >&2; pgrep -a -g "$pid" >&2; exit 1
fi
grep -q "hostwatch-collector info: stopped" "$log" || { echo "smoke: the collector did not stop cleanly" >&2; cat "$log" >&2; exit 1; }
grep -q "hostwatch-agent info: stopped" "$log" || { echo "smoke: the agent did not stop cleanly" >&2; cat "$log" >&2; exit 1; }
case "$code" in 0 | 130) ;; *) cat "$log" >&2; exit 1 ;; esac
rm -f "$log" "$log.png"
