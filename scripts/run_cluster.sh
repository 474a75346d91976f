#!/usr/bin/env bash
# The assistant as several replicas on this machine, the way it runs on several (docs/deploy.md):
# a local PostgreSQL holding the shop's store and the conversations, redis-server holding Rasa's
# conversation locks and the Send API pacing, two action servers, two Rasa servers, and HAProxy
# in front of them on one port. Everything listens on 127.0.0.1 and lives in a temporary
# directory; Ctrl-C stops it all and removes the directory.
#   scripts/run_cluster.sh     (make run-cluster)
# CLUSTER_PORT (default 5100): the balancer's port. CLUSTER_INFO: a file to write the addresses
# to once everything answers (the tests read it). CLUSTER_ENDPOINTS (default endpoints.cluster.yml):
# the replicas' endpoints file, which reads the addresses below from the environment. Needs Debian's postgresql, redis-server and
# haproxy (apt-get install -y postgresql redis-server haproxy) and a trained model (make train).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/shop_env.sh  # the environment, over .env, over .env.example
export SHOP_ENV=development
BIN=$PWD/.venv/bin
MODEL=${SHOP_MODEL:-models/shop.tar.gz}
CLUSTER_PORT=${CLUSTER_PORT:-5100}
ENDPOINTS=${CLUSTER_ENDPOINTS:-endpoints.cluster.yml}

