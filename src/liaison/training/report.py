"""Training's headline figures for a fiscal year, as published ("222 sessions in 52 countries,
22 of them at ILEAs")."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from liaison.catalog.models import VenueKind
from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import (
    COUNTRY,
    EVERYTHING,
    FUNDING_SOURCE,
    PROGRAM_AREA,
    REGION,
    ReportScope,
)
from liaison.training.models import SEATED, Delivery, DeliveryStatus, Enrollment, EnrollmentStatus

# Venues that count as an International Law Enforcement Academy (as Venue.is_ilea says).
ILEA_KINDS = (VenueKind.ILEA, VenueKind.REGIONAL_TRAINING_CENTER)

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
        ilea_deliveries=Count("id", filter=Q(venue__kind__in=ILEA_KINDS)),
    )
    seats = Enrollment.objects.filter(delivery__in=deliveries).aggregate(
        participants=Count("person", distinct=True, filter=Q(status=EnrollmentStatus.ATTENDED)),
        enrollments=Count("id", filter=Q(status__in=SEATED)),
    )
    return {**held, **seats}
