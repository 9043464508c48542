"""The site registry: everyone who follows visits browses the sites and what they can show;
the coordinator keeps each site's capacity, hosting days, blackouts and hosts current."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.catalog.models import SITE_ENVIRONMENTS
from liaison.core.export import export_format, table_response
from liaison.core.forms import add_service_errors
from liaison.core.listing import render_list
from liaison.visits import selectors, services
from liaison.visits.filters import SiteFilters
from liaison.visits.forms_sites import BlackoutForm, HostForm, SiteForm
from liaison.visits.models import Site, SiteKind
from liaison.visits.views.nav import crumbs, side_nav

CSV_HEADER = [
    "code",
    "name",
    "kind",
    "environment",
    "city",
    "state",
    "address",
    "latitude",
    "longitude",
    "delegations a day",
    "hosting days",
    "focus areas",
    "active",
]


def _csv_row(site: Site) -> list[Any]:
    return [
        site.code,
        site.name,
        site.kind,
        site.environment,
        site.city,
        site.state,
        site.address,
        site.latitude,
        site.longitude,
        site.daily_capacity,
        site.weekdays_label,
        site.focus_count,  # type: ignore[attr-defined]
        "yes" if site.active else "no",
    ]


def _site_crumbs(request: HttpRequest, *trail: tuple[str, str]) -> list[tuple[str, str]]:
    return crumbs(request, ("Sites", reverse("visits:site_list")), *trail)


@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    filters = SiteFilters.from_request(request)
    sites = selectors.site_list(user=request.user, **filters.selector_kwargs())
    if fmt := export_format(request):
        return table_response(fmt, "visit-sites", CSV_HEADER, sites, _csv_row)
    return render_list(
        request,
        "visits/site_list.html",
        "visits/_site_results.html",
        sites,
        {
            **filters.page_context(),
            "filtered": any(filters.selector_kwargs().values()),
            "kinds": SiteKind.choices,
            "environments": SITE_ENVIRONMENTS,
            "states": selectors.site_states(user=request.user),
            "focus_areas": selectors.focus_area_list(user=request.user),
            "side_nav": side_nav(request),
            "breadcrumbs": _site_crumbs(request),
        },
    )


def _detail(
    request: HttpRequest,
    site: Site,
    *,
    blackout_form: BaseForm | None = None,
    host_form: BaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_manage = user.has_perm("visits.manage_sites", site)
    stops = list(
        selectors.site_upcoming_stops(user=user, site=site, today=timezone.localdate())[:50]
    )
    context: dict[str, Any] = {
        "site": site,
        "stops": [(stop, user.has_perm("visits.view_visit", stop.visit)) for stop in stops],
        "can_manage": can_manage,
        "side_nav": side_nav(request),
        "breadcrumbs": _site_crumbs(request, (site.name, "")),
    }
    if can_manage:
        context |= {
            "blackout_form": blackout_form or BlackoutForm(),
            "host_form": host_form
            or HostForm(candidates=selectors.site_host_candidates(user=user, site=site)),
            "history": selectors.site_history(site=site)[:50],
        }
    return render(request, "visits/site_detail.html", context, status=status)


@require_GET
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.site_get(user=request.user, pk=pk))


@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    site = selectors.site_get(user=request.user, pk=pk, perm="visits.manage_sites")
    form = SiteForm.for_site(site, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(actor=request.user, site=site, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{site.name} saved.")
            return redirect("visits:site_detail", pk=site.pk)
    return render(
        request,
        "visits/site_edit.html",
        {
            "site": site,
            "form": form,
            "side_nav": side_nav(request),
            "breadcrumbs": _site_crumbs(
                request,
                (site.name, reverse("visits:site_detail", args=[site.pk])),
                ("Edit", ""),
            ),
        },
    )


@require_POST
def site_blackout_add(request: HttpRequest, pk: int) -> HttpResponse:
    site = selectors.site_get(user=request.user, pk=pk, perm="visits.manage_sites")
    form = BlackoutForm(request.POST)
    if form.is_valid():
        try:
            services.site_blackout_add(actor=request.user, site=site, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Blackout added: the planner keeps delegations away.")
            return redirect("visits:site_detail", pk=site.pk)
    return _detail(request, site, blackout_form=form)


@require_POST
def site_blackout_remove(request: HttpRequest, pk: int, blackout_pk: int) -> HttpResponse:
    """The site is authorised first; a blackout already removed is simply no longer there."""
    site = selectors.site_get(user=request.user, pk=pk, perm="visits.manage_sites")
    blackout = selectors.site_blackout_get(user=request.user, site=site, pk=blackout_pk)
    if blackout is not None:
        services.site_blackout_remove(actor=request.user, blackout=blackout)
        messages.success(request, "Blackout removed: the site can be planned on those days again.")
    return redirect("visits:site_detail", pk=site.pk)


@require_POST
def site_host_add(request: HttpRequest, pk: int) -> HttpResponse:
    site = selectors.site_get(user=request.user, pk=pk, perm="visits.manage_sites")
    form = HostForm(
        request.POST, candidates=selectors.site_host_candidates(user=request.user, site=site)
    )
    if form.is_valid():
        staff = form.cleaned_data["staff"]
        try:
            services.site_host_add(actor=request.user, site=site, staff=staff)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{staff} now hosts {site.name}.")
            return redirect("visits:site_detail", pk=site.pk)
    return _detail(request, site, host_form=form)


@require_POST
def site_host_remove(request: HttpRequest, pk: int) -> HttpResponse:
    site = selectors.site_get(user=request.user, pk=pk, perm="visits.manage_sites")
    form = HostForm(request.POST, candidates=selectors.site_hosts(user=request.user, site=site))
    if not form.is_valid():
        messages.error(request, "That staff member does not host this site.")
        return redirect("visits:site_detail", pk=site.pk)
    staff = form.cleaned_data["staff"]
    try:
        services.site_host_remove(actor=request.user, site=site, staff=staff)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{staff} no longer hosts {site.name}.")
    return redirect("visits:site_detail", pk=site.pk)


urlpatterns = [
    path("sites/", site_list, name="site_list"),
    path("sites/<int:pk>/", site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", site_edit, name="site_edit"),
    path("sites/<int:pk>/blackouts/add/", site_blackout_add, name="site_blackout_add"),
    path(
        "sites/<int:pk>/blackouts/<int:blackout_pk>/remove/",
        site_blackout_remove,
        name="site_blackout_remove",
    ),
    path("sites/<int:pk>/hosts/add/", site_host_add, name="site_host_add"),
    path("sites/<int:pk>/hosts/remove/", site_host_remove, name="site_host_remove"),
]