die() { # why, then the logs' ends (the temporary directory goes on exit)
  echo "run-cluster: $*" >&2
  [ -n "${dir:-}" ] && tail -n 15 "$dir"/*.log >&2 2>/dev/null
  exit 1
}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pg_bin/initdb" ] || die "PostgreSQL's server binaries are missing: apt-get install -y postgresql"
command -v redis-server >/dev/null || die "redis-server is missing: apt-get install -y redis-server"
command -v haproxy >/dev/null || die "haproxy is missing: apt-get install -y haproxy"
[ -f "$MODEL" ] || die "no trained model at $MODEL: run make train"
[ -x "$BIN/python" ] || die "no .venv: run make venv"

dir=$(mktemp -d /tmp/shop-cluster.XXXXXX)
chmod 755 "$dir"
pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -f "$dir/pg/data/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  echo "cluster stopped; $dir removed."
}
trap stop EXIT
trap 'exit 0' INT TERM # Ctrl-C: stop (the EXIT trap) and leave quietly

# Free loopback ports for what sits behind the balancer: PostgreSQL, Redis, 2 action servers,
# 2 Rasa servers, the action servers' balancer.
read -r pg_port redis_port actions1 actions2 rasa1 rasa2 actions_lb < <("$BIN/python" - <<'PY'
import socket
socks = [socket.socket() for _ in range(7)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
for s in socks:
    s.close()
PY
)

# PostgreSQL: initdb refuses root, so as root the cluster belongs to the postgres user.
mkdir -p "$dir/pg"
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir/pg"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi
echo "starting PostgreSQL on 127.0.0.1:$pg_port ..."
as_pg "$pg_bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/pg/initdb.log" 2>&1 ||
  die "initdb failed: $(tail -5 "$dir/pg/initdb.log")"
as_pg "$pg_bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories='$dir/pg' -c max_connections=200" \
  >/dev/null || die "PostgreSQL did not start: $(tail -5 "$dir/pg/server.log")"
for db in shop tracker; do
  as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$db"
done
export DATABASE_URL="postgresql+psycopg2://postgres@127.0.0.1:$pg_port/shop"
"$BIN/shopctl" db upgrade >"$dir/migrate.log" 2>&1 || die "shopctl db upgrade failed: $(tail -5 "$dir/migrate.log")"
"$BIN/shopctl" catalog import catalogs/demo.csv >>"$dir/migrate.log" 2>&1 || die "catalog import failed"

echo "starting redis-server on 127.0.0.1:$redis_port ..."
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
  >"$dir/redis.log" 2>&1 &
pids+=($!)
export REDIS_URL="redis://127.0.0.1:$redis_port/0"

# What endpoints.cluster.yml reads. Each replica's connection pools stay small: two replicas
# and the action servers share PostgreSQL's 200 connections.
export ACTION_ENDPOINT_URL="http://127.0.0.1:$actions_lb/webhook"
export TRACKER_DB_HOST=127.0.0.1 TRACKER_DB_PORT=$pg_port TRACKER_DB_NAME=tracker
export TRACKER_DB_USER=postgres TRACKER_DB_PASSWORD=""
export SQL_POOL_SIZE=${SQL_POOL_SIZE:-5} SQL_MAX_OVERFLOW=${SQL_MAX_OVERFLOW:-10}

echo "starting 2 action servers and 2 Rasa servers (loading the model takes a minute) ..."
for port in "$actions1" "$actions2"; do
  SANIC_KEEP_ALIVE_TIMEOUT=${SANIC_KEEP_ALIVE_TIMEOUT:-75} \
    "$BIN/python" -m serving.action_server --port "$port" >"$dir/actions-$port.log" 2>&1 &
  pids+=($!)
done
for port in "$rasa1" "$rasa2"; do
  "$BIN/python" -m serving.rasa_server run --model "$MODEL" --endpoints "$ENDPOINTS" \
    --credentials credentials.yml --port "$port" --interface 127.0.0.1 --enable-api >"$dir/rasa-$port.log" 2>&1 &
  pids+=($!)
done

cat >"$dir/haproxy.cfg" <<CFG
global
    maxconn 2000
defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    retries 2
    option redispatch
frontend shop
    bind 127.0.0.1:$CLUSTER_PORT
    default_backend rasa
backend rasa
    balance roundrobin
    option httpchk GET /
    retry-on conn-failure
    server rasa1 127.0.0.1:$rasa1 check inter 2s
    server rasa2 127.0.0.1:$rasa2 check inter 2s
frontend actions
    bind 127.0.0.1:$actions_lb
    default_backend actions
backend actions
    balance roundrobin
    option httpchk GET /health
    # Only a connection never made is tried on the other server: an action that started may
    # have placed an order.
    retry-on conn-failure
    server actions1 127.0.0.1:$actions1 check inter 2s
    server actions2 127.0.0.1:$actions2 check inter 2s
CFG
haproxy -f "$dir/haproxy.cfg" -db >"$dir/haproxy.log" 2>&1 &
pids+=($!)

wait_for() { # url, what, seconds
  for _ in $(seq "$3"); do
    curl -fs "$1" >/dev/null 2>&1 && return 0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || die "$2: a process exited while starting"; done
    sleep 1
  done
  die "$2 did not answer within $3 s"
}
for port in "$actions1" "$actions2"; do wait_for "http://127.0.0.1:$port/health" "action server :$port" 90; done
for port in "$rasa1" "$rasa2"; do wait_for "http://127.0.0.1:$port/" "Rasa server :$port" 300; done
wait_for "http://127.0.0.1:$CLUSTER_PORT/" "HAProxy :$CLUSTER_PORT" 30

if [ -n "${CLUSTER_INFO:-}" ]; then
  cat >"$CLUSTER_INFO" <<INFO
url=http://127.0.0.1:$CLUSTER_PORT
rasa=http://127.0.0.1:$rasa1 http://127.0.0.1:$rasa2
actions=http://127.0.0.1:$actions1 http://127.0.0.1:$actions2
database_url=$DATABASE_URL
redis_url=$REDIS_URL
dir=$dir
INFO
fi
cat <<MSG

The cluster is listening on http://127.0.0.1:$CLUSTER_PORT (HAProxy, round robin):
  Rasa replicas   http://127.0.0.1:$rasa1  http://127.0.0.1:$rasa2   (one conversation's turns in order: Redis lock)
  action servers  http://127.0.0.1:$actions1  http://127.0.0.1:$actions2   (behind 127.0.0.1:$actions_lb)
  PostgreSQL      127.0.0.1:$pg_port, databases shop and tracker;  Redis  $REDIS_URL
  logs            $dir
Talk to it over REST, e.g.:
  curl -s 127.0.0.1:$CLUSTER_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
    -d '{"sender": "demo", "message": "سلام، مانتو کد B-21 مشکی سایز L موجود دارید؟"}'
Press Ctrl-C to stop everything and remove $dir.
MSG
# Until Ctrl-C, or until one of them dies (then everything stops).
wait -n "${pids[@]}" || true
echo "run-cluster: a process exited; stopping the rest" >&2
tail -n 20 "$dir"/*.log >&2 || true
exit 1
