"""Who may read the reports.

Training's evaluation (every level, per delivery, course, country or fiscal year) is read by
those who browse training — headquarters, training advisors, attachés — each over the
deliveries training lets them see, so a row never counts a delivery its reader may not open.

The fiscal-year dashboard and the sponsor report are read by headquarters (administrators and
program managers) over everything, and by a sponsor over their own funding source only (the
one their account names, ``User.funding_source``): whatever a sponsor asks for, their figures
are narrowed to it (:func:`scope_for`), and the sponsor report of another source is refused.
A sponsor whose account names no funding source reads neither.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import rules

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters
from liaison.core.reporting import ReportScope

is_advisor = has_role(Role.TRAINING_ADVISOR)
is_sponsor = has_role(Role.SPONSOR)


@rules.predicate
def names_a_funding_source(user: Any) -> bool:
    return getattr(user, "funding_source_id", None) is not None


@rules.predicate
def funds_it(user: Any, funding_source: Any) -> bool:
    """The funding source (a ``catalog.FundingSource``) is the sponsor's own."""
    return funding_source is not None and user.funding_source_id == funding_source.pk


can_view_evaluation = is_headquarters | is_advisor | is_attache
can_view_dashboard = is_headquarters | (is_sponsor & names_a_funding_source)

rules.add_perm("reports.view_evaluation", can_view_evaluation)
rules.add_perm("reports.view_dashboard", can_view_dashboard)
rules.add_perm("reports.view_sponsor_report", can_view_dashboard)
rules.add_perm(
    "reports.view_sponsor_report_of",
    is_headquarters | (is_sponsor & names_a_funding_source & funds_it),
)


def scope_for(user: Any, scope: ReportScope) -> ReportScope:
    """The scope a user's figures are read over: a sponsor's is always their own funding
    source, whatever was asked; headquarters' is what was asked."""
    if is_sponsor(user) and user.funding_source_id is not None:
        return replace(scope, funding_source=str(user.funding_source.code))
    return scope


def reads_one_funding_source(user: Any) -> bool:
    """Whether the user's reports are held to one funding source (a sponsor's)."""
    return bool(is_sponsor(user))
