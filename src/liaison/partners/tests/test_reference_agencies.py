from __future__ import annotations

import pytest

from liaison.audit.models import AuditEntry
from liaison.core import reference as data_files
from liaison.partners import services
from liaison.partners.models import Agency, AgencyKind

pytestmark = pytest.mark.django_db


def test_reference_agencies_load_once_with_their_national_names_and_an_audit_entry(reference):
    rows = list(data_files.rows("agencies"))
    assert services.reference_agencies_load() == len(rows)
    assert Agency.objects.count() == len(rows)
    anam = Agency.objects.get(country__code="MX", acronym="ANAM")
    assert anam.kind == AgencyKind.CUSTOMS
    assert anam.national_name == "Agencia Nacional de Aduanas de México"
    assert "source: https://" in anam.notes
    assert anam.history.count() == 1
    created = AuditEntry.objects.filter(action="agency.created", actor_name="system")
    assert created.count() == len(rows)
    # Again: nothing new, nothing changed, nothing audited.
    services.reference_agencies_load()
    assert Agency.objects.count() == len(rows)
    assert AuditEntry.objects.count() == len(rows)
    assert anam.history.count() == 1


def test_a_loaded_agency_edited_by_hand_is_updated_not_duplicated_and_keeps_its_notes(reference):
    services.reference_agencies_load()
    anam = Agency.objects.get(country__code="MX", acronym="ANAM")
    Agency.objects.filter(pk=anam.pk).update(national_name="", website="", notes="Our contact")
    services.reference_agencies_load()
    anam.refresh_from_db()
    assert anam.national_name == "Agencia Nacional de Aduanas de México"
    assert anam.notes == "Our contact"
    updated = AuditEntry.objects.get(action="agency.updated", object_id=str(anam.pk))
    assert updated.changes["national_name"] == ["", "Agencia Nacional de Aduanas de México"]
    assert anam.history.count() == 2
