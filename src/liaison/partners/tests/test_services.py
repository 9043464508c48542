from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.partners import services
from liaison.partners.models import Agency, Country, Region

pytestmark = pytest.mark.django_db


def test_reference_data_loads_every_region_and_country_once(reference):
    assert set(Region.objects.values_list("code", flat=True)) == {
        "AF",
        "EAP",
        "EUR",
        "NEA",
        "SCA",
        "WHA",
    }
    before = Country.objects.count()
    services.reference_partners_load()
    assert Country.objects.count() == before
    # ISO "NA" is Namibia, and ISO "AF" (Afghanistan) is under SCA, not bureau AF.
    assert Country.objects.get(code="NA").name == "Namibia"
    assert Country.objects.get(code="AF").region.code == "SCA"
    assert Country.objects.get(code="US").region is None


def test_attache_adds_agencies_only_in_their_region(users, country):
    attache = users[Role.ATTACHE]
    agency = services.agency_create(
        actor=attache, name="SUNAT Aduanas", kind="customs", country=country("PE")
    )
    assert AuditEntry.objects.get(action="agency.created").object_id == str(agency.pk)
    with pytest.raises(PermissionDenied):
        services.agency_create(
            actor=attache, name="Jordan Customs", kind="customs", country=country("JO")
        )
    with pytest.raises(PermissionDenied):
        services.agency_update(actor=attache, agency=agency, country=country("JO"))
    assert Agency.objects.get(pk=agency.pk).country.code == "PE"


@pytest.mark.parametrize(
    "role", [Role.SPONSOR, Role.VETTING_OFFICER, Role.SITE_HOST, Role.TRAINING_ADVISOR]
)
def test_roles_that_do_not_keep_the_registry_cannot_add_agencies(users, country, role):
    with pytest.raises(PermissionDenied):
        services.agency_create(
            actor=users[role], name="Aduana", kind="customs", country=country("PE")
        )


def test_duplicate_agency_name_in_a_country_is_refused(users, country):
    manager = users[Role.PROGRAM_MANAGER]
    services.agency_create(actor=manager, name="Aduana", kind="customs", country=country("PE"))
    with pytest.raises(ValidationError):
        services.agency_create(actor=manager, name="Aduana", kind="customs", country=country("PE"))
    assert Agency.objects.count() == 1


def test_agency_update_is_audited_with_the_change(users, make_agency):
    agency = make_agency("PE", name="Customs")
    services.agency_update(actor=users[Role.PROGRAM_MANAGER], agency=agency, acronym="SUNAT")
    entry = AuditEntry.objects.get(action="agency.updated")
    assert entry.changes == {"acronym": ["", "SUNAT"]}
