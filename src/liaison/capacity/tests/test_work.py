"""What home asks of each role in SAFE capacity building: the drafts a named assessor scores,
the assessments a second person reviews and headquarters approves, each with its true total."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from liaison.accounts.models import User
from liaison.capacity import selectors, services
from liaison.capacity.models import Assessment
from liaison.capacity.tests.conftest import World, score_all

pytestmark = pytest.mark.django_db


def _draft(world: World, n: int) -> Assessment:
    start = date(2025, 11, 3) + timedelta(days=10 * n)
    return services.assessment_create(
        actor=world.manager,
        program=world.program,
        kind="initial" if n == 0 else "monitoring",
        starts_on=start,
        ends_on=start + timedelta(days=2),
        assessors=[world.assessor],
    )


def _work(user: User) -> dict[str, tuple[int, int]]:
    return {w.key: (len(w.items), w.total) for w in selectors.work_for(user=user)}


def test_the_named_assessor_finds_every_draft_counted_beyond_those_shown(
    world: World, django_assert_max_num_queries
):
    drafts = [_draft(world, n) for n in range(selectors.WORK_SHOWN + 2)]
    with django_assert_max_num_queries(8):
        work = _work(world.advisor)
    assert work == {"safe-drafts": (selectors.WORK_SHOWN, len(drafts))}
    (listed,) = selectors.work_for(user=world.advisor)
    assert listed.items[0].url == f"/capacity/assessments/{drafts[0].pk}/"
    # Headquarters may score any draft; an attaché follows the region read-only.
    assert _work(world.manager) == {"safe-drafts": (selectors.WORK_SHOWN, len(drafts))}
    assert _work(world.attache) == {}


def test_a_submitted_assessment_waits_for_a_second_person_then_for_approval(world: World):
    assessment = _draft(world, 0)
    score_all(world, assessment, {})
    services.assessment_submit(actor=world.manager, assessment=assessment)
    assert "safe-review" not in _work(world.manager), "not the person who submitted it"
    assert _work(world.other_manager) == {"safe-review": (1, 1)}
    assert _work(world.advisor) == {}, "reviewing is headquarters' work"
    services.assessment_review(actor=world.other_manager, assessment=assessment)
    assert _work(world.manager) == {"safe-approve": (1, 1)}
