"""The administration's officials who took part in a SAFE assessment: named on the draft,
shown on the assessment and on each official's page (to those who may see the assessment),
kept through a merge of their records."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.capacity import services
from liaison.capacity.models import Assessment
from liaison.capacity.tests.conftest import World
from liaison.conftest import create_agency, create_person
from liaison.people.models import Person
from liaison.people.services import person_merge

pytestmark = pytest.mark.django_db


def _assessment(world: World, participants: list[Person]) -> Assessment:
    return services.assessment_create(
        actor=world.manager,
        program=world.program,
        kind="initial",
        starts_on=date(2025, 11, 3),
        ends_on=date(2025, 11, 7),
        assessors=[world.assessor],
        participants=participants,
    )


def _page(user: User, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_officials_named_on_the_draft_are_audited_and_changed_only_while_a_draft(world: World):
    ana = create_person("Ana", "Quispe", agency=world.program.agency)
    luz = create_person("Luz", "Mamani", agency=world.program.agency)
    assessment = _assessment(world, [ana])
    created = AuditEntry.objects.get(action="assessment.created")
    assert created.changes["participants"] == [None, "Ana Quispe"]
    services.assessment_update(actor=world.advisor, assessment=assessment, participants=[ana, luz])
    changed = AuditEntry.objects.get(action="assessment.participants_changed")
    assert changed.changes["participants"] == ["Ana Quispe", "Ana Quispe, Luz Mamani"]
    assert set(assessment.participants.all()) == {ana, luz}
    Assessment.objects.filter(pk=assessment.pk).update(status="submitted")
    assessment.refresh_from_db()
    with pytest.raises(ValidationError, match="only a draft changes"):
        services.assessment_update(actor=world.manager, assessment=assessment, participants=[])


def test_a_merged_record_cannot_be_named(world: World, users):
    ana = create_person("Ana", "Quispe", agency=world.program.agency)
    twin = create_person("Ana", "Quispe Flores", agency=world.program.agency)
    person_merge(actor=users[Role.ADMINISTRATOR], survivor=ana, duplicate=twin)
    twin.refresh_from_db()
    with pytest.raises(ValidationError, match="merged into another record"):
        _assessment(world, [twin])


def test_merging_two_records_of_one_participant_keeps_one_link(world: World, users):
    ana = create_person("Ana", "Quispe", agency=world.program.agency)
    twin = create_person("Ana", "Quispe Flores", agency=world.program.agency)
    assessment = _assessment(world, [ana, twin])
    person_merge(actor=users[Role.ADMINISTRATOR], survivor=ana, duplicate=twin)
    assert list(assessment.participants.all()) == [ana]


def test_the_person_page_lists_the_assessments_its_reader_may_see(world: World, users, make_user):
    ana = create_person("Ana", "Quispe", agency=world.program.agency)
    other = create_person("Eva", "Rojas", agency=create_agency("PE", name="Ministry"))
    assessment = _assessment(world, [ana])
    person_url = reverse("people:person_detail", args=[ana.pk])
    link = reverse("capacity:assessment_detail", args=[assessment.pk])

    manager_html = _page(world.manager, person_url)
    assert link in manager_html.split('id="safe-assessments"', 1)[1].split("</ul>", 1)[0]
    assert link in _page(world.attache, person_url), "Peru is in the attaché's region"
    stranger = make_user(Role.TRAINING_ADVISOR)  # assesses and mentors in no program
    stranger_html = _page(stranger, person_url)
    assert link not in stranger_html
    assert "Took part in no SAFE assessment you can see" in stranger_html
    vetting_html = _page(users[Role.VETTING_OFFICER], person_url)
    assert 'id="safe-assessments"' not in vetting_html, "vetting does not follow SAFE"
    assert link not in _page(world.manager, reverse("people:person_detail", args=[other.pk]))

    detail = _page(world.manager, link)
    assert "Ana Quispe" in detail.split('id="participants"', 1)[1].split("</dd>", 1)[0]


def test_the_api_gives_the_participants_ids(world: World):
    ana = create_person("Ana", "Quispe", agency=world.program.agency)
    assessment = _assessment(world, [ana])
    client = Client()
    client.force_login(world.manager)
    response = client.get(f"/api/v1/capacity/programs/{world.program.pk}/assessments")
    assert response.status_code == 200
    (listed,) = response.json()
    assert (listed["id"], listed["participants"]) == (assessment.pk, [ana.pk])
