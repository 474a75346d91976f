#!/usr/bin/env bash
# Start the action server and the Rasa server together; Ctrl-C stops both.
#   scripts/run.sh         REST channel on localhost:5005
#   scripts/run.sh shell   a chat in this terminal
set -euo pipefail
cd "$(dirname "$0")/.."
# Settings: .env (yours, git-ignored) over .env.example's placeholders, which are
# enough to start locally; the Instagram channel needs real values to talk to Meta.
set -a
. ./.env.example
[ -f .env ] && . ./.env
set +a
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
BIN=.venv/bin
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
mkdir -p var

$BIN/rasa run actions --port "$ACTIONS_PORT" --actions actions >var/actions.log 2>&1 &
actions_pid=$!
stop() {
  trap - INT TERM EXIT
  kill "$actions_pid" ${rasa_pid:-} 2>/dev/null || true
  wait 2>/dev/null || true
  echo "stopped."
}
trap stop INT TERM EXIT

for _ in $(seq 60); do
  curl -fs "http://localhost:$ACTIONS_PORT/health" >/dev/null 2>&1 && break
  kill -0 "$actions_pid" 2>/dev/null || { echo "action server failed to start; see var/actions.log" >&2; exit 1; }
  sleep 1
done

if [ "${1:-}" = "shell" ]; then
  $BIN/rasa shell --model models/shop.tar.gz --endpoints endpoints.yml
  exit 0
fi

# --enable-api lets `shopctl handoff release` resume a paused conversation; with a
# token set, only callers that know it may use the API.
api=(--enable-api)
[ -n "${RASA_API_TOKEN:-}" ] && api+=(--auth-token "$RASA_API_TOKEN")
$BIN/rasa run --model models/shop.tar.gz --endpoints endpoints.yml --credentials credentials.yml --port "$RASA_PORT" --interface 127.0.0.1 "${api[@]}" &
rasa_pid=$!
for _ in $(seq 120); do
  curl -fs "http://localhost:$RASA_PORT/status" >/dev/null 2>&1 && break
  kill -0 "$rasa_pid" 2>/dev/null || { echo "Rasa server failed to start" >&2; exit 1; }
  sleep 1
done
cat <<MSG

The assistant is listening on http://localhost:$RASA_PORT (action server on :$ACTIONS_PORT, log in var/actions.log).
Talk to it over REST, e.g.:
  curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
    -d '{"sender": "demo", "message": "سلام، مانتو کد B-21 مشکی سایز L موجود دارید؟"}'
Press Ctrl-C to stop both servers.
MSG
wait "$rasa_pid"
