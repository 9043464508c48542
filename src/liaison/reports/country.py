"""A country report: one partner's fiscal year across the programs — training, visits, the SAFE
maturity trend, agreement activity and attaché coverage — as a page and a PDF.

Each section is read through its program's own scope (an attaché reads what the programs show
them) and is left out when the user does not see that program. Each section takes a fixed
number of queries, whatever the size of the year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from liaison.agreements.models import Agreement, AssistanceRequest, Direction, RequestStatus
from liaison.agreements.permissions import scope_agreements
from liaison.agreements.permissions import scope_requests as scope_assistance_requests
from liaison.audit.services import audit_log
from liaison.capacity.models import Assessment, AssessmentStatus, Program, Score
from liaison.capacity.permissions import scope_programs
from liaison.core.access import get_for_user, require_perm
from liaison.core.fiscal import FiscalYear
from liaison.core.pdf import html_pdf
from liaison.partners.models import Country
from liaison.postings.models import Coverage, PostingStatus, lasting_until
from liaison.postings.permissions import scope_coverage
from liaison.reports.annual import ISSUER, count, noun, over
from liaison.reports.evaluation import EvaluationRow, VisitRow, evaluation
from liaison.training.models import SEATED, Delivery, DeliveryStatus, Enrollment, EnrollmentStatus
from liaison.training.permissions import scope_deliveries
from liaison.visits.models import Delegate, Visit
from liaison.visits.permissions import scope_visits
from liaison.visits.report import HELD

# Tours that really ran (as postings.report counts them).
SERVED = (PostingStatus.ACTIVE, PostingStatus.ENDED)


@dataclass
class TrainingPart:
    hosted: list[Delivery]
    officials_trained: int  # distinct officials of the country who attended, anywhere
    seats: int  # seats they held (nominated, confirmed, attended or no-show)


@dataclass
class VisitsPart:
    visits: list[Visit]
    officials: int


@dataclass
class MaturityPoint:
    assessment: Assessment
    mean: float | None


@dataclass
class SafePart:
    programs: list[Program]
    points: list[MaturityPoint]  # approved assessments up to the year's end, in time order

    @property
    def change(self) -> float | None:
        """The change in mean maturity from the first assessment to the last in the trend."""
        means = [p.mean for p in self.points if p.mean is not None]
        return round(means[-1] - means[0], 1) if len(means) > 1 else None


@dataclass
class AgreementsPart:
    agreement: Agreement | None
    events: list[tuple[Any, str]]  # (date, what happened) during the year
    received: int
    sent: int
    answered: int


@dataclass
class CountryReport:
    country: Country
    fiscal_year: FiscalYear
    training: TrainingPart | None = None
    visits: VisitsPart | None = None
    safe: SafePart | None = None
    agreements: AgreementsPart | None = None
    coverage: list[Coverage] | None = None
    evaluation: CountryEvaluation | None = None
    summary: list[str] = field(default_factory=list)


@dataclass
class CountryEvaluation:
    """The country's row of the evaluation (its officials' training at every level; its
    delegations' reaction to their visits); None where nothing was measured."""

    training: EvaluationRow | None
    visits: VisitRow | None


def report_country_get(*, user: Any, code: str) -> Country:
    """The country, or 404; 403 when the user may not read its report."""
    return get_for_user(
        Country.objects.select_related("region"), user, "reports.view_country", code=code.upper()
    )


def _training(user: Any, country: Country, fy: FiscalYear) -> TrainingPart | None:
    if not user.has_perm("training.browse"):
        return None
    deliveries = scope_deliveries(
        user,
        Delivery.objects.filter(starts_on__gte=fy.start, starts_on__lte=fy.end).exclude(
            status=DeliveryStatus.CANCELLED
        ),
    )
    seats = Enrollment.objects.filter(delivery__in=deliveries, person__nationality=country)
    counted = seats.aggregate(
        trained=Count("person", distinct=True, filter=Q(status=EnrollmentStatus.ATTENDED)),
        seats=Count("id", filter=Q(status__in=SEATED)),
    )
    hosted = (
        deliveries.filter(country=country)
        .select_related("course", "venue")
        .order_by("starts_on", "pk")
    )
    return TrainingPart(list(hosted), counted["trained"], counted["seats"])


def _visits(user: Any, country: Country, fy: FiscalYear) -> VisitsPart | None:
    if not user.has_perm("visits.browse"):
        return None
    visits = scope_visits(
        user,
        Visit.objects.filter(
            country=country, status__in=HELD, starts_on__gte=fy.start, starts_on__lte=fy.end
        ),
    )
    officials = Delegate.objects.filter(visit__in=visits).count()
    return VisitsPart(list(visits.order_by("starts_on", "pk")), officials)


