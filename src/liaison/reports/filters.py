"""What the reports can be filtered by, for their pages and their API alike."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from liaison.core.filters import Code, ListFilters, choice_of
from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import ReportScope
from liaison.reports.evaluation import GROUPS


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


# Catalog codes are matched whatever their case (they come from the catalog's import).
CatalogCode = Annotated[str, Field(max_length=30)]
FiscalYearNumber = Annotated[int | None, BeforeValidator(_blank_is_none), Field(ge=2000, le=2100)]


class EvaluationFilters(ListFilters):
    fiscal_year: FiscalYearNumber = None
    group: Annotated[str, choice_of(GROUPS)] = "course"


class ReportFilters(ListFilters):
    """A fiscal year's figures narrowed to a bureau (``partners.Region`` code), a country (ISO
    alpha-2), a program area and a funding source (``catalog`` codes); blank is every one.
    The year is required by the reports that read it (the page defaults it to the current one).
    """

    fiscal_year: FiscalYearNumber = None
    region: Code = ""
    country: Code = ""
    program_area: CatalogCode = ""
    funding_source: CatalogCode = ""

    @property
    def scope(self) -> ReportScope:
        return ReportScope(
            region=self.region,
            country=self.country,
            program_area=self.program_area,
            funding_source=self.funding_source,
        )

    def fiscal_year_or(self, default: FiscalYear) -> FiscalYear:
        return FiscalYear(self.fiscal_year) if self.fiscal_year else default
