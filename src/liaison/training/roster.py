"""Importing a partner's roster into a delivery: preview every row, then apply all or nothing.

Partners send names typed their own way ("Mohammed Al-Rashid", "MUHAMMAD ALRASHID", family
name first), so each row is matched against the registry with the duplicate matcher before
anyone is created: the user sees the likely existing person, with the score and the reasons,
and may say "this is someone new" instead. Problems are reported with row and column; the
apply step reads the file again, checks it again and writes every row in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django_countries import countries

from liaison.audit.services import audit_log
from liaison.core.access import require_perm
from liaison.core.tabular import CellError, SheetError, parse_date, read_sheet
from liaison.partners.models import Agency, Country
from liaison.people.indexing import find_matches
from liaison.people.matching import MATCH_THRESHOLD, Match, NameRecord, blocking_keys, normalize
from liaison.people.matching import score as match_score
from liaison.people.models import Gender, Person
from liaison.people.services import person_create
from liaison.training.models import SEATED, Delivery, Enrollment, EnrollmentStatus
from liaison.training.services import NOMINATION_STATES, enrollment_nominate

# The columns of a roster file, in the order of the template.
COLUMNS = (
    "family_name",
    "given_name",
    "native_name",
    "gender",
    "birth_date",
    "nationality",
    "passport_number",
    "agency",
    "position",
    "email",
    "phone",
)
# Headers partners commonly use instead of ours.
COLUMN_ALIASES = {
    "surname": "family_name",
    "last_name": "family_name",
    "lastname": "family_name",
    "family": "family_name",
    "first_name": "given_name",
    "firstname": "given_name",
    "forename": "given_name",
    "given_names": "given_name",
    "name_in_native_script": "native_name",
    "sex": "gender",
    "date_of_birth": "birth_date",
    "dob": "birth_date",
    "birthdate": "birth_date",
    "country": "nationality",
    "citizenship": "nationality",
    "passport": "passport_number",
    "passport_no": "passport_number",
    "organization": "agency",
    "organisation": "agency",
    "rank": "position",
    "title": "position",
    "e_mail": "email",
    "telephone": "phone",
    "mobile": "phone",
}
NAME_COLUMNS = ("family_name", "given_name", "native_name")
# Fields copied as typed onto a new person.
TEXT_FIELDS = (
    "family_name",
    "given_name",
    "native_name",
    "passport_number",
    "position",
    "email",
    "phone",
)
GENDERS = {
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "woman": Gender.FEMALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "man": Gender.MALE,
    "": Gender.UNSPECIFIED,
    "unspecified": Gender.UNSPECIFIED,
    "not specified": Gender.UNSPECIFIED,
}
# A file-wide problem is reported on the header row.
FILE = "(file)"
ROW = "(row)"
# How many existing people a row offers to choose from.
CANDIDATES_SHOWN = 3


@dataclass
class Candidate:
    """An existing person a row probably is."""

    match: Match
    person: Person
    enrollment: Enrollment | None  # their place on this delivery's roster, if any

    @property
    def percent(self) -> int:
        return round(self.match.score * 100)


@dataclass
class RowPreview:
    row: int
    values: dict[str, Any]  # person fields, parsed: what a new person would be created with
    typed: dict[str, str]  # the cells as typed, for display
    candidates: list[Candidate] = field(default_factory=list)
    choice: int | None = None  # the existing person's id, or None: a new person
    errors: list[CellError] = field(default_factory=list)
    waitlist_position: int | None = None  # set when the row would join the waiting list

    @property
    def name(self) -> str:
        latin = " ".join(
            p for p in (self.typed.get("given_name"), self.typed.get("family_name")) if p
        )
        return latin or self.typed.get("native_name", "") or "(no name)"

    @property
    def error_columns(self) -> set[str]:
        return {e.column for e in self.errors}

    @property
    def chosen(self) -> Candidate | None:
        return next((c for c in self.candidates if c.person.pk == self.choice), None)

    @property
    def is_new(self) -> bool:
        return self.choice is None

    @property
    def waitlisted(self) -> bool:
        return self.waitlist_position is not None


@dataclass
class RosterPreview:
    delivery: Delivery
    rows: list[RowPreview]
    file_errors: list[CellError]
    free_seats: int

    @property
    def errors(self) -> list[CellError]:
        order = {name: i for i, name in enumerate((FILE, ROW, *COLUMNS))}
        found = self.file_errors + [e for r in self.rows for e in r.errors]
        return sorted(found, key=lambda e: (e.row, order.get(e.column, len(order))))

    @property
    def can_apply(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def error_rows(self) -> int:
        return sum(1 for r in self.rows if r.errors)

    @property
    def matched(self) -> int:
        return sum(1 for r in self.rows if not r.is_new)

    @property
    def new(self) -> int:
        return sum(1 for r in self.rows if r.is_new)

    @property
    def waitlisted(self) -> int:
        return sum(1 for r in self.rows if r.waitlisted)


@dataclass(frozen=True)
class RosterImported:
    nominated: int
    waitlisted: int
    matched: int
    created: int

    @property
    def total(self) -> int:
        return self.nominated + self.waitlisted


# --- reading the cells --------------------------------------------------------------------


class _Lookups:
    """Countries and agencies, read once per file."""

    def __init__(self, *, with_agencies: bool) -> None:
        self.countries = {str(c.code): c for c in Country.objects.all()}
        self.country_names = {normalize(c.name): c for c in self.countries.values()}
        self.agencies: dict[str, list[Agency]] = defaultdict(list)
        if with_agencies:
            for agency in Agency.objects.select_related("country"):
                for label in {agency.name, agency.acronym} - {""}:
                    self.agencies[normalize(label)].append(agency)

    def country(self, text: str) -> Country | None:
        code = countries.alpha2(text) if text.isalnum() and len(text) in (2, 3) else ""
        if not code:
            found = countries.by_name(text)
            code = found if isinstance(found, str) else ""
        if code and code in self.countries:
            return self.countries[code]
        return self.country_names.get(normalize(text))

    def agency(self, text: str, nationality: Country | None) -> list[Agency]:
        found = self.agencies.get(normalize(text), [])
        if nationality is not None:
            found = [a for a in found if a.country_id == nationality.pk]
        return found


def _parse_row(number: int, cells: Mapping[str, str], lookups: _Lookups) -> RowPreview:
    """The person a row describes, and what is wrong with each of its cells."""
    typed = {column: cells.get(column, "").strip() for column in COLUMNS}
    row = RowPreview(row=number, values={}, typed=typed)
    errors = row.errors
    values = row.values
    for column in TEXT_FIELDS:
        if typed[column]:
            values[column] = typed[column]
    if not typed["family_name"] and not typed["native_name"]:
        message = (
            "Give the family name (a single name goes here)."
            if typed["given_name"]
            else "The row has no name: give a family name, a given name or both."
        )
        errors.append(CellError(number, "family_name", message))
    gender = GENDERS.get(typed["gender"].lower())
    if gender is None:
        errors.append(CellError(number, "gender", "Write female, male, or leave it blank."))
    elif gender != Gender.UNSPECIFIED:
        values["gender"] = gender
    if typed["birth_date"]:
        try:
            born = parse_date(typed["birth_date"])
        except ValueError:
            errors.append(
                CellError(
                    number,
                    "birth_date",
                    f"“{typed['birth_date']}” is not a date: write YYYY-MM-DD or DD/MM/YYYY.",
                )
            )
        else:
            if born > date.today():
                errors.append(CellError(number, "birth_date", "The birth date is in the future."))
            elif born.year < 1900:
                errors.append(CellError(number, "birth_date", "The birth date is before 1900."))
            else:
                values["birth_date"] = born
    nationality = None
    if typed["nationality"]:
        nationality = lookups.country(typed["nationality"])
        if nationality is None:
            errors.append(
                CellError(
                    number,
                    "nationality",
                    f"“{typed['nationality']}” is not a country: write its ISO code (e.g. PE) "
                    "or its name.",
                )
            )
        else:
            values["nationality"] = nationality
    if typed["agency"]:
        agencies = lookups.agency(typed["agency"], nationality)
        where = f" of {nationality}" if nationality else ""
        if len(agencies) == 1:
            values["agency"] = agencies[0]
        elif not agencies:
            errors.append(
                CellError(
                    number,
                    "agency",
                    f"No agency{where} is called “{typed['agency']}”: write its name or "
                    "acronym as registered under Partners, or leave it blank.",
                )
            )
        else:
            errors.append(
                CellError(
                    number,
                    "agency",
                    f"Several agencies are called “{typed['agency']}”: give the nationality.",
                )
            )
    # The model's own checks: lengths, the e-mail address.
    try:
        Person(**values).full_clean(exclude=["search_name", "nationality", "agency"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = name if name in COLUMNS else ROW
            if not any(e.column == column for e in errors):
                errors.append(CellError(number, column, " ".join(messages)))
    return row


def _name_record(row: RowPreview) -> NameRecord:
    nationality = row.values.get("nationality")
    return NameRecord(
        id=None,
        given_name=row.values.get("given_name", ""),
        family_name=row.values.get("family_name", ""),
        native_name=row.values.get("native_name", ""),
        birth_date=row.values.get("birth_date"),
        nationality=str(nationality.code) if nationality else "",
    )


def _has_name(row: RowPreview) -> bool:
    return any(row.values.get(column) for column in NAME_COLUMNS)


def _same_person_in_file(rows: list[RowPreview]) -> None:
    """Flag a row that repeats an earlier one: the same passport, or a name the matcher pairs.

    Only rows sharing a blocking key are scored, so a long file stays fast.
    """
    seen_keys: dict[str, list[int]] = defaultdict(list)
    records: list[NameRecord] = []
    passports: dict[str, RowPreview] = {}
    for index, row in enumerate(rows):
        record = _name_record(row)
        records.append(record)
        passport = "".join(c for c in row.values.get("passport_number", "").upper() if c.isalnum())
        if passport and passport in passports:
            earlier = passports[passport]
            row.errors.append(
                CellError(
                    row.row,
                    "passport_number",
                    f"The same passport number as row {earlier.row}: the person is in the "
                    "file twice; keep one row.",
                )
            )
            continue
        if passport:
            passports[passport] = row
        if not _has_name(row):
            continue
        keys = blocking_keys(record)
        earlier_rows = sorted({i for key in keys for i in seen_keys.get(key, ())})
        for i in earlier_rows:
            value, reasons = match_score(record, records[i])
            if value >= MATCH_THRESHOLD:
                row.errors.append(
                    CellError(
                        row.row,
                        "family_name",
                        f"The same person as row {rows[i].row} ({'; '.join(reasons)}): "
                        "keep one of the two rows.",
                    )
                )
                break
        for key in keys:
            seen_keys[key].append(index)


def _match_registry(delivery: Delivery, rows: list[RowPreview]) -> None:
    """The likely existing people for each row, best first, with their place on this roster."""
    named = [r for r in rows if _has_name(r)]
    found = find_matches([_name_record(r) for r in named], limit=CANDIDATES_SHOWN)
    ids = {m.person_id for matches in found for m in matches}
    people = Person.objects.select_related("nationality", "agency").in_bulk(ids)
    enrolled = {
        e.person_id: e for e in Enrollment.objects.filter(delivery=delivery, person_id__in=ids)
    }
    for row, matches in zip(named, found, strict=True):
        row.candidates = [
            Candidate(m, people[m.person_id], enrolled.get(m.person_id))
            for m in matches
            if m.person_id in people
        ]


def _choose(rows: list[RowPreview], decisions: Mapping[int, int | None]) -> None:
    """Apply the user's choices (default: the best match) and check what they lead to."""
    chosen_by: dict[int, RowPreview] = {}
    for row in rows:
        ids = [c.person.pk for c in row.candidates]
        if row.row in decisions:
            choice = decisions[row.row]
            if choice is not None and choice not in ids:
                row.errors.append(
                    CellError(row.row, ROW, "Choose one of the people shown, or a new person.")
                )
                continue
            row.choice = choice
        else:
            row.choice = ids[0] if ids else None
        chosen = row.chosen
        if chosen is None:
            continue
        if chosen.enrollment is not None:
            row.errors.append(
                CellError(
                    row.row,
                    "family_name",
                    f"{chosen.person} is already on this roster "
                    f"({chosen.enrollment.get_status_display().lower()}): remove the row.",
                )
            )
        elif chosen.person.pk in chosen_by and not any(
            e.column == "family_name" for e in row.errors
        ):
            row.errors.append(
                CellError(
                    row.row,
                    "family_name",
                    f"Row {chosen_by[chosen.person.pk].row} is also {chosen.person}: one of the "
                    "two rows repeats the other or is someone else.",
                )
            )
        chosen_by.setdefault(chosen.person.pk, row)


