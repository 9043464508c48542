from __future__ import annotations

from datetime import date

from ninja import Schema


class PersonOut(Schema):
    id: int
    given_name: str
    family_name: str
    native_name: str
    gender: str
    nationality: str | None
    agency_id: int | None
    position: str
    email: str
    phone: str
    merged_into_id: int | None

    @staticmethod
    def resolve_nationality(obj: object) -> str | None:
        country = obj.nationality  # type: ignore[attr-defined]
        return str(country.code) if country else None


class PersonalDataOut(Schema):
    birth_date: date | None
    passport_number: str


class PersonIn(Schema):
    given_name: str = ""
    family_name: str
    native_name: str = ""
    gender: str = "unspecified"
    birth_date: date | None = None
    passport_number: str = ""
    nationality: str | None = None
    agency_id: int | None = None
    position: str = ""
    email: str = ""
    phone: str = ""
    allow_duplicates: bool = False


class PersonPatch(Schema):
    given_name: str | None = None
    family_name: str | None = None
    native_name: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    passport_number: str | None = None
    nationality: str | None = None
    agency_id: int | None = None
    position: str | None = None
    email: str | None = None
    phone: str | None = None


class MatchOut(Schema):
    person_id: int
    score: float
    reasons: list[str]


class MergeIn(Schema):
    duplicate_id: int
