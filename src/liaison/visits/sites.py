"""The site registry's reference data: focus areas and the public U.S. locations delegations
visit, read from ``core/data/visit_focus_areas.csv`` and ``visit_sites.csv``.

A site's street address is filled in only where it is public and confirmed; the others stay
blank (city and state still place them) rather than carry a guessed address."""

from __future__ import annotations

from django.db import transaction

from liaison.core import reference
from liaison.visits.models import WEEKDAY_NAMES, FocusArea, Site, SiteFocus


def parse_weekdays(text: str) -> str:
    """ "Mon-Fri" → "01234"; "Mon,Wed,Fri" → "024"; "Tue-Thu" → "123"."""
    days: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        first, _, last = part.partition("-")
        start = WEEKDAY_NAMES.index(first[:3].title())
        end = WEEKDAY_NAMES.index(last[:3].title()) if last else start
        if end < start:
            raise ValueError(f"“{part}” runs backwards.")
        days.update(range(start, end + 1))
    return "".join(str(day) for day in sorted(days))


def parse_focus(text: str) -> dict[str, int]:
    """ "targeting_risk:3;automation_it:2" → {"targeting_risk": 3, "automation_it": 2}."""
    focus = {}
    for pair in filter(None, text.split(";")):
        code, _, strength = pair.partition(":")
        focus[code.strip()] = int(strength)
    return focus


@transaction.atomic
def reference_sites_load() -> dict[str, int]:
    """Load focus areas and sites; safe to run again (a site's edits in the app are kept)."""
    areas = {}
    for row in reference.rows("visit_focus_areas"):
        areas[row["code"]], _ = FocusArea.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "description": row["description"]}
        )
    sites = 0
    for row in reference.rows("visit_sites"):
        site, created = Site.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "environment": row["environment"],
                "city": row["city"],
                "state": row["state"],
                "address": row["address"],
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
                "daily_capacity": int(row["daily_capacity"]),
                "open_weekdays": parse_weekdays(row["weekdays"]),
                "note": row["note"],
            },
        )
        if not created and row["address"] and not site.address:
            # An address confirmed since the site was loaded; one typed in the app is kept.
            site.address = row["address"]
            site.save(update_fields=["address"])
        if created:
            SiteFocus.objects.bulk_create(
                SiteFocus(site=site, focus_area=areas[code], strength=strength)
                for code, strength in parse_focus(row["focus"]).items()
            )
        sites += 1
    return {"focus_areas": len(areas), "sites": sites}
