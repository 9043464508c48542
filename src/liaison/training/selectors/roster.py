"""Reads of a delivery's roster: its participants and counts, who the vetting gate stops, the
moves each participant's row offers; and the preview of a roster file checked against the
registry (nothing is written: :mod:`liaison.training.services.roster` stores and applies it)."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, QuerySet

from liaison.core.access import get_for_user, require_perm
from liaison.core.imports import PROGRESS_EVERY, Progress, no_progress
from liaison.core.models import ImportFile
from liaison.core.tabular import DateOrder, TableError, read_table
from liaison.core.workflows import Move
from liaison.partners.models import Agency, Country
from liaison.people.indexing import find_matches, people_by_passport
from liaison.people.matching import Match
from liaison.people.models import Person
from liaison.people.selectors import visible_match_reasons
from liaison.training.models import SEATED, Delivery, Enrollment, EnrollmentStatus
from liaison.training.roster_file import (
    CANDIDATES_SHOWN,
    COLUMNS,
    NEW,
    Known,
    Plan,
    Problem,
    Registry,
    Row,
    agency_questions,
    check_choices,
    digest,
    find_duplicates,
    known_duplicates,
    parse_row,
    settle_duplicates,
    table_problems,
)
from liaison.training.rules import NOMINATION_STATES, roster_settled
from liaison.training.selectors.deliveries import _scoped_deliveries
from liaison.training.workflows import ENROLLMENT
from liaison.vetting.models import Purpose, VettingRecord
from liaison.vetting.selectors import gate_refusal


def seated_count(delivery: Delivery) -> int:
    """How many of the delivery's seats are held (none before it is saved)."""
    return delivery.enrollments.filter(status__in=SEATED).count() if delivery.pk else 0


def roster_enrollments(*, delivery: Delivery) -> QuerySet[Enrollment]:
    """Everyone on the delivery's roster, in the order its page lists them."""
    return delivery.enrollments.select_related(
        "person", "person__nationality", "person__agency", "certificate"
    ).order_by("status", "waitlist_position", "person__family_name", "person__given_name", "pk")


def enrollments_of_person(*, user: Any, person: Any) -> QuerySet[Enrollment]:
    """A person's training record, limited to the deliveries the user may see."""
    if not user.has_perm("training.browse"):
        return Enrollment.objects.none()
    return (
        Enrollment.objects.filter(person=person, delivery__in=_scoped_deliveries(user))
        .select_related("delivery__course", "delivery__venue", "delivery__country", "certificate")
        .order_by("-delivery__starts_on")
    )


def enrollment_get(*, user: Any, pk: int, perm: str = "training.view_delivery") -> Enrollment:
    enrollment = get_for_user(
        Enrollment.objects.select_related("delivery__course", "delivery__venue", "person"),
        user,
        "training.browse",
        pk=pk,
    )
    require_perm(user, perm, enrollment.delivery)
    return enrollment


