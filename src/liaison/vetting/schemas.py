from __future__ import annotations

from datetime import date

from ninja import Schema


class VettingOut(Schema):
    id: int
    person_id: int
    purpose: str
    status: str
    effective_status: str
    valid_until: date | None
    reference: str

    @staticmethod
    def resolve_effective_status(obj: object) -> str:
        return str(obj.effective_status())  # type: ignore[attr-defined]


class SubmitIn(Schema):
    person_id: int
    purpose: str = "leahy"


class DecisionIn(Schema):
    decision: str
    valid_until: date | None = None
    reference: str = ""
    notes: str = ""
