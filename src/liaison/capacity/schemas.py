"""Input and output schemas of the capacity API. Standards are named by their code ("1.4")
within the edition of the record they belong to."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema


class ProgramOut(Schema):
    id: int
    country: str
    agency_id: int
    agency: str
    sponsor: str
    edition: str
    starts_on: date
    planned_end: date
    manager: str
    budget: Decimal
    max_deliveries_per_quarter: int

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.name)

    @staticmethod
    def resolve_sponsor(obj: Any) -> str:
        return str(obj.sponsor.code)

    @staticmethod
    def resolve_edition(obj: Any) -> str:
        return str(obj.edition.code)

    @staticmethod
    def resolve_manager(obj: Any) -> str:
        return str(obj.manager.username)


class TrainedOut(Schema):
    before_id: int
    after_id: int
    level_before: int | None
    level_after: int | None
    officials: int
    in_post: int


class GapOut(Schema):
    standard: str
    title: str
    target: int | None
    priority: int | None
    current: int | None
    self_level: int | None
    gap: int | None
    trend: str
    trained: list[TrainedOut]


class ProgramDetailOut(ProgramOut):
    gaps: list[GapOut]


class AssessmentOut(Schema):
    id: int
    program_id: int
    kind: str
    edition: str
    starts_on: date
    ends_on: date
    status: str
    assessors: list[str]
    participants: list[int]  # the officials' ids in the registry (GET /api/v1/people/{id})
    summary: str
    self_assessment_received_on: date | None
    created_at: datetime

    @staticmethod
    def resolve_edition(obj: Any) -> str:
        return str(obj.edition.code)

    @staticmethod
    def resolve_assessors(obj: Any) -> list[str]:
        return [str(s) for s in obj.assessors.all()]

    @staticmethod
    def resolve_participants(obj: Any) -> list[int]:
        return sorted(p.pk for p in obj.participants.all())


class ScoreOut(Schema):
    standard: str
    title: str
    level: int | None
    evidence: str
    self_level: int | None


class AssessmentDetailOut(AssessmentOut):
    scores: list[ScoreOut]
    moves: list[str]


class ScoreIn(Schema):
    standard: str
    level: int | None = None
    evidence: str = ""
    self_level: int | None = None


class MoveIn(Schema):
    move: str
    why: str = ""


class PlanItemOut(Schema):
    id: int
    course: str
    fiscal_year: int
    quarter: int
    estimated_cost: Decimal
    standards: list[str]
    delivery_id: int | None
    delivery_status: str | None


class QuarterOut(Schema):
    quarter: str
    planned: int
    scheduled: int
    delivered: int
    cost: Decimal


class PlanOut(Schema):
    program_id: int
    generated_at: datetime | None
    based_on_id: int | None
    solver_status: str
    left_out: list[str]
    items: list[PlanItemOut]
    progress: list[QuarterOut]


class QuarterIn(Schema):
    fiscal_year: int
    quarter: int
