"""What a fiscal year's figures may be narrowed to, read by every domain's ``report.py``.

A :class:`ReportScope` names a State Department bureau (``partners.Region`` code), a country
(ISO 3166 alpha-2), a program area (``catalog.ProgramArea`` code) and a funding source
(``catalog.FundingSource`` code); blank means every one. Each domain says which of these its
rows carry (``Dimensions``) and where (a lookup path per dimension); a figure whose rows do not
carry a dimension asked for is not computed (``None``) and named, never shown unfiltered as if
it were filtered (decision 0019).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from django.db.models import Q

REGION = "region"
COUNTRY = "country"
PROGRAM_AREA = "program_area"
FUNDING_SOURCE = "funding_source"
DIMENSIONS = (REGION, COUNTRY, PROGRAM_AREA, FUNDING_SOURCE)
DIMENSION_LABELS = {
    REGION: "bureau",
    COUNTRY: "country",
    PROGRAM_AREA: "program area",
    FUNDING_SOURCE: "funding source",
}


@dataclass(frozen=True)
class ReportScope:
    """The narrowing of a year's figures; every field blank is the whole agency."""

    region: str = ""
    country: str = ""
    program_area: str = ""
    funding_source: str = ""

    @property
    def asked(self) -> frozenset[str]:
        """The dimensions narrowed."""
        return frozenset(f.name for f in fields(self) if getattr(self, f.name))

    def covers(self, paths: Mapping[str, str]) -> bool:
        """Whether rows with these lookup paths can be narrowed to every dimension asked."""
        return self.asked <= paths.keys()

    def missing(self, paths: Mapping[str, str]) -> list[str]:
        """The dimensions asked that rows with these lookup paths do not carry."""
        return [d for d in DIMENSIONS if d in self.asked and d not in paths]

    def q(self, paths: Mapping[str, str]) -> Q:
        """The condition narrowing rows to the scope: ``paths`` maps each dimension the rows
        carry to its lookup (``{"country": "country__code", ...}``); the caller checks
        :meth:`covers` first."""
        condition = Q()
        for dimension in sorted(self.asked & paths.keys()):
            condition &= Q(**{paths[dimension]: getattr(self, dimension)})
        return condition


EVERYTHING = ReportScope()
