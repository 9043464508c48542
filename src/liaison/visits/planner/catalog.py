"""The sites indexed once, with the distance between every two cities: the planner's geometry."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from liaison.visits.planner.data import Key, Site

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance: the planner's measure of a move between cities."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class SiteCatalog:
    """Sites indexed once, with the distance between every two cities (whole km), so that
    planning many visits does not redo the geometry. A city sits at its sites' centroid."""

    def __init__(self, sites: Iterable[Site]) -> None:
        self.sites: dict[Key, Site] = {}
        for site in sites:
            if site.id in self.sites:
                raise ValueError(f"Site {site.id!r} is listed twice.")
            self.sites[site.id] = site
        points: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for site in self.sites.values():
            points[site.city].append((site.lat, site.lon))
        self.cities: list[str] = sorted(points)
        self.city_index: dict[str, int] = {name: i for i, name in enumerate(self.cities)}
        self.city_point: list[tuple[float, float]] = [
            (
                sum(p[0] for p in points[name]) / len(points[name]),
                sum(p[1] for p in points[name]) / len(points[name]),
            )
            for name in self.cities
        ]
        self.km: list[list[int]] = [
            [round(haversine_km(*a, *b)) for b in self.city_point] for a in self.city_point
        ]
        self.city_of: dict[Key, int] = {
            site.id: self.city_index[site.city] for site in self.sites.values()
        }
        self.headquarters: list[Key] = sorted(
            (site.id for site in self.sites.values() if site.is_headquarters), key=str
        )

    def km_from(self, point: tuple[float, float]) -> list[int]:
        return [round(haversine_km(*point, *city)) for city in self.city_point]


def _catalog(sites: Iterable[Site] | SiteCatalog) -> SiteCatalog:
    return sites if isinstance(sites, SiteCatalog) else SiteCatalog(sites)
