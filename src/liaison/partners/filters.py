"""What the partners' lists can be filtered by, for their pages and their API alike."""

from __future__ import annotations

from typing import Annotated

from liaison.core.filters import Code, ListFilters, choice_of
from liaison.partners.models import AgencyKind


class CountryFilters(ListFilters):
    region: Code = ""


class AgencyFilters(ListFilters):
    country: Code = ""
    kind: Annotated[str, choice_of(AgencyKind)] = ""
    region: Code = ""
