from __future__ import annotations

import pytest
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.audit.models import AppendOnlyError, AuditEntry
from liaison.people import services

pytestmark = pytest.mark.django_db


def test_audit_entries_cannot_be_edited_or_deleted(users, make_person):
    person = services.person_create(actor=users[Role.PROGRAM_MANAGER], family_name="Quispe")
    entry = AuditEntry.objects.get(object_id=str(person.pk))
    entry.action = "person.nothing"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(action="x")
    assert AuditEntry.objects.get(pk=entry.pk).action == "person.created"


def test_web_changes_record_address_and_channel(client, users, country):
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.post(
        reverse("people:person_create"),
        {
            "family_name": "Quispe",
            "given_name": "Ana",
            "gender": "female",
            "nationality": country("PE").pk,
        },
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="person.created")
    assert (entry.ip_address, entry.channel, entry.actor_name) == (
        "10.1.2.3",
        "web",
        users[Role.PROGRAM_MANAGER].username,
    )


def test_administrator_searches_the_audit_trail(client, users):
    manager = users[Role.PROGRAM_MANAGER]
    services.person_create(actor=manager, family_name="Quispe")
    services.person_create(actor=manager, family_name="Mamani", allow_duplicates=True)
    client.force_login(users[Role.ADMINISTRATOR])
    response = client.get(reverse("audit:search"), {"q": "Mamani", "action": "person."})
    assert [e.object_label for e in response.context["page_obj"]] == ["Mamani"]
    csv = client.get(reverse("audit:search"), {"action": "person.", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and b"Quispe" in csv.content


def test_history_tab_shows_the_records_changes(client, users):
    manager = users[Role.PROGRAM_MANAGER]
    person = services.person_create(actor=manager, family_name="Quispe", position="Inspector")
    services.person_update(actor=manager, person=person, position="Chief")
    client.force_login(manager)
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode("utf-8-sig")
    assert "person.updated" in page and "Inspector → Chief" in page
