"""Who may read and make the reports; the only module of the app that knows the roles.

The annual report speaks for the whole agency: headquarters (administrators and program
managers) generates it and reads it, PDF included. A country report reads one partner's year
across every program: headquarters for every country, an attaché for the countries of their
region (the sections inside are read through each program's own scope all the same).
"""

from __future__ import annotations

from typing import Any

import rules

from liaison.accounts.roles import is_attache, is_headquarters
from liaison.core.access import EVERYTHING, NOTHING, matches, within_region


def _countries_q(user: Any) -> Any:
    """The countries whose report ``user`` may read, as a filter on Country."""
    if is_headquarters(user):
        return EVERYTHING
    if is_attache(user):
        return within_region(user, "region_id")
    return NOTHING


def scope_report_countries(user: Any, countries: Any) -> Any:
    return countries.filter(_countries_q(user))


@rules.predicate
def country_in_scope(user: Any, country: Any) -> bool:
    return country is not None and matches(country, _countries_q(user))


can_read_annual_report = is_headquarters
can_generate_annual_report = is_headquarters
can_read_country_reports = is_headquarters | is_attache
can_read_country_report = can_read_country_reports & country_in_scope

rules.add_perm("reports.view_annual", can_read_annual_report)
rules.add_perm("reports.generate_annual", can_generate_annual_report)
rules.add_perm("reports.download_annual", can_read_annual_report)
rules.add_perm("reports.view_country", can_read_country_report)
