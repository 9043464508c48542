"""Reference data shipped with Liaison (copied from the project's shared reference facts)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def rows(name: str) -> Iterator[dict[str, str]]:
    """Rows of ``data/<name>.csv``; every value is a string (so "NA", Namibia, stays "NA")."""
    with (DATA_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)
