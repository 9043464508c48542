"""The fiscal-year dashboard: a year's figures narrowed by bureau, country, program area and
funding source, its charts and world maps (each beside its table), read in a fixed number of
aggregate queries whatever the size of the data (a test counts them at two sizes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import altair as alt
from django_countries import countries

from liaison.agreements.report import answer_time_figures
from liaison.capacity.report import maturity_change
from liaison.catalog.models import FundingSource, ProgramArea
from liaison.core.access import require_perm
from liaison.core.charts import WORLD_TOPOJSON, Chart, chart, world_map
from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import DIMENSION_LABELS, ReportScope
from liaison.partners.models import Country, Region
from liaison.reports.figures import fiscal_year_figures, not_narrowed
from liaison.reports.filters import ReportFilters
from liaison.reports.permissions import reads_one_funding_source, scope_for
from liaison.training.report import (
    Outcomes,
    costs_by_category,
    deliveries_by_area,
    deliveries_by_country,
    training_outcomes,
)
from liaison.visits.report import visits_by_country


def atlas_id(code: str) -> str | None:
    """The world-atlas id (ISO 3166-1 numeric, three digits) of an alpha-2 code."""
    numeric = countries.numeric(code, padded=True)
    return str(numeric) if numeric else None


@dataclass(frozen=True)
class Figure:
    """One headline figure: its label, its value (``None`` when the filters cannot narrow
    it) and why not."""

    label: str
    value: Any
    note: str = ""


@dataclass(frozen=True)
class Options:
    """The filter form's choices: (value, label) pairs."""

    regions: list[tuple[str, str]]
    countries: list[tuple[str, str]]
    program_areas: list[tuple[str, str]]
    funding_sources: list[tuple[str, str]]


