"""A partner's roster file as the import reads it, with no database query: its columns, each
row parsed and checked, the rows that repeat one person, the agency names as written, the
answers applied, and the preview as plain data.

What needs the registry (matching rows to people, passports, free seats) is read in
:mod:`liaison.training.selectors.roster`; the writes are in :mod:`liaison.training.services.roster`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from rapidfuzz import fuzz

from liaison.core.tabular import (
    PERSON_COLUMN_SYNONYMS,
    Column,
    Table,
    clean_text,
    country_code,
    parse_gender,
)
from liaison.partners.models import Agency, Country
from liaison.people.matching import (
    MATCH_THRESHOLD,
    NameRecord,
    blocking_keys,
    is_native_script,
    normalize,
)
from liaison.people.matching import score as match_score
from liaison.people.models import Gender, Person
from liaison.training.models import Delivery

KIND = "training.roster"


def _column(key: str, label: str, **extra: Any) -> Column:
    return Column(key=key, label=label, synonyms=PERSON_COLUMN_SYNONYMS.get(key, ()), **extra)


# The columns of a roster file, in the order of the template; headers may use any synonym.
COLUMNS: tuple[Column, ...] = (
    _column("family_name", "Family name", required=True),
    _column("given_name", "Given name"),
    _column("native_name", "Name in native script"),
    _column("gender", "Gender"),
    _column("birth_date", "Birth date", kind="date"),
    _column("nationality", "Nationality"),
    _column("passport_number", "Passport number", kind="digits"),
    _column("agency", "Agency"),
    _column("position", "Position"),
    _column("email", "E-mail"),
    _column("phone", "Phone", kind="digits"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
LABELS = {c.key: c.label for c in COLUMNS}
TEXT_FIELDS = ("family_name", "given_name", "native_name", "position", "email", "phone")
# How many existing people a row offers to choose from.
CANDIDATES_SHOWN = 3
# An agency name as written this close to a registered one is proposed as that agency.
AGENCY_PROPOSAL_SCORE = 85
# Rows of the file compared with each row for a duplicate, and how common a blocking key may
# be before it no longer marks a likely pair.
DUPLICATE_CANDIDATES = 30
COMMON_KEY_ROWS = 200
# The rows of the preview shown on one page.
ROWS_PER_PAGE = 100
NEW = "new"
# What to do with two rows that are one person.
KEEP_FIRST, KEEP_SECOND, MERGE, BOTH = "first", "second", "merge", "both"
DUPLICATE_CHOICES = {
    KEEP_FIRST: "Keep the first row",
    KEEP_SECOND: "Keep the second row",
    MERGE: "Merge them: the first row, its blanks filled from the second",
    BOTH: "They are two different people",
}


@dataclass
class Problem:
    row: int  # spreadsheet row; the header row for a problem of the whole file
    column: str  # the column's label, or "" for the whole row or file
    message: str
    kind: str  # the heading it is grouped under
    sheet: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "kind": self.kind,
            "sheet": self.sheet,
        }

    def __str__(self) -> str:
        where = f"Sheet “{self.sheet}”, row {self.row}" if self.sheet else f"Row {self.row}"
        return (
            f"{where}, column “{self.column}”: {self.message}"
            if self.column
            else (f"{where}: {self.message}")
        )


@dataclass
class Row:
    """One row of the file as the preview understands it."""

    number: int
    typed: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)  # what a new person is created with
    agency_key: str = ""
    problems: list[Problem] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    choice: int | None = None  # the existing person's id; None: a new person
    duplicate_of: int | None = None  # the earlier row this one repeats
    skipped: bool = False  # dropped in favour of the other row of a duplicate pair
    waitlist_position: int | None = None
    record: NameRecord | None = None
    headers: dict[str, str] = field(default_factory=dict)  # key -> header as the file writes it

    @property
    def name(self) -> str:
        latin = " ".join(
            p for p in (self.typed.get("given_name"), self.typed.get("family_name")) if p
        )
        return latin or self.typed.get("native_name", "") or "(no name)"

    def problem(self, column: str, message: str, kind: str) -> None:
        """A problem named by the column's header as the file writes it, else our label."""
        header = self.headers.get(column) or LABELS.get(column, column)
        self.problems.append(Problem(self.number, header, message, kind))


