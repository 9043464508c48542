"""Training's rules that need no database: the states in which each kind of work is done, a
status as a sentence says it, and the completion rule.

Services enforce them and selectors show them (a page offers only what the services accept), so
they live here, below both: selectors never import services.
"""

from __future__ import annotations

from dataclasses import dataclass

from liaison.training.models import Delivery, DeliveryStatus, Enrollment, EnrollmentStatus


def status_phrase(obj: Delivery | Enrollment) -> str:
    """A status as it reads inside a sentence: "cancelled", "on the waiting list"."""
    if obj.status == EnrollmentStatus.WAITLISTED:
        return "on the waiting list"
    return str(obj.get_status_display()).lower()


# A delivery takes nominations, and its roster moves, until it is delivered or cancelled.
NOMINATION_STATES = (
    DeliveryStatus.PLANNED,
    DeliveryStatus.APPROVED,
    DeliveryStatus.CONFIRMED,
    DeliveryStatus.IN_PROGRESS,
)


def roster_settled(delivery: Delivery) -> str | None:
    """Why nobody on the delivery's roster moves any more (it ended or was cancelled)."""
    if delivery.status not in NOMINATION_STATES:
        return f"This delivery is {status_phrase(delivery)}; its roster is settled."
    return None


# Attendance is taken on a confirmed or running delivery (and corrected once delivered), for the
# participants on its roster; scores while it runs or once delivered; the after-action report
# once it has started, before it closes.
ATTENDANCE_STATES = (DeliveryStatus.CONFIRMED, DeliveryStatus.IN_PROGRESS, DeliveryStatus.DELIVERED)
ON_ROSTER = (EnrollmentStatus.CONFIRMED, EnrollmentStatus.ATTENDED, EnrollmentStatus.NO_SHOW)
SCORE_STATES = (DeliveryStatus.IN_PROGRESS, DeliveryStatus.DELIVERED)
REPORT_STATES = (DeliveryStatus.IN_PROGRESS, DeliveryStatus.DELIVERED)


@dataclass(frozen=True)
class Completion:
    days_attended: int
    days: int
    attendance_percent: int
    completed: bool
    reason: str


def completion_of(
    *, days_attended: int, days: int, post_score: int | None, min_percent: int, pass_mark: int
) -> Completion:
    """The completion rule: attendance of at least ``min_percent`` of the days and a post-test
    score of at least ``pass_mark``. Late counts as attending."""
    percent = round(100 * days_attended / days) if days else 0
    if 100 * days_attended < min_percent * days:
        reason = f"attended {days_attended} of {days} days ({percent}%), under {min_percent}%"
    elif post_score is None:
        reason = "no post-test score"
    elif post_score < pass_mark:
        reason = f"post-test {post_score}, under the pass mark of {pass_mark}"
    else:
        return Completion(days_attended, days, percent, True, "completed")
    return Completion(days_attended, days, percent, False, reason)
