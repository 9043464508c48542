"""Postings' headline figure for a fiscal year."""

from __future__ import annotations

from liaison.core.fiscal import FiscalYear
from liaison.postings.models import Posting, PostingStatus, lasting_until

# Tours that really ran: the officer arrived (on post, or over since).
SERVED = (PostingStatus.ACTIVE, PostingStatus.ENDED)


def posting_figures(fy: FiscalYear) -> dict[str, int]:
    """``postings``: tours served on at least one day of the fiscal year (on post then, from
    the arrival to the real end, or the planned end while still under way). One query."""
    served = Posting.objects.filter(
        lasting_until(fy.start), status__in=SERVED, starts_on__lte=fy.end
    )
    return {"postings": served.count()}
