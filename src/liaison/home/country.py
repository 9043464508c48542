"""A country's page, where every program meets: what each program holds about the country,
read through that program's own scope, each section in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from liaison.core.fiscal import fiscal_year_of_field
from liaison.partners.models import Country
from liaison.training.models import Delivery, DeliveryStatus, Enrollment, EnrollmentStatus
from liaison.training.permissions import scope_deliveries
from liaison.visits.models import Delegate, Visit, VisitStatus
from liaison.visits.permissions import scope_visits
from liaison.visits.report import HELD

UPCOMING_SHOWN = 5
# A visit still being arranged: requested, planned, its sites asked, or confirmed ahead.
VISITS_UNDER_WAY = (
    VisitStatus.REQUESTED,
    VisitStatus.PLANNING,
    VisitStatus.SITES_REQUESTED,
    VisitStatus.CONFIRMED,
)


@dataclass(frozen=True)
class YearFigures:
    fiscal_year: int
    first: int  # deliveries hosted, or visits made
    second: int  # officials of the country trained, or officials who came


@dataclass(frozen=True)
class CountrySection:
    """One program's part of the page: its figures by fiscal year, what is coming, and the
    address of the full list filtered on the country."""

    years: list[YearFigures] = field(default_factory=list)
    upcoming: list[Any] = field(default_factory=list)
    list_url: str = ""

    @property
    def totals(self) -> tuple[int, int]:
        return sum(y.first for y in self.years), sum(y.second for y in self.years)


def _by_year(first: dict[int, int], second: dict[int, int]) -> list[YearFigures]:
    years = sorted(set(first) | set(second), reverse=True)
    return [YearFigures(y, first.get(y, 0), second.get(y, 0)) for y in years]


def country_training(*, user: Any, country: Country) -> CountrySection | None:
    """Deliveries the country hosted and its officials who completed training (anywhere), by
    the fiscal year the delivery started in; cancelled deliveries never count. ``None`` when
    the user does not see training."""
    if not user.has_perm("training.browse"):
        return None
    deliveries = scope_deliveries(user, Delivery.objects.exclude(status=DeliveryStatus.CANCELLED))
    hosted = (
        deliveries.filter(country=country)
        .annotate(fy=fiscal_year_of_field("starts_on"))
        .values("fy")
        .annotate(n=Count("id"))
    )
    trained = (
        Enrollment.objects.filter(
            delivery__in=deliveries,
            person__nationality=country,
            status=EnrollmentStatus.ATTENDED,
        )
        .annotate(fy=fiscal_year_of_field("delivery__starts_on"))
        .values("fy")
        .annotate(n=Count("person", distinct=True))
    )
    upcoming = (
        deliveries.filter(country=country, ends_on__gte=timezone.localdate())
        .select_related("course", "venue")
        .order_by("starts_on")[:UPCOMING_SHOWN]
    )
    return CountrySection(
        years=_by_year({r["fy"]: r["n"] for r in hosted}, {r["fy"]: r["n"] for r in trained}),
        upcoming=list(upcoming),
        list_url=f"{reverse('training:delivery_list')}?country={country.code}",
    )


def country_visits(*, user: Any, country: Country) -> CountrySection | None:
    """Visits the country's officials made to the United States (confirmed or completed), by
    the fiscal year each started in, with the officials in their delegations; and the visits
    still being arranged. ``None`` when the user does not see visits."""
    if not user.has_perm("visits.browse"):
        return None
    visits = scope_visits(user, Visit.objects.filter(country=country))
    held = (
        visits.filter(status__in=HELD, starts_on__isnull=False)
        .annotate(fy=fiscal_year_of_field("starts_on"))
        .values("fy")
        .annotate(n=Count("id"))
    )
    officials = {
        row["fy"]: row["n"]
        for row in Delegate.objects.filter(
            visit__in=visits.filter(status__in=HELD, starts_on__isnull=False)
        )
        .annotate(fy=fiscal_year_of_field("visit__starts_on"))
        .values("fy")
        .annotate(n=Count("id"))
    }
    under_way = (
        visits.filter(status__in=VISITS_UNDER_WAY)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__gte=timezone.localdate()))
        .order_by("earliest_start")[:UPCOMING_SHOWN]
    )
    return CountrySection(
        years=_by_year({r["fy"]: r["n"] for r in held}, officials),
        upcoming=list(under_way),
        list_url=f"{reverse('visits:visit_list')}?country={country.code}",
    )
