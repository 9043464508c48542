"""Reads of the catalog for pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.catalog.models import Course, FundingSource, ProgramArea, SafeStandard, Venue
from liaison.core.access import get_for_user, require_perm


def course_list(
    *,
    user: Any,
    search: str = "",
    area: str = "",
    environment: str = "",
    level: str = "",
) -> QuerySet[Course]:
    require_perm(user, "catalog.browse")
    courses = Course.objects.select_related("area")
    if search:
        courses = courses.filter(
            Q(code__icontains=search) | Q(title__icontains=search) | Q(topics__icontains=search)
        )
    if area:
        courses = courses.filter(area__code=area)
    if environment:
        courses = courses.filter(environment=environment)
    if level:
        courses = courses.filter(level=level)
    return courses.order_by("code")


def course_get(*, user: Any, pk: int, perm: str = "catalog.browse") -> Course:
    return get_for_user(
        Course.objects.select_related("area").prefetch_related(
            "prerequisites",
            "qualified_instructors",
            Prefetch(
                "standards",
                queryset=SafeStandard.objects.select_related("edition", "pillar"),
            ),
        ),
        user,
        perm,
        pk=pk,
    )


def course_by_code(*, user: Any, code: str) -> Course | None:
    """The course with this code (as typed, spaces trimmed), or None."""
    return course_list(user=user).filter(code=code.strip()).first()


def venue_list(
    *, user: Any, search: str = "", kind: str = "", country: str = ""
) -> QuerySet[Venue]:
    require_perm(user, "catalog.browse")
    venues = Venue.objects.select_related("country")
    if search:
        venues = venues.filter(
            Q(name__icontains=search) | Q(city__icontains=search) | Q(code__iexact=search)
        )
    if kind:
        venues = venues.filter(kind=kind)
    if country:
        venues = venues.filter(country__code=country.upper())
    return venues.order_by("name")


def venue_get(*, user: Any, pk: int, perm: str = "catalog.browse") -> Venue:
    return get_for_user(Venue.objects.select_related("country"), user, perm, pk=pk)


def venue_by_code(*, user: Any, code: str) -> Venue | None:
    """The venue with this code (as typed, spaces trimmed), or None."""
    return venue_list(user=user).filter(code=code.strip()).first()


def funding_source_list(*, user: Any) -> QuerySet[FundingSource]:
    require_perm(user, "catalog.browse")
    return FundingSource.objects.order_by("code")


def funding_source_by_code(*, user: Any, code: str) -> FundingSource | None:
    """The funding source with this code (as typed, spaces trimmed), or None."""
    return funding_source_list(user=user).filter(code=code.strip()).first()


def funding_source_get(*, user: Any, pk: int, perm: str = "catalog.browse") -> FundingSource:
    return get_for_user(FundingSource.objects.all(), user, perm, pk=pk)


def program_area_list(*, user: Any) -> QuerySet[ProgramArea]:
    require_perm(user, "catalog.browse")
    return ProgramArea.objects.annotate(course_count=Count("courses")).order_by("name")


def catalog_history(*, obj: Any) -> AuditEntryQuerySet:
    return audit_history(
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}", object_ids=[str(obj.pk)]
    )


def program_area_get(*, user: Any, code: str) -> ProgramArea:
    return get_for_user(ProgramArea.objects.all(), user, "catalog.browse", code=code)
