"""The sponsor report: what one funding source paid for in a fiscal year, in the shape of the
Foreign Military Training Report — per country, the activities, the number trained and the
cost (budget and actual).

A country is the training's host country (the delivery's venue; a course at an ILEA counts
where the ILEA is), since costs are recorded per delivery; participants' nationalities are
personal data kept encrypted, so they are not grouped by the database. "Trained" counts the
people who attended: a student trained twice in one country in the year is counted once in
that country, and once in the total however many countries trained them. Visits the source
sponsored are beside the training, per visiting country. Six queries, whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404

from liaison.catalog.models import FundingSource
from liaison.core.access import require_perm
from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import ReportScope
from liaison.training.report import costs_by_country, deliveries_by_country, training_figures
from liaison.visits.report import visits_by_country


@dataclass(frozen=True)
class SponsorRow:
    country: str
    code: str
    deliveries: int
    trained: int
    budget: Decimal
    actual: Decimal
    visits: int
    officials: int


@dataclass(frozen=True)
class SponsorReport:
    fy: FiscalYear
    source: FundingSource
    rows: list[SponsorRow]
    deliveries: int
    trained: int
    budget: Decimal
    actual: Decimal
    visits: int
    officials: int


HEADER = [
    "Country",
    "ISO code",
    "Training activities",
    "Number trained",
    "Budget (USD)",
    "Actual cost (USD)",
    "Visits",
    "Officials visiting",
]


def file_row(row: SponsorRow) -> list[Any]:
    return [
        row.country,
        row.code,
        row.deliveries,
        row.trained,
        row.budget,
        row.actual,
        row.visits,
        row.officials,
    ]


def sponsor_source(*, user: Any, code: str) -> FundingSource:
    """The funding source whose report the user asks for: 404 if none has the code, 403 if
    it is not theirs to read (a sponsor reads only their own)."""
    source = get_object_or_404(FundingSource, code__iexact=code)
    require_perm(user, "reports.view_sponsor_report_of", source)
    return source


def sponsor_report(*, user: Any, fy: FiscalYear, source: FundingSource) -> SponsorReport:
    """The report of one funding source and fiscal year, countries with the most activities
    first."""
    require_perm(user, "reports.view_sponsor_report_of", source)
    scope = ReportScope(funding_source=str(source.code))
    training = {str(r["country__code"]): r for r in deliveries_by_country(fy, scope)}
    costs = costs_by_country(fy, scope)
    visits = {str(r["country__code"]): r for r in visits_by_country(fy, scope)}
    names = {code: r["country__name"] for code, r in {**visits, **training}.items()}
    zero = Decimal("0")
    rows = [
        SponsorRow(
            country=str(name),
            code=code,
            deliveries=training[code]["deliveries"] if code in training else 0,
            trained=training[code]["trained"] if code in training else 0,
            budget=costs.get(code, {}).get("budget", zero),
            actual=costs.get(code, {}).get("actual", zero),
            visits=visits[code]["visits"] if code in visits else 0,
            officials=visits[code]["officials"] if code in visits else 0,
        )
        for code, name in names.items()
    ]
    rows.sort(key=lambda r: (-(r.deliveries + r.visits), r.country))
    totals = training_figures(fy, scope)
    return SponsorReport(
        fy=fy,
        source=source,
        rows=rows,
        deliveries=sum(r.deliveries for r in rows),
        trained=totals["participants"],
        budget=sum((r.budget for r in rows), zero),
        actual=sum((r.actual for r in rows), zero),
        visits=sum(r.visits for r in rows),
        officials=sum(r.officials for r in rows),
    )


def funding_sources_for(*, user: Any) -> list[FundingSource]:
    """The funding sources whose reports the user may read: every one for headquarters, a
    sponsor's own."""
    require_perm(user, "reports.view_sponsor_report")
    return [
        s
        for s in FundingSource.objects.order_by("code")
        if user.has_perm("reports.view_sponsor_report_of", s)
    ]
