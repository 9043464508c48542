"""Who may see and change partners. Attachés are scoped to the countries of their region."""

from __future__ import annotations

from typing import Any

import rules

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters

# Everyone but site hosts works with partner countries and agencies.
can_browse_partners = has_role(
    Role.ADMINISTRATOR,
    Role.PROGRAM_MANAGER,
    Role.TRAINING_ADVISOR,
    Role.IVP_COORDINATOR,
    Role.ATTACHE,
    Role.VETTING_OFFICER,
    Role.SPONSOR,
)


@rules.predicate
def country_in_users_region(user: Any, country: Any) -> bool:
    if country is None:
        return False
    return user.region_id is not None and country.region_id == user.region_id


@rules.predicate
def agency_in_users_region(user: Any, agency: Any) -> bool:
    return agency is not None and country_in_users_region(user, agency.country)


# Without an object these answer "may this user use the page at all"; with one, the scope.
rules.add_perm("partners.browse", can_browse_partners)
rules.add_perm(
    "partners.view_country",
    can_browse_partners & (~is_attache | country_in_users_region),
)
rules.add_perm(
    "partners.view_agency",
    can_browse_partners & (~is_attache | agency_in_users_region),
)


@rules.predicate
def country_unspecified_or_in_users_region(user: Any, country: Any) -> bool:
    """Opening the form needs no country; saving checks the one chosen."""
    return country is None or bool(country_in_users_region(user, country))


rules.add_perm(
    "partners.add_agency", is_headquarters | (is_attache & country_unspecified_or_in_users_region)
)
rules.add_perm("partners.change_agency", is_headquarters | (is_attache & agency_in_users_region))

# A roster names the agency its participants come from; whoever runs the roster may register
# it as written when it is not in the registry yet (the import lists each one first).
rules.add_perm(
    "partners.register_agency_from_file",
    is_headquarters
    | has_role(Role.TRAINING_ADVISOR)
    | (is_attache & country_unspecified_or_in_users_region),
)
