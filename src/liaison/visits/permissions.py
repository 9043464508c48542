"""Who may see and run visits.

IVP coordinators and headquarters plan every visit; an attaché files and follows requests
for their region; a site host answers for the sites they host.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters
from liaison.core.access import matches, within_region

is_coordinator = has_role(Role.IVP_COORDINATOR)
is_site_host = has_role(Role.SITE_HOST)
plans_visits = is_headquarters | is_coordinator


@rules.predicate
def visit_in_users_region(user: Any, visit: Any) -> bool:
    """Without a visit: may the user open the request form at all (it asks for the country)."""
    return visit is None or matches(visit, within_region(user, "country__region_id"))


def scope_visits(user: Any, visits: QuerySet[Any], *, path: str = "") -> QuerySet[Any]:
    """The visits ``visits.view_visit`` lets the user see, as a filter; ``path`` leads from
    another model to its visit ("visit__") to scope stops or delegates the same way."""
    if plans_visits(user):
        return visits
    if is_attache(user):
        return visits.filter(within_region(user, f"{path}country__region_id"))
    return visits.none()


def site_host_accounts(staff: QuerySet[Any]) -> QuerySet[Any]:
    """The staff whose account is a site host's: only they can answer for a site."""
    return staff.filter(user__role=Role.SITE_HOST)


@rules.predicate
def hosts_the_site(user: Any, stop: Any) -> bool:
    """The user is one of the hosts of the stop's site."""
    return stop is not None and stop.site.hosts.filter(user=user).exists()


rules.add_perm("visits.browse", plans_visits | is_attache)
rules.add_perm("visits.view_visit", plans_visits | (is_attache & visit_in_users_region))
rules.add_perm("visits.file_request", plans_visits | (is_attache & visit_in_users_region))
rules.add_perm("visits.plan", plans_visits)
rules.add_perm("visits.browse_sites", plans_visits | is_attache | is_site_host)
rules.add_perm("visits.manage_sites", plans_visits)
rules.add_perm("visits.answer_stop", is_site_host & hosts_the_site)
rules.add_perm("visits.host_inbox", is_site_host)