def roster_counts(*, delivery: Delivery) -> dict[str, int]:
    counts = dict(
        delivery.enrollments.values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    return {status: counts.get(status, 0) for status in EnrollmentStatus.values} | {
        "seated": sum(counts.get(status, 0) for status in SEATED),
        "free": max(0, delivery.capacity - sum(counts.get(status, 0) for status in SEATED)),
    }


# --- the vetting gate, seen from the roster ----------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    enrollment: Enrollment
    reason: str


def _leahy_records(person_ids: list[int]) -> dict[int, VettingRecord]:
    return {
        record.person_id: record
        for record in VettingRecord.objects.filter(person_id__in=person_ids, purpose=Purpose.LEAHY)
    }


def gate_refusals(*, enrollments: list[Enrollment]) -> dict[int, str]:
    """Enrollment id → why the vetting gate stops it; two queries however long the roster."""
    records = _leahy_records([enrollment.person_id for enrollment in enrollments])
    refusals = {}
    for enrollment in enrollments:
        reason = gate_refusal(
            enrollment.person, records.get(enrollment.person_id), enrollment.delivery.ends_on
        )
        if reason:
            refusals[enrollment.pk] = reason
    return refusals


@dataclass
class DeliveryBlockers:
    delivery: Delivery
    blockers: list[Blocker] = field(default_factory=list)


def blocked_deliveries(*, user: Any) -> list[DeliveryBlockers]:
    """For each delivery still taking its roster, the nominees the vetting gate stops."""
    require_perm(user, "training.browse")
    nominated = list(
        Enrollment.objects.filter(
            status=EnrollmentStatus.NOMINATED,
            delivery__status__in=NOMINATION_STATES,
            delivery__in=_scoped_deliveries(user),
        )
        .select_related("person", "delivery__course", "delivery__venue")
        .order_by("delivery__starts_on", "delivery_id", "person__family_name", "pk")
    )
    refusals = gate_refusals(enrollments=nominated)
    grouped: dict[int, DeliveryBlockers] = {}
    for enrollment in nominated:
        reason = refusals.get(enrollment.pk)
        if reason:
            group = grouped.setdefault(
                enrollment.delivery_id, DeliveryBlockers(enrollment.delivery)
            )
            group.blockers.append(Blocker(enrollment, reason))
    return list(grouped.values())


# The moves a roster page offers on each participant; the others follow from other actions
# (a freed seat moves the waiting list up; finishing the delivery records the outcomes).
ROSTER_MOVES = ("confirmed", "withdrawn")


def roster_offers(
    *,
    user: Any,
    delivery: Delivery,
    enrollments: Sequence[Enrollment],
    gate_refusals: dict[int, str],
) -> list[list[Move]]:
    """For each of ``enrollments`` (on ``delivery``'s roster), the roster moves ``user`` may
    make now that their services would accept: none once the roster is settled, and no
    confirmation the vetting gate refuses (``gate_refusals``, by enrollment id, as
    :func:`liaison.training.selectors.gate_refusals` gives them for the nominated)."""
    if roster_settled(delivery):
        return [[] for _ in enrollments]
    offered = ENROLLMENT.available_many(user, enrollments, only=ROSTER_MOVES)
    return [
        [m for m in moves if not (m.name == "confirmed" and e.pk in gate_refusals)]
        for e, moves in zip(enrollments, offered, strict=True)
    ]


# --- a roster file, checked against the registry -----------------------------------------


def _registry() -> Registry:
    """Countries and agencies, read once per file."""
    countries = {str(c.code): c for c in Country.objects.select_related("region")}
    agencies: dict[int, list[Agency]] = defaultdict(list)
    agencies_by_id: dict[int, Agency] = {}
    for agency in Agency.objects.select_related("country"):
        agencies[agency.country_id].append(agency)
        agencies_by_id[agency.pk] = agency
    return Registry(countries, agencies, agencies_by_id)


def _match_registry(
    user: Any,
    delivery: Delivery,
    rows: list[Row],
    chosen: dict[str, str],
    progress: Progress,
    known: Known | None = None,
) -> dict[int, Person]:
    """The likely existing people for each row, best first; the user's choice or the best.

    ``known`` gives each row's candidates from a preview of the same file, answers and
    registry (nothing registered or changed since), so an apply need not match again."""
    named = [r for r in rows if r.record is not None and r.values.get("family_name")]
    found: list[list[Match]] = []
    if known is not None:
        found = [
            [
                Match(c["id"], c["percent"] / 100, tuple(c["reasons"]))
                for c in known.candidates.get(r.number, [])
            ]
            for r in named
        ]
    for start in range(0, len(named) if known is None else 0, 500):
        chunk = named[start : start + 500]
        found += find_matches([r.record for r in chunk], limit=CANDIDATES_SHOWN)  # type: ignore[misc]
        progress(start + len(chunk), len(named), "Matching rows to the registry")
    ids = {m.person_id for matches in found for m in matches}
    people = Person.objects.select_related("nationality", "agency").in_bulk(ids)
    enrolled = dict(
        Enrollment.objects.filter(delivery=delivery, person_id__in=ids).values_list(
            "person_id", "status"
        )
    )
    for row, matches in zip(named, found, strict=True):
        row.candidates = [
            {
                "id": m.person_id,
                "name": str(people[m.person_id]),
                "detail": _person_detail(people[m.person_id]),
                "percent": round(m.score * 100),
                "reasons": m.reasons
                if known is not None
                else visible_match_reasons(user, m.reasons),
                "enrolled": str(EnrollmentStatus(enrolled[m.person_id]).label).lower()
                if m.person_id in enrolled
                else "",
            }
            for m in matches
            if m.person_id in people
        ]
        ids_here = [c["id"] for c in row.candidates]
        answer = chosen.get(str(row.number))
        if answer == NEW:
            row.choice = None
        elif answer and answer.isdigit() and int(answer) in ids_here:
            row.choice = int(answer)
        else:
            row.choice = ids_here[0] if ids_here else None
    return people


def _person_detail(person: Person) -> str:
    parts = (
        person.nationality.name if person.nationality else "",
        person.agency.name if person.agency else "",
    )
    return ", ".join(p for p in parts if p)


def _check_passports(rows: list[Row], people: dict[int, Person]) -> None:
    """Never one passport number on two people: a row whose passport is registered to
    someone must be that person."""
    numbers = {
        r.number: r.values["passport_number"] for r in rows if r.values.get("passport_number")
    }
    holders = people_by_passport(numbers.values())
    others = Person.objects.in_bulk({pid for ids in holders.values() for pid in ids} - set(people))
    for row in rows:
        held_by = holders.get(numbers.get(row.number, ""), set())
        if held_by and row.choice not in held_by:
            holder = people.get(min(held_by)) or others.get(min(held_by))
            row.problem(
                "passport_number",
                f"Passport {numbers[row.number]} is registered to #{min(held_by)} {holder}: "
                "choose that person for this row, or correct the number.",
                "Passport registered to someone else",
            )


def _forecast_seats(delivery: Delivery, rows: list[Row]) -> int:
    """Who gets a seat and who waits, in file order, as the nominations will decide."""
    seated = delivery.enrollments.filter(status__in=SEATED).count()
    free = max(0, delivery.capacity - seated)
    waiting = delivery.enrollments.filter(status=EnrollmentStatus.WAITLISTED)
    top = max((p or 0 for p in waiting.values_list("waitlist_position", flat=True)), default=0)
    seats = free
    for row in rows:
        if row.problems:
            continue
        if seats:
            seats -= 1
        else:
            top += 1
            row.waitlist_position = top
    return free


def build_plan(
    *,
    actor: Any,
    delivery: Delivery,
    data: bytes,
    filename: str,
    decisions: dict[str, Any],
    progress: Progress = no_progress,
    known: Known | None = None,
) -> Plan:
    """Check a roster file against the registry with the user's answers; nothing is written.

    ``known``: what a preview of the same file and answers against the same registry found
    already (see :func:`matching_state`)."""
    require_perm(actor, "training.manage_roster", delivery)
    file_problems: list[Problem] = []
    if delivery.status not in NOMINATION_STATES:
        file_problems.append(
            Problem(
                1,
                "",
                f"A {delivery.get_status_display().lower()} delivery takes no more nominations.",
                "Delivery closed",
            )
        )
    order = decisions.get("date_order") or None
    try:
        table = read_table(
            data,
            filename,
            COLUMNS,
            sheet=decisions.get("sheet") or None,
            date_order=DateOrder(order) if order in ("dmy", "mdy") else None,
        )
    except TableError as error:
        return Plan(
            delivery,
            None,
            [],
            [*file_problems, Problem(1, "", str(error), "The file cannot be read")],
            [],
            [],
            0,
        )
    if not table.rows:
        file_problems.append(
            Problem(
                table.header_row,
                "",
                "The file has no rows under the header.",
                "No rows",
                table.sheet,
            )
        )
    registry = _registry()
    progress(0, len(table.rows), "Reading rows")
    rows = []
    for index, cells in enumerate(table.rows, start=1):
        rows.append(parse_row(cells.number, cells.cells, registry, table))
        if index % (PROGRESS_EVERY * 4) == 0:
            progress(index, len(table.rows), "Reading rows")
    by_number = {r.number: r for r in rows}
    file_problems += table_problems(table, by_number)
    for row in rows:
        if table.sheet:
            for problem in row.problems:
                problem.sheet = table.sheet
    agency_answers = decisions.get("agencies") or {}
    duplicate_answers = decisions.get("duplicates") or {}
    person_answers = decisions.get("people") or {}
    duplicates = (
        find_duplicates(rows, duplicate_answers)
        if known is None
        else known_duplicates(rows, known.pairs, duplicate_answers)
    )
    settle_duplicates(rows, duplicates)
    kept = [r for r in rows if not r.skipped]
    agencies = agency_questions(kept, registry, agency_answers)
    people = _match_registry(actor, delivery, kept, person_answers, progress, known)
    check_choices(kept)
    _check_passports(kept, people)
    free = _forecast_seats(delivery, kept)
    return Plan(
        delivery,
        table,
        rows,
        file_problems,
        agencies,
        duplicates,
        free,
        agencies_by_id=registry.agencies_by_id,
        people=people,
    )


def matching_state(data: bytes, decisions: dict[str, Any]) -> str:
    """What a preview's registry candidates depend on: the file, the answers that change the
    rows (date order, sheet, duplicates) and the registry (its size and latest change: any
    person registered, edited or merged since). Equal states give equal candidates."""
    registry = Person.objects.aggregate(people=Count("pk"), changed=Max("updated_at"))
    parts = [
        digest(data),
        json.dumps(
            {k: decisions.get(k) for k in ("date_order", "sheet", "duplicates")}, sort_keys=True
        ),
        f"{registry['people']}|{registry['changed']}",
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def roster_upload_delivery(upload: ImportFile) -> Delivery:
    """The delivery a stored roster upload is for (the worker's side)."""
    if upload.target_id is None:
        raise ValueError("A roster upload names its delivery.")
    return Delivery.objects.select_related("course", "venue", "country").get(pk=upload.target_id)