@dataclass
class AgencyQuestion:
    key: str
    written: str
    country: Country | None
    rows: list[int]
    proposals: list[dict[str, Any]]
    choice: str  # an agency id, NEW, or "" when it cannot be answered


@dataclass
class DuplicatePair:
    first: int
    second: int
    reason: str
    same_passport: bool
    choice: str  # one of DUPLICATE_CHOICES, or "" until the user answers


@dataclass
class Plan:
    """The whole preview: what the page shows and what the apply writes."""

    delivery: Delivery
    table: Table | None
    rows: list[Row]
    file_problems: list[Problem]
    agencies: list[AgencyQuestion]
    duplicates: list[DuplicatePair]
    free_seats: int
    agencies_by_id: dict[int, Agency] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)

    @property
    def kept(self) -> list[Row]:
        return [r for r in self.rows if not r.skipped]

    @property
    def problems(self) -> list[Problem]:
        return self.file_problems + [p for r in self.rows for p in r.problems]

    @property
    def questions_open(self) -> int:
        open_dates = 1 if self.table and self.table.ambiguous_dates else 0
        return open_dates + sum(1 for d in self.duplicates if not d.choice)

    @property
    def can_apply(self) -> bool:
        return bool(self.kept) and not self.problems and not self.questions_open


@dataclass(frozen=True)
class Known:
    """What a preview of the same file, answers and registry found (see :func:`matching_state`):
    each row's registry candidates and the file's duplicate pairs, so an apply need not look
    again."""

    candidates: dict[int, list[dict[str, Any]]]
    pairs: list[dict[str, Any]]


@dataclass(frozen=True)
class RosterImported:
    nominated: int
    waitlisted: int
    matched: int
    created: int
    agencies: int

    @property
    def total(self) -> int:
        return self.nominated + self.waitlisted

    def __str__(self) -> str:
        agencies = (
            f"; {self.agencies} agenc{'ies' if self.agencies != 1 else 'y'} registered"
            if self.agencies
            else ""
        )
        return (
            f"{self.total} participant{'s' if self.total != 1 else ''} imported: "
            f"{self.nominated} nominated, {self.waitlisted} on the waiting list; "
            f"{self.matched} already registered, {self.created} newly registered{agencies}."
        )


# --- reading the rows ---------------------------------------------------------------------


@dataclass
class Registry:
    """Countries and agencies, read once per file (by ``selectors.roster``)."""

    countries: dict[str, Country]
    agencies: dict[int, list[Agency]]
    agencies_by_id: dict[int, Agency]

    def country(self, text: str) -> Country | None:
        code = country_code(text)
        return self.countries.get(code) if code else None


def _labels(agency: Agency) -> list[str]:
    names = (agency.name, getattr(agency, "national_name", ""))
    acronyms = (agency.acronym, getattr(agency, "national_acronym", ""))
    return [normalize(n) for n in names if n] + [normalize(a) for a in acronyms if a]


def agency_proposals(written: str, agencies: Iterable[Agency]) -> list[tuple[int, Agency]]:
    """Registered agencies the name as written most likely is, best first, with a score of 0 to 100:
    exact on a name or acronym in either language, else fuzzy on the words."""
    wanted = normalize(written)
    scored = []
    for agency in agencies:
        labels = _labels(agency)
        if wanted in labels:
            best = 100
        else:
            best = max(
                (round(fuzz.token_set_ratio(wanted, label)) for label in labels if len(label) > 5),
                default=0,
            )
        if best >= 50:
            scored.append((best, agency))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return scored[:3]


