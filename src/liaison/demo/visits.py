"""Five fiscal years of the International Visitors Program for the demo (FY2013 to FY2017), and a
few requests in the works now.

FY2015 reproduces the published figures: 457 visits (confirmed or completed, counted in the
fiscal year they start in) for between 2,500 and 2,600 officials from exactly 90 countries; the
other years are of the same order. The plan (countries, sponsors, dates, delegation sizes,
itineraries) draws from its own random stream, so the figures are the same at every ``scale``;
only who sits in the delegations depends on the people there are.

Like the training demo it writes with ``bulk_create`` (with history, and one audit entry per
visit, delegate and vetting record) instead of through the services, and keeps their rules in
the data: one head per delegation, itineraries of one to three stops a day in one city, at sites
open that weekday and within their daily capacity, the headquarters briefing on the first day
when asked for, every host's answer in for a held visit, and every delegate of a confirmed or
completed visit holding a facility-access approval valid through its last day. Each itinerary
passes the planner's own rule check (``planner.check_itinerary``: one stop on a day that starts
with a long move, …) before it is kept, and its stops carry the day schedule's times.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from django.utils import timezone

from liaison.accounts.models import User
from liaison.audit.models import AuditEntry
from liaison.audit.services import create_with_history
from liaison.catalog.models import FundingSource
from liaison.core.fiscal import FiscalYear
from liaison.demo.registry import (
    REGION_WEIGHTS,
    Names,
    VettingOutcome,
    audit_created,
    backdate_registry,
    build_people,
)
from liaison.partners.models import Agency, Country
from liaison.people.models import Person, Staff, StaffKind
from liaison.vetting.models import Purpose, VettingRecord, VettingStatus
from liaison.visits import planner, selectors
from liaison.visits.models import (
    MAX_VISIT_DAYS,
    Delegate,
    DelegateRole,
    FocusArea,
    HostAnswer,
    Site,
    SiteBlackout,
    SiteKind,
    Stop,
    Visit,
    VisitFocus,
    VisitStatus,
)

T = TypeVar("T")


@dataclass(frozen=True)
class YearPlan:
    visits: int  # held: confirmed or completed
    countries: int  # distinct countries among them
    officials: tuple[int, int]  # delegates of held visits, the range to land in
    declined: int
    cancelled: int


# FY2015 is the published year; the others are of the same order.
YEARS: dict[int, YearPlan] = {
    2013: YearPlan(visits=438, countries=87, officials=(2380, 2480), declined=5, cancelled=3),
    2014: YearPlan(visits=446, countries=88, officials=(2420, 2520), declined=4, cancelled=4),
    2015: YearPlan(visits=457, countries=90, officials=(2520, 2580), declined=6, cancelled=3),
    2016: YearPlan(visits=468, countries=93, officials=(2540, 2640), declined=5, cancelled=5),
    2017: YearPlan(visits=451, countries=89, officials=(2450, 2550), declined=4, cancelled=3),
}
MIN_DELEGATION, MAX_DELEGATION = 2, 12
# Delegation sizes 2 to 12, about 5.5 on average (then nudged to the year's total).
SIZE_WEIGHTS = [10, 15, 16, 15, 12, 9, 7, 5, 4, 3, 2]
# Visit length in days, 1 to 14: mostly three to seven.
LENGTH_WEIGHTS = [2, 4, 12, 16, 17, 12, 9, 6, 5, 4, 3, 2, 2, 1]
HQ_BRIEFING_SHARE = 0.8
# Who sponsors the visits (catalog funding sources): weights.
SPONSOR_WEIGHTS = {
    "INL": 26,
    "EXBS": 10,
    "STATE-OTHER": 6,
    "DOD": 12,
    "DEA": 6,
    "USCG": 8,
    "NG-SPP": 8,
    "EMBASSY": 14,
    "DHS-OTHER": 9,
    "USAID": 3,
}
SPONSOR_LABELS = {
    "INL": "the State Department (INL)",
    "EXBS": "the State Department's EXBS program",
    "STATE-OTHER": "the State Department",
    "DOD": "the Department of Defense",
    "DEA": "the DEA",
    "USCG": "the U.S. Coast Guard",
    "NG-SPP": "the National Guard's State Partnership Program",
    "EMBASSY": "the U.S. Embassy",
    "DHS-OTHER": "DHS",
    "USAID": "USAID",
}
# Countries whose officials mostly work in English, so bring no interpreter.
ENGLISH_SPEAKING = {
    *("AG", "BB", "BS", "BZ", "DM", "GD", "GY", "JM", "KN", "LC", "TT", "VC", "CA", "GB", "IE"),
    *("BW", "GH", "GM", "KE", "LR", "LS", "MW", "NA", "NG", "SL", "SZ", "UG", "ZA", "ZM", "ZW"),
    *("AU", "FJ", "NZ", "PG", "PH", "SB", "SG", "TO", "VU", "WS", "IN", "PK", "LK", "MT", "CY"),
}
SENIOR_POSITIONS = (
    "Port Director",
    "Deputy Director",
    "Head of Unit",
    "Station Commander",
    "Chief Inspector",
    "Border Guard Captain",
    "Major",
)
PURPOSES = [
    "The {agency} is reorganizing its {focus} and wants to see how it is done at U.S. ports.",
    "Follows the training in {country}: the delegation asked to see {focus} in practice.",
    "Senior officials of the {agency} preparing a new law on {focus}; sponsored by {sponsor}.",
    "Study visit on {focus} ahead of a joint operation; sponsored by {sponsor}.",
    "The {agency} is buying equipment and wants to see {focus} at work before it decides.",
]
DECLINE_REASONS = [
    "The requested weeks fall in the ports' busiest season; the sites could not host.",
    "No sponsor funds for the visit in this fiscal year.",
    "The same agency visited on the same subject in the last six months.",
    "Request came in too late to vet the delegation.",
]
CANCEL_REASONS = [
    "The partner agency's leadership changed; the delegation was withdrawn.",
    "Visas were not issued in time.",
    "Hurricane warning for the host cities that week.",
    "The sponsor's funds were not obligated in time.",
    "Government shutdown: the sites could not host.",
]
# Upcoming requests, relative to today, so the coordinator and the site hosts have work.
UPCOMING: list[tuple[str, str]] = [
    (VisitStatus.REQUESTED, "GT"),
    (VisitStatus.REQUESTED, "KE"),
    (VisitStatus.PLANNING, "CO"),
    (VisitStatus.PLANNING, "UA"),
    (VisitStatus.SITES_REQUESTED, "MX"),
    (VisitStatus.SITES_REQUESTED, "HN"),
    (VisitStatus.SITES_REQUESTED, "PE"),
    (VisitStatus.SITES_REQUESTED, "JO"),
]
# A city more than planner.LONG_MOVE_KM away is this many times less likely to be the next.
FAR_CITY_PENALTY = 12
# The demo's site host answers for these (names or cities, as the registry writes them).
HOST_SITES = ("Laredo", "San Ysidro")


@dataclass
class _Planned:
    """One visit before it is written, with what goes with it."""

    visit: Visit
    focus: dict[FocusArea, int]
    delegates: list[Delegate] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)
    must_see: list[Site] = field(default_factory=list)


@dataclass(frozen=True)
class VisitDemoResult:
    visits: int
    delegates: int
    stops: int
    vetting: int


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _weighted_sample(
    rng: random.Random, items: Sequence[T], weights: Sequence[float], k: int
) -> list[T]:
    """``k`` distinct items, each drawn with its weight (Efraimidis and Spirakis)."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:k]]


