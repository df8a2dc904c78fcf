"""A generated installation's injected mistakes end in quarantine with file, line, column, rule
and raw value, and manifest.json accounts for every row read."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rod_pipeline_tests.e2e.helpers import CliResult, published, read_semicolon_csv

pytestmark = pytest.mark.e2e

QUARANTINE_COLUMNS = {"BESTAND", "REGEL", "KOLOM", "REGEL_CODE", "WAARDE"}


def _quarantine_rows(data_dir: Path) -> dict[str, list[dict]]:
    """Quarantine rows by peildatum folder name."""
    return {
        path.parent.name.removeprefix("peildatum="): pq.read_table(path).to_pylist()
        for path in sorted((data_dir / "quarantine").glob("peildatum=*/*.parquet"))
    }


def test_quarantine_holds_file_line_column_rule_and_raw_value(
    tiny_published: tuple[Path, CliResult],
) -> None:
    data_dir, _ = tiny_published
    extracts = sorted(p.name for p in (data_dir / "inbox").iterdir())
    by_peildatum = _quarantine_rows(data_dir)
    assert sorted(by_peildatum) == extracts
    for peildatum, rows in by_peildatum.items():
        assert rows, f"{peildatum}: the generator injects mistakes, none were quarantined"
        assert set(rows[0]) >= QUARANTINE_COLUMNS, sorted(rows[0])
        inputs = {
            name: read_semicolon_csv(data_dir / "inbox" / peildatum / name)
            for name in ("inschrijvingen.csv", "tlv.csv")
        }
        for row in rows:
            assert row["BESTAND"] in inputs and row["REGEL_CODE"], row["REGEL_CODE"]
            # Line 1 is the header, so data line n is the (n - 2)th record.
            raw = inputs[row["BESTAND"]][row["REGEL"] - 2]
            assert row["KOLOM"] in raw, f"{row['BESTAND']}:{row['REGEL']} {row['KOLOM']}"
            raw_value = raw[row["KOLOM"]] or ""
            assert (row["WAARDE"] or "") in {raw_value, raw_value.strip()}, (
                f"{row['BESTAND']}:{row['REGEL']} {row['KOLOM']} {row['REGEL_CODE']}"
            )


def test_manifest_accounts_for_every_row_read(tiny_published: tuple[Path, CliResult]) -> None:
    data_dir, _ = tiny_published
    manifest = json.loads((published(data_dir) / "manifest.json").read_text())
    latest = max(manifest["teldata"], key=lambda t: t["peildatum"])
    peildatum = latest["peildatum"]
    quarantined_lines: dict[str, set[int]] = {}
    for row in _quarantine_rows(data_dir)[peildatum]:
        quarantined_lines.setdefault(row["BESTAND"], set()).add(row["REGEL"])
    entries = {entry["file"]: entry for entry in latest["input_files"]}
    assert {"inschrijvingen.csv", "tlv.csv"} <= set(entries)
    for name, entry in entries.items():
        assert entry["rows_read"] == entry["rows_accepted"] + entry["rows_quarantined"], name
        assert len(entry["sha256"]) == 64
    for name in ("inschrijvingen.csv", "tlv.csv"):
        lines = read_semicolon_csv(data_dir / "inbox" / peildatum / name)
        assert entries[name]["rows_read"] == len(lines), name
        assert entries[name]["rows_quarantined"] == len(quarantined_lines.get(name, set())), name
