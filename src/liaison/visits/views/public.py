"""A site host's iCal feed, open without signing in: reached only through its unguessable
token, it carries what a host's calendar needs and no delegate's personal data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from liaison.visits import selectors
from liaison.visits.models import Stop

PRODID = "-//Office of International Affairs//Liaison visits//EN"


def stop_uid(stop: Stop) -> str:
    """Stable per stop, so a calendar updates the event rather than adding another."""
    return f"stop-{stop.pk}@liaison.visits"


def _delegation(stop: Stop) -> str:
    visit = stop.visit
    agency = f" ({visit.agency.name})" if visit.agency else ""
    return f"{visit.country.name}{agency}"


def _location(stop: Stop) -> str:
    site = stop.site
    place = [site.name, site.address, f"{site.city}, {site.state}"]
    return ", ".join(part for part in place if part)


def _stop_event(stop: Stop, stamp: Any, url: str) -> Event:
    event = Event()
    event.add("uid", stop_uid(stop))
    event.add("dtstamp", stamp)
    if stop.starts_at:
        # Floating local time: the delegation arrives at the site's own clock time.
        event.add("dtstart", datetime.combine(stop.day, stop.starts_at))
    else:
        event.add("dtstart", stop.day)
        event.add("dtend", stop.day + timedelta(days=1))
    event.add("summary", f"Visit: delegation from {_delegation(stop)}")
    event.add("location", _location(stop))
    size = stop.visit.delegation_size
    lines = [
        f"Delegation of {size} official{'s' if size != 1 else ''} from {_delegation(stop)}.",
        f"Site: {stop.site.name}.",
        url,
    ]
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def host_calendar_ics(
    stops: Iterable[Stop], *, name: str, site_url: Callable[[Stop], str]
) -> bytes:
    """One event per accepted stop: timed when the arrival time is set, all-day otherwise."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for stop in stops:
        calendar.add_component(_stop_event(stop, stamp, site_url(stop)))
    ics: bytes = calendar.to_ical()
    return ics


@login_not_required
@require_GET
def host_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed behind a secret address; resetting the address makes the old one 404."""
    feed = selectors.host_feed_by_token(token=token)

    def site_url(stop: Stop) -> str:
        return request.build_absolute_uri(reverse("visits:site_detail", args=[stop.site_id]))

    ics = host_calendar_ics(
        selectors.host_accepted_stops(staff_id=feed.staff_id),
        name=f"Visits hosted by {feed.staff}",
        site_url=site_url,
    )
    return HttpResponse(
        ics,
        content_type="text/calendar; charset=utf-8",
        headers={
            "X-Robots-Tag": "noindex, nofollow",
            "Content-Disposition": 'inline; filename="visits.ics"',
        },
    )
