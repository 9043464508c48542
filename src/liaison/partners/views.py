from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.listing import render_list
from liaison.core.navigation import NavItem, side_nav
from liaison.core.views import form_page
from liaison.partners import selectors, services
from liaison.partners.filters import AgencyFilters, CountryFilters
from liaison.partners.forms import AgencyForm
from liaison.partners.models import AgencyKind

NAV = (
    NavItem("Regions", "partners:region_list"),
    NavItem("Countries", "partners:country_list"),
    NavItem("Agencies", "partners:agency_list"),
)


def crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("home")), ("Partners", reverse("partners:country_list")), *trail]


@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    regions = selectors.region_list(user=request.user)
    return render(
        request,
        "partners/region_list.html",
        {
            "regions": regions,
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": crumbs(("Regions", "")),
        },
    )


@require_GET
def country_list(request: HttpRequest) -> HttpResponse:
    country_filters = CountryFilters.from_request(request)
    countries = selectors.country_list(user=request.user, **country_filters.selector_kwargs())
    if fmt := export_format(request):
        return table_response(
            fmt,
            "countries",
            ["code", "country", "region", "agencies", "officials"],
            countries,
            lambda c: [
                c.code,
                c.name,
                c.region.code if c.region else "",
                c.agency_count,
                c.people_count,
            ],
        )
    return render_list(
        request,
        "partners/country_list.html",
        "partners/_country_results.html",
        countries,
        {
            **country_filters.page_context(),
            "regions": selectors.regions_for_choice(),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": crumbs(("Countries", "")),
        },
    )


@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    filters = AgencyFilters.from_request(request)
    agencies = selectors.agency_list(user=request.user, **filters.selector_kwargs())
    if fmt := export_format(request):
        return table_response(
            fmt,
            "agencies",
            ["id", "name", "acronym", "kind", "country", "region"],
            agencies,
            lambda a: [
                a.pk,
                a.name,
                a.acronym,
                a.get_kind_display(),
                a.country.name,
                a.country.region.code if a.country.region else "",
            ],
        )
    return render_list(
        request,
        "partners/agency_list.html",
        "partners/_agency_results.html",
        agencies,
        {
            **filters.page_context(),
            "kinds": AgencyKind.choices,
            "regions": selectors.regions_for_choice(),
            "can_add": request.user.has_perm("partners.add_agency"),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": crumbs(("Agencies", "")),
        },
    )


@require_GET
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_get(user=request.user, pk=pk)
    return render(
        request,
        "partners/agency_detail.html",
        {
            "agency": agency,
            "history": selectors.agency_history(agency=agency)[:50],
            "people_count": selectors.agency_people_count(user=request.user, agency=agency),
            "can_change": request.user.has_perm("partners.change_agency", agency),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": crumbs(("Agencies", reverse("partners:agency_list")), (agency.name, "")),
        },
    )


@require_http_methods(["GET", "POST"])
def agency_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "partners.add_agency")
    return form_page(
        request,
        form=AgencyForm(request.POST or None, user=request.user),
        save=lambda data: services.agency_create(actor=request.user, **data),
        title="Add an agency",
        cancel_url=reverse("partners:agency_list"),
        done=lambda agency: reverse("partners:agency_detail", args=[agency.pk]),
        side_nav=side_nav(request, NAV),
        breadcrumbs=crumbs(("Agencies", reverse("partners:agency_list")), ("Add", "")),
    )


@require_http_methods(["GET", "POST"])
def agency_update(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_get(user=request.user, pk=pk, perm="partners.change_agency")

    def save(data: dict[str, Any]) -> Any:
        # The ModelForm has written onto its instance; the service compares with the stored row.
        fresh = selectors.agency_get(user=request.user, pk=pk, perm="partners.change_agency")
        return services.agency_update(actor=request.user, agency=fresh, **data)

    return form_page(
        request,
        form=AgencyForm(request.POST or None, instance=agency, user=request.user),
        save=save,
        title=f"Edit {agency.name}",
        cancel_url=reverse("partners:agency_detail", args=[pk]),
        done=lambda saved: reverse("partners:agency_detail", args=[saved.pk]),
        side_nav=side_nav(request, NAV),
        breadcrumbs=crumbs(
            ("Agencies", reverse("partners:agency_list")),
            (agency.name, reverse("partners:agency_detail", args=[pk])),
            ("Edit", ""),
        ),
    )