def _safe(user: Any, country: Country, fy: FiscalYear) -> SafePart | None:
    if not user.has_perm("capacity.browse"):
        return None
    programs = list(
        scope_programs(user, Program.objects.filter(country=country)).select_related("agency")
    )
    assessments = list(
        Assessment.objects.filter(
            program__in=[p.pk for p in programs],
            status=AssessmentStatus.APPROVED,
            ends_on__lte=fy.end,
        )
        .select_related("program__agency")
        .order_by("ends_on", "pk")
    )
    means = {
        row["assessment_id"]: row["mean"]
        for row in Score.objects.filter(assessment__in=assessments, level__isnull=False)
        .values("assessment_id")
        .annotate(mean=Avg("level"))
    }
    points = [
        MaturityPoint(a, round(means[a.pk], 1) if a.pk in means else None) for a in assessments
    ]
    return SafePart(programs, points)


def _agreements(user: Any, country: Country, fy: FiscalYear) -> AgreementsPart | None:
    if not user.has_perm("agreements.browse"):
        return None
    agreement = (
        scope_agreements(user, Agreement.objects.filter(country=country))
        .order_by("-signed_on", "-pk")
        .first()
    )
    events: list[tuple[Any, str]] = []
    if agreement is not None:
        for day, what in (
            (agreement.signed_on, "Signed"),
            (agreement.in_force_on, "Entered into force"),
            (agreement.suspended_on, "Suspended"),
            (agreement.terminated_on, "Ended"),
        ):
            if day is not None and day in fy:
                events.append((day, what))
    received = sent = answered = 0
    if user.has_perm("agreements.browse_requests"):
        requests = scope_assistance_requests(
            user,
            AssistanceRequest.objects.filter(
                agreement__country=country, received_on__gte=fy.start, received_on__lte=fy.end
            ).exclude(status=RequestStatus.DRAFT),
        ).aggregate(
            received=Count("id", filter=Q(direction=Direction.INCOMING)),
            sent=Count("id", filter=Q(direction=Direction.OUTGOING)),
            answered=Count("id", filter=Q(answered_on__isnull=False, answered_on__lte=fy.end)),
        )
        received, sent, answered = requests["received"], requests["sent"], requests["answered"]
    return AgreementsPart(agreement, sorted(events), received, sent, answered)


def _coverage(user: Any, country: Country, fy: FiscalYear) -> list[Coverage] | None:
    if not user.has_perm("postings.browse"):
        return None
    rows = scope_coverage(
        user,
        Coverage.objects.filter(
            lasting_until(fy.start, "posting__"),
            country=country,
            posting__status__in=SERVED,
            posting__starts_on__lte=fy.end,
        ),
    )
    return list(
        rows.select_related("posting__staff", "posting__post").order_by("posting__starts_on")
    )


def _summary(report: CountryReport) -> list[str]:
    """The year in a few sentences, each from a figure; a zero figure says nothing."""
    name, year = report.country.name, report.fiscal_year.year
    lines = []
    if report.training and (report.training.hosted or report.training.officials_trained):
        parts = []
        if report.training.hosted:
            parts.append(f"{name} hosted {noun(len(report.training.hosted), 'training session')}")
        if report.training.officials_trained:
            parts.append(
                f"{count(report.training.officials_trained)} of its officials completed training"
            )
        lines.append(f"In Fiscal Year {year}, " + " and ".join(parts) + ".")
    if report.visits and report.visits.visits:
        lines.append(
            f"The agency arranged {noun(len(report.visits.visits), 'visit')} for "
            f"{over(report.visits.officials)} officials of {name}."
        )
    if report.agreements and report.agreements.events:
        lines.append(
            "Its Customs Mutual Assistance Agreement: "
            + "; ".join(
                f"{what.lower()} on {day:%-d %B %Y}" for day, what in report.agreements.events
            )
            + "."
        )
    return lines


def _evaluation(user: Any, country: Country, fy: FiscalYear) -> CountryEvaluation | None:
    if not user.has_perm("reports.view_evaluation"):
        return None
    found = evaluation(user=user, fiscal_year=fy.year, group="country")
    return CountryEvaluation(
        next((r for r in found.training or [] if r.key == country.pk), None),
        next((r for r in found.visits or [] if r.key == country.pk), None),
    )


def country_report(*, user: Any, country: Country, fiscal_year: int) -> CountryReport:
    """The country's year, read through each program's scope for ``user``."""
    require_perm(user, "reports.view_country", country)
    fy = FiscalYear(fiscal_year)
    report = CountryReport(
        country=country,
        fiscal_year=fy,
        training=_training(user, country, fy),
        visits=_visits(user, country, fy),
        safe=_safe(user, country, fy),
        agreements=_agreements(user, country, fy),
        coverage=_coverage(user, country, fy),
        evaluation=_evaluation(user, country, fy),
    )
    report.summary = _summary(report)
    return report


def country_report_pdf(*, actor: Any, report: CountryReport) -> bytes:
    """The report on A4 pages; the download is recorded in the country's trail."""
    html = render_to_string(
        "reports/country_pdf.html",
        {"issuer": ISSUER, "report": report, "made_at": timezone.now()},
    )
    pdf = html_pdf(html)
    audit_log(
        actor=actor,
        action="country_report.downloaded",
        obj=report.country,
        changes={
            "file": [None, f"country-report-{report.country.code}-fy{report.fiscal_year.year}.pdf"]
        },
    )
    return pdf
