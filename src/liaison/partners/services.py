"""Every change to partners: reference data loading and agency registry upkeep."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.audit.services import apply_changes, audit_log, diff, snapshot
from liaison.core import reference
from liaison.core.access import require_perm
from liaison.partners.models import Agency, AgencyKind, Country, Region

AGENCY_FIELDS = ("name", "acronym", "kind", "country", "website", "notes")


@transaction.atomic
def reference_partners_load() -> dict[str, int]:
    """Load bureaus and countries from the shipped data files; safe to run again."""
    if not Region.objects.exists():
        regions_new = Region.objects.bulk_create(
            [Region(code=r["code"], name=r["name"]) for r in reference.rows("bureaus")]
        )
        by_code = {r.code: r for r in regions_new}
        countries_new = Country.objects.bulk_create(
            [
                Country(code=r["iso2"], name=r["country"], region=by_code.get(r["bureau"]))
                for r in reference.rows("regions")
            ]
        )
        return {"regions": len(regions_new), "countries": len(countries_new)}
    regions = {}
    for row in reference.rows("bureaus"):
        region, _ = Region.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )
        regions[region.code] = region
    countries = 0
    for row in reference.rows("regions"):
        Country.objects.update_or_create(
            code=row["iso2"],
            defaults={"name": row["country"], "region": regions.get(row["bureau"])},
        )
        countries += 1
    return {"regions": len(regions), "countries": countries}


def _validate_agency(agency: Agency) -> None:
    if agency.kind not in AgencyKind.values:
        raise ValidationError({"kind": "Choose a kind of agency."})
    agency.full_clean()


@transaction.atomic
def agency_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    country: Country,
    acronym: str = "",
    website: str = "",
    notes: str = "",
) -> Agency:
    require_perm(actor, "partners.add_agency", country)
    agency = Agency(
        name=name.strip(),
        kind=kind,
        country=country,
        acronym=acronym.strip(),
        website=website.strip(),
        notes=notes,
    )
    _validate_agency(agency)
    agency.save()
    audit_log(
        actor=actor,
        action="agency.created",
        obj=agency,
        changes=diff({}, snapshot(agency, AGENCY_FIELDS)),
    )
    return agency


@transaction.atomic
def agency_update(*, actor: Any, agency: Agency, **changes: Any) -> Agency:
    require_perm(actor, "partners.change_agency", agency)
    if "country" in changes:
        # Moving an agency is adding it to the new country: the scope must hold there too.
        require_perm(actor, "partners.add_agency", changes["country"])
    apply_changes(
        actor=actor,
        obj=agency,
        changes=changes,
        fields=AGENCY_FIELDS,
        action="agency.updated",
        validate=_validate_agency,
    )
    return agency
