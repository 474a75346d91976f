# Sourced by scripts/run.sh and scripts/run_cluster.sh from the repository root: the settings
# are the environment, over .env (yours, git-ignored), over .env.example's placeholders, which
# are enough to start locally; the production profile refuses them. (Readonly variables such
# as SHELLOPTS are left out of the snapshot: they cannot be set again.)
caller_env=$(export -p | grep -v '^declare -[a-zA-Z]*r' || true)
set -a
. ./.env.example
[ -f .env ] && . ./.env
set +a
eval "$caller_env"
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2
