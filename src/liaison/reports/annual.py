"""The annual report: a fiscal year's narrative written from its figures in the published style
("In Fiscal Year 2015, the agency provided 222 technical assistance and capacity building
sessions in 52 countries …"), its charts, the filters it was made with, and its PDF.

Every sentence is made from a figure; a sentence whose figure is zero is left out. Numbers
and lists are written as the published text writes them: under ten in words ("five"), others
in digits with thousands separators ("2,711"), officials hosted as "over 2,500" (rounded down
to the hundred), lists joined with "and" and no serial comma.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from liaison.catalog.models import FundingSource, ProgramArea
from liaison.core.access import get_for_user, require_perm
from liaison.core.charts import Chart, chart
from liaison.core.fiscal import FiscalYear
from liaison.core.pdf import html_pdf, svg_of
from liaison.core.reporting import ReportScope
from liaison.partners.models import Country, Region
from liaison.reports.figures import fiscal_year_figures, not_narrowed
from liaison.reports.models import AnnualReport

ISSUER = "Office of International Affairs"
# The trend charts show the report's year and the four before it.
TREND_YEARS = 5
# One step per year of the trend, then the narrative, the charts and the PDF.
STEPS = TREND_YEARS + 3

# The filters that narrow the figures (reports.filters.ReportFilters' names).
SCOPE_KEYS = ("region", "country", "program_area", "funding_source")

# The figures the narrative reads, as a reader names them (to say which a filter leaves out).
FIGURE_LABELS = {
    "deliveries": "Training sessions",
    "participants": "Officials trained",
    "visits": "Visits",
    "visit_officials": "Officials visiting",
    "safe_programs": "SAFE programs",
    "postings": "Tours of duty",
    "cmaas_in_force": "Customs Mutual Assistance Agreements",
    "assistance_requests": "Requests for mutual assistance",
}

Progress = Callable[[int, int, str], None]

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


# --- the published style ---------------------------------------------------------------------


def count(n: int) -> str:
    """A count as the text writes it: in words under ten ("five"), else in digits ("2,711")."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def over(n: int) -> str:
    """A large count rounded down to the hundred, as "over 2,500"; exact when it is a round
    hundred or under a hundred (then written as :func:`count` writes it)."""
    floor = n // 100 * 100
    if n < 100 or floor == n:
        return count(n)
    return f"over {floor:,}"


def noun(n: int, singular: str, plural: str | None = None) -> str:
    """``count(n)`` and the noun in the number it takes: "one country", "52 countries"."""
    return f"{count(n)} {singular if n == 1 else (plural or singular + 's')}"


