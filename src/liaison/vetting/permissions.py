"""Vetting officers decide; the people who nominate officials submit them."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet

from liaison.accounts.roles import Role, has_role
from liaison.people.models import Person
from liaison.people.permissions import person_in_users_region, scope_people

decides = has_role(Role.ADMINISTRATOR, Role.VETTING_OFFICER)
submits = has_role(
    Role.ADMINISTRATOR,
    Role.PROGRAM_MANAGER,
    Role.TRAINING_ADVISOR,
    Role.IVP_COORDINATOR,
    Role.VETTING_OFFICER,
    Role.ATTACHE,
)
sees_all = has_role(
    Role.ADMINISTRATOR,
    Role.PROGRAM_MANAGER,
    Role.TRAINING_ADVISOR,
    Role.IVP_COORDINATOR,
    Role.VETTING_OFFICER,
)
is_attache = has_role(Role.ATTACHE)


@rules.predicate
def record_in_users_region(user: Any, record: Any) -> bool:
    """The record's person (or a person about to be submitted) is in the attaché's region."""
    return record is not None and bool(
        person_in_users_region(user, getattr(record, "person", record))
    )


def scope_vetting_records(user: Any, records: QuerySet[Any]) -> QuerySet[Any]:
    """The records ``vetting.view_record`` lets the user see, as a filter."""
    if sees_all(user):
        return records
    if is_attache(user):
        return records.filter(person__in=scope_people(user, Person.objects.all()))
    return records.none()


rules.add_perm("vetting.browse", sees_all | is_attache)
rules.add_perm("vetting.view_record", sees_all | (is_attache & record_in_users_region))
rules.add_perm("vetting.submit", (sees_all & submits) | (is_attache & record_in_users_region))
rules.add_perm("vetting.decide", decides)
# The bulk file carries birth dates and passport numbers for the vetting office.
rules.add_perm("vetting.exchange_files", decides)