def parse_row(number: int, cells: dict[str, str], registry: Registry, table: Table) -> Row:
    typed = {key: clean_text(cells.get(key, "")) for key in COLUMN_KEYS}
    row = Row(number=number, typed=typed, headers=table.columns)
    values = row.values
    for key in TEXT_FIELDS:
        if typed[key]:
            values[key] = typed[key]
    family = typed["family_name"]
    if not family:
        row.problem(
            "family_name",
            "Give the family name in Latin letters, as in the passport (a person with a "
            "single name has it here).",
            "Family name missing",
        )
    elif is_native_script(family):
        row.problem(
            "family_name",
            f"“{family}” is not in Latin letters: write the family name as in the passport and "
            "put the native script in the native-name column.",
            "Family name not in Latin letters",
        )
    gender = parse_gender(typed["gender"])
    if gender is None:
        row.problem(
            "gender",
            f"“{typed['gender']}” is not a gender: write F or M, or leave it blank.",
            "Gender not understood",
        )
    elif gender:
        values["gender"] = Gender(gender)
    born = typed["birth_date"]
    if born and len(born) == 10 and born[4] == "-":
        try:
            birth_date = date.fromisoformat(born)
        except ValueError:
            birth_date = None
        if birth_date is not None:
            if birth_date > timezone.localdate():
                row.problem(
                    "birth_date", "The birth date is in the future.", "Birth date impossible"
                )
            elif birth_date.year < 1900:
                row.problem("birth_date", "The birth date is before 1900.", "Birth date impossible")
            else:
                values["birth_date"] = birth_date
    if typed["passport_number"]:
        values["passport_number"] = typed["passport_number"].upper()
    nationality = None
    if typed["nationality"]:
        nationality = registry.country(typed["nationality"])
        if nationality is None:
            row.problem(
                "nationality",
                f"“{typed['nationality']}” is not a country: write its ISO code (PE, PER) or its "
                "name in English, Spanish, French or Portuguese.",
                "Nationality not understood",
            )
        else:
            values["nationality"] = nationality
    if typed["agency"]:
        row.agency_key = f"{nationality.code if nationality else ''}|{normalize(typed['agency'])}"
    # The model's own checks on the typed fields: lengths, the e-mail address.
    for name in (*TEXT_FIELDS, "passport_number"):
        if name not in values or any(p.column == row.headers.get(name) for p in row.problems):
            continue
        try:
            _person_field(name).clean(values[name], None)
        except ValidationError as error:
            row.problem(name, " ".join(error.messages), f"{LABELS[name]} not valid")
    row.record = NameRecord(
        id=None,
        given_name=values.get("given_name", ""),
        family_name=values.get("family_name", ""),
        native_name=values.get("native_name", ""),
        birth_date=values.get("birth_date"),
        nationality=str(nationality.code) if nationality else "",
    )
    return row


def _person_field(name: str) -> models.Field[Any, Any]:
    field = Person._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def table_problems(table: Table, rows_by_number: dict[int, Row]) -> list[Problem]:
    """The reader's cell errors, onto their rows; those of no kept row stay on the file."""
    leftover = []
    for error in table.errors:
        problem = Problem(
            error.row,
            error.column,
            error.message,
            f"{error.column or 'Row'}: not read",
            error.sheet,
        )
        row = rows_by_number.get(error.row)
        if row is None:
            leftover.append(problem)
        else:
            row.problems.append(problem)
    return leftover


def agency_questions(
    rows: list[Row], registry: Registry, chosen: dict[str, str]
) -> list[AgencyQuestion]:
    """One question per distinct agency name as written (and nationality), not per row.

    A name that is exactly a registered agency's name or acronym is that agency; any other
    gets the likeliest registered agencies of that country, or "register a new agency"."""
    questions: dict[str, AgencyQuestion] = {}
    for row in rows:
        if not row.agency_key:
            continue
        question = questions.get(row.agency_key)
        if question is None:
            country = row.values.get("nationality")
            pool = registry.agencies.get(country.pk, []) if country else []
            proposals = agency_proposals(row.typed["agency"], pool)
            default = (
                str(proposals[0][1].pk)
                if proposals and proposals[0][0] >= AGENCY_PROPOSAL_SCORE
                else (NEW if country else "")
            )
            allowed = {str(a.pk) for _, a in proposals} | ({NEW} if country else set())
            answer = chosen.get(row.agency_key, "")
            question = AgencyQuestion(
                key=row.agency_key,
                written=row.typed["agency"],
                country=country,
                rows=[],
                proposals=[
                    {"id": a.pk, "name": a.name, "acronym": a.acronym, "percent": s}
                    for s, a in proposals
                ],
                choice=answer if answer in allowed else default,
            )
            questions[row.agency_key] = question
        question.rows.append(row.number)
    for question in questions.values():
        if question.choice:
            continue
        for number in question.rows:
            row = next(r for r in rows if r.number == number)
            row.problem(
                "agency",
                f"No registered agency is called “{question.written}” and without a nationality "
                "it cannot be registered: give the nationality.",
                "Agency without a nationality",
            )
    return list(questions.values())


