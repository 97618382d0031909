#!/usr/bin/env python3
"""Checks for scripts/warehouse.sh, against the simulator's ground truth (/_sim/dataset/<vendor>).

  warehouse_check.py loaded  SIM_URL VENDOR SCHEMA DSN        rows and every message's text
  warehouse_check.py changed SIM_URL VENDOR SCHEMA DSN SINCE BEFORE   only what changed since the
                             truth saved in BEFORE (a /_sim/dataset answer) loaded since SINCE
  warehouse_check.py files   GOT_DIR EXPECTED_DIR             the same files (zip: entries; manifest: not its time)
  warehouse_check.py duckdb  EXPORT_DIR SIM_URL VENDOR         DuckDB reads the NDJSON and CSV output
"""
import glob
import json
import os
import sys
import urllib.request
import zipfile


def dataset(sim_url, vendor):
    """The simulator's ground truth of a vendor, as it is now."""
    with urllib.request.urlopen(f"{sim_url}/_sim/dataset/{vendor}") as response:
        return json.load(response)


CONVERSATION_ID = {"humind": "humind_id", "talktohumans": "conversation_id", "huechat": "id", "voice-widget": "id"}


def by_conversation(data, vendor):
    """Everything the ground truth holds of each conversation, by its id: its record (messages
    and all), or Mindo's rows of it."""
    if vendor == "mindo":
        rows = {}
        for row in data:
            rows.setdefault(row["conversation_id"], []).append(row)
        return rows
    return {c[CONVERSATION_ID[vendor]]: c for c in data}


def truth(sim_url, vendor):
    """(conversation ids, {(conversation_id, message_key): text}) as the simulator has them."""
    data = dataset(sim_url, vendor)
    conversations, messages = set(), {}
    if vendor == "humind":
        for c in data:
            conversations.add(c["humind_id"])
            for m in c.get("messages", []):
                messages[(c["humind_id"], m["humind_id"])] = "\n\n".join(m["content"])
    elif vendor == "talktohumans":
        conversations = {c["conversation_id"] for c in data}  # no message endpoint
    elif vendor == "huechat":
        for c in data:
            conversations.add(c["id"])
            for m in c.get("messages", []):
                messages[(c["id"], m["id"])] = m.get("content") or ""
    elif vendor == "voice-widget":
        for c in data:
            conversations.add(c["id"])
            for position, turn in enumerate(c.get("transcript") or []):
                messages[(c["id"], f"#{position}")] = turn.get("text") or ""
    elif vendor == "mindo":
        for row in data:
            conversations.add(row["conversation_id"])
            messages[(row["conversation_id"], row["message_id"])] = (row["content"] or {}).get("text") or ""
    else:
        sys.exit(f"unknown vendor {vendor}")
    return conversations, messages


def connect(dsn):
    import psycopg

    return psycopg.connect(dsn)


def fail(message):
    print(f"FAILED: {message}")
    sys.exit(1)


def loaded(sim_url, vendor, schema, dsn):
    conversations, messages = truth(sim_url, vendor)
    with connect(dsn) as db:
        got_conversations = {r[0] for r in db.execute(f'select conversation_id from "{schema}".conversations')}
        rows = db.execute(f'select count(*) from "{schema}".conversations').fetchone()[0]
        got_messages = {}
        if messages:
            for conversation, key, text in db.execute(f'select conversation_id, message_key, text from "{schema}".messages'):
                got_messages[(conversation, key)] = text
            message_rows = db.execute(f'select count(*) from "{schema}".messages').fetchone()[0]
        else:
            message_rows = 0
    if rows != len(conversations) or got_conversations != conversations:
        fail(f"{vendor}: {rows} conversation rows, {len(conversations)} in the simulator; "
             f"missing {sorted(conversations - got_conversations)[:3]}, unexpected {sorted(got_conversations - conversations)[:3]}")
    if message_rows != len(messages):
        fail(f"{vendor}: {message_rows} message rows, {len(messages)} in the simulator")
    wrong = [key for key, text in messages.items() if got_messages.get(key) != text]
    if wrong:
        key = wrong[0]
        fail(f"{vendor}: {len(wrong)} messages differ, first {key}: {got_messages.get(key)!r} instead of {messages[key]!r}")
    print(f"ok {vendor}: {rows} conversations and {message_rows} messages, every text as the simulator has it")


def changed(sim_url, vendor, schema, dsn, since, before_path):
    with open(before_path) as file:
        before = by_conversation(json.load(file), vendor)
    now = by_conversation(dataset(sim_url, vendor), vendor)
    expected = {id for id, conversation in now.items() if before.get(id) != conversation}
    if not expected:
        fail(f"{vendor}: nothing changed in the simulator since {before_path}")
    with connect(dsn) as db:
        got = {r[0] for r in db.execute(
            f'select conversation_id from "{schema}".conversations where _sdc_batched_at >= %s', (since,))}
    if got != expected:
        fail(f"{vendor}: the second run loaded {sorted(got)} instead of the {len(expected)} that changed: {sorted(expected)}")
    loaded(sim_url, vendor, schema, dsn)
    print(f"ok {vendor}: the second run loaded exactly the {len(expected)} conversations that changed or started")


def zip_entries(path):
    with zipfile.ZipFile(path) as archive:
        entries = {}
        for name in archive.namelist():
            data = archive.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                manifest.pop("exported_at", None)
                data = json.dumps(manifest, sort_keys=True).encode()
            entries[name] = data
        return entries


def files(got_dir, expected_dir):
    def listing(folder):
        return sorted(n for n in os.listdir(folder) if not n.startswith("."))

    got, expected = listing(got_dir), listing(expected_dir)
    if got != expected:
        fail(f"file names differ: {got} and {expected}")
    for name in got:
        a, b = os.path.join(got_dir, name), os.path.join(expected_dir, name)
        if name.endswith(".zip"):
            if zip_entries(a) != zip_entries(b):
                fail(f"{name}: entries differ")
        elif open(a, "rb").read() != open(b, "rb").read():
            fail(f"{name} differs")
    print(f"ok: the CLI's {len(got)} files equal the app's ({', '.join(got)})")


def duckdb_counts(export_dir, sim_url, vendor):
    import duckdb

    conversations, messages = (len(part) for part in truth(sim_url, vendor))
    raw = glob.glob(os.path.join(export_dir, "*_raw.ndjson"))[0]
    csv = glob.glob(os.path.join(export_dir, "*_messages.csv"))[0]
    db = duckdb.connect()
    records = db.execute(f"select count(*) from read_json('{raw}', format = 'newline_delimited')").fetchone()[0]
    rows = db.execute(f"select count(*) from read_csv('{csv}', header = true)").fetchone()[0]
    if records != int(conversations) or rows != int(messages):
        fail(f"DuckDB read {records} records and {rows} messages, expected {conversations} and {messages}")
    print(f"ok: DuckDB read_json counts {records} records in {os.path.basename(raw)}, read_csv {rows} messages")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"loaded": loaded, "changed": changed, "files": files, "duckdb": duckdb_counts}[command](*args)
