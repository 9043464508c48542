"""Postings' headline figure for a fiscal year."""

from __future__ import annotations

from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import COUNTRY, EVERYTHING, REGION, ReportScope
from liaison.postings.models import Posting, PostingStatus, lasting_until

# Tours that really ran: the officer arrived (on post, or over since).
SERVED = (PostingStatus.ACTIVE, PostingStatus.ENDED)

# A tour is counted where its post is; it has no program area or funding source.
POSTING_PATHS = {REGION: "post__country__region__code", COUNTRY: "post__country__code"}
KEYS = ("postings",)


def posting_figures(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> dict[str, int | None]:
    """``postings``: tours served on at least one day of the fiscal year (on post then, from
    the arrival to the real end, or the planned end while still under way). One query."""
    if not scope.covers(POSTING_PATHS):
        return dict.fromkeys(KEYS)
    served = Posting.objects.filter(
        lasting_until(fy.start), scope.q(POSTING_PATHS), status__in=SERVED, starts_on__lte=fy.end
    )
    return {"postings": served.count()}
