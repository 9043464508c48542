"""Who may see and run visits.

IVP coordinators and headquarters plan every visit; an attaché files and follows requests
for their region; a site host answers for the sites they host.
"""

from __future__ import annotations

from typing import Any

import rules

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters

is_coordinator = has_role(Role.IVP_COORDINATOR)
is_site_host = has_role(Role.SITE_HOST)
plans_visits = is_headquarters | is_coordinator


@rules.predicate
def visit_in_users_region(user: Any, visit: Any) -> bool:
    if visit is None:
        return True
    return user.region_id is not None and visit.country.region_id == user.region_id


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
