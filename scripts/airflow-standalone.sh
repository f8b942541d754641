#!/usr/bin/env bash
# `make airflow`: a local Airflow for this checkout (airflow standalone: API server with the UI,
# scheduler with the LocalExecutor, DAG processor, triggerer), on localhost only.
#
#   AIRFLOW_HOME  $MATURITY_HOME/airflow (var/airflow): SQLite metadata, airflow.cfg, logs
#   DAGs          ./dags                 examples off; the `maturity` plugin and its API
#   login         admin / a password kept in $AIRFLOW_HOME/simple_auth_manager_passwords.json.generated
#
# Settings (environment): MATURITY_AIRFLOW_PORT (8080), MATURITY_AIRFLOW_PASSWORD (to set the
# admin password; default: keep the one generated on first start), MATURITY_X_API_POOL_SLOTS and
# MATURITY_REDDIT_API_POOL_SLOTS (1; only when a pool is created). Connections come from your
# shell as AIRFLOW_CONN_* variables, as everywhere in this product.
#
# Ctrl-C (or SIGTERM) stops every process it started: standalone runs in its own process group,
# which is interrupted, then terminated, then killed, until none of it is left.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_BIN="${VENV_BIN:-$ROOT/.venv/bin}"
export PATH="$VENV_BIN:$PATH"   # standalone starts its components as `airflow ...`

export MATURITY_HOME="${MATURITY_HOME:-$ROOT/var}"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$MATURITY_HOME/airflow}"
PORT="${MATURITY_AIRFLOW_PORT:-8080}"
ADMIN="admin"
PASSWORDS="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"

export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__PLUGINS_FOLDER="$AIRFLOW_HOME/plugins"
export AIRFLOW__CORE__AUTH_MANAGER="airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="$ADMIN:admin"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$PASSWORDS"
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__PORT="$PORT"
export AIRFLOW__API__BASE_URL="http://localhost:$PORT"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://localhost:$PORT/execution/"

mkdir -p "$AIRFLOW_HOME" "$AIRFLOW__CORE__PLUGINS_FOLDER"

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    echo "Port $PORT is in use; set MATURITY_AIRFLOW_PORT to another port." >&2
    exit 1
fi

# The admin password: set it when asked to, otherwise keep (or make) one.
PASSWORD="$(MATURITY_AIRFLOW_PASSWORD="${MATURITY_AIRFLOW_PASSWORD:-}" python - "$PASSWORDS" "$ADMIN" <<'PY'
import json, os, secrets, sys
path, user = sys.argv[1], sys.argv[2]
wanted = os.environ.get("MATURITY_AIRFLOW_PASSWORD")
try:
    with open(path, encoding="utf-8") as fh:
        current = json.load(fh).get(user)
except (OSError, ValueError):
    current = None
password = wanted or current or secrets.token_urlsafe(12)
if password != current:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({user: password}, fh)
print(password)
PY
)"

# The plugin loads through the `airflow.plugins` entry point of the installed package; a shim
# module that older versions of this script wrote would load it twice.
rm -f "$AIRFLOW__CORE__PLUGINS_FOLDER/maturity_plugin.py"

echo "Preparing $AIRFLOW_HOME ..."
airflow db migrate >"$AIRFLOW_HOME/db-migrate.log" 2>&1 || {
    cat "$AIRFLOW_HOME/db-migrate.log" >&2
    exit 1
}
ensure_pool() {
    if ! airflow pools get "$1" >/dev/null 2>&1; then
        airflow pools set "$1" "$2" "$3" >/dev/null
    fi
}
ensure_pool x_api "${MATURITY_X_API_POOL_SLOTS:-1}" "Tasks calling the X API with one app credential"
ensure_pool reddit_api "${MATURITY_REDDIT_API_POOL_SLOTS:-1}" "Tasks calling the Reddit API with one OAuth client"
ensure_pool mastodon_api "${MATURITY_MASTODON_API_POOL_SLOTS:-1}" "Tasks calling the Mastodon instance with one connection"
ensure_pool bluesky_api "${MATURITY_BLUESKY_API_POOL_SLOTS:-1}" "Tasks calling the Bluesky AppView"
# one more pool per further credential of MATURITY_CREDENTIALS_<PLATFORM> (docs/airflow.md)
"$VENV_BIN/python" -c 'import sys; from maturity.airflow import names; sys.stdout.writelines(f"{p}\n" for p in names.further_credential_pools())' |
    while read -r pool; do
        ensure_pool "$pool" 1 "Tasks calling an API with the credential of $pool"
    done

cat <<EOF

  Airflow     http://localhost:$PORT          login: $ADMIN / $PASSWORD
  Plugin API  http://localhost:$PORT/maturity/organisations  (needs a token or the UI's login)
  Token       curl -s -X POST http://localhost:$PORT/auth/token -H 'Content-Type: application/json' \\
                -d '{"username": "$ADMIN", "password": "$PASSWORD"}'
  DAGs        $AIRFLOW__CORE__DAGS_FOLDER (paused at first; unpause in the UI)
  Home        $AIRFLOW_HOME
  Ctrl-C stops everything.

EOF

# Its own process group (setsid), so that stopping reaches every process it starts.
setsid airflow standalone &
GROUP=$!

# Live processes of the group, other than standalone itself (zombies do not count).
components() { ps -o pid=,stat= -g "$GROUP" 2>/dev/null | awk -v g="$GROUP" '$1 != g && $2 !~ /^Z/' ; }

stop() {
    trap - INT TERM EXIT
    echo "Stopping Airflow ..."
    # Ctrl-C for every component; standalone itself lingers once they are gone, so it gets TERM.
    kill -INT -- "-$GROUP" 2>/dev/null || true
    for _ in $(seq 1 60); do
        [[ -z "$(components)" ]] && break
        sleep 0.5
    done
    local signal
    for signal in TERM KILL; do
        kill -"$signal" -- "-$GROUP" 2>/dev/null || break
        for _ in $(seq 1 20); do
            pgrep -g "$GROUP" >/dev/null || break 2
            sleep 0.5
        done
        echo "Still running after SIG$signal: $(pgrep -g "$GROUP" -d ' ' -a | cut -c1-300)"
    done
    wait "$GROUP" 2>/dev/null || true
    echo "Airflow stopped."
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

wait "$GROUP"
