"""The capacity API applies the pages' rules: the same services, the same scopes."""

from __future__ import annotations

from datetime import date

import pytest

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.capacity import services
from liaison.capacity.tests.conftest import approved, set_targets

pytestmark = pytest.mark.django_db


def _auth(user):
    _, raw = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_an_assessor_scores_and_submits_through_the_api_and_the_rules_hold(client, world):
    assessment = services.assessment_create(
        actor=world.manager,
        program=world.program,
        kind="initial",
        starts_on=date(2025, 11, 3),
        ends_on=date(2025, 11, 7),
        assessors=[world.assessor],
    )
    auth = _auth(world.advisor)
    url = f"/api/v1/capacity/assessments/{assessment.pk}"
    refused = client.put(
        f"{url}/scores", [{"standard": "1.4", "level": 2}], content_type="application/json", **auth
    )
    assert refused.status_code == 400 and "evidence" in refused.json()["message"]
    early = client.post(
        f"{url}/move", {"move": "submitted"}, content_type="application/json", **auth
    )
    assert early.status_code == 400 and "Score every standard" in early.json()["message"]
    body = [
        {"standard": s.standard.code, "level": 2, "evidence": "Seen", "self_level": 3}
        for s in assessment.scores.select_related("standard__pillar")
    ]
    scored = client.put(f"{url}/scores", body, content_type="application/json", **auth)
    assert scored.status_code == 200
    assert scored.json()["moves"] == ["submitted"]
    moved = client.post(
        f"{url}/move", {"move": "submitted"}, content_type="application/json", **auth
    )
    assert moved.json()["status"] == "submitted"
    review = client.post(
        f"{url}/move", {"move": "reviewed"}, content_type="application/json", **auth
    )
    assert review.status_code == 403
    sponsor = client.get(url, **_auth(world.users[Role.SPONSOR]))
    assert sponsor.status_code == 403


def test_the_plan_through_the_api(client, world):
    set_targets(world, {"1.4": (4, 1)})
    approved(world, {"1.4": 0})
    auth = _auth(world.manager)
    plan = client.post(f"/api/v1/capacity/programs/{world.program.pk}/plan/generate", **auth).json()
    codes = [i["course"] for i in plan["items"]]
    assert codes.index("SCS-101") < codes.index("TRM-201")
    scs = next(i for i in plan["items"] if i["course"] == "SCS-101")
    trm = next(i for i in plan["items"] if i["course"] == "TRM-201")
    refused = client.post(
        f"/api/v1/capacity/plan-items/{trm['id']}/move",
        {"fiscal_year": scs["fiscal_year"], "quarter": scs["quarter"]},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 400
    detail = client.get(f"/api/v1/capacity/programs/{world.program.pk}", **auth).json()
    assert next(g for g in detail["gaps"] if g["standard"] == "1.4")["gap"] == 4
    assert client.get("/api/v1/capacity/programs", **_auth(world.attache)).json()["count"] == 1
    assert client.get("/api/v1/capacity/programs", **_auth(world.advisor)).json()["count"] == 1
    assert (
        client.get(
            "/api/v1/capacity/programs", **_auth(world.users[Role.IVP_COORDINATOR])
        ).status_code
        == 403
    )
