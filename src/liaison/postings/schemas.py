"""Input and output schemas of the postings API. Countries are named by their ISO codes, staff,
posts and programs by their ids."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema


def _code(country: Any) -> str | None:
    return str(country.code) if country is not None else None


class PostOut(Schema):
    id: int
    name: str
    kind: str
    city: str
    country: str

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)


class PostIn(Schema):
    name: str
    kind: str = "embassy"
    city: str
    country: str


class CoverageOut(Schema):
    country: str
    kind: str


class PostingOut(Schema):
    id: int
    staff_id: int
    staff: str
    role: str
    post: PostOut
    starts_on: date
    ends_on: date
    ended_on: date | None
    status: str
    approval_reference: str
    status_reason: str
    coverage: list[CoverageOut]

    @staticmethod
    def resolve_staff(obj: Any) -> str:
        return str(obj.staff)

    @staticmethod
    def resolve_coverage(obj: Any) -> list[dict[str, str]]:
        return [
            {"country": str(c.country.code), "kind": c.kind}
            for c in [*obj.primary_coverage, *obj.secondary_coverage]
        ]


class PostingIn(Schema):
    staff_id: int
    role: str
    post_id: int
    starts_on: date
    ends_on: date
    primary: list[str]
    secondary: list[str] = []
    notes: str = ""


class PostingPatch(Schema):
    staff_id: int | None = None
    role: str | None = None
    post_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    primary: list[str] | None = None
    secondary: list[str] | None = None
    notes: str | None = None


class MoveIn(Schema):
    """A move of the posting's workflow: approved (with its reference), arrived (on a day),
    ended (on a day; why, if early), withdrawn or cancelled (why)."""

    move: str
    reference: str = ""
    on: date | None = None
    reason: str = ""


class ChangeEndIn(Schema):
    ends_on: date
    reason: str


class CoverOut(Schema):
    country: str
    kind: str
    posting: PostingOut

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.coverage.kind)


class ProgramOut(Schema):
    id: int
    name: str
    country: str
    agency_id: int | None
    sponsor_id: int | None
    starts_on: date
    ends_on: date
    objective: str

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)


class ProgramIn(Schema):
    name: str
    country: str
    starts_on: date
    ends_on: date
    agency_id: int | None = None
    sponsor_id: int | None = None
    objective: str = ""


class DeploymentOut(Schema):
    id: int
    staff_id: int
    staff: str
    program_id: int | None
    country: str | None
    starts_on: date
    ends_on: date
    description: str
    status: str
    cancel_reason: str

    @staticmethod
    def resolve_staff(obj: Any) -> str:
        return str(obj.staff)

    @staticmethod
    def resolve_country(obj: Any) -> str | None:
        return _code(obj.country)


class DeploymentIn(Schema):
    staff_id: int
    starts_on: date
    ends_on: date
    description: str
    program_id: int | None = None
    country: str | None = None


class ReasonIn(Schema):
    reason: str = ""