def join(items: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C" (the published text has no serial comma)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# --- the narrative ---------------------------------------------------------------------------


def _training(f: dict[str, Any], year: int) -> str:
    if not f.get("deliveries"):
        return ""
    sessions = noun(
        f["deliveries"],
        "technical assistance and capacity building session",
    )
    text = (
        f"In Fiscal Year {year}, the agency provided {sessions} in "
        f"{noun(f.get('delivery_countries', 0), 'country', 'countries')} for foreign partners"
    )
    if f.get("ilea_deliveries"):
        text += f", including {noun(f['ilea_deliveries'], 'course')} at the ILEAs"
    text += "."
    if f.get("participants"):
        text += (
            f" In all, {count(f['participants'])} foreign "
            f"{'official' if f['participants'] == 1 else 'officials'} attended them."
        )
    return text


def _visits(f: dict[str, Any], year: int) -> str:
    if not f.get("visits"):
        return ""
    lead = "Through" if f.get("deliveries") else f"In Fiscal Year {year}, through"
    officials = f.get("visit_officials", 0)
    text = (
        f"{lead} the International Visitors Program, the agency made arrangements for "
        f"{noun(f['visits'], 'visit')}"
    )
    if officials:
        text += f" for {over(officials)} {'official' if officials == 1 else 'officials'}"
    if f.get("visit_countries"):
        text += f" from {noun(f['visit_countries'], 'country', 'countries')}"
    return text + "."


def _capacity(f: dict[str, Any]) -> str:
    parts = []
    if f.get("safe_programs"):
        parts.append(
            f"The agency ran {noun(f['safe_programs'], 'SAFE Framework capacity building program')}"
            " with partner administrations."
        )
    if f.get("postings"):
        parts.append(
            f"Its attachés and advisors served {noun(f['postings'], 'tour')} of duty at posts "
            "abroad."
        )
    return " ".join(parts)


def _agreements(f: dict[str, Any], signed_names: Sequence[str]) -> str:
    in_force, signed = f.get("cmaas_in_force", 0), f.get("cmaas_signed", 0)
    parts = []
    if in_force:
        text = (
            f"At the end of the year the agency had {count(in_force)} Customs Mutual Assistance "
            f"{'Agreement' if in_force == 1 else 'Agreements'} in force"
        )
        if signed:
            text += f", with {count(signed)} signed during the year: {join(signed_names)}"
        parts.append(text + ".")
    elif signed:
        parts.append(
            f"The agency signed {noun(signed, 'Customs Mutual Assistance Agreement')} during "
            f"the year: {join(signed_names)}."
        )
    if f.get("assistance_requests"):
        parts.append(
            f"Partner administrations and the agency exchanged "
            f"{noun(f['assistance_requests'], 'request')} for mutual assistance."
        )
    return " ".join(parts)


def country_names(codes: Sequence[str]) -> list[str]:
    """The countries' names in alphabetical order (the figures hold their ISO codes)."""
    names = dict(Country.objects.filter(code__in=list(codes)).values_list("code", "name"))
    return sorted(str(names.get(code, code)) for code in codes)


def narrative(figures: dict[str, Any], *, signed_names: Sequence[str] = ()) -> list[str]:
    """The year's paragraphs; one whose every figure is zero is left out."""
    year = figures["fiscal_year"]
    paragraphs = [
        _training(figures, year),
        _visits(figures, year),
        _capacity(figures),
        _agreements(figures, signed_names),
    ]
    return [p for p in paragraphs if p]


# --- the filters, as printed -----------------------------------------------------------------


def _filter_names(filters: dict[str, Any]) -> dict[str, str]:
    """The names of the filters' codes ("WHA" is "WHA — Western Hemisphere Affairs")."""
    names: dict[str, str] = {}
    if code := filters.get("region"):
        region = Region.objects.filter(code=code).first()
        names["region"] = f"{region.code} — {region.name}" if region else code
    if code := filters.get("country"):
        country = Country.objects.filter(code=code).first()
        names["country"] = f"{country.name} ({code})" if country else code
    if code := filters.get("program_area"):
        area = ProgramArea.objects.filter(code__iexact=code).first()
        names["program_area"] = area.name if area else code
    if code := filters.get("funding_source"):
        source = FundingSource.objects.filter(code__iexact=code).first()
        names["funding_source"] = str(source) if source else code
    return names


def filter_lines(filters: dict[str, Any]) -> list[tuple[str, str]]:
    """The filters the report was made with, as (label, value) lines; a filter left unset is
    printed as "All" so a reader knows nothing was left out."""
    fy = FiscalYear(int(filters["fiscal_year"]))
    names = _filter_names(filters)
    lines = [("Fiscal year", f"FY{fy.year} ({fy.start:%-d %B %Y} to {fy.end:%-d %B %Y})")]
    for key, label in (
        ("region", "Bureau"),
        ("country", "Country"),
        ("program_area", "Program area"),
        ("funding_source", "Funding source"),
    ):
        lines.append((label, names.get(key, "All")))
    return lines


def not_counted_lines(filters: dict[str, Any]) -> list[str]:
    """The figures the filters cannot narrow (their rows do not carry a dimension asked):
    the report leaves them out and says so."""
    scope = ReportScope(**{k: str(filters.get(k) or "") for k in SCOPE_KEYS})
    return [
        f"{FIGURE_LABELS.get(key, key)}: not recorded by {' or '.join(dims).lower()}"
        for key, dims in not_narrowed(scope).items()
        if key in FIGURE_LABELS
    ]


# --- the document ----------------------------------------------------------------------------


@dataclass
class AnnualDocument:
    """Everything the report shows: the page, the PDF and the command line read it."""

    filters: dict[str, Any]
    figures: dict[str, Any]
    narrative: list[str]
    trend: list[dict[str, Any]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


def _trend_chart(
    key: str, caption: str, trend: list[dict[str, Any]], measures: dict[str, str]
) -> Chart:
    values = [
        {"fiscal_year": f"FY{row['fiscal_year']}", "measure": label, "count": row.get(name, 0)}
        for row in trend
        for name, label in measures.items()
    ]
    figure = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("fiscal_year:N", title="Fiscal year"),
            xOffset=alt.XOffset("measure:N"),
            y=alt.Y("count:Q", title="Number"),
            color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["fiscal_year:N", "measure:N", "count:Q"],
        )
        .properties(height=220)
    )
    return chart(
        key=key,
        caption=caption,
        figure=figure,
        columns=["Fiscal year", *measures.values()],
        rows=[
            [f"FY{row['fiscal_year']}", *(_cell(row.get(name)) for name in measures)]
            for row in trend
        ],
    )