def _passport_key(row: Row) -> str:
    return "".join(c for c in row.values.get("passport_number", "").upper() if c.isalnum())


def find_duplicates(rows: list[Row], chosen: dict[str, str]) -> list[DuplicatePair]:
    """Pairs of rows that are one person: the same passport, or names the matcher pairs.

    Only rows sharing a blocking key are scored, the likeliest first and at most
    :data:`DUPLICATE_CANDIDATES` of them; a key shared by more than :data:`COMMON_KEY_ROWS`
    rows ("garcia" in a Latin American file) says too little to compare on. So a long file
    stays fast. Each row is paired with the first earlier row it repeats."""
    pairs = []
    seen_keys: dict[str, list[int]] = defaultdict(list)
    passports: dict[str, int] = {}
    passport_of = [_passport_key(row) for row in rows]
    for index, row in enumerate(rows):
        if row.record is None or not row.values.get("family_name"):
            continue
        passport = passport_of[index]
        earlier: int | None = None
        reason = ""
        if passport and passport in passports:
            earlier, reason = passports[passport], "the same passport number"
        keys = blocking_keys(row.record)
        if earlier is None:
            hits: dict[int, int] = defaultdict(int)
            for key in keys:
                block = seen_keys.get(key, ())
                if len(block) <= COMMON_KEY_ROWS:
                    for i in block:
                        hits[i] += 1
            likeliest = sorted(hits, key=lambda i: (-hits[i], i))[:DUPLICATE_CANDIDATES]
            for i in sorted(likeliest):
                other_passport = passport_of[i]
                if passport and other_passport and passport != other_passport:
                    continue  # two passports: two people, whatever their names
                value, reasons = match_score(row.record, rows[i].record)  # type: ignore[arg-type]
                if value >= MATCH_THRESHOLD:
                    earlier, reason = i, "; ".join(reasons)
                    break
        if earlier is not None:
            first = rows[earlier]
            same_passport = bool(passport) and passport == passport_of[earlier]
            answer = chosen.get(str(row.number), "")
            if same_passport and answer == BOTH:
                answer = ""
            pairs.append(
                DuplicatePair(
                    first.number,
                    row.number,
                    reason,
                    same_passport,
                    answer if answer in DUPLICATE_CHOICES else "",
                )
            )
            row.duplicate_of = first.number
        else:
            if passport:
                passports[passport] = index
            for key in keys:
                seen_keys[key].append(index)
    return pairs


def known_duplicates(
    rows: list[Row], pairs: list[dict[str, Any]], chosen: dict[str, str]
) -> list[DuplicatePair]:
    """The pairs a preview of the same file found, with the answers given since."""
    by_number = {r.number: r for r in rows}
    found = []
    for pair in pairs:
        answer = chosen.get(str(pair["second"]), "")
        if answer not in DUPLICATE_CHOICES or (pair["same_passport"] and answer == BOTH):
            answer = ""
        found.append(
            DuplicatePair(
                pair["first"], pair["second"], pair["reason"], pair["same_passport"], answer
            )
        )
        by_number[pair["second"]].duplicate_of = pair["first"]
    return found


def settle_duplicates(rows: list[Row], pairs: list[DuplicatePair]) -> None:
    by_number = {r.number: r for r in rows}
    for pair in pairs:
        first, second = by_number[pair.first], by_number[pair.second]
        if pair.choice == KEEP_FIRST:
            second.skipped = True
        elif pair.choice == KEEP_SECOND:
            first.skipped = True
        elif pair.choice == MERGE:
            for key, value in second.values.items():
                first.values.setdefault(key, value)
            if not first.agency_key:
                first.agency_key = second.agency_key
            second.skipped = True


