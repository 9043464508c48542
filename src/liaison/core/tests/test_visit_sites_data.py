"""The site registry's data files are well formed: checked with csv and pathlib alone."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

SITE_COLUMNS = [
    "code",
    "name",
    "kind",
    "environment",
    "city",
    "state",
    "address",
    "latitude",
    "longitude",
    "daily_capacity",
    "weekdays",
    "focus",
    "note",
]
KINDS = {
    "headquarters",
    "port_of_entry",
    "border_patrol_station",
    "checkpoint",
    "laboratory",
    "targeting_center",
    "training_center",
    "field_office",
    "air_and_marine",
}
ENVIRONMENTS = {"land", "seaport", "airport", "rail", "green_border", ""}
# The 50 states, D.C. and the inhabited territories.
STATES = {
    *("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA"),
    *("KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ"),
    *("NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT"),
    *("VA", "WA", "WV", "WI", "WY", "DC", "PR", "VI", "GU", "AS", "MP"),
}
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# (south, north, west, east) boxes around each part of the United States.
BOXES = {
    "contiguous": (24.4, 49.4, -124.9, -66.9),
    "AK": (51.2, 71.5, -179.2, -129.9),
    "HI": (18.9, 22.3, -160.3, -154.7),
    "PR": (17.8, 18.6, -67.3, -65.2),
    "VI": (17.6, 18.5, -65.1, -64.5),
    "GU": (13.2, 13.7, 144.6, 145.0),
    "MP": (14.1, 20.6, 144.8, 146.1),
    "AS": (-14.6, -11.0, -171.1, -168.1),
}
MUST_HAVE = [
    "National Targeting Center",
    "San Ysidro",
    "Laredo",
    "Los Angeles/Long Beach",
    "New York/Newark",
    "John F. Kennedy",
    "Miami",
    "Detroit",
    "Blaine",
    "Falfurrias",
]


def read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (DATA_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def weekdays(text: str) -> set[int]:
    """ "Mon-Fri" or "Mon,Wed,Fri" (or a mix) → the day numbers, Monday 0."""
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        start = DAYS.index(first)
        end = DAYS.index(last) if last else start
        assert start <= end, f"{text!r} runs backwards"
        days.update(range(start, end + 1))
    return days


def focus(text: str) -> dict[str, int]:
    pairs = {}
    for pair in text.split(";"):
        code, sep, strength = pair.partition(":")
        assert sep and strength.isdigit(), f"{pair!r} is not code:strength"
        assert code not in pairs, f"{code} twice"
        pairs[code] = int(strength)
    return pairs


@pytest.fixture(scope="module")
def areas() -> list[dict[str, str]]:
    header, rows = read("visit_focus_areas")
    assert header == ["code", "name", "description"]
    return rows


@pytest.fixture(scope="module")
def sites() -> list[dict[str, str]]:
    header, rows = read("visit_sites")
    assert header == SITE_COLUMNS
    return rows


def test_focus_areas_are_a_short_list_of_distinct_codes(areas):
    codes = [row["code"] for row in areas]
    assert 10 <= len(codes) <= 16
    assert len(set(codes)) == len(codes)
    names = [row["name"].casefold() for row in areas]
    assert len(set(names)) == len(names)
    for row in areas:
        assert re.fullmatch(r"[a-z][a-z_]*[a-z]", row["code"]), row["code"]
        assert len(row["code"]) <= 40 and 0 < len(row["name"]) <= 150
        assert row["description"].strip(), row["code"]


def test_there_are_over_a_hundred_sites_with_unique_codes_and_names(sites):
    assert len(sites) >= 100
    codes = [row["code"] for row in sites]
    assert len(set(codes)) == len(codes)
    names = [row["name"] for row in sites]
    assert len(set(names)) == len(names)
    for row in sites:
        assert re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*", row["code"]), row["code"]
        assert len(row["code"]) <= 30 and 0 < len(row["name"]) <= 200
        assert row["city"].strip() and row["note"].strip(), row["code"]


def test_kinds_and_environments_come_from_the_allowed_sets(sites):
    for row in sites:
        code, kind, environment = row["code"], row["kind"], row["environment"]
        assert kind in KINDS, code
        assert environment in ENVIRONMENTS, code
        if kind == "port_of_entry":
            assert environment in {"land", "seaport", "airport", "rail"}, code
        if kind in {"border_patrol_station", "checkpoint"}:
            assert environment == "green_border", code
        if kind in {"headquarters", "laboratory", "targeting_center", "training_center"}:
            assert environment == "", code
    assert {row["kind"] for row in sites} == KINDS
    assert {row["environment"] for row in sites} == ENVIRONMENTS


def test_every_site_is_inside_the_united_states(sites):
    for row in sites:
        assert row["state"] in STATES, row["code"]
        lat, lon = float(row["latitude"]), float(row["longitude"])
        box = BOXES.get(row["state"], BOXES["contiguous"])
        south, north, west, east = box
        assert south <= lat <= north and west <= lon <= east, (row["code"], lat, lon)


def test_capacity_and_weekdays_are_usable(sites):
    for row in sites:
        assert row["daily_capacity"] in {"1", "2", "3"}, row["code"]
        days = weekdays(row["weekdays"])
        assert days, row["code"]
    headquarters = next(row for row in sites if row["code"] == "HQ-RRB")
    assert headquarters["daily_capacity"] == "3"
    assert weekdays(headquarters["weekdays"]) == {0, 1, 2, 3, 4}


def test_weekday_parsing_reads_ranges_and_lists():
    assert weekdays("Mon-Fri") == {0, 1, 2, 3, 4}
    assert weekdays("Tue-Thu") == {1, 2, 3}
    assert weekdays("Mon,Wed,Fri") == {0, 2, 4}
    with pytest.raises(AssertionError):
        weekdays("Fri-Mon")


def test_every_focus_is_a_known_area_with_strength_one_to_three(sites, areas):
    known = {row["code"] for row in areas}
    used = set()
    for row in sites:
        pairs = focus(row["focus"])
        assert pairs, row["code"]
        assert set(pairs) <= known, (row["code"], set(pairs) - known)
        assert all(1 <= strength <= 3 for strength in pairs.values()), row["code"]
        assert 3 in pairs.values(), f"{row['code']} shows nothing at full strength"
        used |= set(pairs)
    assert used == known, f"focus areas no site shows: {known - used}"


@pytest.mark.parametrize("name", MUST_HAVE)
def test_the_well_known_sites_are_there(sites, name):
    assert any(name in row["name"] for row in sites), name


def test_the_core_sites_show_what_they_are_known_for(sites):
    by_code = {row["code"]: row for row in sites}
    assert focus(by_code["NTC"]["focus"])["targeting_risk"] == 3
    assert focus(by_code["CKP-FAL"]["focus"])["border_patrol_operations"] == 3
    assert by_code["POE-SYS"]["environment"] == "land"
    assert by_code["SEA-LALB"]["environment"] == "seaport"
    assert by_code["AIR-JFK"]["environment"] == "airport"
    assert any(row["environment"] == "rail" and row["city"] == "Laredo" for row in sites)