def _forecast_seats(delivery: Delivery, rows: list[RowPreview]) -> int:
    """Who gets a seat and who waits, in file order, as the nominations will decide."""
    seated = delivery.enrollments.filter(status__in=SEATED).count()
    free = max(0, delivery.capacity - seated)
    waiting = delivery.enrollments.filter(status=EnrollmentStatus.WAITLISTED)
    top = max((e.waitlist_position or 0 for e in waiting.only("waitlist_position")), default=0)
    seats = free
    for row in rows:
        if row.errors:
            continue
        if seats:
            seats -= 1
        else:
            top += 1
            row.waitlist_position = top
    return free


def roster_import_preview(
    *,
    actor: Any,
    delivery: Delivery,
    upload: BinaryIO,
    filename: str,
    decisions: Mapping[int, int | None] | None = None,
) -> RosterPreview:
    """Check a roster file row by row and match it to the registry; nothing is written.

    ``decisions`` maps a row number to the existing person chosen for it, or None for a new
    person; rows left out take their best match.
    """
    require_perm(actor, "training.manage_roster", delivery)
    file_errors: list[CellError] = []
    if delivery.status not in NOMINATION_STATES:
        file_errors.append(
            CellError(
                1,
                FILE,
                f"A {delivery.get_status_display().lower()} delivery takes no more nominations.",
            )
        )
    try:
        sheet = read_sheet(upload, filename, required=())
    except SheetError as error:
        return RosterPreview(delivery, [], [*file_errors, CellError(1, FILE, str(error))], 0)
    columns: dict[str, str] = {}
    for header in sheet.headers:
        if not header:
            continue
        column = COLUMN_ALIASES.get(header, header)
        if column not in COLUMNS:
            file_errors.append(
                CellError(1, header, f"Unknown column. The columns are: {', '.join(COLUMNS)}.")
            )
        elif column in columns.values():
            file_errors.append(CellError(1, header, f"A second “{column}” column."))
        else:
            columns[header] = column
    if not set(NAME_COLUMNS) & set(columns.values()):
        file_errors.append(
            CellError(1, FILE, "Missing column: family_name (and given_name) name each person.")
        )
    if not sheet.rows:
        file_errors.append(CellError(1, FILE, "The file has no rows under the header."))
    if file_errors:
        return RosterPreview(delivery, [], file_errors, 0)
    cells_of = [
        (number, {column: cells.get(header, "") for header, column in columns.items()})
        for number, cells in sheet.rows
    ]
    lookups = _Lookups(with_agencies=any(cells.get("agency") for _, cells in cells_of))
    rows = [_parse_row(number, cells, lookups) for number, cells in cells_of]
    _same_person_in_file(rows)
    _match_registry(delivery, rows)
    _choose(rows, decisions or {})
    free = _forecast_seats(delivery, rows)
    return RosterPreview(delivery, rows, file_errors, free)


