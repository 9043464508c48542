"""Every change to partners: reference data loading and agency registry upkeep."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from liaison.audit.services import apply_changes, audit_log, audit_log_many, diff, snapshot
from liaison.core import reference
from liaison.core.access import require_perm
from liaison.partners.models import Agency, AgencyKind, Country, Region

AGENCY_FIELDS = (
    "name",
    "acronym",
    "national_name",
    "national_acronym",
    "kind",
    "country",
    "website",
    "notes",
)
# The columns of data/agencies.csv that the reference data keeps up to date on an agency.
REFERENCE_AGENCY_FIELDS = ("kind", "acronym", "national_name", "national_acronym", "website")


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


@transaction.atomic
def reference_agencies_load() -> int:
    """Load the partner agencies of ``data/agencies.csv`` (national customs administrations,
    border police and immigration agencies, with their official names); safe to run again.

    An agency is known by its country and English name: a row already loaded is updated
    where the file differs (kind, acronyms, national name, website), never duplicated, and
    what an administrator wrote in its notes is kept. Returns how many rows the file has.
    """
    rows = list(reference.rows("agencies"))
    countries = {str(c.code): c for c in Country.objects.filter(code__in={r["iso2"] for r in rows})}
    missing = sorted({r["iso2"] for r in rows} - set(countries))
    if missing:
        raise ValueError(f"Load the countries first: no country {', '.join(missing)}.")
    existing = {
        (a.country_id, a.name): a
        for a in Agency.objects.filter(country__in=countries.values()).select_related("country")
    }
    new: list[Agency] = []
    changed: list[tuple[Agency, str, dict[str, list[Any]]]] = []
    for row in rows:
        country = countries[row["iso2"]]
        values = {field: row[field].strip() for field in REFERENCE_AGENCY_FIELDS}
        agency = existing.get((country.pk, row["name"].strip()))
        if agency is None:
            agency = Agency(
                name=row["name"].strip(),
                country=country,
                notes=f"Official name from the reference data; source: {row['source'].strip()}",
                **values,
            )
            agency.full_clean(validate_unique=False, validate_constraints=False)
            new.append(agency)
            existing[(country.pk, agency.name)] = agency
            continue
        before = snapshot(agency, REFERENCE_AGENCY_FIELDS)
        for field, value in values.items():
            setattr(agency, field, value)
        changes = diff(before, snapshot(agency, REFERENCE_AGENCY_FIELDS))
        if changes:
            agency.full_clean(validate_unique=False, validate_constraints=False)
            agency.save()  # one historical record each; changes to reference rows are rare
            changes["source"] = [None, "reference data"]
            changed.append((agency, "agency.updated", changes))
    created = bulk_create_with_history(new, Agency, batch_size=1000)
    audit_log_many(
        actor=None,
        action="agency.created",
        entries=((a, {"source": [None, "reference data"]}) for a in created),
    )
    audit_log_many(actor=None, action="agency.updated", entries=((a, c) for a, _, c in changed))
    return len(rows)


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
    national_name: str = "",
    national_acronym: str = "",
    website: str = "",
    notes: str = "",
    perm: str = "partners.add_agency",
) -> Agency:
    """Register a foreign agency; ``perm`` is "partners.register_agency_from_file" when a
    roster import registers the agency its rows name, which whoever runs the roster may do."""
    require_perm(actor, perm, country)
    agency = Agency(
        name=name.strip(),
        kind=kind,
        country=country,
        acronym=acronym.strip(),
        national_name=national_name.strip(),
        national_acronym=national_acronym.strip(),
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
