"""The reference agencies (data/agencies.csv) are well formed: read with csv and pathlib."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

COLUMNS = [
    "iso2",
    "kind",
    "name",
    "acronym",
    "national_name",
    "national_acronym",
    "language",
    "website",
    "source",
]
KINDS = {"customs", "border_police", "immigration"}
# Countries with at least one agency in the file, per bureau (of 34 WHA, 49 EUR, 49 AF, 33 EAP,
# 19 NEA and 13 SCA countries in regions.csv): a floor, so that rows are not lost by accident.
COVERED_AT_LEAST = {"WHA": 34, "EUR": 46, "AF": 49, "EAP": 32, "NEA": 19, "SCA": 13}


def read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (DATA_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def test_agencies_have_the_columns_and_known_countries_and_kinds():
    columns, rows = read("agencies")
    assert columns == COLUMNS
    bureau = {r["iso2"]: r["bureau"] for r in read("regions")[1]}
    for row in rows:
        where = f"{row['iso2']} {row['name']}"
        assert row["iso2"] in bureau, where
        assert row["kind"] in KINDS, where
        assert row["name"].strip() == row["name"] and row["name"], where
        assert all(value == value.strip() for value in row.values()), where


def test_every_agency_cites_its_source_and_has_short_acronyms():
    _, rows = read("agencies")
    for row in rows:
        where = f"{row['iso2']} {row['name']}"
        assert re.fullmatch(r"https?://\S+", row["source"]), where
        assert not row["website"] or re.fullmatch(r"https?://\S+", row["website"]), where
        assert len(row["acronym"]) <= 20 and len(row["national_acronym"]) <= 20, where
        assert len(row["name"]) <= 200 and len(row["national_name"]) <= 200, where
        if row["national_name"] or row["national_acronym"]:
            assert re.fullmatch(r"[a-z]{2}", row["language"]), f"{where}: ISO 639-1 language"


def test_an_agency_is_named_once_per_country_and_the_file_is_sorted():
    _, rows = read("agencies")
    pairs = Counter((r["iso2"], r["name"]) for r in rows)
    assert [pair for pair, n in pairs.items() if n > 1] == []
    keys = [(r["iso2"], r["kind"]) for r in rows]
    assert keys == sorted(keys)


def test_each_bureau_keeps_its_countries_covered():
    _, rows = read("agencies")
    bureau = {r["iso2"]: r["bureau"] for r in read("regions")[1]}
    covered = Counter(bureau[iso2] for iso2 in {r["iso2"] for r in rows})
    for code, floor in COVERED_AT_LEAST.items():
        assert covered[code] >= floor, code
