"""The site registry's writes: what the coordinator keeps current on a site (capacity,
hosting days, address), its blackouts and its hosts; and loading the registry's reference
data, the focus areas and the public U.S. locations delegations visit, from
``core/data/visit_focus_areas.csv`` and ``visit_sites.csv``.

A site's street address is filled in only where it is public and confirmed; the others stay
blank (city and state still place them) rather than carry a guessed address."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.audit.services import audit_log
from liaison.core import reference
from liaison.core.access import require_perm
from liaison.core.formats import date_span
from liaison.people.models import Staff
from liaison.visits.models import (
    WEEKDAY_NAMES,
    FocusArea,
    HostAnswer,
    Site,
    SiteBlackout,
    SiteFocus,
)

# --- the site registry ----------------------------------------------------------------------


@transaction.atomic
def site_update(
    *,
    actor: Any,
    site: Site,
    daily_capacity: int,
    open_weekdays: str,
    address: str,
    note: str,
    active: bool,
) -> Site:
    """What the coordinator keeps current on a site: how many it hosts, on which days, where."""
    require_perm(actor, "visits.manage_sites", site)
    days = set(open_weekdays)
    address, note = address.strip(), note.strip()
    errors: dict[str, str] = {}
    if not 1 <= daily_capacity <= 10:
        errors["daily_capacity"] = "A site hosts 1 to 10 delegations a day."
    if not days:
        errors["open_weekdays"] = "Choose at least one weekday the site hosts."
    elif not days <= set("0123456"):
        errors["open_weekdays"] = "Weekdays run from Monday (0) to Sunday (6)."
    limit = Site._meta.get_field("address").max_length or 0
    if len(address) > limit:
        errors["address"] = f"Keep the address under {limit} characters."
    if errors:
        raise ValidationError(errors)
    values = {
        "daily_capacity": daily_capacity,
        "open_weekdays": "".join(sorted(days)),
        "address": address,
        "note": note,
        "active": active,
    }
    changes = {
        field: [getattr(site, field), value]
        for field, value in values.items()
        if getattr(site, field) != value
    }
    if changes:
        for field, value in values.items():
            setattr(site, field, value)
        site.save(update_fields=list(values))
        audit_log(actor=actor, action="site.updated", obj=site, changes=changes)
    return site


@transaction.atomic
def site_blackout_add(
    *, actor: Any, site: Site, starts_on: date, ends_on: date, reason: str
) -> SiteBlackout:
    """Days the site hosts nobody; the planner keeps delegations away from them."""
    require_perm(actor, "visits.manage_sites", site)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the site is closed on those days."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The blackout ends before it starts."})
    clash = site.blackouts.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).first()
    if clash:
        raise ValidationError(
            {
                "starts_on": "It overlaps the blackout of "
                f"{date_span(clash.starts_on, clash.ends_on)}"
                f" ({clash.reason or 'no reason given'}): change or remove that one instead."
            }
        )
    blackout = SiteBlackout.objects.create(
        site=site, starts_on=starts_on, ends_on=ends_on, reason=reason
    )
    audit_log(
        actor=actor,
        action="site.blackout_added",
        obj=site,
        changes={"blackout": [None, f"{date_span(starts_on, ends_on)}: {reason}"]},
    )
    return blackout


@transaction.atomic
def site_blackout_remove(*, actor: Any, blackout: SiteBlackout) -> None:
    site = blackout.site
    require_perm(actor, "visits.manage_sites", site)
    label = f"{date_span(blackout.starts_on, blackout.ends_on)}: {blackout.reason}"
    blackout.delete()
    audit_log(
        actor=actor, action="site.blackout_removed", obj=site, changes={"blackout": [label, None]}
    )


@transaction.atomic
def site_host_add(*, actor: Any, site: Site, staff: Staff) -> Site:
    """A staff member answers the site's requests from now on: they need a site host account."""
    require_perm(actor, "visits.manage_sites", site)
    if not staff.active:
        raise ValidationError({"staff": f"{staff} is no longer active."})
    if staff.user is None or not staff.user.has_perm("visits.host_inbox"):
        raise ValidationError(
            {"staff": f"{staff} has no site host account, so could not answer the site's requests."}
        )
    if site.hosts.filter(pk=staff.pk).exists():
        raise ValidationError({"staff": f"{staff} already hosts {site.name}."})
    site.hosts.add(staff)
    audit_log(actor=actor, action="site.host_added", obj=site, changes={"host": [None, str(staff)]})
    return site


@transaction.atomic
def site_host_remove(*, actor: Any, site: Site, staff: Staff) -> Site:
    """A host steps down; the last host stays while stops still await an answer."""
    require_perm(actor, "visits.manage_sites", site)
    if not site.hosts.filter(pk=staff.pk).exists():
        raise ValidationError({"staff": f"{staff} does not host {site.name}."})
    waiting = site.stops.filter(answer=HostAnswer.ASKED).count()
    if waiting and site.hosts.count() == 1:
        raise ValidationError(
            {
                "staff": f"{staff} is the only host of {site.name} and {waiting} stop(s) await "
                "an answer: add another host first."
            }
        )
    site.hosts.remove(staff)
    audit_log(
        actor=actor, action="site.host_removed", obj=site, changes={"host": [str(staff), None]}
    )
    return site


# --- the registry's reference data ----------------------------------------------------------


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
