"""Loading the reference data every app ships (partners, agencies, the catalog, the sites):
one call that spans the apps, so it lives above them."""

from __future__ import annotations

from liaison.catalog.services import reference_catalog_load, reference_safe_framework_load
from liaison.partners.services import reference_agencies_load, reference_partners_load
from liaison.visits.services import reference_sites_load


def reference_load() -> dict[str, int]:
    """All reference data shipped with Liaison: partners and their agencies, the catalog and
    the SAFE Framework its courses build, then the site registry."""
    return {
        **reference_partners_load(),
        "agencies": reference_agencies_load(),
        **reference_catalog_load(),
        **reference_safe_framework_load(),
        **reference_sites_load(),
    }