@dataclass
class Dashboard:
    fy: FiscalYear
    scope: ReportScope
    figures: dict[str, Any]
    not_narrowed: dict[str, list[str]]
    outcomes: Outcomes
    answer_times: dict[str, Any]
    maturity: dict[str, Any] | None
    options: Options
    sections: list[tuple[str, list[Figure]]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    @property
    def unnarrowed_words(self) -> str:
        """The dimensions asked that some figures' records do not carry ("program area")."""
        labels = sorted({label for dims in self.not_narrowed.values() for label in dims})
        return " or ".join(labels)

    @property
    def scope_words(self) -> str:
        """The filters as a phrase ("bureau WHA, funding source INL"); blank for none."""
        return ", ".join(
            f"{DIMENSION_LABELS[d]} {getattr(self.scope, d)}"
            for d in ("region", "country", "program_area", "funding_source")
            if getattr(self.scope, d)
        )


def _options(scope: ReportScope, sponsor_only: bool) -> Options:
    sources = FundingSource.objects.order_by("code")
    if sponsor_only:
        sources = sources.filter(code__iexact=scope.funding_source)
    return Options(
        regions=[(str(c), f"{c} — {n}") for c, n in Region.objects.values_list("code", "name")],
        countries=[(str(c), str(n)) for c, n in Country.objects.values_list("code", "name")],
        program_areas=[
            (str(c), str(n)) for c, n in ProgramArea.objects.values_list("code", "name")
        ],
        funding_sources=[(str(c), f"{c} — {n}") for c, n in sources.values_list("code", "name")],
    )


def _not_narrowed_note(missing: dict[str, list[str]], *keys: str) -> str:
    lacking = sorted({label for key in keys for label in missing.get(key, [])})
    return f"Not recorded by {' or '.join(lacking)}" if lacking else ""


def _sections(d: Dashboard) -> list[tuple[str, list[Figure]]]:
    f, o, missing = d.figures, d.outcomes, d.not_narrowed
    incoming, outgoing = d.answer_times.get("incoming"), d.answer_times.get("outgoing")
    requests_note = _not_narrowed_note(missing, "assistance_requests")
    maturity_note = _not_narrowed_note(missing, "safe_programs")
    maturity = d.maturity or {}
    return [
        (
            "Training",
            [
                Figure("Deliveries", f["deliveries"]),
                Figure("Sessions at ILEAs", f["ilea_deliveries"]),
                Figure("Host countries", f["delivery_countries"]),
                Figure("Participants (people)", f["participants"]),
                Figure("Seats taken", f["enrollments"]),
                Figure(
                    "Completion rate",
                    None if o.completion_rate is None else f"{o.completion_rate}%",
                    "" if o.attended else "Nobody attended",
                ),
                Figure(
                    "Learning gain (post-test minus pre-test, points)",
                    None if o.learning_gain is None else f"{o.learning_gain:+}",
                    f"{o.tested} tested before and after" if o.tested else "Nobody tested twice",
                ),
                Figure("Budget", _money(o.budget)),
                Figure("Actual cost", _money(o.actual)),
            ],
        ),
        (
            "International visitors",
            [
                Figure("Visits", f["visits"], _not_narrowed_note(missing, "visits")),
                Figure("Officials", f["visit_officials"], _not_narrowed_note(missing, "visits")),
                Figure(
                    "Visiting countries",
                    f["visit_countries"],
                    _not_narrowed_note(missing, "visits"),
                ),
            ],
        ),
        (
            "Agreements",
            [
                Figure(
                    "CMAAs in force",
                    f["cmaas_in_force"],
                    _not_narrowed_note(missing, "cmaas_in_force"),
                ),
                Figure(
                    "CMAAs signed", f["cmaas_signed"], _not_narrowed_note(missing, "cmaas_signed")
                ),
                Figure("Assistance requests", f["assistance_requests"], requests_note),
                Figure(
                    "Median days to answer (incoming)",
                    incoming["median_days"] if incoming else None,
                    requests_note
                    or (
                        f"{incoming['answered']} of {incoming['received']} answered"
                        if incoming
                        else ""
                    ),
                ),
                Figure(
                    "Median days to be answered (outgoing)",
                    outgoing["median_days"] if outgoing else None,
                    requests_note
                    or (
                        f"{outgoing['answered']} of {outgoing['received']} answered"
                        if outgoing
                        else ""
                    ),
                ),
            ],
        ),
        (
            "SAFE capacity building",
            [
                Figure("Programs running", f["safe_programs"], maturity_note),
                Figure(
                    "Maturity change (mean level, 0 to 4)",
                    None if maturity.get("change") is None else f"{maturity['change']:+}",
                    maturity_note
                    or (
                        f"{maturity['programs']} programs, "
                        f"{maturity['before']} → {maturity['after']}"
                        if maturity.get("programs")
                        else "No program assessed both before and during the year"
                    ),
                ),
            ],
        ),
    ]


def _money(amount: Decimal) -> str:
    return f"${amount:,.0f}"


def _charts(
    d: Dashboard,
    by_country: list[dict[str, Any]],
    by_area: list[dict[str, Any]],
    costs: list[dict[str, Any]],
    visits: list[dict[str, Any]],
) -> list[Chart]:
    label = f"FY{d.fy.year}" + (f" ({d.scope_words})" if d.scope_words else "")
    charts = [
        world_map(
            key="deliveries-map",
            caption=f"Deliveries by host country, {label}",
            topojson_url=WORLD_TOPOJSON,
            values=[
                {"id": atlas, "name": row["country__name"], "deliveries": row["deliveries"]}
                for row in by_country
                if (atlas := atlas_id(str(row["country__code"]))) is not None
            ],
            field_name="deliveries",
            title="Deliveries",
            columns=["Country", "Deliveries", "People trained"],
            rows=[(r["country__name"], r["deliveries"], r["trained"]) for r in by_country],
        ),
        chart(
            key="areas-chart",
            caption=f"Deliveries by program area, {label}",
            figure=alt.Chart(
                alt.Data(
                    values=[
                        {"area": r["course__area__name"], "deliveries": r["deliveries"]}
                        for r in by_area
                    ]
                )
            )
            .mark_bar()
            .encode(
                x=alt.X("deliveries:Q", title="Deliveries"),
                y=alt.Y("area:N", title="Program area", sort="-x"),
                tooltip=["area:N", "deliveries:Q"],
            ),
            columns=["Program area", "Deliveries", "At ILEAs"],
            rows=[(r["course__area__name"], r["deliveries"], r["ilea"]) for r in by_area],
        ),
        chart(
            key="costs-chart",
            caption=f"Training costs by category, budget and actual, {label}",
            figure=alt.Chart(
                alt.Data(
                    values=[
                        {"category": r["category"], "kind": kind, "amount": float(r[kind.lower()])}
                        for r in costs
                        for kind in ("Budget", "Actual")
                    ]
                )
            )
            .mark_bar()
            .encode(
                x=alt.X("amount:Q", title="US dollars"),
                y=alt.Y("category:N", title="Category"),
                yOffset="kind:N",
                color=alt.Color("kind:N", title=""),
                tooltip=["category:N", "kind:N", alt.Tooltip("amount:Q", format="$,.0f")],
            ),
            columns=["Category", "Budget", "Actual"],
            rows=[(r["category"], _money(r["budget"]), _money(r["actual"])) for r in costs],
        ),
    ]
    if d.figures["visits"] is not None:
        charts.append(
            world_map(
                key="visits-map",
                caption=f"Visits by visiting country, {label}",
                topojson_url=WORLD_TOPOJSON,
                values=[
                    {"id": atlas, "name": row["country__name"], "visits": row["visits"]}
                    for row in visits
                    if (atlas := atlas_id(str(row["country__code"]))) is not None
                ],
                field_name="visits",
                title="Visits",
                columns=["Country", "Visits", "Officials"],
                rows=[(r["country__name"], r["visits"], r["officials"]) for r in visits],
            )
        )
    return charts


def fiscal_year_dashboard(*, user: Any, filters: ReportFilters, default: FiscalYear) -> Dashboard:
    """The dashboard of the filters' fiscal year (``default`` when none), over the scope the
    user may read (a sponsor's own funding source). About thirty queries, whatever the data."""
    require_perm(user, "reports.view_dashboard")
    fy = filters.fiscal_year_or(default)
    scope = scope_for(user, filters.scope)
    dashboard = Dashboard(
        fy=fy,
        scope=scope,
        figures=fiscal_year_figures(fy, scope),
        not_narrowed=not_narrowed(scope),
        outcomes=training_outcomes(fy, scope),
        answer_times=answer_time_figures(fy, scope),
        maturity=maturity_change(fy, scope),
        options=_options(scope, reads_one_funding_source(user)),
    )
    dashboard.sections = _sections(dashboard)
    dashboard.charts = _charts(
        dashboard,
        deliveries_by_country(fy, scope),
        deliveries_by_area(fy, scope),
        costs_by_category(fy, scope),
        visits_by_country(fy, scope),
    )
    return dashboard
