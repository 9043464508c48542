"""Who may see and change people. Attachés see officials of their region's countries."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters
from liaison.core.access import matches, within_region

can_browse_people = has_role(
    Role.ADMINISTRATOR,
    Role.PROGRAM_MANAGER,
    Role.TRAINING_ADVISOR,
    Role.IVP_COORDINATOR,
    Role.ATTACHE,
    Role.VETTING_OFFICER,
)
can_edit_people = has_role(
    Role.ADMINISTRATOR,
    Role.PROGRAM_MANAGER,
    Role.TRAINING_ADVISOR,
    Role.IVP_COORDINATOR,
    Role.ATTACHE,
)
# Passport numbers and birth dates: those who vet, host or approve need them.
needs_personal_data = has_role(
    Role.ADMINISTRATOR, Role.PROGRAM_MANAGER, Role.VETTING_OFFICER, Role.IVP_COORDINATOR
)
can_browse_staff = has_role(
    Role.ADMINISTRATOR, Role.PROGRAM_MANAGER, Role.TRAINING_ADVISOR, Role.IVP_COORDINATOR
)


def _attache_people(user: Any) -> Q:
    """An attaché's scope: officials whose nationality lies in the attaché's region."""
    return within_region(user, "nationality__region_id")


@rules.predicate
def person_in_users_region(user: Any, person: Any) -> bool:
    return person is not None and matches(person, _attache_people(user))


def scope_people(user: Any, people: QuerySet[Any]) -> QuerySet[Any]:
    """The people ``people.view_person`` lets the user see, as a filter of ``people``."""
    if not can_browse_people(user):
        return people.none()
    return people.filter(_attache_people(user)) if is_attache(user) else people


@rules.predicate
def person_unspecified_or_in_users_region(user: Any, person: Any) -> bool:
    return person is None or bool(person_in_users_region(user, person))


in_scope = ~is_attache | person_in_users_region

rules.add_perm("people.browse", can_browse_people)
rules.add_perm("people.view_person", can_browse_people & in_scope)
rules.add_perm(
    "people.add_person", can_edit_people & (~is_attache | person_unspecified_or_in_users_region)
)
rules.add_perm("people.change_person", can_edit_people & in_scope)
rules.add_perm("people.view_personal_data", needs_personal_data & in_scope)
rules.add_perm("people.merge_person", is_headquarters)
rules.add_perm("people.browse_staff", can_browse_staff)
rules.add_perm("people.view_staff", can_browse_staff)
rules.add_perm("people.change_staff", is_headquarters)
