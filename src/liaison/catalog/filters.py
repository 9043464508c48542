"""What the catalog's lists can be filtered by, for their pages and their API alike."""

from __future__ import annotations

from typing import Annotated

from liaison.catalog.models import Environment, Level, VenueKind
from liaison.core.filters import Code, ListFilters, choice_of


class CourseFilters(ListFilters):
    area: Code = ""
    environment: Annotated[str, choice_of(Environment)] = ""
    level: Annotated[str, choice_of(Level)] = ""


class VenueFilters(ListFilters):
    kind: Annotated[str, choice_of(VenueKind)] = ""
    country: Code = ""
