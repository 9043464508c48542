"""A person's page on the demo: their training and the visit delegations they came with, each
shown only to a role that sees that program."""

from __future__ import annotations

import pytest

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.agreements.models import RequestPerson
from liaison.capacity.models import Assessment
from liaison.conftest import Demo
from liaison.visits.models import Delegate

pytestmark = pytest.mark.django_db


def _sign_in(client, role: Role) -> None:
    client.force_login(User.objects.filter(role=role, is_active=True).order_by("pk").first())


def test_a_delegate_s_page_lists_the_visits_they_came_with(client, shared_demo: Demo):
    delegate = Delegate.objects.select_related("visit").order_by("pk").first()
    assert delegate is not None
    person = delegate.person
    visits = set(Delegate.objects.filter(person=person).values_list("visit", flat=True))

    _sign_in(client, Role.IVP_COORDINATOR)
    html = client.get(f"/people/{person.pk}/").content.decode()

    assert "Visits to the United States" in html
    for visit in visits:
        assert f'href="/visits/{visit}/"' in html
    assert "No visit delegation you can see" not in html


def test_a_role_that_does_not_see_visits_gets_no_visit_section(client, shared_demo: Demo):
    person = Delegate.objects.order_by("pk").first().person
    _sign_in(client, Role.VETTING_OFFICER)

    html = client.get(f"/people/{person.pk}/").content.decode()

    assert "Visits to the United States" not in html
    assert "Vetting" in html


def test_a_person_named_in_an_assistance_request_sees_it_on_their_page(client, shared_demo: Demo):
    link = RequestPerson.objects.select_related("request", "person").order_by("pk").first()
    assert link is not None
    _sign_in(client, Role.PROGRAM_MANAGER)

    html = client.get(f"/people/{link.person.pk}/").content.decode()

    assert "Mutual assistance" in html
    assert link.request.reference in html


def test_an_official_met_on_a_safe_mission_sees_the_assessment_on_their_page(
    client, shared_demo: Demo
):
    assessment = Assessment.objects.filter(participants__isnull=False).order_by("pk").first()
    assert assessment is not None, "the demo names officials met on its SAFE missions"
    person = assessment.participants.order_by("pk").first()
    _sign_in(client, Role.PROGRAM_MANAGER)

    html = client.get(f"/people/{person.pk}/").content.decode()

    section = html.split('id="safe-assessments"', 1)[1].split("</ul>", 1)[0]
    assert f'href="/capacity/assessments/{assessment.pk}/"' in section
