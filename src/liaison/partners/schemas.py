from __future__ import annotations

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str


class CountryOut(Schema):
    code: str
    name: str
    region: str | None

    @staticmethod
    def resolve_code(obj: object) -> str:
        return str(obj.code)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_region(obj: object) -> str | None:
        region = obj.region  # type: ignore[attr-defined]
        return region.code if region else None


class AgencyOut(Schema):
    id: int
    name: str
    acronym: str
    kind: str
    country: str
    website: str
    notes: str

    @staticmethod
    def resolve_country(obj: object) -> str:
        return str(obj.country.code)  # type: ignore[attr-defined]


class AgencyIn(Schema):
    name: str
    kind: str
    country: str
    acronym: str = ""
    website: str = ""
    notes: str = ""


class AgencyPatch(Schema):
    name: str | None = None
    kind: str | None = None
    country: str | None = None
    acronym: str | None = None
    website: str | None = None
    notes: str | None = None