def check_choices(rows: list[Row]) -> None:
    chosen_by: dict[int, Row] = {}
    for row in rows:
        if row.choice is None:
            continue
        candidate = next(c for c in row.candidates if c["id"] == row.choice)
        if candidate["enrolled"]:
            row.problem(
                "family_name",
                f"{candidate['name']} is already on this roster ({candidate['enrolled']}): "
                "remove the row or choose “a new person”.",
                "Already on the roster",
            )
        elif row.choice in chosen_by:
            row.problem(
                "family_name",
                f"Row {chosen_by[row.choice].number} is also {candidate['name']}: one of the two "
                "rows is someone else, or repeats the other.",
                "Two rows are one registered person",
            )
        chosen_by.setdefault(row.choice, row)


# --- the preview, as stored and shown -----------------------------------------------------


def _row_dict(row: Row, plan: Plan) -> dict[str, Any]:
    nationality = row.values.get("nationality")
    place = ""
    if row.skipped:
        place = "skipped"
    elif not row.problems:
        place = f"waiting list #{row.waitlist_position}" if row.waitlist_position else "nominated"
    return {
        "row": row.number,
        "name": row.name,
        "typed": row.typed,
        "born": row.values["birth_date"].isoformat() if row.values.get("birth_date") else "",
        "nationality": nationality.name if nationality else "",
        "agency": row.typed.get("agency", ""),
        "candidates": row.candidates,
        "choice": row.choice,
        "duplicate_of": row.duplicate_of,
        "skipped": row.skipped,
        "place": place,
        "problems": [p.as_dict() for p in row.problems],
    }


def plan_summary(plan: Plan, digest: str) -> dict[str, Any]:
    """The preview as plain data: stored encrypted on the upload and read by the page."""
    table = plan.table
    kept = plan.kept
    page_of = {r.number: i // ROWS_PER_PAGE + 1 for i, r in enumerate(plan.rows)}
    by_number = {r.number: r for r in plan.rows}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for problem in plan.problems:
        groups[problem.kind].append({**problem.as_dict(), "page": page_of.get(problem.row, 1)})
    ambiguous = [
        {"row": e.row, "column": e.column, "message": e.message, "sheet": e.sheet}
        for e in (table.ambiguous_dates if table else [])
    ]
    return {
        "digest": digest,
        "sheet": table.sheet if table else "",
        "sheets": table.sheets if table else [],
        "header_row": table.header_row if table else 1,
        "encoding": table.encoding if table else "",
        "delimiter": table.delimiter if table else "",
        "columns": table.columns if table else {},
        "ignored": table.ignored if table else [],
        "date_order": table.date_order.value if table and table.date_order else "",
        "suggested_order": table.suggested_order.value if table and table.suggested_order else "",
        "ambiguous_dates": ambiguous,
        "counts": {
            "rows": len(plan.rows),
            "kept": len(kept),
            "matched": sum(1 for r in kept if r.choice is not None),
            "new": sum(1 for r in kept if r.choice is None),
            "waitlisted": sum(1 for r in kept if r.waitlist_position),
            "skipped": len(plan.rows) - len(kept),
            "problems": len(plan.problems),
            "problem_rows": len(
                {p.row for p in plan.problems if p.row > (table.header_row if table else 1)}
            ),
            "questions": plan.questions_open,
            "new_agencies": sum(1 for q in plan.agencies if q.choice == NEW),
        },
        "free_seats": plan.free_seats,
        "capacity": plan.delivery.capacity,
        "can_apply": plan.can_apply,
        "problem_groups": [{"kind": kind, "problems": items} for kind, items in groups.items()],
        "file_problems": [p.as_dict() for p in plan.file_problems],
        "agencies": [
            {
                "key": q.key,
                "written": q.written,
                "country": q.country.name if q.country else "",
                "rows": q.rows,
                "proposals": q.proposals,
                "choice": q.choice,
            }
            for q in plan.agencies
        ],
        "duplicates": [
            {
                "first": d.first,
                "second": d.second,
                "reason": d.reason,
                "same_passport": d.same_passport,
                "choice": d.choice,
                "cells": [
                    (c.label, by_number[d.first].typed[c.key], by_number[d.second].typed[c.key])
                    for c in COLUMNS
                ],
            }
            for d in plan.duplicates
        ],
        "rows": [_row_dict(r, plan) for r in plan.rows],
    }


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]
