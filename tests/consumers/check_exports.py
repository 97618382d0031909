#!/usr/bin/env python3
"""Opens every vendor's exported files in the programs people use, and checks what they see.

Usage: check_exports.py <folder written by `cargo run --example write_exports`>

- pandas and DuckDB load each database CSV and the raw NDJSON with the manifest's row counts,
  the right types (positions as integers, times as timestamps), and text equal to the JSON model.
- LibreOffice (headless) opens each spreadsheet CSV: accents and emoji intact, multi-line messages
  in one cell, no formula anywhere (a control file without neutralising shows that it would be one).
"""
import csv
import io
import json
import pathlib
import subprocess
import sys
import tempfile

import duckdb
import openpyxl
import pandas as pd

ROOT = pathlib.Path(sys.argv[1])
failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)


def manifest_rows(manifest, suffix):
    for entry in manifest["files"]:
        if entry["name"].endswith(suffix):
            return entry["records"]
    raise KeyError(suffix)


def model_messages(model):
    return [m for c in model for m in c["messages"]]


def libreoffice_open(csv_path, workdir):
    """Converts a CSV to XLSX the way a double-click opens it: comma, quotes, UTF-8."""
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--infilter=CSV:44,34,76,1", "--outdir", str(workdir), str(csv_path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return openpyxl.load_workbook(workdir / (csv_path.stem + ".xlsx")).active


def check_database(vendor, folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    model = json.loads((folder / "conversations.json").read_text())
    messages = model_messages(model)
    con = duckdb.connect()
    for path in sorted(folder.glob("*.csv")):
        rows = manifest_rows(manifest, "_" + path.name if path.name != "tool_calls.csv" else "_tool_calls.csv")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        check(len(frame) == rows, f"{vendor} {path.name}: pandas reads {len(frame)} rows, the manifest says {rows}")
        count = con.execute("select count(*) from read_csv_auto(?)", [str(path)]).fetchone()[0]
        check(count == rows, f"{vendor} {path.name}: DuckDB reads {count} rows, the manifest says {rows}")
    # Text and types of messages.csv, against the model.
    path = folder / "messages.csv"
    frame = pd.read_csv(path, keep_default_na=False, dtype={"text": str, "message_id": str, "conversation_id": str})
    check(list(frame["text"]) == [m["text"] for m in messages], f"{vendor} messages.csv: pandas text differs from the JSON model")
    if len(frame):
        check(str(frame["position"].dtype) == "int64", f"{vendor} messages.csv: position is {frame['position'].dtype} in pandas")
    if len(frame):
        times = pd.to_datetime(frame["sent_at"], utc=True, format="ISO8601")
        check(times.notna().all(), f"{vendor} messages.csv: some sent_at do not parse in pandas")
    described = {row[0]: row[1] for row in con.execute("describe select * from read_csv_auto(?)", [str(path)]).fetchall()}
    if len(frame):
        check(described.get("position") == "BIGINT", f"{vendor} messages.csv: DuckDB types position as {described.get('position')}")
        check("TIMESTAMP" in (described.get("sent_at") or ""), f"{vendor} messages.csv: DuckDB types sent_at as {described.get('sent_at')}")
        texts = [row[0] if row[0] is not None else "" for row in con.execute("select text from read_csv_auto(?, all_varchar=true)", [str(path)]).fetchall()]
        check(texts == [m["text"] for m in messages], f"{vendor} messages.csv: DuckDB text differs from the JSON model")
    # The raw archive: one JSON object per line.
    raw = folder / "raw.ndjson"
    lines = manifest_rows(manifest, "_raw.ndjson")
    count = con.execute("select count(*) from read_json_auto(?, format='newline_delimited')", [str(raw)]).fetchone()[0]
    check(count == lines, f"{vendor} raw.ndjson: DuckDB reads {count} records, the manifest says {lines}")
    frame = pd.read_json(raw, lines=True, dtype=False)
    check(len(frame) == lines, f"{vendor} raw.ndjson: pandas reads {len(frame)} records, the manifest says {lines}")
    conversations = pd.read_csv(folder / "conversations.csv", dtype=str, keep_default_na=False)
    check(list(conversations["conversation_id"]) == [c["id"] for c in model], f"{vendor} conversations.csv: ids differ from the model")


def check_spreadsheet(vendor, folder, workdir):
    path = folder / "messages.csv"
    raw = path.read_bytes()
    check(raw.startswith(b"\xef\xbb\xbf"), f"{vendor} spreadsheet CSV starts without a byte-order mark")
    with io.open(path, encoding="utf-8-sig", newline="") as handle:
        written = list(csv.DictReader(handle))
    if not written:
        return
    sheet = libreoffice_open(path, workdir)
    cells = list(sheet.iter_rows(values_only=False))
    check(len(cells) == len(written) + 1, f"{vendor}: LibreOffice shows {len(cells) - 1} rows, the file has {len(written)}")
    header = [c.value for c in cells[0]]
    text_column = header.index("text")
    formulas = [c.coordinate for row in cells for c in row if c.data_type == "f"]
    check(not formulas, f"{vendor}: LibreOffice made formulas of {formulas[:5]}")
    shown = [(row[text_column].value or "") for row in cells[1:]]
    # A spreadsheet cell's line break is LF: a CRLF inside a message shows as one line break.
    expected = [row["text"].replace("\r\n", "\n") for row in written]
    differences = [(a, b) for a, b in zip(shown, expected) if a != b]
    check(not differences, f"{vendor}: LibreOffice shows {len(differences)} message texts differently from the file: {differences[:2]}")
    check(any("\n" in text for text in shown), f"{vendor}: no multi-line message kept in one cell")
    joined = "".join(shown)
    if vendor != "talktohumans":
        check("è" in joined or "é" in joined, f"{vendor}: accents lost in LibreOffice")


def check_control(workdir):
    """Without neutralising, LibreOffice runs formula-like text: the spreadsheet checks can fail."""
    control = workdir / "control.csv"
    control.write_bytes("\ufefftext\r\n=1+1\r\n".encode())
    sheet = libreoffice_open(control, workdir)
    check(sheet["A2"].data_type == "f", "control: LibreOffice did not evaluate =1+1, so the formula check proves nothing")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        workdir = pathlib.Path(tmp)
        check_control(workdir)
        for vendor_dir in sorted(p for p in ROOT.iterdir() if p.is_dir()):
            check_database(vendor_dir.name, vendor_dir / "database")
            check_spreadsheet(vendor_dir.name, vendor_dir / "spreadsheet", workdir)
    if failures:
        print(f"{len(failures)} of {checks} checks failed:")
        for failure in failures:
            print(" -", failure)
        sys.exit(1)
    print(f"all {checks} checks passed: pandas {pd.__version__}, DuckDB {duckdb.__version__}, LibreOffice (soffice)")


main()
