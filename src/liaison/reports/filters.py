"""What the reports can be filtered by, for their pages and their API alike."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from liaison.core.filters import ListFilters, choice_of
from liaison.reports.evaluation import GROUPS


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


FiscalYearNumber = Annotated[int | None, BeforeValidator(_blank_is_none), Field(ge=2000, le=2100)]


class EvaluationFilters(ListFilters):
    fiscal_year: FiscalYearNumber = None
    group: Annotated[str, choice_of(GROUPS)] = "course"
