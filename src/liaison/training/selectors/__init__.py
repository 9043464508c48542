"""Training's reads, scoped to the user: one module per part of the work, as the services.

``requests``, ``deliveries`` (and the moves a delivery page offers), ``instructors`` (and
calendar feeds), ``roster`` (participants, the vetting gate, a roster file's preview),
``learning`` (attendance, results, follow-ups, graduates), ``certificates``, ``costs``. They never
import the services: what both need (the states each kind of work is done in, the completion
rule) is in :mod:`liaison.training.rules`.
"""

from __future__ import annotations

from liaison.training.selectors.certificates import (
    certificate_by_code,
    certificate_get,
)
from liaison.training.selectors.costs import (
    CostRow,
    CostSummary,
    cost_line_find,
    cost_summary,
)
from liaison.training.selectors.deliveries import (
    Offer,
    delivery_blocker,
    delivery_get,
    delivery_history,
    delivery_list,
    delivery_offers,
)
from liaison.training.selectors.instructors import (
    assignment_find,
    calendar_feed_authorize,
    calendar_feed_by_token,
    calendar_feed_get,
    calendar_feed_of,
    deliveries_of_staff,
    delivery_assignments,
    feed_instructors,
    instructor_conflict,
)
from liaison.training.selectors.learning import (
    GRADUATED,
    Result,
    attendance_mark_of,
    attendance_sheet,
    delivery_results,
    enrollment_completion,
    follow_up_get,
    follow_up_graduates,
    follow_up_list,
    follow_up_source_deliveries,
    follow_up_sources,
    follow_up_sources_listed,
    graduates_of,
    graduates_of_deliveries,
)
from liaison.training.selectors.requests import (
    request_countries,
    request_deliveries,
    request_filter_countries,
    request_get,
    request_history,
    request_list,
)
from liaison.training.selectors.roster import (
    ROSTER_MOVES,
    Blocker,
    DeliveryBlockers,
    blocked_deliveries,
    build_plan,
    enrollment_get,
    enrollments_of_person,
    gate_refusals,
    matching_state,
    roster_counts,
    roster_enrollments,
    roster_offers,
    roster_upload_delivery,
    seated_count,
)

__all__ = [
    "GRADUATED",
    "ROSTER_MOVES",
    "Blocker",
    "CostRow",
    "CostSummary",
    "DeliveryBlockers",
    "Offer",
    "Result",
    "assignment_find",
    "attendance_mark_of",
    "attendance_sheet",
    "blocked_deliveries",
    "build_plan",
    "calendar_feed_authorize",
    "calendar_feed_by_token",
    "calendar_feed_get",
    "calendar_feed_of",
    "certificate_by_code",
    "certificate_get",
    "cost_line_find",
    "cost_summary",
    "deliveries_of_staff",
    "delivery_assignments",
    "delivery_blocker",
    "delivery_get",
    "delivery_history",
    "delivery_list",
    "delivery_offers",
    "delivery_results",
    "enrollment_completion",
    "enrollment_get",
    "enrollments_of_person",
    "feed_instructors",
    "follow_up_get",
    "follow_up_graduates",
    "follow_up_list",
    "follow_up_source_deliveries",
    "follow_up_sources",
    "follow_up_sources_listed",
    "gate_refusals",
    "graduates_of",
    "graduates_of_deliveries",
    "instructor_conflict",
    "matching_state",
    "request_countries",
    "request_deliveries",
    "request_filter_countries",
    "request_get",
    "request_history",
    "request_list",
    "roster_counts",
    "roster_enrollments",
    "roster_offers",
    "roster_upload_delivery",
    "seated_count",
]
