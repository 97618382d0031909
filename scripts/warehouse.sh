#!/usr/bin/env bash
# End to end into a warehouse, against the simulator server: the tap loads a PostgreSQL of its
# own (an unprivileged cluster on a spare port, in a temporary folder) through
# meltanolabs-target-postgres directly and through `meltano run` with examples/meltano; rows
# and every message's text must equal the simulator's ground truth; once the simulator is the
# same world a day later (some conversations moved on, some new), a second run with the saved
# state must load exactly those.
# `conversation-export export` must write the app's files, and DuckDB must read its NDJSON.
# Installs what is missing (Debian's postgresql, a .venv-meltano with pinned meltano,
# meltanolabs-target-postgres and duckdb). About 30 seconds once installed and built.
set -euo pipefail
source "$(dirname "$0")/env.sh"
CONVERSATIONS="${WAREHOUSE_CONVERSATIONS:-250}"
# The day later: this share of each vendor's conversations gained messages, and this many started.
LATER_CHANGED_PERCENT=2
LATER_NEW=3
VENV="$ROOT/.venv-meltano"
VENDORS=(humind talktohumans huechat voice-widget mindo)

step() { printf '\n== %s\n' "$*"; }
declare -a TIMINGS=()
timed() { # timed LABEL COMMAND...: runs it, keeps its time for the summary
  local label=$1 start=$EPOCHREALTIME
  shift
  "$@"
  TIMINGS+=("$(printf '%6.1f s  %s' "$(bc <<< "$EPOCHREALTIME - $start")" "$label")")
}
sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

step "Installing what is missing"
pg_bin() { dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)"; }
if [[ "$(pg_bin)" == "." ]]; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(pg_bin)"
[[ -x "$PG_BIN/pg_ctl" ]] || PG_BIN="$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")"
command -v bc >/dev/null || sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bc >/dev/null
if ! "$VENV/bin/python" -c "import meltano, duckdb, psycopg" >/dev/null 2>&1 || [[ ! -x "$VENV/bin/target-postgres" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    'meltano==4.4.1' 'meltanolabs-target-postgres==0.8.1' 'duckdb==2.0.0'
fi
export PATH="$VENV/bin:$PATH"

step "Building the command line and the simulator"
timed "build" cargo build --locked -q -p conversation-export-cli -p sim-server --bins --examples
CLI="$ROOT/target/debug/conversation-export"

WORK="$(mktemp -d)"
chmod 711 "$WORK" # the cluster's owner must reach its folder inside
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SIM_PORT="$(free_port)"
PG_PORT="$(free_port)"
SIM="http://127.0.0.1:${SIM_PORT}"
SIM_PID=""
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
if [[ $(id -u) -eq 0 ]]; then
  PG_USER=postgres
  id -u "$PG_USER" >/dev/null 2>&1 || useradd --system --no-create-home "$PG_USER"
  as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
  as_pg() { "$@"; }
fi
mkdir -p "$WORK/pg"
[[ $(id -u) -eq 0 ]] && chown "$PG_USER" "$WORK/pg"
cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
  [[ -n "$SIM_PID" ]] && kill "$SIM_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

step "Starting the simulator (:${SIM_PORT}, ${CONVERSATIONS} conversations a vendor) and PostgreSQL (:${PG_PORT})"
"$ROOT/target/debug/sim-server" --port "$SIM_PORT" --conversations "$CONVERSATIONS" > "$WORK/sim.log" 2>&1 &
SIM_PID=$!
as_pg "$PG_BIN/initdb" -D "$WORK/pg/data" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 > "$WORK/initdb.log"
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w start \
  -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c timezone=UTC -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
for _ in $(seq 1 100); do curl -fsS "$SIM/_sim/health" >/dev/null 2>&1 && break; sleep 0.1; done
DSN="postgresql://postgres@127.0.0.1:${PG_PORT}/postgres"
SQLA="postgresql+psycopg://postgres@127.0.0.1:${PG_PORT}/postgres"
check() { "$VENV/bin/python" "$ROOT/scripts/warehouse_check.py" "$@"; }
db_now() { "$VENV/bin/python" -c "import psycopg; print(psycopg.connect('$DSN').execute(\"select (now() at time zone 'utc')::text\").fetchone()[0])"; }

key_of() { case $1 in
  humind) echo hmd_live_sim_0123456789abcdef ;; talktohumans) echo tth_sim_0123456789abcdef ;;
  huechat) echo sk_live_sim_0123456789abcdef ;; voice-widget) echo vw_sim_0123456789abcdef ;;
  mindo) echo mindo_global_sim_0123456789abcdef ;; esac; }
base_of() { case $1 in
  humind) echo "$SIM/humind/public/v1" ;; talktohumans) echo "$SIM/talktohumans/v1" ;;
  huechat) echo "$SIM/huechat/v2" ;; voice-widget) echo "$SIM/voice-widget" ;;
  mindo) echo "$SIM/mindo/api/v1" ;; esac; }
