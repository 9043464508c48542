"""The catalog is reference for everyone who plans or follows training; HQ keeps it."""

from __future__ import annotations

import rules

from liaison.accounts.roles import Role, has_role, is_headquarters

can_browse_catalog = has_role(
    Role.ADMINISTRATOR,
    Role.PROGRAM_MANAGER,
    Role.TRAINING_ADVISOR,
    Role.IVP_COORDINATOR,
    Role.ATTACHE,
    Role.VETTING_OFFICER,
    Role.SPONSOR,
)

rules.add_perm("catalog.browse", can_browse_catalog)
rules.add_perm("catalog.change", is_headquarters)
