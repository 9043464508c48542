"""Vetting officers decide; the people who nominate officials submit them."""

from __future__ import annotations

import rules

from liaison.accounts.roles import Role, has_role
from liaison.people.permissions import person_in_users_region

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
def record_in_users_region(user: object, record: object) -> bool:
    return record is None or bool(person_in_users_region(user, getattr(record, "person", record)))


rules.add_perm("vetting.browse", sees_all | is_attache)
rules.add_perm("vetting.view_record", sees_all | (is_attache & record_in_users_region))
rules.add_perm("vetting.submit", (sees_all & submits) | (is_attache & record_in_users_region))
rules.add_perm("vetting.decide", decides)
# The bulk file carries birth dates and passport numbers for the vetting office.
rules.add_perm("vetting.exchange_files", decides)
