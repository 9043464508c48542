"""U.S. federal fiscal years: FY2015 runs 1 October 2014 to 30 September 2015."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings


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
