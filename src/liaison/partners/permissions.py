"""Who may see and change partners. Attachés are scoped to the countries of their region."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters
from liaison.core.access import matches, within_region

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
    return country is not None and matches(country, within_region(user, "region_id"))


@rules.predicate
def agency_in_users_region(user: Any, agency: Any) -> bool:
    return agency is not None and matches(agency, within_region(user, "country__region_id"))


def scope_countries(user: Any, countries: QuerySet[Any]) -> QuerySet[Any]:
    """The countries ``partners.view_country`` lets the user see, as a filter."""
    if not can_browse_partners(user):
        return countries.none()
    return countries.filter(within_region(user, "region_id")) if is_attache(user) else countries


def scope_agencies(user: Any, agencies: QuerySet[Any]) -> QuerySet[Any]:
    """The agencies ``partners.view_agency`` lets the user see, as a filter."""
    if not can_browse_partners(user):
        return agencies.none()
    if is_attache(user):
        return agencies.filter(within_region(user, "country__region_id"))
    return agencies


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
