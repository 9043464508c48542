"""The roles of Liaison's users (DESIGN.md) and the predicates built on them."""

from __future__ import annotations

from typing import Any

import rules
from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    PROGRAM_MANAGER = "program_manager", "Program manager"
    TRAINING_ADVISOR = "training_advisor", "Training advisor"
    IVP_COORDINATOR = "ivp_coordinator", "IVP coordinator"
    SITE_HOST = "site_host", "Site host"
    ATTACHE = "attache", "Attaché"
    VETTING_OFFICER = "vetting_officer", "Vetting officer"
    SPONSOR = "sponsor", "Sponsor"


def has_role(*roles: Role) -> Any:
    """A `rules` predicate true when the user is signed in with one of ``roles``."""
    names = {str(role) for role in roles}

    @rules.predicate(name=f"has_role({','.join(sorted(names))})")
    def predicate(user: Any) -> bool:
        return bool(
            getattr(user, "is_authenticated", False) and user.is_active and user.role in names
        )

    return predicate


is_administrator = has_role(Role.ADMINISTRATOR)
is_program_manager = has_role(Role.PROGRAM_MANAGER)
is_attache = has_role(Role.ATTACHE)
# Headquarters roles see every partner and every person.
is_headquarters = has_role(Role.ADMINISTRATOR, Role.PROGRAM_MANAGER)
