"""Coverage gaps and handovers: where the programs' work in a country meets who is posted to
cover it. A country with open assistance requests, a running SAFE program or deliveries coming
needs an attaché; a tour that ends before that work does needs a successor. Each program's
work is read through its own scope, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from liaison.agreements.models import OPEN, AssistanceRequest
from liaison.agreements.permissions import scope_requests
from liaison.capacity.models import Assessment, AssessmentStatus, Program, Score
from liaison.capacity.permissions import scope_assessments, scope_programs
from liaison.core.access import require_perm
from liaison.partners.models import Country
from liaison.postings.models import CoverageKind
from liaison.postings.selectors import Cover, coverage_on, posting_get
from liaison.training.models import Delivery, DeliveryStatus
from liaison.training.permissions import scope_deliveries
from liaison.visits.models import Visit, VisitStatus
from liaison.visits.permissions import scope_visits

# Deliveries this far ahead are work an attaché prepares (nominations, vetting, logistics).
DELIVERIES_AHEAD = timedelta(days=365)
VISITS_UNDER_WAY = (
    VisitStatus.REQUESTED,
    VisitStatus.PLANNING,
    VisitStatus.SITES_REQUESTED,
    VisitStatus.CONFIRMED,
)


@dataclass
class CountryWork:
    """What the programs have open in one country, and until when it runs."""

    country: Country
    open_requests: int = 0
    deliveries: int = 0
    programs: int = 0
    until: date | None = None

    def runs_to(self, day: date | None) -> None:
        if day is not None and (self.until is None or day > self.until):
            self.until = day

    @property
    def reasons(self) -> list[str]:
        said = []
        if self.open_requests:
            said.append(f"{self.open_requests} open assistance request(s)")
        if self.programs:
            said.append(f"{self.programs} SAFE program(s) running")
        if self.deliveries:
            said.append(f"{self.deliveries} delivery(ies) in the coming year")
        return said


@dataclass
class Gap:
    work: CountryWork
    covers: list[Cover] = field(default_factory=list)

    @property
    def uncovered(self) -> bool:
        return not self.covers

    @property
    def cover_ends(self) -> date | None:
        return max((c.posting.last_day for c in self.covers), default=None)


def work_by_country(user: Any, today: date) -> dict[int, CountryWork]:
    work: dict[int, CountryWork] = {}
    countries = {c.pk: c for c in Country.objects.filter(region__isnull=False)}

    def tally(records: QuerySet[Any], country: str, attribute: str, until: str) -> None:
        """Count ``records`` per country into ``attribute``; the work runs to ``until``."""
        rows = records.values(country).annotate(n=Count("pk"), last=Max(until)).order_by()
        for row in rows:
            if row[country] in countries:
                entry = work.setdefault(row[country], CountryWork(countries[row[country]]))
                setattr(entry, attribute, row["n"])
                entry.runs_to(row["last"])

    if user.has_perm("agreements.browse_requests"):
        requests = AssistanceRequest.objects.filter(status__in=OPEN)
        tally(scope_requests(user, requests), "agreement__country", "open_requests", "due_on")
    if user.has_perm("capacity.browse"):
        programs = Program.objects.filter(planned_end__gte=today)
        tally(scope_programs(user, programs), "country", "programs", "planned_end")
    if user.has_perm("training.browse"):
        deliveries = Delivery.objects.exclude(status=DeliveryStatus.CANCELLED).filter(
            starts_on__gte=today, starts_on__lte=today + DELIVERIES_AHEAD
        )
        tally(scope_deliveries(user, deliveries), "country", "deliveries", "ends_on")
    return work


def coverage_gaps(*, user: Any) -> list[Gap]:
    """Countries where work is open and nobody covers them, then those whose covering tours
    all end before the work does; the most work first. Five queries."""
    require_perm(user, "postings.browse")
    today = timezone.localdate()
    work = work_by_country(user, today)
    covering = coverage_on(user=user, on=today, countries=[w.country for w in work.values()])
    gaps = []
    for country_id, entry in work.items():
        gap = Gap(entry, covering.get(country_id, []))
        ends = gap.cover_ends
        if gap.uncovered or (entry.until is not None and ends is not None and ends < entry.until):
            gaps.append(gap)
    return sorted(
        gaps,
        key=lambda g: (
            not g.uncovered,
            -(g.work.open_requests + g.work.programs + g.work.deliveries),
            g.work.country.name,
        ),
    )


@dataclass
class CountryHandover:
    country: Country
    primary: bool
    open_requests: list[AssistanceRequest]
    deliveries: list[Delivery]
    visits: list[Visit]
    maturity: list[tuple[Assessment, float | None]]  # approved assessments, oldest first


@dataclass
class Handover:
    posting: Any
    countries: list[CountryHandover]


def posting_handover(*, user: Any, pk: int) -> Handover:
    """What a tour hands over, country by country: open assistance requests, deliveries and
    visits coming, and the SAFE maturity trend of each country it covers. A fixed number of
    queries per country covered (a tour covers a handful)."""
    posting = posting_get(user=user, pk=pk)
    today = timezone.localdate()
    handed: list[CountryHandover] = []
    for coverage in posting.coverage.all():
        country = coverage.country
        requests: list[AssistanceRequest] = []
        if user.has_perm("agreements.browse_requests"):
            requests = list(
                scope_requests(
                    user,
                    AssistanceRequest.objects.filter(
                        agreement__country=country, status__in=OPEN
                    ).select_related("agreement"),
                ).order_by("due_on", "pk")
            )
        deliveries: list[Delivery] = []
        if user.has_perm("training.browse"):
            deliveries = list(
                scope_deliveries(
                    user,
                    Delivery.objects.filter(country=country, ends_on__gte=today)
                    .exclude(status=DeliveryStatus.CANCELLED)
                    .select_related("course", "venue"),
                ).order_by("starts_on", "pk")
            )
        visits: list[Visit] = []
        if user.has_perm("visits.browse"):
            visits = list(
                scope_visits(
                    user, Visit.objects.filter(country=country, status__in=VISITS_UNDER_WAY)
                ).order_by("earliest_start", "pk")
            )
        maturity: list[tuple[Assessment, float | None]] = []
        if user.has_perm("capacity.browse"):
            assessments = list(
                scope_assessments(
                    user,
                    Assessment.objects.filter(
                        program__country=country, status=AssessmentStatus.APPROVED
                    ).select_related("program__agency"),
                ).order_by("ends_on", "pk")
            )
            means: dict[int, list[int]] = defaultdict(list)
            for assessment_id, level in Score.objects.filter(
                assessment__in=assessments, level__isnull=False
            ).values_list("assessment_id", "level"):
                if level is not None:
                    means[assessment_id].append(level)
            maturity = [
                (a, round(sum(means[a.pk]) / len(means[a.pk]), 1) if means[a.pk] else None)
                for a in assessments
            ]
        handed.append(
            CountryHandover(
                country,
                coverage.kind == CoverageKind.PRIMARY,
                requests,
                deliveries,
                visits,
                maturity,
            )
        )
    return Handover(posting, handed)