@transaction.atomic
def roster_import_apply(
    *,
    actor: Any,
    delivery: Delivery,
    upload: BinaryIO,
    filename: str,
    decisions: Mapping[int, int | None] | None = None,
) -> RosterImported:
    """Import a roster file: every row is nominated (or waitlisted), or none is.

    The file is read and checked again, as the registry or the roster may have changed since
    the preview; new people are created for the rows the user said are new (or that match
    nobody), and each row goes through the ordinary nomination, capacity rule included.
    """
    preview = roster_import_preview(
        actor=actor, delivery=delivery, upload=upload, filename=filename, decisions=decisions
    )
    if not preview.can_apply:
        raise ValidationError([str(e) for e in preview.errors] or ["The file has no rows."])
    nominated = waitlisted = matched = created = 0
    for row in preview.rows:
        try:
            chosen = row.chosen
            if chosen is not None:
                person = chosen.person
                matched += 1
            else:
                person = person_create(actor=actor, allow_duplicates=True, **row.values)
                created += 1
            agency = row.values.get("agency") or person.agency
            enrollment = enrollment_nominate(
                actor=actor,
                delivery=delivery,
                person=person,
                nominated_by=(agency.acronym or agency.name)[:150] if agency else "",
            )
        except ValidationError as error:
            raise ValidationError(
                f"Row {row.row}: {' '.join(error.messages)} Nothing was imported."
            ) from error
        if enrollment.status == EnrollmentStatus.WAITLISTED:
            waitlisted += 1
        else:
            nominated += 1
    result = RosterImported(nominated, waitlisted, matched, created)
    audit_log(
        actor=actor,
        action="delivery.roster_imported",
        obj=delivery,
        changes={
            "file": [None, filename],
            "rows": [None, len(preview.rows)],
            "nominated": [None, nominated],
            "waitlisted": [None, waitlisted],
            "matched_existing": [None, matched],
            "people_created": [None, created],
        },
    )
    return result
