from __future__ import annotations

from ninja import Schema


class CourseOut(Schema):
    id: int
    code: str
    title: str
    area: str
    topics: str
    environment: str
    level: str
    length_days: int
    pass_mark: int
    co_delivered_with: str
    active: bool

    @staticmethod
    def resolve_area(obj: object) -> str:
        return str(obj.area.code)  # type: ignore[attr-defined]


class CourseIn(Schema):
    code: str
    title: str
    area: str
    topics: str = ""
    environment: str = "any"
    level: str = "basic"
    length_days: int
    pass_mark: int = 70
    co_delivered_with: str = ""
    active: bool = True


class CoursePatch(Schema):
    title: str | None = None
    topics: str | None = None
    environment: str | None = None
    level: str | None = None
    length_days: int | None = None
    pass_mark: int | None = None
    co_delivered_with: str | None = None
    active: bool | None = None


class VenueOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    city: str
    country: str
    capacity: int

    @staticmethod
    def resolve_country(obj: object) -> str:
        return str(obj.country.code)  # type: ignore[attr-defined]


class VenueIn(Schema):
    code: str
    name: str
    kind: str
    city: str
    country: str
    capacity: int = 30
    note: str = ""


class VenuePatch(Schema):
    name: str | None = None
    kind: str | None = None
    city: str | None = None
    capacity: int | None = None
    note: str | None = None


class FundingSourceOut(Schema):
    id: int
    code: str
    name: str
    kind: str
