"""Input and output schemas of the agreements API.

Countries are named by their ISO codes; persons by id, name and nationality only (passport
numbers and birth dates stay behind ``/people/{id}/personal-data``). Documents are described
here and read through their own endpoint, which records every download.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema

from liaison.agreements import selectors


def _code(country: Any) -> str | None:
    return str(country.code) if country is not None else None


# --- agreements -------------------------------------------------------------------------------


class AgreementOut(Schema):
    id: int
    country: str
    country_name: str
    counterpart_id: int
    counterpart: str
    title: str
    status: str
    binding: bool
    signed_on: date | None
    in_force_on: date | None
    suspended_on: date | None
    terminated_on: date | None
    generated: bool
    source: str

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_country_name(obj: Any) -> str:
        return str(obj.country.name)

    @staticmethod
    def resolve_counterpart(obj: Any) -> str:
        return str(obj.counterpart.name)


class StaffContactOut(Schema):
    id: int
    name: str
    title: str
    email: str


class PersonContactOut(Schema):
    id: int
    name: str
    nationality: str | None
    position: str
    trained: bool


class AgreementDetailOut(AgreementOut):
    status_reason: str
    notes: str
    our_contacts: list[StaffContactOut]
    their_contacts: list[PersonContactOut]
    moves: list[str]

    @staticmethod
    def resolve_our_contacts(obj: Any) -> list[dict[str, Any]]:
        return list(obj.api_our_contacts)

    @staticmethod
    def resolve_their_contacts(obj: Any) -> list[dict[str, Any]]:
        return list(obj.api_their_contacts)

    @staticmethod
    def resolve_moves(obj: Any) -> list[str]:
        return list(obj.api_moves)


class AgreementIn(Schema):
    country: str
    counterpart_id: int
    title: str = ""
    binding: bool = True
    notes: str = ""


class AgreementPatch(Schema):
    counterpart_id: int | None = None
    title: str | None = None
    binding: bool | None = None
    notes: str | None = None
    signed_on: date | None = None
    in_force_on: date | None = None


class AgreementMoveIn(Schema):
    move: str
    on: date | None = None
    reason: str = ""


class HealthOut(Schema):
    agreement_id: int
    country: str
    status: str
    generated: bool
    requests_in: int
    requests_out: int
    median_days_in: float | None
    median_days_out: float | None
    refused_in: int
    refused_out: int
    open_in: int
    open_out: int
    overdue_in: int
    overdue_out: int
    contacts: int
    contacts_trained: int


# --- assistance requests ----------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    reference: str
    agreement_id: int
    country: str
    direction: str
    partner_reference: str
    subject: str
    kind: str
    legal_basis: str
    received_on: date | None
    due_on: date | None
    answered_on: date | None
    days_to_answer: int | None
    status: str
    overdue: bool
    owner: str | None

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.agreement.country.code)

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(obj.is_overdue(selectors.today()))

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return obj.owner.get_username() if obj.owner else None


class RequestPersonOut(Schema):
    id: int
    person_id: int
    name: str
    nationality: str | None
    role: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.person)

    @staticmethod
    def resolve_nationality(obj: Any) -> str | None:
        return _code(obj.person.nationality)


class RequestCompanyOut(Schema):
    id: int
    name: str
    role: str
    country: str | None
    identifier: str

    @staticmethod
    def resolve_country(obj: Any) -> str | None:
        return _code(obj.country)


class ChecklistItemOut(Schema):
    key: str
    label: str
    done: bool


class RequestDetailOut(RequestOut):
    details: str
    answer_summary: str
    status_reason: str
    persons: list[RequestPersonOut]
    companies: list[RequestCompanyOut]
    checklist: list[ChecklistItemOut]
    moves: list[str]

    @staticmethod
    def resolve_persons(obj: Any) -> list[Any]:
        return list(obj.api_persons)

    @staticmethod
    def resolve_companies(obj: Any) -> list[Any]:
        return list(obj.api_companies)

    @staticmethod
    def resolve_checklist(obj: Any) -> list[dict[str, Any]]:
        return list(obj.api_checklist)

    @staticmethod
    def resolve_moves(obj: Any) -> list[str]:
        return list(obj.api_moves)


class RequestIn(Schema):
    agreement_id: int
    direction: str
    subject: str
    kind: str
    legal_basis: str = ""
    details: str = ""
    partner_reference: str = ""
    received_on: date | None = None
    due_on: date | None = None
    owner_id: int | None = None


class RequestPatch(Schema):
    subject: str | None = None
    kind: str | None = None
    legal_basis: str | None = None
    details: str | None = None
    partner_reference: str | None = None
    received_on: date | None = None
    due_on: date | None = None


class RequestMoveIn(Schema):
    move: str
    reason: str = ""
    answer_summary: str = ""
    answered_on: date | None = None
    sent_on: date | None = None


class AssignIn(Schema):
    owner_id: int


class RequestPersonIn(Schema):
    person_id: int
    role: str = "subject"


class RequestCompanyIn(Schema):
    name: str
    role: str = "other"
    country: str | None = None
    identifier: str = ""


class DocumentOut(Schema):
    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    uploaded_at: datetime
    url: str
