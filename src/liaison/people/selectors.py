"""Reads of people for pages and the API, already scoped to the user."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.db.models import Q, QuerySet

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.core.access import get_for_user, require_perm
from liaison.people.indexing import find_matches, name_record, search_key
from liaison.people.matching import Match, is_birth_date_reason, normalize, phonetic_key
from liaison.people.models import Person, Staff
from liaison.people.permissions import scope_people

# What a reason about birth dates becomes for a user who may not see birth dates.
BIRTH_DATE_HIDDEN = "birth date checked"


def _scoped_people(user: Any) -> QuerySet[Person]:
    """The people the user may see: none unless they may browse people at all."""
    return scope_people(user, Person.objects.active())


def person_list(
    *,
    user: Any,
    search: str = "",
    nationality: str = "",
    agency: int | None = None,
    region: str = "",
) -> QuerySet[Person]:
    require_perm(user, "people.browse")
    people = _scoped_people(user).select_related("nationality", "agency")
    for token in normalize(search).split():
        # A part of the name as typed, or a name that sounds the same in any spelling.
        matches = Q(search_name__contains=token)
        if phonetic_key(token):
            matches |= Q(search_name__contains=search_key(token))
        people = people.filter(matches)
    if nationality:
        people = people.filter(nationality__code=nationality.upper())
    if agency:
        people = people.filter(agency_id=agency)
    if region:
        people = people.filter(nationality__region__code=region)
    return people


def person_get(*, user: Any, pk: int, perm: str = "people.view_person") -> Person:
    return get_for_user(
        Person.objects.select_related(
            "nationality", "nationality__region", "agency", "merged_into"
        ),
        user,
        perm,
        pk=pk,
    )


def person_possible_duplicates(*, user: Any, person: Person) -> list[tuple[Match, Person]]:
    """Other registered people who look like ``person``, within the user's scope."""
    matches = find_matches([name_record(person)], exclude_ids=[person.pk])[0]
    return matches_with_people(user=user, matches=matches)


def matches_with_people(*, user: Any, matches: Sequence[Match]) -> list[tuple[Match, Person]]:
    """The matches whose person the user may see, with that person, best first.

    Their reasons are already :func:`visible_match_reasons` for the user, so a page or an
    answer can show them as they are.
    """
    visible = {
        p.pk: p
        for p in _scoped_people(user)
        .filter(pk__in=[m.person_id for m in matches])
        .select_related("nationality", "agency")
    }
    return [
        (replace(m, reasons=tuple(visible_match_reasons(user, m.reasons))), visible[m.person_id])
        for m in matches
        if m.person_id in visible
    ]


def visible_match_reasons(user: Any, reasons: Sequence[str]) -> list[str]:
    """A match's reasons as ``user`` may read them.

    Reasons about birth dates ("same birth date", "birth date close (day and month
    swapped)", "different birth date", "birth date unknown on one side") tell something
    about a birth date, which only those with ``people.view_personal_data`` may see. For
    anyone else they all become one "birth date checked", whatever the dates were, so that
    the words reveal neither the dates nor whether they agree or are recorded at all.
    """
    if user.has_perm("people.view_personal_data"):
        return list(reasons)
    shown: list[str] = []
    for reason in reasons:
        text = BIRTH_DATE_HIDDEN if is_birth_date_reason(reason) else reason
        if text not in shown:
            shown.append(text)
    return shown


def person_history(*, person: Person) -> AuditEntryQuerySet:
    """The person's audit entries, with those of every record merged into them."""
    ids = [str(person.pk), *(str(pk) for pk in person.merged_records.values_list("pk", flat=True))]
    return audit_history(object_type="people.person", object_ids=ids)


def staff_list(*, user: Any, search: str = "", kind: str = "") -> QuerySet[Staff]:
    require_perm(user, "people.browse_staff")
    staff = Staff.objects.select_related("post_country")
    if search:
        staff = staff.filter(
            Q(given_name__icontains=search)
            | Q(family_name__icontains=search)
            | Q(office__icontains=search)
        )
    if kind:
        staff = staff.filter(kind=kind)
    return staff


def staff_get(*, user: Any, pk: int, perm: str = "people.view_staff") -> Staff:
    return get_for_user(Staff.objects.select_related("post_country", "user"), user, perm, pk=pk)


def staff_history(*, staff: Staff) -> AuditEntryQuerySet:
    return audit_history(object_type="people.staff", object_ids=[str(staff.pk)])
