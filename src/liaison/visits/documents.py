"""Documents of the visits program: a delegation's itinerary (page and PDF) and the day-by-day
calendar of all visits.

Both are built from plain data here, so the views only fetch, authorize and send.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from django.template.loader import render_to_string

from liaison.core.pdf import html_pdf
from liaison.training.documents import date_span
from liaison.visits import planner
from liaison.visits.models import Delegate, DelegateRole, Site, Stop, Visit

ISSUER = "Office of International Affairs"
# The head first, then the members, then the interpreters.
ROLE_ORDER = (DelegateRole.HEAD, DelegateRole.MEMBER, DelegateRole.INTERPRETER)


def site_address(site: Site) -> str:
    """Where to go: the street address when it is public, else the city and state."""
    return site.address or f"{site.city}, {site.state}"


def host_names(site: Site) -> str:
    """The site's hosts by name (their contact details stay in the app)."""
    return ", ".join(str(staff) for staff in site.hosts.all())


# --- the itinerary ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ItineraryStop:
    """One stop as the itinerary prints it."""

    starts_at: time | None
    site: str
    address: str
    hosts: str
    answer: str

    @classmethod
    def of(cls, stop: Stop) -> ItineraryStop:
        answer = str(stop.get_answer_display())
        if stop.answer_reason:
            answer = f"{answer}: {stop.answer_reason}"
        return cls(
            stop.starts_at, stop.site.name, site_address(stop.site), host_names(stop.site), answer
        )


@dataclass(frozen=True)
class ItineraryDay:
    """A day of the visit: where the delegation is, how the day starts, and its stops."""

    number: int
    date: date
    city: str
    move: str
    stops: list[ItineraryStop]


def _city(stops: list[Stop]) -> tuple[str, tuple[float, float]] | None:
    """The city of a day's stops (one a day), at its sites' centroid as the planner does."""
    if not stops:
        return None
    site = stops[0].site
    points = [(stop.site.latitude, stop.site.longitude) for stop in stops]
    centroid = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    return f"{site.city}, {site.state}", centroid


def itinerary_days(visit: Visit, stops: Iterable[Stop]) -> list[ItineraryDay]:
    """Every day of the visit, with its stops. A day without stops is a travel or rest day,
    spent in the next city with stops (or the last one), as the planner lays it out."""
    by_day: dict[date, list[Stop]] = {}
    for stop in stops:
        by_day.setdefault(stop.day, []).append(stop)
    first = min([d for d in (visit.starts_on, *by_day) if d is not None], default=None)
    last = max([d for d in (visit.ends_on, *by_day) if d is not None], default=None)
    if first is None or last is None:
        return []
    dates = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    cities = [_city(by_day.get(day, [])) for day in dates]
    following = None
    for k in range(len(cities) - 1, -1, -1):
        cities[k] = cities[k] or following
        following = cities[k]
    for k in range(1, len(cities)):
        cities[k] = cities[k] or cities[k - 1]
    days = []
    for k, day in enumerate(dates):
        here, before = cities[k], cities[k - 1] if k else None
        if here is None:
            move = "No stops planned."
        elif k == 0:
            move = f"Arrival in {here[0]}."
        elif before is None or before[0] == here[0]:
            move = f"In {here[0]}."
        else:
            km = round(planner.haversine_km(*before[1], *here[1]))
            far = f", about {km:,} km" if km else ""
            move = f"Travel from {before[0]} to {here[0]}{far}."
        days.append(
            ItineraryDay(
                number=k + 1,
                date=day,
                city=here[0] if here else "",
                move=move,
                stops=[
                    ItineraryStop.of(stop)
                    for stop in sorted(by_day.get(day, []), key=lambda s: (s.order, s.pk))
                ],
            )
        )
    return days


def delegation(delegates: Iterable[Delegate]) -> list[Delegate]:
    """The delegation in the order a host reads it: the head, the members, the interpreters."""
    return sorted(
        delegates,
        key=lambda d: (ROLE_ORDER.index(DelegateRole(d.role)), d.person.full_name.lower()),
    )


def itinerary_context(
    visit: Visit, *, delegates: Iterable[Delegate], stops: Iterable[Stop]
) -> dict[str, Any]:
    """What the itinerary page and the PDF show: names and roles, never passports or dates
    of birth."""
    days = itinerary_days(visit, stops)
    return {
        "issuer": ISSUER,
        "visit": visit,
        "delegates": delegation(delegates),
        "days": days,
        "dates": date_span(days[0].date, days[-1].date) if days else "",
    }


def itinerary_pdf(context: dict[str, Any]) -> bytes:
    """The itinerary on A4 portrait pages, for the delegation and its escorts."""
    html = render_to_string("visits/itinerary_pdf.html", context)
    return html_pdf(html)


# --- the day-by-day calendar -----------------------------------------------------------------


@dataclass
class CalendarSite:
    site: Site
    stops: list[Stop] = field(default_factory=list)


@dataclass
class CalendarDay:
    date: date
    sites: list[CalendarSite] = field(default_factory=list)

    @property
    def stop_count(self) -> int:
        return sum(len(entry.stops) for entry in self.sites)


def calendar_days(stops: Iterable[Stop], first: date, last: date) -> list[CalendarDay]:
    """Every day from ``first`` to ``last`` (empty ones too), its stops grouped by site;
    ``stops`` come ordered by day, then site."""
    days = {
        first + timedelta(days=k): CalendarDay(first + timedelta(days=k))
        for k in range((last - first).days + 1)
    }
    for stop in stops:
        day = days[stop.day]
        if not day.sites or day.sites[-1].site.pk != stop.site_id:
            day.sites.append(CalendarSite(stop.site))
        day.sites[-1].stops.append(stop)
    return list(days.values())


CALENDAR_CSV_HEADER = [
    "date",
    "time",
    "site",
    "city",
    "state",
    "visit",
    "country",
    "agency",
    "delegation size",
    "visit status",
    "host answer",
]


def calendar_csv_row(stop: Stop) -> list[Any]:
    visit = stop.visit
    return [
        stop.day.isoformat(),
        stop.starts_at.strftime("%H:%M") if stop.starts_at else "",
        stop.site.name,
        stop.site.city,
        stop.site.state,
        visit.pk,
        visit.country.name,
        visit.agency.name if visit.agency else "",
        visit.delegation_size,
        visit.status,
        stop.answer,
    ]
