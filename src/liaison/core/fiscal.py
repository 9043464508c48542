"""U.S. federal fiscal years: FY2015 runs 1 October 2014 to 30 September 2015."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import ExtractYear


@dataclass(frozen=True)
class FiscalYear:
    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 10, 1)

    @property
    def end(self) -> date:
        return date(self.year, 9, 30)

    @property
    def start_datetime(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def end_datetime(self) -> datetime:
        return datetime.combine(self.end, time.max, tzinfo=ZoneInfo(settings.TIME_ZONE))

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"FY{self.year}"


def fiscal_year_of(day: date) -> FiscalYear:
    return FiscalYear(day.year + 1 if day.month >= 10 else day.year)


def fiscal_year_of_field(field: str) -> Any:
    """The fiscal year of a date column, as a database expression: its calendar year, plus
    one from October (so figures group by fiscal year in one query, on SQLite and PostgreSQL)."""
    return ExtractYear(field) + Case(
        When(**{f"{field}__month__gte": 10}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    """A quarter of a fiscal year: Q1 of FY2016 is October to December 2015."""

    year: int
    quarter: int

    @property
    def start(self) -> date:
        month = (self.quarter - 1) * 3 + 10
        return date(self.year - 1, month, 1) if month <= 12 else date(self.year, month - 12, 1)

    @property
    def end(self) -> date:
        following = self.next().start
        return date.fromordinal(following.toordinal() - 1)

    def next(self) -> FiscalQuarter:
        return (
            FiscalQuarter(self.year, self.quarter + 1)
            if self.quarter < 4
            else FiscalQuarter(self.year + 1, 1)
        )

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"FY{self.year} Q{self.quarter}"


def fiscal_quarter_of(day: date) -> FiscalQuarter:
    year = fiscal_year_of(day).year
    return FiscalQuarter(year, ((day.month - 10) % 12) // 3 + 1)


def fiscal_quarters(first: date, last: date) -> list[FiscalQuarter]:
    """Every fiscal quarter from the one holding ``first`` to the one holding ``last``."""
    quarters: list[FiscalQuarter] = []
    current, final = fiscal_quarter_of(first), fiscal_quarter_of(last)
    while current <= final:
        quarters.append(current)
        current = current.next()
    return quarters


# The first fiscal year the office's records cover (the reference data and the demo begin
# there): reports and pickers offer no earlier year.
FIRST_RECORDED_YEAR = 2008


def recorded_fiscal_years(today: date) -> list[int]:
    """The fiscal years from the current one (holding ``today``) back to the first recorded."""
    return list(range(fiscal_year_of(today).year, FIRST_RECORDED_YEAR - 1, -1))
