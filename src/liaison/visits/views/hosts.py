"""A site host's pages: the inbox of stops awaiting their answer, and the secret address of
their calendar of accepted visits. The feed itself is public, in ``views.public``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from liaison.core.access import require_perm
from liaison.people.models import Staff
from liaison.visits import selectors, services
from liaison.visits.forms_sites import AnswerForm
from liaison.visits.models import HostAnswer, Stop
from liaison.visits.views.nav import crumbs, side_nav
from liaison.visits.workflows import HOST_ANSWER


def _own_staff(user: Any) -> Staff | None:
    """The staff record behind the signed-in user: what Site.hosts lists."""
    staff: Staff | None = getattr(user, "staff_profile", None)
    return staff


def _with_moves(user: Any, stop: Stop) -> Stop:
    """The stop with the answers its workflow offers the user now, for its row's buttons."""
    stop.moves = {m.name: m for m in HOST_ANSWER.available(user, stop)}  # type: ignore[attr-defined]
    return stop


def _inbox(
    request: HttpRequest, *, refused: Stop | None = None, error: str = "", reason: str = ""
) -> HttpResponse:
    stops = [_with_moves(request.user, stop) for stop in selectors.host_inbox(user=request.user)]
    for stop in stops:
        # A refused answer comes back on its own row, with what the host typed.
        if refused is not None and stop.pk == refused.pk:
            stop.error = error  # type: ignore[attr-defined]
            stop.typed_reason = reason  # type: ignore[attr-defined]
    return render(
        request,
        "visits/host_inbox.html",
        {
            "stops": stops,
            "accepted": selectors.host_accepted_upcoming(
                user=request.user, today=timezone.localdate()
            ),
            "has_staff": _own_staff(request.user) is not None,
            "side_nav": side_nav(request),
            # Only site hosts have an inbox, and it is their section's front page.
            "breadcrumbs": crumbs(request),
        },
    )


@require_GET
def host_inbox(request: HttpRequest) -> HttpResponse:
    return _inbox(request)


@require_POST
def host_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept or decline one stop; htmx swaps the row, without JavaScript the page reloads."""
    stop = selectors.host_stop_get(user=request.user, pk=pk)
    form = AnswerForm(request.POST)
    reason = request.POST.get("reason", "")
    error = ""
    if form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            stop = services.stop_answer(
                actor=request.user, stop=stop, accept=accept, reason=form.cleaned_data["reason"]
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    else:
        error = "Choose Accept or Decline; a reason takes at most 300 characters."
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "visits/_host_stop_row.html",
            {"stop": _with_moves(request.user, stop), "error": error, "typed_reason": reason},
        )
    if error:
        return _inbox(request, refused=stop, error=error, reason=reason)
    if stop.answer == HostAnswer.ACCEPTED:
        messages.success(request, f"Accepted: {stop}. It is now in your calendar.")
    else:
        messages.success(request, f"Declined: {stop}. The coordinator will re-plan that day.")
    return redirect("visits:host_inbox")


@require_GET
def host_calendar(request: HttpRequest) -> HttpResponse:
    """The host's secret calendar address, if they made one; if not, the button that makes it
    (a GET shows and never writes)."""
    feed = selectors.host_feed_get(user=request.user)
    url = (
        request.build_absolute_uri(reverse("visits_public:host_feed", args=[feed.token]))
        if feed
        else ""
    )
    return render(
        request,
        "visits/host_calendar.html",
        {
            "feed": feed,
            "has_staff": _own_staff(request.user) is not None,
            "url": url,
            "webcal": "webcal://" + url.split("://", 1)[1] if url else "",
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(request, ("Your calendar", "")),
        },
    )


@require_POST
def host_calendar_create(request: HttpRequest) -> HttpResponse:
    """Make the host's secret calendar address (asked again, the page shows the one they have)."""
    require_perm(request.user, "visits.host_inbox")
    staff = _own_staff(request.user)
    if staff is None:
        messages.error(request, "Your account is not linked to a staff record: no calendar yet.")
        return redirect("visits:host_calendar")
    services.host_feed_create(actor=request.user, staff=staff)
    messages.success(request, "Your calendar has an address: subscribe to it below.")
    return redirect("visits:host_calendar")


@require_POST
def host_calendar_reset(request: HttpRequest) -> HttpResponse:
    """A new secret address; the old one answers 404 from now on."""
    require_perm(request.user, "visits.host_inbox")
    staff = _own_staff(request.user)
    if staff is None:
        messages.error(request, "Your account is not linked to a staff record: no calendar yet.")
        return redirect("visits:host_calendar")
    feed = selectors.host_feed_get(user=request.user)
    if feed is None:
        services.host_feed_create(actor=request.user, staff=staff)
        messages.success(request, "Your calendar has an address: subscribe to it below.")
        return redirect("visits:host_calendar")
    services.host_feed_reset(actor=request.user, feed=feed)
    messages.success(
        request,
        "Your calendar has a new address. The old one has stopped working: "
        "subscribe again with the new one.",
    )
    return redirect("visits:host_calendar")


urlpatterns = [
    path("hosts/inbox/", host_inbox, name="host_inbox"),
    path("hosts/stops/<int:pk>/answer/", host_answer, name="host_answer"),
    path("hosts/calendar/", host_calendar, name="host_calendar"),
    path("hosts/calendar/create/", host_calendar_create, name="host_calendar_create"),
    path("hosts/calendar/reset/", host_calendar_reset, name="host_calendar_reset"),
]
