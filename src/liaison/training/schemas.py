"""Input and output schemas of the training API.

Records are named by their codes (course, venue, funding source, country) as in the catalog
API. Enrollment payloads carry the person's id, name and nationality only: passport numbers
and birth dates stay behind ``/people/{id}/personal-data`` and its permission.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema

from liaison.training import selectors


def _code(obj: Any) -> str | None:
    return str(obj.code) if obj is not None else None


# --- requests --------------------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    country: str
    agency_id: int | None
    course: str | None
    need: str
    preferred_start: date | None
    preferred_end: date | None
    participants_expected: int | None
    funding_source: str | None
    justification: str
    status: str
    decision_note: str
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_course(obj: Any) -> str | None:
        return _code(obj.course)

    @staticmethod
    def resolve_funding_source(obj: Any) -> str | None:
        return _code(obj.funding_source)


class RequestIn(Schema):
    country: str
    agency_id: int | None = None
    course: str | None = None
    need: str = ""
    preferred_start: date | None = None
    preferred_end: date | None = None
    participants_expected: int | None = None
    funding_source: str | None = None
    justification: str


class RequestApproveIn(Schema):
    """The delivery the request becomes; course and funding default to what was asked."""

    venue: str
    starts_on: date
    ends_on: date
    capacity: int
    course: str | None = None
    funding_source: str | None = None
    note: str = ""


class ReasonIn(Schema):
    reason: str = ""


# --- deliveries ------------------------------------------------------------------------------


class DeliveryOut(Schema):
    id: int
    course: str
    course_title: str
    venue: str
    venue_name: str
    country: str
    request_id: int | None
    starts_on: date
    ends_on: date
    funding_source: str
    capacity: int
    seated: int | None
    status: str
    cancel_reason: str
    min_attendance_percent: int
    pass_mark: int | None
    effective_pass_mark: int
    notes: str

    @staticmethod
    def resolve_course(obj: Any) -> str:
        return str(obj.course.code)

    @staticmethod
    def resolve_course_title(obj: Any) -> str:
        return str(obj.course.title)

    @staticmethod
    def resolve_venue(obj: Any) -> str:
        return str(obj.venue.code)

    @staticmethod
    def resolve_venue_name(obj: Any) -> str:
        return str(obj.venue.name)

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_funding_source(obj: Any) -> str:
        return str(obj.funding_source.code)

    @staticmethod
    def resolve_seated(obj: Any) -> int | None:
        """Seats taken, where the list annotated them (the detail gives ``roster``)."""
        return getattr(obj, "seated", None)


class AssignmentOut(Schema):
    id: int
    staff_id: int
    name: str
    role: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.staff)


class DeliveryDetailOut(DeliveryOut):
    instructors: list[AssignmentOut]
    roster: dict[str, int]

    @staticmethod
    def resolve_instructors(obj: Any) -> Any:
        return obj.assignments.select_related("staff")

    @staticmethod
    def resolve_roster(obj: Any) -> dict[str, int]:
        return selectors.roster_counts(delivery=obj)


class DeliveryIn(Schema):
    course: str
    venue: str
    starts_on: date
    ends_on: date
    funding_source: str
    capacity: int
    min_attendance_percent: int = 80
    pass_mark: int | None = None
    notes: str = ""


class DeliveryPatch(Schema):
    course: str | None = None
    venue: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    funding_source: str | None = None
    capacity: int | None = None
    min_attendance_percent: int | None = None
    pass_mark: int | None = None
    notes: str | None = None


class TransitionIn(Schema):
    to: str
    reason: str = ""


class InstructorIn(Schema):
    staff_id: int
    role: str = "co"


# --- the roster, attendance, results ---------------------------------------------------------


class EnrollmentOut(Schema):
    id: int
    delivery_id: int
    person_id: int
    person_name: str
    nationality: str | None
    status: str
    waitlist_position: int | None
    nominated_by: str
    pre_score: int | None
    post_score: int | None
    withdrawn_reason: str
    confirmed_at: datetime | None

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.person)

    @staticmethod
    def resolve_nationality(obj: Any) -> str | None:
        return _code(obj.person.nationality)


class NominateIn(Schema):
    person_id: int
    nominated_by: str = ""


class ScoresIn(Schema):
    pre_score: int | None = None
    post_score: int | None = None


class AttendanceIn(Schema):
    day: date
    mark: str


class AttendanceOut(Schema):
    enrollment_id: int
    day: date
    mark: str


class AttendanceRowOut(Schema):
    enrollment_id: int
    person_id: int
    person_name: str
    mark: str | None


class AttendanceSheetOut(Schema):
    day: date
    days: list[date]
    rows: list[AttendanceRowOut]


class ResultOut(Schema):
    enrollment_id: int
    person_id: int
    person_name: str
    status: str
    pre_score: int | None
    post_score: int | None
    days_attended: int
    days: int
    attendance_percent: int
    completed: bool
    reason: str
    certificate: str | None
    certificate_valid: bool | None


class BlockerOut(Schema):
    enrollment_id: int
    person_id: int
    person_name: str
    reason: str


# --- costs and certificates ------------------------------------------------------------------


class CostLineIn(Schema):
    kind: str
    category: str
    amount: Decimal
    description: str = ""


class CostLineOut(Schema):
    id: int
    kind: str
    category: str
    amount: Decimal
    description: str


class CostRowOut(Schema):
    category: str
    label: str
    budget: Decimal
    actual: Decimal
    variance: Decimal


class CostSummaryOut(Schema):
    rows: list[CostRowOut]
    budget: Decimal
    actual: Decimal
    variance: Decimal
    participants: int
    per_participant: Decimal | None
    lines: list[CostLineOut]


class CertificateOut(Schema):
    id: int
    code: str
    enrollment_id: int
    person_id: int
    person_name: str
    issued_at: datetime
    revoked_at: datetime | None
    revoked_reason: str
    valid: bool

    @staticmethod
    def resolve_person_id(obj: Any) -> int:
        return int(obj.enrollment.person_id)

    @staticmethod
    def resolve_person_name(obj: Any) -> str:
        return str(obj.enrollment.person)

    @staticmethod
    def resolve_valid(obj: Any) -> bool:
        return bool(obj.is_valid)
