"""Who may read and make the reports; the only module of the app that knows the roles.

The evaluation (training at every level, visits at level 1) is read by those who browse
training or visits — headquarters, training advisors, IVP coordinators, attachés — each over
the deliveries and visits their program lets them see, so a row never counts a record its
reader may not open.

The annual report speaks for the whole agency: headquarters (administrators and program
managers) generates it and reads it, PDF included. A country report reads one partner's year
across every program: headquarters for every country, an attaché for the countries of their
region (the sections inside are read through each program's own scope all the same).
"""

from __future__ import annotations

from typing import Any

import rules

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters
from liaison.core.access import EVERYTHING, NOTHING, matches, within_region

is_advisor = has_role(Role.TRAINING_ADVISOR)
is_ivp_coordinator = has_role(Role.IVP_COORDINATOR)


def _countries_q(user: Any) -> Any:
    """The countries whose report ``user`` may read, as a filter on Country."""
    if is_headquarters(user):
        return EVERYTHING
    if is_attache(user):
        return within_region(user, "region_id")
    return NOTHING


@rules.predicate
def country_in_scope(user: Any, country: Any) -> bool:
    return country is not None and matches(country, _countries_q(user))


can_view_evaluation = is_headquarters | is_advisor | is_ivp_coordinator | is_attache
can_read_annual_report = is_headquarters
can_generate_annual_report = is_headquarters
can_read_country_reports = is_headquarters | is_attache
can_read_country_report = can_read_country_reports & country_in_scope

rules.add_perm("reports.view_evaluation", can_view_evaluation)
rules.add_perm("reports.view_annual", can_read_annual_report)
rules.add_perm("reports.generate_annual", can_generate_annual_report)
rules.add_perm("reports.download_annual", can_read_annual_report)
rules.add_perm("reports.view_country", can_read_country_report)