def _sizes(rng: random.Random, count: int, total: int) -> list[int]:
    """``count`` delegation sizes of 2 to 12 that add up to ``total``."""
    sizes = rng.choices(range(MIN_DELEGATION, MAX_DELEGATION + 1), weights=SIZE_WEIGHTS, k=count)
    while sum(sizes) != total:
        n = rng.randrange(count)
        if sum(sizes) < total and sizes[n] < MAX_DELEGATION:
            sizes[n] += 1
        elif sum(sizes) > total and sizes[n] > MIN_DELEGATION:
            sizes[n] -= 1
    return sizes


class _VisitDemo:
    def __init__(self, *, scale: float, seed: int, today: date) -> None:
        self.rng = random.Random(seed * 6007 + 17)  # the plan: the same at every scale
        self.people_rng = random.Random(seed * 15_485_863 + 19)  # delegations
        self.seed = seed
        self.today = today
        self.countries = list(
            Country.objects.filter(region__isnull=False).select_related("region").order_by("code")
        )
        self.country_by_code = {str(c.code): c for c in self.countries}
        self.region_of = {c.pk: c.region.code for c in self.countries if c.region}
        self.agencies: dict[int, list[Agency]] = {}
        for agency in Agency.objects.order_by("pk"):
            self.agencies.setdefault(agency.country_id, []).append(agency)
        funding = {f.code: f for f in FundingSource.objects.all()}
        self.sponsors = [funding[code] for code in SPONSOR_WEIGHTS if code in funding]
        self.sponsor_weights = [SPONSOR_WEIGHTS[str(f.code)] for f in self.sponsors]
        self.areas = list(FocusArea.objects.order_by("code"))
        self._sites()
        users = {
            u.username: u
            for u in User.objects.filter(username__in=["ivp", "attache", "sponsor", "host"])
        }
        self.ivp, self.attache = users.get("ivp"), users.get("attache")
        self.sponsor_user, self.host_user = users.get("sponsor"), users.get("host")
        self.planned: list[_Planned] = []
        self.access: dict[int, VettingOutcome] = {}
        self.busy_until: dict[int, date] = {}
        self.people: list[Person] = []

    # --- set-up ---------------------------------------------------------------------------

    def _sites(self) -> None:
        sites = list(Site.objects.filter(active=True).prefetch_related("focus").order_by("code"))
        self.strength = {s.pk: {f.focus_area_id: f.strength for f in s.focus.all()} for s in sites}
        self.weekdays = {s.pk: s.weekdays for s in sites}
        self.closed = {
            (b.site_id, day)
            for b in SiteBlackout.objects.filter(site__active=True)
            for day in b.days
        }
        self.hq = [s for s in sites if s.kind == SiteKind.HEADQUARTERS]
        self.cities: dict[tuple[str, str], list[Site]] = {}
        for site in sites:
            if site.kind != SiteKind.HEADQUARTERS:
                self.cities.setdefault((site.city, site.state), []).append(site)
        self.open_on: dict[int, list[tuple[int, tuple[str, str], int, Site]]] = {
            weekday: [
                (s.id, (s.city, s.state), s.daily_capacity, s)
                for s in sites
                if s.kind != SiteKind.HEADQUARTERS and weekday in s.weekdays
            ]
            for weekday in range(7)
        }
        self.by_area: dict[int, list[tuple[int, int]]] = {}
        for pk, strengths in self.strength.items():
            for area_pk, strength in strengths.items():
                self.by_area.setdefault(area_pk, []).append((pk, strength))
        self.usage: dict[tuple[planner.Key, date], int] = {}
        self.host_sites = [
            site
            for name in HOST_SITES
            for site in [
                s
                for s in sites
                if s.kind == SiteKind.PORT_OF_ENTRY and (name in s.name or name == s.city)
            ][:2]
        ]
        self.sites = sites
        # The registry as the planner sees it: its cities, the distances between them, and
        # the rule check every itinerary passes before it is kept.
        self.catalog = planner.SiteCatalog(selectors.planner_sites())
        self.city_at = {
            (s.city, s.state): self.catalog.city_of[s.pk]
            for s in sites
            if s.pk in self.catalog.sites
        }

    def _delegation_pools(self) -> None:
        self.people = list(
            Person.objects.active()
            .only(
                "id",
                "given_name",
                "family_name",
                "native_name",
                "nationality_id",
                "agency_id",
                "position",
                "created_at",
            )
            .order_by("pk")
        )
        if len(self.people) < 2 * MAX_DELEGATION:  # a registry too small for a delegation
            self.people += self._more_people(2 * MAX_DELEGATION - len(self.people))
        # A few officials kept for the requests in the works, never vetted for access yet.
        reserve = min(6, len(self.people) // 10)
        self.fresh = self.people[len(self.people) - reserve :]
        self.everyone = self.people[: len(self.people) - reserve]
        self.by_country: dict[int, list[Person]] = {}
        self.by_region: dict[str, list[Person]] = {}
        for person in self.everyone:
            if person.nationality_id is None:
                continue
            self.by_country.setdefault(person.nationality_id, []).append(person)
            region = self.region_of.get(person.nationality_id)
            if region:
                self.by_region.setdefault(region, []).append(person)
        self.person_by_pk = {p.pk: p for p in self.people}

    def _more_people(self, count: int) -> list[Person]:
        """Officials created (and indexed for matching) only when there are too few."""
        with_agencies = [c for c in self.countries if self.agencies.get(c.pk)]
        return build_people(
            random.Random(self.seed + 1),
            Names(self.seed),
            count,
            with_agencies,
            self.agencies,
        )

    def _open(self, site: Site, day: date) -> bool:
        return (
            day.weekday() in self.weekdays[site.pk]
            and (site.pk, day) not in self.closed
            and self.usage.get((site.pk, day), 0) < site.daily_capacity
        )

    def _hq_for(self, day: date, scores: dict[int, int] | None = None) -> Site | None:
        """The headquarters office open that day with room, the one closest to their focus."""
        open_hq = [s for s in self.hq if self._open(s, day)]
        open_hq.sort(key=lambda s: (-(scores or {}).get(s.pk, 0), -s.daily_capacity, s.code))
        return open_hq[0] if open_hq else None

    # --- the plan -------------------------------------------------------------------------

    def _focus(self, prefer: str | None = None) -> dict[FocusArea, int]:
        """What they come for (priority 3), and one to three things nice to see too."""
        if not self.areas:
            return {}
        areas = self.rng.sample(self.areas, k=min(len(self.areas), self.rng.randint(1, 4)))
        wanted = next((a for a in self.areas if prefer and prefer in a.code), None)
        if wanted is not None and wanted not in areas:
            areas[0] = wanted
        elif wanted is not None:
            areas.remove(wanted)
            areas.insert(0, wanted)
        return {area: 3 if n == 0 else self.rng.choice([1, 2, 2]) for n, area in enumerate(areas)}

    def _start_days(self, first: date, last: date) -> list[date]:
        """Monday to Thursday, outside the year-end holidays."""
        days = []
        day = first
        while day <= last:
            holidays = (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day < 4)
            if day.weekday() < 4 and not holidays:
                days.append(day)
            day += timedelta(days=1)
        return days

    def _visit(
        self,
        *,
        country: Country,
        size: int,
        status: str,
        starts: list[date] | None,
        length: int | None = None,
        prefer: str | None = None,
    ) -> _Planned:
        rng = self.rng
        length = length or rng.choices(range(1, MAX_VISIT_DAYS + 1), weights=LENGTH_WEIGHTS)[0]
        wants_hq = bool(self.hq) and rng.random() < HQ_BRIEFING_SHARE
        start: date | None = None
        if starts:
            candidates = [rng.choice(starts) for _ in range(12)]
            start = next((d for d in candidates if not wants_hq or self._hq_for(d)), None)
            if start is None:  # headquarters full on every day tried: no briefing this time
                start, wants_hq = candidates[0], False
        agencies = self.agencies.get(country.pk, [])
        agency = rng.choice(agencies) if agencies else None
        sponsor = rng.choices(self.sponsors, weights=self.sponsor_weights)[0]
        focus = self._focus(prefer)
        anchor = start or self.today + timedelta(days=rng.randint(60, 150))
        window_start = anchor - timedelta(days=rng.choice([0, 0, 3, 7, 14]))
        region = self.region_of.get(country.pk, "")
        requested_by = (
            self.attache
            if region == "WHA" and self.attache
            else self.sponsor_user
            if rng.random() < 0.25 and self.sponsor_user
            else self.ivp
        )
        visit = Visit(
            country=country,
            agency=agency,
            sponsor=sponsor,
            purpose=rng.choice(PURPOSES).format(
                agency=agency.name if agency else f"customs of {country.name}",
                country=country.name,
                focus=next(iter(focus)).name.lower() if focus else "border management",
                sponsor=SPONSOR_LABELS.get(str(sponsor.code), str(sponsor)),
            ),
            earliest_start=window_start,
            latest_end=anchor + timedelta(days=length - 1 + rng.choice([0, 0, 4, 7, 14])),
            length_days=length,
            delegation_size=size,
            wants_hq_briefing=wants_hq,
            status=status,
            starts_on=start,
            ends_on=start + timedelta(days=length - 1) if start else None,
            requested_by=requested_by,
            created_at=_at(min(anchor - timedelta(days=rng.randint(45, 150)), self.today), 9),
        )
        planned = _Planned(visit=visit, focus=focus)
        self.planned.append(planned)
        return planned

    def _why(self, site: Site, focus: dict[FocusArea, int]) -> str:
        strengths = self.strength[site.pk]
        shown = [(strengths.get(a.pk, 0) * p, strengths.get(a.pk, 0), a) for a, p in focus.items()]
        score, strength, area = max(
            shown, key=lambda t: (t[0], t[1], t[2].code), default=(0, 0, None)
        )
        if area is None or score == 0:
            return f"In {site.city} that day; a general tour."
        if strength == 3:
            return f"Among the best places to see {area.name.lower()} (priority {focus[area]})."
        return f"Shows {area.name.lower()} (priority {focus[area]})."

    def _scores(self, focus: dict[FocusArea, int]) -> dict[int, int]:
        """How well each site shows what the delegation comes for: strength times priority."""
        scores = dict.fromkeys(self.strength, 0)
        for area, priority in focus.items():
            for pk, strength in self.by_area.get(area.pk, ()):
                scores[pk] += strength * priority
        return scores

    def _available(self, day: date, seen: set[int]) -> dict[tuple[str, str], list[Site]]:
        """Sites (not headquarters) open that day with room left, by city."""
        by_city: dict[tuple[str, str], list[Site]] = {}
        usage, closed = self.usage, self.closed
        for pk, town, capacity, site in self.open_on[day.weekday()]:
            if pk in seen or (pk, day) in closed or usage.get((pk, day), 0) >= capacity:
                continue
            by_city.setdefault(town, []).append(site)
        return by_city

    def _far(self, here: int | None, there: int) -> int:
        """How much less likely a city is as the next one when getting there is a long move,
        which costs the next day its morning."""
        if here is not None and self.catalog.km[here][there] > planner.LONG_MOVE_KM:
            return FAR_CITY_PENALTY
        return 1

    def _itinerary(
        self, planned: _Planned, answer: str, towns: Sequence[tuple[str, str]] = ()
    ) -> None:
        """One to three stops a day in one city, at sites open that day with room left;
        headquarters first when asked for; a few days in each city, then the next, and only
        one stop on a day that starts with a long move. ``towns`` are visited first, and the
        first of their hosts' sites seen is a must-see. Checked with the planner's rules and
        timed by the day schedule (``_keep``)."""
        visit, focus, rng = planned.visit, planned.focus, self.rng
        if visit.starts_on is None or visit.ends_on is None:
            return
        km = self.catalog.km
        scores = self._scores(focus)
        weights = {
            city: 1 + sum(sorted((scores[s.id] for s in sites), reverse=True)[:3]) ** 1.5
            for city, sites in self.cities.items()
        }
        forced = list(towns)
        hosted = {s.id for s in self.host_sites} if towns else set()
        seen_sites: set[int] = set()
        seen_cities: set[tuple[str, str]] = set()
        city: tuple[str, str] | None = None
        # Where yesterday's stops were (None after a day without stops: the move is behind).
        yesterday: int | None = None
        stay = 0
        day = visit.starts_on
        first = True
        stops: list[Stop] = []
        day_sites: list[list[int]] = []
        while day <= visit.ends_on:
            chosen: list[tuple[Site, str]] = []
            if first and visit.wants_hq_briefing:
                hq = self._hq_for(day, scores)
                if hq is not None:
                    chosen.append((hq, "Headquarters briefing on the first working day."))
                    extra = [
                        s
                        for s in self._available(day, seen_sites).get((hq.city, hq.state), [])
                        if scores[s.id] > 0
                    ]
                    if extra and rng.random() < 0.4:
                        site = max(extra, key=lambda s: (scores[s.id], s.code))
                        chosen.append((site, self._why(site, focus)))
            elif day.weekday() >= 5 and rng.random() < 0.7:
                pass  # a weekend day off
            else:
                available = self._available(day, seen_sites)
                if forced and forced[0] in available:
                    city, stay = forced.pop(0), 1
                elif city is None or stay <= 0 or city not in available:
                    towns_open = sorted(c for c in available if c not in seen_cities)
                    here = self.city_at[city] if city is not None else None
                    city = (
                        rng.choices(
                            towns_open,
                            weights=[
                                weights[c] / self._far(here, self.city_at[c]) for c in towns_open
                            ],
                        )[0]
                        if towns_open
                        else None
                    )
                    stay = rng.choice([1, 2, 2, 3])
                if city is not None:
                    seen_cities.add(city)
                    stay -= 1
                    open_sites = sorted(
                        available[city],
                        key=lambda s: (
                            s.id not in hosted,
                            -scores[s.id] - 2 * rng.random(),
                            s.code,
                        ),
                    )
                    count = rng.choices([1, 2, 3], weights=[35, 45, 20])[0]
                    if yesterday is not None and km[yesterday][self.city_at[city]] > (
                        planner.LONG_MOVE_KM
                    ):
                        # The morning is spent travelling: one stop in the afternoon.
                        count = min(count, planner.STOPS_AFTER_LONG_MOVE)
                    chosen += [(s, self._why(s, focus)) for s in open_sites[:count]]
            answered = answer in (HostAnswer.ACCEPTED, HostAnswer.DECLINED)
            day_sites.append([site.id for site, _ in chosen])
            yesterday = self.catalog.city_of[chosen[0][0].id] if chosen else None
            for order, (site, why) in enumerate(chosen, 1):
                seen_sites.add(site.id)
                stops.append(
                    Stop(
                        visit=visit,
                        site=site,
                        day=day,
                        order=order,
                        why=why[:300],
                        answer=answer,
                        answered_at=_at(
                            min(visit.starts_on - timedelta(days=rng.randint(10, 40)), self.today),
                            14,
                        )
                        if answered
                        else None,
                    )
                )
            if chosen:
                first = False
            day += timedelta(days=1)
        if towns:
            visited = {stop.site.pk for stop in stops}
            planned.must_see = [
                s for s in self.host_sites if (s.city, s.state) in towns and s.pk in visited
            ][:1]
        self._keep(planned, stops, day_sites, answer)

    def _request(self, planned: _Planned) -> planner.VisitRequest:
        """The visit as the planner sees it (named, as it has no id yet)."""
        visit = planned.visit
        return planner.VisitRequest(
            id=f"{visit.country.code} {visit.earliest_start}",
            focus={str(area.code): priority for area, priority in planned.focus.items()},
            earliest_start=visit.earliest_start,
            latest_end=visit.latest_end,
            length_days=visit.length_days,
            must_see=frozenset(site.pk for site in planned.must_see),
            wants_hq_briefing=visit.wants_hq_briefing,
        )

    def _keep(
        self, planned: _Planned, stops: list[Stop], day_sites: list[list[int]], answer: str
    ) -> None:
        """Keep the itinerary if it keeps every hard rule of the planner (``check_itinerary``,
        against the capacity the visits before it hold); if not, put the planner's own
        itinerary from the same start in its place. Either way each stop gets the day
        schedule's time, and takes its place of capacity."""
        visit = planned.visit
        assert visit.starts_on is not None
        request = self._request(planned)
        itinerary = planner.itinerary_of(request, self.catalog, visit.starts_on, day_sites)
        problems = planner.check_itinerary(request, self.catalog, itinerary, self.usage)
        if problems:
            repaired = planner.quick_itinerary(
                request, self.catalog, self.usage, starts=[visit.starts_on]
            )
            if repaired is None:
                raise RuntimeError(
                    f"The demo's itinerary for {visit} breaks the planner's rules "
                    f"({'; '.join(problems[:3])}) and the planner finds none from "
                    f"{visit.starts_on}."
                )
            itinerary = repaired
            stops = self._stops_of(planned, itinerary, answer)
        by_day: dict[date, list[Stop]] = {}
        for stop in stops:
            by_day.setdefault(stop.day, []).append(stop)
        for day in itinerary.days:
            kept = by_day.get(day.date, [])
            times = selectors.stop_times(len(kept), move_km=day.move_km)
            for stop, starts_at in zip(kept, times, strict=True):
                stop.starts_at = starts_at
                self.usage[(stop.site.pk, stop.day)] = (
                    self.usage.get((stop.site.pk, stop.day), 0) + 1
                )
        planned.stops.extend(stops)

    def _stops_of(self, planned: _Planned, itinerary: planner.Itinerary, answer: str) -> list[Stop]:
        """The planner's itinerary as the visit's stops, with its reasons."""
        visit = planned.visit
        assert visit.starts_on is not None
        sites = {s.pk: s for s in self.sites}
        answered = answer in (HostAnswer.ACCEPTED, HostAnswer.DECLINED)
        return [
            Stop(
                visit=visit,
                site=sites[int(stop.site_id)],
                day=day,
                order=stop.order,
                why=stop.why[:300],
                answer=answer,
                answered_at=_at(
                    min(visit.starts_on - timedelta(days=self.rng.randint(10, 40)), self.today),
                    14,
                )
                if answered
                else None,
            )
            for day, stop in itinerary.stops
        ]

    def _plan_year(self, year: int, plan: YearPlan) -> None:
        rng = self.rng
        fy = FiscalYear(year)
        starts = self._start_days(fy.start, fy.end)
        weights = [REGION_WEIGHTS.get(self.region_of[c.pk], 1) for c in self.countries]
        chosen = _weighted_sample(rng, self.countries, weights, plan.countries)
        affinity = [
            REGION_WEIGHTS.get(self.region_of[c.pk], 1) * rng.uniform(0.3, 3.0) for c in chosen
        ]
        countries = chosen + rng.choices(chosen, weights=affinity, k=plan.visits - len(chosen))
        rng.shuffle(countries)
        sizes = _sizes(rng, plan.visits, rng.randint(*plan.officials))
        for country, size in zip(countries, sizes, strict=True):
            planned = self._visit(
                country=country, size=size, status=VisitStatus.COMPLETED, starts=starts
            )
            visit = planned.visit
            if visit.ends_on is not None and visit.ends_on >= self.today:
                visit.status = VisitStatus.CONFIRMED
            self._itinerary(planned, HostAnswer.ACCEPTED)
        for _ in range(plan.declined):
            planned = self._visit(
                country=rng.choice(self.countries),
                size=rng.randint(3, 8),
                status=VisitStatus.DECLINED,
                starts=None,
            )
            visit = planned.visit
            visit.earliest_start = rng.choice(starts)
            visit.latest_end = visit.earliest_start + timedelta(days=visit.length_days + 13)
            visit.created_at = _at(visit.earliest_start - timedelta(days=rng.randint(30, 90)))
            visit.status_reason = rng.choice(DECLINE_REASONS)
        for _ in range(plan.cancelled):
            planned = self._visit(
                country=rng.choice(chosen),
                size=rng.randint(3, 8),
                status=VisitStatus.CANCELLED,
                starts=starts,
            )
            planned.visit.status_reason = rng.choice(CANCEL_REASONS)

    def _upcoming(self) -> None:
        """Requests in the works: some just filed, some being planned, some waiting on hosts
        (the demo site host's ports among them)."""
        rng = self.rng
        first = self.today + timedelta(days=30)
        starts = self._start_days(first, first + timedelta(days=120))
        starts = [d for d in starts if d.weekday() == 0] or starts
        host_towns = list(dict.fromkeys((s.city, s.state) for s in self.host_sites))
        waiting = 0
        for status, code in UPCOMING:
            country = self.country_by_code.get(code) or rng.choice(self.countries)
            dated = status != VisitStatus.REQUESTED
            planned = self._visit(
                country=country,
                size=rng.randint(4, 8),
                status=status,
                starts=starts if dated else None,
                length=rng.randint(4, 6),
                prefer="land" if self.region_of.get(country.pk) == "WHA" else None,
            )
            if status == VisitStatus.PLANNING:
                self._itinerary(planned, HostAnswer.PLANNED)
            elif status == VisitStatus.SITES_REQUESTED:
                towns = [host_towns[waiting % len(host_towns)]] if host_towns else []
                if waiting == 2 and len(host_towns) > 1:
                    towns = host_towns[:2]
                waiting += 1
                self._itinerary(planned, HostAnswer.ASKED, towns)
                hosted = {s.pk for s in self.host_sites}
                for stop in planned.stops:
                    if stop.site.pk not in hosted and rng.random() < 0.5:
                        stop.answer = HostAnswer.ACCEPTED
                        stop.answered_at = _at(self.today - timedelta(days=rng.randint(1, 6)), 15)

    # --- delegations ----------------------------------------------------------------------

    def _take(self, pool: list[Person], need: int, chosen: dict[int, Person], start: date) -> None:
        tries = need * 3 + 10
        while need > 0 and tries > 0 and pool:
            tries -= 1
            person = self.people_rng.choice(pool)
            if person.pk in chosen or self.busy_until.get(person.pk, date.min) >= start:
                continue
            chosen[person.pk] = person
            need -= 1

    def _delegation(self, planned: _Planned, named: int, fresh: Sequence[Person] = ()) -> None:
        """Officials of the visiting country first, then of its region, then anyone free; at a
        small scale people travel more often rather than delegations come out short."""
        visit = planned.visit
        start = visit.starts_on or visit.earliest_start
        chosen: dict[int, Person] = {p.pk: p for p in fresh[:named]}
        self._take(self.by_country.get(visit.country_id, []), named - len(chosen), chosen, start)
        region = self.region_of.get(visit.country_id, "")
        self._take(self.by_region.get(region, []), named - len(chosen), chosen, start)
        self._take(self.everyone, named - len(chosen), chosen, start)
        if len(chosen) < named:
            for person in self.people_rng.sample(self.everyone, len(self.everyone)):
                if len(chosen) >= named:
                    break
                chosen.setdefault(person.pk, person)
        people = list(chosen.values())
        head = min(
            people,
            key=lambda p: (
                SENIOR_POSITIONS.index(p.position)
                if p.position in SENIOR_POSITIONS
                else len(SENIOR_POSITIONS),
                p.pk,
            ),
        )
        interpreter = None
        if (
            len(people) >= 4
            and str(visit.country.code) not in ENGLISH_SPEAKING
            and self.people_rng.random() < 0.6
        ):
            interpreter = next(p for p in reversed(people) if p is not head)
        for person in people:
            role = (
                DelegateRole.HEAD
                if person is head
                else DelegateRole.INTERPRETER
                if person is interpreter
                else DelegateRole.MEMBER
            )
            planned.delegates.append(Delegate(visit=visit, person=person, role=role))
            if visit.ends_on is not None:
                self.busy_until[person.pk] = max(
                    self.busy_until.get(person.pk, date.min), visit.ends_on
                )

    def _approve(self, person: Person, starts_on: date, ends_on: date) -> None:
        """A facility-access approval decided before the visit and valid a year past it."""
        rng = self.people_rng
        decided = _at(min(starts_on - timedelta(days=rng.randint(12, 45)), self.today), 15)
        record = self.access.get(person.pk)
        if record is None:
            record = self.access[person.pk] = VettingOutcome(
                VettingStatus.APPROVED, created_at=decided - timedelta(days=60)
            )
        if record.decided_at is None or decided > record.decided_at:
            record.status = VettingStatus.APPROVED
            record.decided_at = decided
            record.submitted_at = decided - timedelta(days=rng.randint(10, 40))
            record.created_at = min(record.created_at, record.submitted_at)
            record.valid_until = max(decided.date() + timedelta(days=365), ends_on)

    def _vet_upcoming(self, planned: _Planned) -> None:
        """Delegates of requests in the works: those never vetted for access before are
        waiting (submitted, or not yet), the others are cleared again through the visit."""
        visit = planned.visit
        ends = visit.ends_on or visit.latest_end
        fresh = {p.pk for p in self.fresh}
        for delegate in planned.delegates:
            person = delegate.person
            if person.pk in self.access:
                continue
            if person.pk not in fresh:
                self._approve(person, self.today + timedelta(days=30), ends)
            elif len(self.access) % 3:
                submitted = _at(self.today - timedelta(days=self.people_rng.randint(3, 20)), 11)
                self.access[person.pk] = VettingOutcome(
                    VettingStatus.SUBMITTED, created_at=submitted, submitted_at=submitted
                )
            else:
                self.access[person.pk] = VettingOutcome(
                    VettingStatus.NOT_SUBMITTED, created_at=_at(self.today - timedelta(days=2))
                )

    # --- the whole thing ----------------------------------------------------------------

    def plan(self) -> None:
        for year, plan in YEARS.items():
            self._plan_year(year, plan)
        self._upcoming()
        self._delegation_pools()
        held = (VisitStatus.CONFIRMED, VisitStatus.COMPLETED)
        for planned in sorted(
            self.planned, key=lambda p: p.visit.starts_on or p.visit.earliest_start
        ):
            visit = planned.visit
            upcoming = visit.status in (
                VisitStatus.REQUESTED,
                VisitStatus.PLANNING,
                VisitStatus.SITES_REQUESTED,
            )
            named = visit.delegation_size
            if visit.status == VisitStatus.REQUESTED:
                named = max(1, visit.delegation_size // 2)  # the rest still to be named
            elif visit.status == VisitStatus.DECLINED:
                named = 1
            fresh: list[Person] = []
            if upcoming and self.fresh:
                fresh = self.people_rng.sample(self.fresh, min(2, len(self.fresh)))
            self._delegation(planned, min(named, len(self.everyone)), fresh)
            if visit.status in held and visit.starts_on and visit.ends_on:
                for delegate in planned.delegates:
                    self._approve(delegate.person, visit.starts_on, visit.ends_on)
            elif upcoming:
                self._vet_upcoming(planned)

    def write(self) -> VisitDemoResult:
        self._link_host()
        visits = create_with_history(Visit, [p.visit for p in self.planned])
        audit_created(visits, "visit.requested")
        VisitFocus.objects.bulk_create(
            [
                VisitFocus(visit=p.visit, focus_area=area, priority=priority)
                for p in self.planned
                for area, priority in p.focus.items()
            ],
            batch_size=2000,
        )
        through = Visit.must_see.through
        through.objects.bulk_create(
            [through(visit_id=p.visit.pk, site_id=s.pk) for p in self.planned for s in p.must_see]
        )
        delegates = create_with_history(Delegate, [d for p in self.planned for d in p.delegates])
        audit_created(delegates, "visit.delegate_added")
        # The itinerary is the visit's plan: the visit's own entry covers its stops.
        stops = create_with_history(Stop, [s for p in self.planned for s in p.stops])
        vetting = self._write_access()
        self._backdate_registry()
        return VisitDemoResult(
            visits=len(visits), delegates=len(delegates), stops=len(stops), vetting=vetting
        )

    def _link_host(self) -> None:
        """The demo site host is a site-host staff member who hosts the Laredo and San Ysidro
        ports; the other site hosts share the rest of the registry."""
        hosts = list(Staff.objects.filter(kind=StaffKind.SITE_HOST, active=True).order_by("pk"))
        if not hosts:
            return
        through = Site.hosts.through
        if through.objects.exists():
            return
        mine = hosts[0]
        if (
            self.host_user is not None
            and not mine.user_id
            and not Staff.objects.filter(user=self.host_user).exists()
        ):
            mine.user = self.host_user
            mine.save(update_fields=["user"])
            AuditEntry.objects.create(
                actor_name="system",
                action="staff.updated",
                object_type="people.staff",
                object_id=str(mine.pk),
                object_label=str(mine),
                channel="cli",
                changes={"user": [None, self.host_user.get_username()]},
            )
        links = [(s.pk, mine.pk) for s in self.host_sites]
        others = hosts[1:] or hosts
        hosted = {s.pk for s in self.host_sites}
        for n, site in enumerate(s for s in self.sites if s.pk not in hosted):
            links.append((site.pk, others[n % len(others)].pk))
        through.objects.bulk_create(
            [through(site_id=site_id, staff_id=staff_id) for site_id, staff_id in sorted(links)],
            ignore_conflicts=True,
        )

    def _write_access(self) -> int:
        existing = {r.person_id: r for r in VettingRecord.objects.filter(purpose=Purpose.ACCESS)}
        records = []
        updated = []
        for person_id, state in sorted(self.access.items()):
            values = {
                "status": state.status,
                "valid_until": state.valid_until
                if state.status == VettingStatus.APPROVED
                else None,
                "reference": f"FA-{state.submitted_at:%Y}-{person_id:06d}"
                if state.submitted_at
                else "",
                "submitted_at": state.submitted_at,
                "decided_at": state.decided_at,
            }
            if person_id in existing:
                record = existing[person_id]
                for name, value in values.items():
                    setattr(record, name, value)
                updated.append(record)
                continue
            records.append(
                VettingRecord(
                    person=self.person_by_pk[person_id],
                    purpose=Purpose.ACCESS,
                    created_at=state.created_at,
                    **values,
                )
            )
        if updated:
            VettingRecord.objects.bulk_update(
                updated, ["status", "valid_until", "reference", "submitted_at", "decided_at"]
            )
        records = create_with_history(VettingRecord, records)
        for status in (VettingStatus.APPROVED, VettingStatus.SUBMITTED):
            audit_created([r for r in records if r.status == status], f"vetting.{status}")
        audit_created(
            [r for r in records if r.status == VettingStatus.NOT_SUBMITTED], "vetting.created"
        )
        return len(records) + len(updated)

    def _backdate_registry(self) -> None:
        """Delegates are in the registry before their first visit request, and their agency
        before them."""
        first: dict[int, datetime] = {}
        for planned in self.planned:
            for delegate in planned.delegates:
                pk = delegate.person.pk
                first[pk] = min(first.get(pk, planned.visit.created_at), planned.visit.created_at)
        for pk, state in self.access.items():
            first[pk] = min(first.get(pk, state.created_at), state.created_at)
        backdate_registry(first, self.person_by_pk, self.agencies, self.people_rng)


def build_visit_demo(*, scale: float, seed: int, today: date | None = None) -> VisitDemoResult:
    """Visits for FY2013 to FY2017 with their delegations, itineraries and access vetting,
    and a few requests in the works after ``today``.

    Needs the site registry, the catalog's funding sources, people, staff and the demo
    accounts; run once, by ``build_demo``.
    """
    demo = _VisitDemo(scale=scale, seed=seed, today=today or timezone.localdate())
    demo.plan()
    return demo.write()
