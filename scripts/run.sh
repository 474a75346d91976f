#!/usr/bin/env bash
# Start the action server, the Rasa server, the owner's dashboard and the worker (alerts, the
# daily summary, customers' follow-ups) together; Ctrl-C stops them all.
#   scripts/run.sh         development: REST and Instagram on localhost:5005 (SHOP_ENV=development)
#   scripts/run.sh shell   a chat in this terminal
#   scripts/run.sh prod    production: the Instagram channel only (credentials.prod.yml), Rasa's
#                          HTTP API only with RASA_API_TOKEN (32+ characters, sent as a signed
#                          header), logs on stdout; refuses .env.example's placeholders
# Both servers listen on 127.0.0.1 only: in production a reverse proxy forwards Meta's webhook
# and nothing else (docs/instagram.md). RASA_PORT, ACTIONS_PORT and SHOP_ENDPOINTS (an
# endpoints file whose action_endpoint matches ACTIONS_PORT) move them.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-dev}
case "$mode" in
  dev | shell | prod) ;;
  *) echo "usage: scripts/run.sh [shell|prod]" >&2; exit 2 ;;
esac
. scripts/shop_env.sh  # the environment, over .env, over .env.example
if [ "$mode" = prod ]; then export SHOP_ENV=production; else export SHOP_ENV=development; fi
BIN=.venv/bin
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
DASHBOARD_PORT=${DASHBOARD_PORT:-5080}
ENDPOINTS=${SHOP_ENDPOINTS:-endpoints.yml}
mkdir -p var

credentials=credentials.yml
if [ "$mode" = prod ]; then
  $BIN/python -m serving.rasa_server --check || exit 1 # says in one line what is missing
  credentials=credentials.prod.yml
fi

# rasa-sdk's own entry point binds 0.0.0.0 and sends the whole tracker back when an action
# fails; serving.action_server binds 127.0.0.1 and does not. Sanic's default keep-alive (5 s)
# is shorter than Rasa's pooled connections live: 75 s avoids "Server disconnected" under load.
start_actions() {
  SANIC_KEEP_ALIVE_TIMEOUT=${SANIC_KEEP_ALIVE_TIMEOUT:-75} exec $BIN/python -m serving.action_server --port "$ACTIONS_PORT"
}
if [ "$mode" = prod ]; then
  start_actions &
  actions_log="its lines above"
else
  start_actions >var/actions.log 2>&1 &
  actions_log=var/actions.log
fi
actions_pid=$!
stop() {
  trap - INT TERM EXIT
  kill "$actions_pid" ${rasa_pid:-} ${dashboard_pid:-} ${worker_pid:-} 2>/dev/null || true
  wait 2>/dev/null || true
  echo "stopped."
}
trap stop INT TERM EXIT

for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null 2>&1 && break
  kill -0 "$actions_pid" 2>/dev/null || { echo "action server failed to start; see $actions_log" >&2; exit 1; }
  sleep 1
done

# The owner's dashboard (127.0.0.1 too): a first password is made and printed here, once.
if [ "$mode" != shell ]; then
  $BIN/shop-dashboard --first-password-only
  $BIN/shop-dashboard --port "$DASHBOARD_PORT" >var/dashboard.log 2>&1 &
  dashboard_pid=$!
  # The shop's scheduled work (shop_automations.yml): a bad file or half-set .env stops it here.
  # It sends customers' follow-ups through this Rasa server's API (RASA_API_TOKEN's JWT).
  $BIN/shop-worker --check
  RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}" $BIN/shop-worker >var/worker.log 2>&1 &
  worker_pid=$!
fi

rasa=($BIN/python -m serving.rasa_server) # rasa's CLI, with masked logs and the API secret from the environment
if [ "$mode" = shell ]; then
  "${rasa[@]}" shell --model models/shop.tar.gz --endpoints "$ENDPOINTS" --interface 127.0.0.1 --port "$RASA_PORT"
  exit 0
fi

# --enable-api lets `shopctl handoff release` resume a paused conversation and the worker send
# follow-ups (trigger_intent); with RASA_API_TOKEN
# set (required in production), only requests carrying a JWT signed with it get in.
"${rasa[@]}" run --model models/shop.tar.gz --endpoints "$ENDPOINTS" --credentials "$credentials" \
  --port "$RASA_PORT" --interface 127.0.0.1 --enable-api &
rasa_pid=$!
for _ in $(seq 120); do
  curl -fs "http://127.0.0.1:$RASA_PORT/" >/dev/null 2>&1 && break
  kill -0 "$rasa_pid" 2>/dev/null || { echo "Rasa server failed to start" >&2; exit 1; }
  sleep 1
done
if [ "$mode" = prod ]; then
  cat <<MSG

Production profile up on 127.0.0.1:$RASA_PORT (action server on 127.0.0.1:$ACTIONS_PORT): the
Instagram webhook /webhooks/instagram/webhook for your reverse proxy to forward, no REST channel,
the HTTP API only with a JWT signed with RASA_API_TOKEN. The owner's dashboard is on
http://127.0.0.1:$DASHBOARD_PORT/ (serve it over TLS; its cookie is HTTPS-only in production;
log in var/dashboard.log); the worker's log: var/worker.log. Press Ctrl-C to stop them all.
MSG
else
  cat <<MSG

The assistant is listening on http://localhost:$RASA_PORT (action server on :$ACTIONS_PORT, log in var/actions.log).
Talk to it over REST, e.g.:
  curl -s localhost:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
    -d '{"sender": "demo", "message": "سلام، مانتو کد B-21 مشکی سایز L موجود دارید؟"}'
The owner's dashboard: http://127.0.0.1:$DASHBOARD_PORT/ (log in var/dashboard.log); the worker's
alerts, daily summary and follow-ups (shop_automations.yml): var/worker.log. Press Ctrl-C to stop them all.
MSG
fi
wait "$rasa_pid"
