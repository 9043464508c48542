"""What the list of people can be filtered by, for its page and its API alike."""

from __future__ import annotations

from liaison.core.filters import Code, ListFilters


class PersonFilters(ListFilters):
    nationality: Code = ""
    agency: int | None = None
    region: Code = ""