def _cell(value: Any) -> Any:
    """A figure in a chart's table; one the filters could not narrow is a dash."""
    return "—" if value is None else value


def trend_charts(trend: list[dict[str, Any]]) -> list[Chart]:
    first, last = trend[0]["fiscal_year"], trend[-1]["fiscal_year"]
    span = f"FY{first} to FY{last}"
    return [
        _trend_chart(
            "activity",
            f"Training sessions and visits arranged, {span}",
            trend,
            {"deliveries": "Training sessions", "visits": "Visits"},
        ),
        _trend_chart(
            "reach",
            f"Countries reached: hosting training and sending visitors, {span}",
            trend,
            {
                "delivery_countries": "Countries hosting training",
                "visit_countries": "Visiting countries",
            },
        ),
    ]


def _no_progress(done: int, total: int, label: str) -> None:
    """Progress nobody watches (the command line)."""


def annual_document(filters: dict[str, Any], progress: Progress = _no_progress) -> AnnualDocument:
    """Read the year's figures and the four years before it, and write the narrative."""
    fy = int(filters["fiscal_year"])
    scope = ReportScope(**{k: str(filters.get(k) or "") for k in SCOPE_KEYS})
    trend = []
    for step, year in enumerate(range(fy - TREND_YEARS + 1, fy + 1)):
        progress(step, STEPS, f"Counting FY{year}")
        trend.append(fiscal_year_figures(FiscalYear(year), scope))
    figures = trend[-1]
    progress(TREND_YEARS, STEPS, "Writing the narrative")
    text = narrative(
        figures, signed_names=country_names(figures.get("cmaas_signed_countries") or [])
    )
    progress(TREND_YEARS + 1, STEPS, "Drawing the charts")
    return AnnualDocument(
        filters=dict(filters),
        figures=figures,
        narrative=text,
        trend=trend,
        charts=trend_charts(trend),
    )


def annual_pdf(document: AnnualDocument, *, made_at: Any = None) -> bytes:
    """The report on A4 portrait pages, charts drawn as SVG by vl-convert."""
    charts = [{"chart": c, "svg": svg_of({**c.spec, "width": 520})} for c in document.charts]
    html = render_to_string(
        "reports/annual_pdf.html",
        {
            "issuer": ISSUER,
            "document": document,
            "year": document.figures["fiscal_year"],
            "filter_lines": filter_lines(document.filters),
            "not_counted": not_counted_lines(document.filters),
            "charts": charts,
            "made_at": made_at or timezone.now(),
        },
    )
    return html_pdf(html)


# --- reading the reports made ----------------------------------------------------------------


def annual_reports_for(user: Any) -> QuerySet[AnnualReport]:
    """The reports generated so far, newest first (their PDFs left in the database)."""
    require_perm(user, "reports.view_annual")
    return AnnualReport.objects.defer("pdf").select_related("requested_by")


def annual_report_get(*, user: Any, pk: int) -> AnnualReport:
    return get_for_user(AnnualReport.objects.defer("pdf"), user, "reports.view_annual", pk=pk)


def annual_document_of(report: AnnualReport) -> AnnualDocument:
    """A generated report as its page shows it: the stored figures and text; the charts are
    drawn again from the stored trend (the same figures)."""
    trend = report.figures.get("trend", [])
    return AnnualDocument(
        filters=report.filters,
        figures=report.figures.get("year", {}),
        narrative=list(report.narrative),
        trend=trend,
        charts=trend_charts(trend) if trend else [],
    )
