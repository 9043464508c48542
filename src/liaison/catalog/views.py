from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from liaison.catalog import selectors, services
from liaison.catalog.filters import CourseFilters, VenueFilters
from liaison.catalog.forms import CourseForm, FundingSourceForm, VenueForm
from liaison.catalog.models import Environment, Level, VenueKind
from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.listing import render_list
from liaison.core.navigation import NavItem, side_nav
from liaison.core.views import form_page

NAV = (
    NavItem("Courses", "catalog:course_list"),
    NavItem("Venues", "catalog:venue_list"),
    NavItem("Funding sources", "catalog:funding_source_list"),
)


def _crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("home")), ("Catalog", reverse("catalog:course_list")), *trail]


@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    filters = CourseFilters.from_request(request)
    courses = selectors.course_list(user=request.user, **filters.selector_kwargs())
    if fmt := export_format(request):
        return table_response(
            fmt,
            "courses",
            [
                "code",
                "title",
                "area",
                "environment",
                "level",
                "days",
                "pass mark",
                "co-delivered with",
                "active",
            ],
            courses,
            lambda c: [
                c.code,
                c.title,
                c.area.code,
                c.environment,
                c.level,
                c.length_days,
                c.pass_mark,
                c.co_delivered_with,
                c.active,
            ],
        )
    return render_list(
        request,
        "catalog/course_list.html",
        "catalog/_course_results.html",
        courses,
        {
            **filters.page_context(),
            "areas": selectors.program_area_list(user=request.user),
            "environments": Environment.choices,
            "levels": Level.choices,
            "can_change": request.user.has_perm("catalog.change"),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _crumbs(("Courses", "")),
        },
    )


@require_GET
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get(user=request.user, pk=pk)
    return render(
        request,
        "catalog/course_detail.html",
        {
            "course": course,
            "history": selectors.catalog_history(obj=course)[:50],
            "can_change": request.user.has_perm("catalog.change"),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _crumbs(("Courses", reverse("catalog:course_list")), (course.code, "")),
        },
    )


@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_perm(request.user, "catalog.change")
    course = selectors.course_get(user=request.user, pk=pk, perm="catalog.change") if pk else None

    @transaction.atomic
    def save(data: dict[str, Any]) -> Any:
        instructors = data.pop("qualified_instructors")
        standards = data.pop("standards")
        prerequisites = data.pop("prerequisites")
        if course is None:
            saved = services.course_create(actor=request.user, **data)
        else:
            fresh = selectors.course_get(user=request.user, pk=course.pk, perm="catalog.change")
            saved = services.course_update(actor=request.user, course=fresh, **data)
        services.course_set_standards(actor=request.user, course=saved, standards=standards)
        services.course_set_prerequisites(
            actor=request.user, course=saved, prerequisites=prerequisites
        )
        return services.course_set_qualified_instructors(
            actor=request.user, course=saved, instructors=instructors
        )

    return form_page(
        request,
        form=CourseForm(request.POST or None, instance=course),
        save=save,
        side_nav=side_nav(request, NAV),
        title=f"Edit {course.code}" if course else "Add a course",
        cancel_url=reverse("catalog:course_list"),
        done=lambda c: reverse("catalog:course_detail", args=[c.pk]),
        breadcrumbs=_crumbs(
            ("Courses", reverse("catalog:course_list")), ("Edit" if course else "Add", "")
        ),
    )


@require_GET
def venue_list(request: HttpRequest) -> HttpResponse:
    filters = VenueFilters.from_request(request)
    venues = selectors.venue_list(user=request.user, **filters.selector_kwargs())
    if fmt := export_format(request):
        return table_response(
            fmt,
            "venues",
            ["code", "name", "kind", "city", "country", "capacity"],
            venues,
            lambda v: [v.code, v.name, v.get_kind_display(), v.city, v.country.name, v.capacity],
        )
    return render_list(
        request,
        "catalog/venue_list.html",
        "catalog/_venue_results.html",
        venues,
        {
            **filters.page_context(),
            "kinds": VenueKind.choices,
            "can_change": request.user.has_perm("catalog.change"),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _crumbs(("Venues", "")),
        },
    )


@require_GET
def venue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_get(user=request.user, pk=pk)
    return render(
        request,
        "catalog/venue_detail.html",
        {
            "venue": venue,
            "history": selectors.catalog_history(obj=venue)[:50],
            "can_change": request.user.has_perm("catalog.change"),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _crumbs(("Venues", reverse("catalog:venue_list")), (venue.name, "")),
        },
    )


@require_http_methods(["GET", "POST"])
def venue_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_perm(request.user, "catalog.change")
    venue = selectors.venue_get(user=request.user, pk=pk, perm="catalog.change") if pk else None

    def save(data: dict[str, Any]) -> Any:
        if venue is None:
            return services.venue_create(actor=request.user, **data)
        fresh = selectors.venue_get(user=request.user, pk=venue.pk, perm="catalog.change")
        return services.venue_update(actor=request.user, venue=fresh, **data)

    return form_page(
        request,
        form=VenueForm(request.POST or None, instance=venue),
        save=save,
        side_nav=side_nav(request, NAV),
        title=f"Edit {venue.name}" if venue else "Add a venue",
        cancel_url=reverse("catalog:venue_list"),
        done=lambda v: reverse("catalog:venue_detail", args=[v.pk]),
        breadcrumbs=_crumbs(
            ("Venues", reverse("catalog:venue_list")), ("Edit" if venue else "Add", "")
        ),
    )


@require_GET
def funding_source_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/funding_source_list.html",
        {
            "sources": selectors.funding_source_list(user=request.user),
            "can_change": request.user.has_perm("catalog.change"),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _crumbs(("Funding sources", "")),
        },
    )


@require_http_methods(["GET", "POST"])
def funding_source_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_perm(request.user, "catalog.change")
    source = (
        selectors.funding_source_get(user=request.user, pk=pk, perm="catalog.change")
        if pk
        else None
    )

    def save(data: dict[str, Any]) -> Any:
        if source is None:
            return services.funding_source_create(actor=request.user, **data)
        fresh = selectors.funding_source_get(user=request.user, pk=source.pk, perm="catalog.change")
        return services.funding_source_update(actor=request.user, source=fresh, **data)

    return form_page(
        request,
        form=FundingSourceForm(request.POST or None, instance=source),
        save=save,
        side_nav=side_nav(request, NAV),
        title=f"Edit {source.code}" if source else "Add a funding source",
        cancel_url=reverse("catalog:funding_source_list"),
        done=lambda s: reverse("catalog:funding_source_list"),
        breadcrumbs=_crumbs(
            ("Funding sources", reverse("catalog:funding_source_list")),
            ("Edit" if source else "Add", ""),
        ),
    )
