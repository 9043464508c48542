"""Fixtures for capacity tests: the catalog and the SAFE Framework loaded, courses costed, a
program for Peru's customs with an assessor (the training advisor) and an attaché of WHA;
today is TODAY (the plan's open quarters depend on it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.capacity import services
from liaison.capacity.models import Assessment, Program
from liaison.catalog.models import Course, FundingSource, SafeEdition, SafeStandard
from liaison.catalog.services import reference_catalog_load, reference_safe_framework_load
from liaison.conftest import create_agency
from liaison.partners.models import Country
from liaison.people.models import Staff


@pytest.fixture(autouse=True)
def _today(frozen_today: date) -> None:
    pass


@dataclass
class World:
    manager: User
    other_manager: User
    advisor: User
    attache: User
    assessor: Staff
    program: Program
    users: dict[Role, User]

    def standard(self, code: str, edition: str = "2015") -> SafeStandard:
        pillar, number = code.split(".")
        return SafeStandard.objects.get(
            edition__code=edition, pillar__number=int(pillar), number=int(number)
        )


@pytest.fixture
def world(users: dict[Role, User], make_user: Callable[..., User]) -> World:
    reference_catalog_load()
    reference_safe_framework_load()
    # Costs in round thousands, so budgets in the tests read easily.
    for code, cost in {
        "SCS-101": 20000,
        "TRM-201": 30000,
        "ACI-201": 40000,
        "NII-101": 25000,
        "RAD-201": 35000,
        "POE-102": 30000,
        "CMT-201": 30000,
        "CCT-101": 20000,
        "AEO-101": 30000,
        "INT-101": 15000,
        "INT-201": 25000,
        "CID-101": 20000,
    }.items():
        Course.objects.filter(code=code).update(estimated_cost=Decimal(cost))
    advisor = users[Role.TRAINING_ADVISOR]
    assessor = Staff.objects.create(
        kind="advisor", given_name="Ada", family_name="Vise", user=advisor
    )
    manager = users[Role.PROGRAM_MANAGER]
    program = services.program_create(
        actor=manager,
        country=Country.objects.get(code="PE"),
        agency=create_agency("PE", name="National Customs"),
        sponsor=FundingSource.objects.get(code="INL"),
        edition=SafeEdition.objects.get(code="2015"),
        starts_on=date(2025, 10, 1),
        planned_end=date(2028, 9, 30),
        manager=manager,
        budget=Decimal(200000),
        max_deliveries_per_quarter=2,
    )
    return World(
        manager=manager,
        other_manager=make_user(Role.PROGRAM_MANAGER),
        advisor=advisor,
        attache=users[Role.ATTACHE],
        assessor=assessor,
        program=program,
        users=users,
    )


def score_all(
    world: World, assessment: Assessment, levels: dict[str, int], default: int = 3
) -> None:
    """Score every standard (``levels`` by code, else ``default``) with evidence."""
    scores = {
        score.standard_id: services.ScoreInput(
            levels.get(score.standard.code, default), f"Seen on mission: {score.standard.code}"
        )
        for score in assessment.scores.select_related("standard__pillar")
    }
    services.assessment_record_scores(actor=world.manager, assessment=assessment, scores=scores)


def approved(
    world: World,
    levels: dict[str, int],
    *,
    kind: str = "initial",
    starts_on: date = date(2025, 11, 3),
    days: int = 5,
    **extra: Any,
) -> Assessment:
    """An assessment scored, submitted by the assessor, reviewed and approved by headquarters."""
    assessment = services.assessment_create(
        actor=world.manager,
        program=world.program,
        kind=kind,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=days - 1),
        assessors=[world.assessor],
        **extra,
    )
    score_all(world, assessment, levels)
    services.assessment_submit(actor=world.advisor, assessment=assessment)
    services.assessment_review(actor=world.manager, assessment=assessment)
    services.assessment_approve(actor=world.manager, assessment=assessment)
    return assessment


def set_targets(world: World, targets: dict[str, tuple[int, int]]) -> None:
    services.program_set_targets(
        actor=world.manager,
        program=world.program,
        targets={world.standard(code): value for code, value in targets.items()},
    )
