"""Follow-up pages: refreshers and mentoring for the graduates of earlier deliveries."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import add_service_errors
from liaison.core.listing import render_list
from liaison.training import selectors, services
from liaison.training.forms_requests import FollowUpForm
from liaison.training.models import FollowUp, FollowUpKind
from liaison.training.views.deliveries import crumbs, side_nav

# Deliveries offered at once on the create page; the filters find older ones.
MAX_LISTED = 50


def _follow_up_crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return crumbs(("Follow-ups", reverse("training:follow_up_list")), *trail)


def _sources(follow_up: FollowUp) -> str:
    return "; ".join(
        f"{d.course.code} {d.starts_on:%Y-%m-%d}"
        for d in selectors.follow_up_sources_listed(follow_up=follow_up)
    )


@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    filters = {"search": request.GET.get("q", "").strip(), "kind": request.GET.get("kind", "")}
    follow_ups = selectors.follow_up_list(user=request.user, **filters)
    if fmt := export_format(request):
        return table_response(
            fmt,
            "follow-ups",
            ["id", "kind", "title", "starts on", "ends on", "source deliveries", "graduates"],
            follow_ups,
            lambda f: [
                f.pk,
                f.kind,
                f.title,
                f.starts_on.isoformat(),
                f.ends_on.isoformat() if f.ends_on else "",
                _sources(f),
                f.graduate_count,
            ],
        )
    return render_list(
        request,
        "training/follow_up_list.html",
        "training/_follow_up_results.html",
        follow_ups,
        {
            **filters,
            "q": filters["search"],
            "kinds": FollowUpKind.choices,
            "can_create": request.user.has_perm("training.manage_follow_ups"),
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(("Follow-ups", "")),
        },
    )


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest) -> HttpResponse:
    """Find delivered deliveries (by country or course), tick them, and keep all their
    graduates or untick some. The graduate list follows the ticks through htmx."""
    require_perm(request.user, "training.manage_follow_ups")
    country = request.GET.get("country", "").strip().upper()
    course = request.GET.get("course", "").strip()
    data = request.POST if request.method == "POST" else None
    chosen_ids = _ids((data or request.GET).getlist("source_deliveries"))
    form = FollowUpForm(
        data,
        deliveries=selectors.follow_up_sources(user=request.user),
        graduates=selectors.graduates_of_deliveries(deliveries=chosen_ids),
    )
    if form.is_bound and form.is_valid():
        try:
            follow_up = services.follow_up_create(actor=request.user, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"“{follow_up}” created for {follow_up.graduates.count()} graduate(s).",
            )
            return redirect("training:follow_up_detail", pk=follow_up.pk)
    chosen = list(selectors.follow_up_sources(user=request.user, ids=chosen_ids))
    listed = [
        d
        for d in selectors.follow_up_sources(user=request.user, country=country, course=course)[
            :MAX_LISTED
        ]
        if d.pk not in chosen_ids
    ]
    graduates = list(selectors.graduates_of_deliveries(deliveries=chosen_ids))
    # A fresh list keeps everyone; a posted one keeps the ticks that were sent.
    ticked = (
        set(_ids(data.getlist("graduates")))
        if data is not None and data.get("choose_graduates")
        else {person.pk for person in graduates}
    )
    context = {
        "form": form,
        "chosen": chosen,
        "listed": listed,
        "max_listed": MAX_LISTED,
        "graduates": graduates,
        "ticked": ticked,
        "country": country,
        "course": course,
        "filters": request.GET.urlencode(),
        "side_nav": side_nav(request),
        "breadcrumbs": _follow_up_crumbs(("New follow-up", "")),
    }
    part = request.GET.get("part", "")
    if getattr(request, "htmx", False) and part == "graduates":
        return render(request, "training/_follow_up_graduates.html", context)
    if getattr(request, "htmx", False) and part == "deliveries":
        return render(request, "training/_follow_up_deliveries.html", context)
    return render(request, "training/follow_up_create.html", context)


@require_GET
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = selectors.follow_up_get(user=request.user, pk=pk)
    return render(
        request,
        "training/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "sources": selectors.follow_up_source_deliveries(follow_up=follow_up),
            "graduates": selectors.follow_up_graduates(follow_up=follow_up),
            "side_nav": side_nav(request),
            "breadcrumbs": _follow_up_crumbs((follow_up.title, "")),
        },
    )


urlpatterns = [
    path("follow-ups/", follow_up_list, name="follow_up_list"),
    path("follow-ups/new/", follow_up_create, name="follow_up_create"),
    path("follow-ups/<int:pk>/", follow_up_detail, name="follow_up_detail"),
]
