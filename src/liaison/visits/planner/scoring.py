"""What stops are worth: the covered focus score, with diminishing returns per focus area.

``_Visit`` reads one request against the catalog and the capacity other visits hold, once: what
a stop earns given the stops so far, and which site-days the visit may use. Both planners and
the rule checks read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from liaison.visits.planner.catalog import SiteCatalog
from liaison.visits.planner.data import MAX_VISIT_DAYS, Key, Site, Usage, VisitRequest

# Diminishing returns: the k-th best stop covering a focus area earns
# priority x strength x COVERAGE_WEIGHTS[k]; stops past the last weight earn nothing.
COVERAGE_WEIGHTS = (6, 3, 2, 1)
MAX_STRENGTH = 3


def coverage_score(request: VisitRequest, sites: Iterable[Site]) -> int:
    """The focus score of a set of stops: per focus area, the strengths sorted from the
    strongest, the k-th earning priority x strength x COVERAGE_WEIGHTS[k]."""
    strengths: dict[str, list[int]] = defaultdict(list)
    for site in sites:
        for area, strength in site.focus.items():
            if area in request.focus:
                strengths[area].append(strength)
    total = 0
    for area, found in strengths.items():
        found.sort(reverse=True)
        for weight, strength in zip(COVERAGE_WEIGHTS, found, strict=False):
            total += request.focus[area] * strength * weight
    return total


class _Visit:
    """One request against a catalog and the capacity others use: what is usable when, and
    the per-site data both planners read."""

    def __init__(self, request: VisitRequest, catalog: SiteCatalog, usage: Usage) -> None:
        self.request = request
        self.catalog = catalog
        self.usage = usage
        self.length = request.length_days
        span = (request.latest_end - request.earliest_start).days + 1
        self.window = [request.earliest_start + timedelta(days=n) for n in range(max(0, span))]
        self.starts = (
            self.window[: len(self.window) - self.length + 1]
            if 1 <= self.length <= MAX_VISIT_DAYS
            else []
        )
        self.pins = sorted(request.pinned, key=lambda pin: (pin[1], str(pin[0])))
        self.pinned_sites = {site_id for site_id, _ in request.pinned}
        self.arrival_km = catalog.km_from(request.arrival) if request.arrival else None
        self.areas = sorted(request.focus)
        area_index = {area: i for i, area in enumerate(self.areas)}
        self.priority = [request.focus[area] for area in self.areas]
        banned = request.excluded_sites | request.must_avoid
        self.site_areas: dict[Key, list[tuple[int, int]]] = {}
        for site in catalog.sites.values():
            if site.id in banned:
                continue
            covered = [
                (area_index[area], min(MAX_STRENGTH, strength))
                for area, strength in site.focus.items()
                if area in area_index and strength > 0
            ]
            if covered:
                self.site_areas[site.id] = covered
        # The sites worth a stop: they earn, or a rule asks for them.
        wanted = set(self.site_areas) | self.pinned_sites | set(request.must_see)
        if request.wants_hq_briefing:
            wanted |= set(catalog.headquarters)
        self.sites = sorted((s for s in wanted if s in catalog.sites and s not in banned), key=str)
        self.hq = [s for s in self.sites if catalog.sites[s].is_headquarters]
        self.by_city: dict[int, list[Key]] = defaultdict(list)
        for site_id in self.sites:
            self.by_city[catalog.city_of[site_id]].append(site_id)
        self.cities = sorted(self.by_city)
        self.standalone = {s: self.gain(s, self.empty_counts()) for s in self.sites}
        self._usable: dict[tuple[Key, date], bool] = {}

    def empty_counts(self) -> list[list[int]]:
        return [[0] * MAX_STRENGTH for _ in self.areas]

    def gain(self, site_id: Key, counts: list[list[int]]) -> int:
        """What one more stop at the site adds, given the coverage so far (per area, per
        strength level, how many stops reach it)."""
        total = 0
        for area, strength in self.site_areas.get(site_id, ()):
            levels = counts[area]
            for level in range(strength):
                if levels[level] < len(COVERAGE_WEIGHTS):
                    total += self.priority[area] * COVERAGE_WEIGHTS[levels[level]]
        return total

    def score(self, site_ids: Iterable[Key]) -> int:
        """The coverage score of these stops (as coverage_score, from the indexed data)."""
        counts = self.empty_counts()
        total = 0
        for site_id in site_ids:
            total += self.gain(site_id, counts)
            self.add(site_id, counts)
        return total

    def add(self, site_id: Key, counts: list[list[int]]) -> None:
        for area, strength in self.site_areas.get(site_id, ()):
            for level in range(strength):
                counts[area][level] += 1

    def is_open(self, site_id: Key, day: date) -> bool:
        site = self.catalog.sites[site_id]
        return day.weekday() in site.open_weekdays and day not in site.blackouts

    def room(self, site_id: Key, day: date, usage: Usage | None = None) -> int:
        used = (self.usage if usage is None else usage).get((site_id, day), 0)
        return self.catalog.sites[site_id].daily_capacity - used

    def usable(
        self,
        site_id: Key,
        day: date,
        *,
        relax: frozenset[str] = frozenset(),
        usage: Usage | None = None,
    ) -> bool:
        plain = not relax and (usage is None or usage is self.usage)
        if plain and (site_id, day) in self._usable:
            return self._usable[site_id, day]
        fits = (
            (site_id, day) not in self.request.excluded_stops
            and ("closures" in relax or self.is_open(site_id, day))
            and ("capacity" in relax or self.room(site_id, day, usage) > 0)
        )
        if plain:
            # Both planners ask the same site-days again and again.
            self._usable[site_id, day] = fits
        return fits

    def name(self, site_id: Key) -> str:
        return self.catalog.sites[site_id].name
