"""What the visits' lists can be filtered by, for their pages and their API alike."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from liaison.catalog.models import SITE_ENVIRONMENTS
from liaison.core.filters import Code, ListFilters, choice_of
from liaison.visits.models import SiteKind, VisitStatus


class VisitFilters(ListFilters):
    status: Annotated[str, choice_of(VisitStatus)] = ""
    country: Code = ""


class SiteFilters(ListFilters):
    kind: Annotated[str, choice_of(SiteKind)] = ""
    environment: Annotated[str, choice_of(value for value, _ in SITE_ENVIRONMENTS)] = ""
    state: Code = ""  # a U.S. state's postal code
    focus: Annotated[str, Field(max_length=40)] = ""  # a focus area's code
