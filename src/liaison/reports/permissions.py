"""Who may read and make the reports; the only module of the app that knows the roles.

The evaluation (training at every level, visits at level 1) is read by those who browse
training or visits — headquarters, training advisors, IVP coordinators, attachés — each over
the deliveries and visits their program lets them see, so a row never counts a record its
reader may not open.

The fiscal-year dashboard and the sponsor report are read by headquarters (administrators and
program managers) over everything, and by a sponsor over their own funding source only (the
one their account names, ``User.funding_source``): whatever a sponsor asks for, their figures
are narrowed to it (:func:`scope_for`), and the sponsor report of another source is refused.
A sponsor whose account names no funding source reads neither.

The annual report speaks for the whole agency: headquarters (administrators and program
managers) generates it and reads it, PDF included. A country report reads one partner's year
across every program: headquarters for every country, an attaché for the countries of their
region (the sections inside are read through each program's own scope all the same).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import rules

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters
from liaison.core.access import EVERYTHING, NOTHING, matches, within_region
from liaison.core.reporting import ReportScope

is_advisor = has_role(Role.TRAINING_ADVISOR)
is_ivp_coordinator = has_role(Role.IVP_COORDINATOR)
is_sponsor = has_role(Role.SPONSOR)


@rules.predicate
def names_a_funding_source(user: Any) -> bool:
    return getattr(user, "funding_source_id", None) is not None


@rules.predicate
def funds_it(user: Any, funding_source: Any) -> bool:
    """The funding source (a ``catalog.FundingSource``) is the sponsor's own."""
    return funding_source is not None and user.funding_source_id == funding_source.pk


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
can_view_dashboard = is_headquarters | (is_sponsor & names_a_funding_source)

rules.add_perm("reports.view_evaluation", can_view_evaluation)
rules.add_perm("reports.view_dashboard", can_view_dashboard)
rules.add_perm("reports.view_sponsor_report", can_view_dashboard)
rules.add_perm(
    "reports.view_sponsor_report_of",
    is_headquarters | (is_sponsor & names_a_funding_source & funds_it),
)

can_read_annual_report = is_headquarters
can_generate_annual_report = is_headquarters
can_read_country_reports = is_headquarters | is_attache
can_read_country_report = can_read_country_reports & country_in_scope

rules.add_perm("reports.view_annual", can_read_annual_report)
rules.add_perm("reports.generate_annual", can_generate_annual_report)
rules.add_perm("reports.download_annual", can_read_annual_report)
rules.add_perm("reports.view_country", can_read_country_report)


def scope_for(user: Any, scope: ReportScope) -> ReportScope:
    """The scope a user's figures are read over: a sponsor's is always their own funding
    source, whatever was asked; headquarters' is what was asked."""
    if is_sponsor(user) and user.funding_source_id is not None:
        return replace(scope, funding_source=str(user.funding_source.code))
    return scope


def reads_one_funding_source(user: Any) -> bool:
    """Whether the user's reports are held to one funding source (a sponsor's)."""
    return bool(is_sponsor(user))
