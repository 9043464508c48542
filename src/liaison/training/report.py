"""Training's headline figures for a fiscal year, as published ("222 sessions in 52 countries,
22 of them at ILEAs")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet, Sum

from liaison.catalog.models import ACADEMY_KINDS
from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import (
    COUNTRY,
    EVERYTHING,
    FUNDING_SOURCE,
    PROGRAM_AREA,
    REGION,
    ReportScope,
)
from liaison.training.models import (
    SEATED,
    CostKind,
    CostLine,
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
)

# Venues that count as an International Law Enforcement Academy (as Venue.is_ilea says).

# Where a delivery carries each dimension a report may be narrowed to: every one.
DELIVERY_PATHS = {
    REGION: "country__region__code",
    COUNTRY: "country__code",
    PROGRAM_AREA: "course__area__code__iexact",
    FUNDING_SOURCE: "funding_source__code__iexact",
}
KEYS = ("deliveries", "delivery_countries", "ilea_deliveries", "participants", "enrollments")


def deliveries_held(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> QuerySet[Delivery]:
    """The deliveries a fiscal year counts: starting in it, not cancelled, in the scope."""
    return (
        Delivery.objects.filter(starts_on__gte=fy.start, starts_on__lte=fy.end)
        .filter(scope.q(DELIVERY_PATHS))
        .exclude(status=DeliveryStatus.CANCELLED)
    )


def training_figures(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> dict[str, int]:
    """Deliveries count in the fiscal year they start in; cancelled ones never count.

    - ``deliveries``: sessions held or planned, ``delivery_countries`` the distinct host
      countries (the venue's country, so ILEA Roswell and U.S. ports count as the U.S.),
      ``ilea_deliveries`` those at an ILEA or ILEA regional training center;
    - ``participants``: distinct people who attended one of them (a person trained twice is
      one participant), ``enrollments``: the seats taken (nominated, confirmed, attended or
      no-show); the waiting list and withdrawals held no seat, so they are not counted.

    Two queries, whatever the size of the year.
    """
    deliveries = deliveries_held(fy, scope)
    held = deliveries.aggregate(
        deliveries=Count("id"),
        delivery_countries=Count("country", distinct=True),
        ilea_deliveries=Count("id", filter=Q(venue__kind__in=ACADEMY_KINDS)),
    )
    seats = Enrollment.objects.filter(delivery__in=deliveries).aggregate(
        participants=Count("person", distinct=True, filter=Q(status=EnrollmentStatus.ATTENDED)),
        enrollments=Count("id", filter=Q(status__in=SEATED)),
    )
    return {**held, **seats}


@dataclass(frozen=True)
class Outcomes:
    """What a year's deliveries achieved and cost.

    - completion: of the people who attended (one per seat), those holding a certificate not
      revoked; ``completion_rate`` a percentage, ``None`` when nobody attended;
    - learning (level 2): the attendees tested before and after, their mean scores and gain;
    - costs: the deliveries' budget and actual cost lines (``training.CostLine``).
    """

    attended: int
    completed: int
    tested: int
    pre_mean: float | None
    post_mean: float | None
    budget: Decimal
    actual: Decimal

    @property
    def completion_rate(self) -> float | None:
        return round(100 * self.completed / self.attended, 1) if self.attended else None

    @property
    def learning_gain(self) -> float | None:
        if self.pre_mean is None or self.post_mean is None:
            return None
        return round(self.post_mean - self.pre_mean, 1)


def training_outcomes(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> Outcomes:
    """Completion, learning and costs of the year's deliveries in the scope. Two queries."""
    deliveries = deliveries_held(fy, scope)
    attended = Q(status=EnrollmentStatus.ATTENDED)
    tested = attended & Q(pre_score__isnull=False, post_score__isnull=False)
    seats = Enrollment.objects.filter(delivery__in=deliveries).aggregate(
        attended=Count("id", filter=attended),
        completed=Count(
            "id",
            filter=attended & Q(certificate__isnull=False, certificate__revoked_at__isnull=True),
        ),
        tested=Count("id", filter=tested),
        pre_mean=Avg("pre_score", filter=tested),
        post_mean=Avg("post_score", filter=tested),
    )
    costs = CostLine.objects.filter(delivery__in=deliveries).aggregate(
        budget=Sum("amount", filter=Q(kind=CostKind.BUDGET)),
        actual=Sum("amount", filter=Q(kind=CostKind.ACTUAL)),
    )
    return Outcomes(
        attended=seats["attended"],
        completed=seats["completed"],
        tested=seats["tested"],
        pre_mean=_rounded(seats["pre_mean"]),
        post_mean=_rounded(seats["post_mean"]),
        budget=costs["budget"] or Decimal("0"),
        actual=costs["actual"] or Decimal("0"),
    )


def _rounded(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def deliveries_by_country(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> list[dict[str, Any]]:
    """Per host country (ISO code and name): deliveries, and people trained there (attended;
    a person trained twice in one country in the year is counted once). One query, most
    deliveries first."""
    return [
        dict(row)
        for row in deliveries_held(fy, scope)
        .values("country__code", "country__name")
        .annotate(
            deliveries=Count("id", distinct=True),
            trained=Count(
                "enrollments__person",
                distinct=True,
                filter=Q(enrollments__status=EnrollmentStatus.ATTENDED),
            ),
        )
        .order_by("-deliveries", "country__name")
    ]


def deliveries_by_area(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> list[dict[str, Any]]:
    """Per program area: deliveries and those at an ILEA. One query, most deliveries first."""
    return [
        dict(row)
        for row in deliveries_held(fy, scope)
        .values("course__area__code", "course__area__name")
        .annotate(
            deliveries=Count("id"),
            ilea=Count("id", filter=Q(venue__kind__in=ACADEMY_KINDS)),
        )
        .order_by("-deliveries", "course__area__name")
    ]


def costs_by_country(
    fy: FiscalYear, scope: ReportScope = EVERYTHING
) -> dict[str, dict[str, Decimal]]:
    """Per host country's ISO code: the budget and actual cost of the year's deliveries in the
    scope. One query."""
    rows = (
        CostLine.objects.filter(delivery__in=deliveries_held(fy, scope))
        .values("delivery__country__code")
        .annotate(
            budget=Sum("amount", filter=Q(kind=CostKind.BUDGET)),
            actual=Sum("amount", filter=Q(kind=CostKind.ACTUAL)),
        )
    )
    return {
        str(row["delivery__country__code"]): {
            "budget": row["budget"] or Decimal("0"),
            "actual": row["actual"] or Decimal("0"),
        }
        for row in rows
    }


def costs_by_category(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> list[dict[str, Any]]:
    """Per cost category (its label): budget and actual. One query, in the categories' order."""
    labels = dict(CostLine._meta.get_field("category").choices or [])
    rows = {
        row["category"]: row
        for row in CostLine.objects.filter(delivery__in=deliveries_held(fy, scope))
        .values("category")
        .annotate(
            budget=Sum("amount", filter=Q(kind=CostKind.BUDGET)),
            actual=Sum("amount", filter=Q(kind=CostKind.ACTUAL)),
        )
    }
    return [
        {
            "category": str(label),
            "budget": rows[value]["budget"] or Decimal("0"),
            "actual": rows[value]["actual"] or Decimal("0"),
        }
        for value, label in labels.items()
        if value in rows
    ]