# Every opt-in on; Mindo from March, its range open (it ends now, after every message).
filters_of() { case $1 in
  humind) echo '{"include_contact": "1"}' ;;
  mindo) echo '{"company_id": "42,57", "from": "2026-03-01", "include": "classifications,extractions,tool_calls,trace_id"}' ;;
  *) echo '{}' ;; esac; }
schema_of() { echo "tap_${1//-/_}"; }

step "conversation-export export writes the app's files; DuckDB reads them"
for vendor in "${VENDORS[@]}"; do
  flags=()
  case $vendor in
    humind) flags=(--include-contact 1) ;;
    mindo) flags=(--company-id 42,57 --from 2026-04-01 --to 2026-07-31) ;;
  esac
  CONVERSATION_EXPORT_KEY="$(key_of "$vendor")" timed "export $vendor" \
    "$CLI" export --vendor "$vendor" --base-url "$(base_of "$vendor")" "${flags[@]}" --out "$WORK/cli/$vendor" --quiet >/dev/null
  app_filters=()
  case $vendor in
    humind) app_filters=(include_contact=1) ;;
    mindo) app_filters=(company_id=42,57 from=2026-04-01 to=2026-07-31) ;;
  esac
  "$ROOT/target/debug/examples/app_files" "$CONVERSATIONS" "$vendor" "$(base_of "$vendor")" "$WORK/app/$vendor" "${app_filters[@]}" >/dev/null
  check files "$WORK/cli/$vendor" "$WORK/app/$vendor"
done
check duckdb "$WORK/cli/humind" "$SIM" humind

# tap | target-postgres for one vendor; the target's last line is the state to keep.
load() { # load VENDOR STATE_IN STATE_OUT
  local vendor=$1 config="$WORK/$1.tap.json" target="$WORK/$1.target.json" state=()
  printf '{"vendor": "%s", "base_url": "%s", "filters": %s}\n' "$vendor" "$(base_of "$vendor")" "$(filters_of "$vendor")" > "$config"
  printf '{"sqlalchemy_url": "%s", "default_target_schema": "%s", "add_record_metadata": true}\n' "$SQLA" "$(schema_of "$vendor")" > "$target"
  [[ -n "$2" ]] && state=(--state "$2")
  CONVERSATION_EXPORT_KEY="$(key_of "$vendor")" "$CLI" tap --config "$config" "${state[@]}" 2>> "$WORK/tap.log" \
    | target-postgres --config "$target" 2>> "$WORK/target.log" | tail -1 > "$3"
}

step "The tap into PostgreSQL through target-postgres, every vendor"
for vendor in "${VENDORS[@]}"; do
  timed "tap | target-postgres, $vendor, full" load "$vendor" "" "$WORK/$vendor.state1"
  check loaded "$SIM" "$vendor" "$(schema_of "$vendor")" "$DSN"
done

# The ground truth as it is, to tell what the day later changed; then the day later.
save_truth() { curl -fsS "$SIM/_sim/dataset/$1" > "$WORK/$1.before.json"; }
a_day_later() { curl -fsS -X POST "$SIM/_sim/later?changed=$LATER_CHANGED_PERCENT&new=$LATER_NEW" >/dev/null; }

step "The simulator a day later (${LATER_CHANGED_PERCENT}% of the conversations moved on, ${LATER_NEW} new a vendor); a second run loads only those"
for vendor in "${VENDORS[@]}"; do save_truth "$vendor"; done
a_day_later
for vendor in "${VENDORS[@]}"; do
  since="$(db_now)"
  timed "tap | target-postgres, $vendor, only what changed" load "$vendor" "$WORK/$vendor.state1" "$WORK/$vendor.state2"
  check changed "$SIM" "$vendor" "$(schema_of "$vendor")" "$DSN" "$since" "$WORK/$vendor.before.json"
done

step "The same through meltano run, with examples/meltano (Humind), from the original world"
curl -fsS -X POST "$SIM/_sim/later" >/dev/null
cp -r "$ROOT/examples/meltano" "$WORK/meltano"
rm -rf "$WORK/meltano/.meltano"
cd "$WORK/meltano"
timed "meltano install" meltano install > "$WORK/meltano.log" 2>&1
export CONVERSATION_EXPORT_BIN="$CLI" CONVERSATION_EXPORT_KEY="$(key_of humind)" \
  TAP_CONVERSATION_EXPORT_BASE_URL="$(base_of humind)" TAP_CONVERSATION_EXPORT_FILTERS='{}' \
  TARGET_POSTGRES_SQLALCHEMY_URL="$SQLA" TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA=meltano_humind
timed "meltano run, humind, full" meltano run tap-conversation-export target-postgres >> "$WORK/meltano.log" 2>&1
check loaded "$SIM" humind meltano_humind "$DSN"
save_truth humind
a_day_later
since="$(db_now)"
timed "meltano run, humind, only what changed" meltano run tap-conversation-export target-postgres >> "$WORK/meltano.log" 2>&1
check changed "$SIM" humind meltano_humind "$DSN" "$since" "$WORK/humind.before.json"
cd "$ROOT"

step "Timings"
printf '%s\n' "${TIMINGS[@]}"
step "Warehouse end to end passed"
