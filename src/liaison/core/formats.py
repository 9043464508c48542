"""How dates are written for people, the same on every page, message and document."""

from __future__ import annotations

from datetime import date

DASH = "\N{EN DASH}"


def date_span(first: date, last: date) -> str:
    """Dates as a person writes them, with an en dash: 12-16 May 2025, 28 April - 2 May 2025."""
    if first == last:
        return f"{first.day} {first:%B %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}{DASH}{last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} {DASH} {last.day} {last:%B %Y}"
    return f"{first.day} {first:%B %Y} {DASH} {last.day} {last:%B %Y}"
