"""The capacity pages render for the roles that may open them, from real records."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from liaison.capacity import services
from liaison.capacity.models import PlanItem
from liaison.capacity.tests.conftest import approved, set_targets

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_walks_the_program_assessment_and_plan(world):
    set_targets(world, {"1.4": (4, 1)})
    first = approved(world, {"1.4": 1})
    approved(world, {"1.4": 2}, kind="monitoring", starts_on=date(2026, 2, 2))
    services.plan_generate(actor=world.manager, program=world.program, deterministic=True)
    services.mentoring_create(
        actor=world.manager,
        program=world.program,
        advisor=world.assessor,
        starts_on=date(2026, 3, 2),
        topics="Risk committee",
    )
    client = _client(world.manager)
    page = client.get(reverse("capacity:program_detail", args=[world.program.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "1.4 Risk-Management Systems" in text and "Risk committee" in text
    assert client.get(reverse("capacity:program_list")).status_code == 200
    assert client.get(reverse("capacity:assessment_detail", args=[first.pk])).status_code == 200
    plan = client.get(reverse("capacity:plan_detail", args=[world.program.pk]))
    assert plan.status_code == 200 and "SCS-101" in plan.content.decode()
    assert (
        client.get(reverse("capacity:program_targets", args=[world.program.pk])).status_code == 200
    )


def test_an_attache_reads_the_program_of_their_region_but_not_the_evidence(world):
    draft = services.assessment_create(
        actor=world.manager,
        program=world.program,
        kind="initial",
        starts_on=date(2025, 11, 3),
        ends_on=date(2025, 11, 7),
        assessors=[world.assessor],
    )
    services.attachment_add(
        actor=world.advisor, assessment=draft, filename="e.pdf", data=b"%PDF-1.4 x"
    )
    client = _client(world.attache)
    page = client.get(reverse("capacity:assessment_detail", args=[draft.pk]))
    assert page.status_code == 200
    assert "kept for headquarters and the assessors" in page.content.decode()
    attachment = draft.attachments.get()
    assert (
        client.get(reverse("capacity:attachment_download", args=[attachment.pk])).status_code == 403
    )
    download = _client(world.advisor).get(
        reverse("capacity:attachment_download", args=[attachment.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert PlanItem.objects.count() == 0
