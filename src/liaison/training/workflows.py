"""Training's workflows: the one place the moves of a delivery, an enrollment and a training
request are written down, with the permission, the button and the service of each.

A move's audit action is "<workflow>.<move>" ("delivery.in_progress", "enrollment.confirmed",
"training_request.declined"); an enrollment's outcomes share "enrollment.outcome_recorded".
"""

from __future__ import annotations

from liaison.core.workflows import Move, Workflow
from liaison.training.models import DeliveryStatus as D
from liaison.training.models import EnrollmentStatus as E
from liaison.training.models import RequestStatus as R

SERVICES = "liaison.training.services"

# Headquarters plans, approves and closes; the instructors of a delivery run it and its roster.
MANAGE = "training.manage_delivery"
RUN = "training.take_attendance"
ROSTER = "training.manage_roster"

NO_OUTCOME = "{obj.person} is {state}; there is no outcome to record."
DECIDED = "This request is already {state}; only a submitted request can be decided."

DELIVERY = Workflow(
    name="delivery",
    field="status",
    states=D,
    services_module=SERVICES,
    refusal="This delivery is {state}; it cannot become {target}.",
    moves=(
        Move("approved", (D.PLANNED,), D.APPROVED, MANAGE, "Approve", "delivery_approve"),
        Move("confirmed", (D.APPROVED,), D.CONFIRMED, MANAGE, "Confirm", "delivery_confirm"),
        Move("in_progress", (D.CONFIRMED,), D.IN_PROGRESS, RUN, "Start", "delivery_start"),
        Move("delivered", (D.IN_PROGRESS,), D.DELIVERED, RUN, "Mark delivered", "delivery_finish"),
        Move("closed", (D.DELIVERED,), D.CLOSED, MANAGE, "Close", "delivery_close"),
        Move(
            "cancelled",
            (D.PLANNED, D.APPROVED, D.CONFIRMED),
            D.CANCELLED,
            MANAGE,
            "Cancel the delivery",
            "delivery_cancel",
            confirm="A cancelled delivery cannot be reopened: plan a new one if it is rescheduled.",
        ),
    ),
)

ENROLLMENT = Workflow(
    name="enrollment",
    field="status",
    states=E,
    services_module=SERVICES,
    # Who may move a participant is a question about the delivery: its roster, its running.
    perm_on="delivery",
    phrases=((E.WAITLISTED, "on the waiting list"),),
    # A nomination creates the enrollment, nominated or (when the delivery is full) waitlisted.
    moves=(
        Move(
            "confirmed",
            (E.NOMINATED,),
            E.CONFIRMED,
            ROSTER,
            "Confirm",
            "enrollment_confirm",
            refusal="{obj.person} is {state}; only a nominated participant can be confirmed.",
        ),
        Move(
            "withdrawn",
            (E.NOMINATED, E.WAITLISTED, E.CONFIRMED),
            E.WITHDRAWN,
            ROSTER,
            "Withdraw",
            "enrollment_withdraw",
            refusal="{obj.person} is {state} and cannot be withdrawn.",
        ),
        # A freed seat goes to the first in line: after a withdrawal, or more capacity.
        Move(
            "moved_up",
            (E.WAITLISTED,),
            E.NOMINATED,
            ROSTER,
            "Move up from the waiting list",
            "enrollment_move_up",
            refusal="{obj.person} is {state}; only someone on the waiting list moves up.",
        ),
        # The outcome, once the delivery is delivered (and again when a mark is corrected).
        Move(
            "attended",
            (E.CONFIRMED, E.NO_SHOW),
            E.ATTENDED,
            RUN,
            "Attended",
            "enrollment_record_outcome",
            action="outcome_recorded",
            refusal=NO_OUTCOME,
        ),
        Move(
            "no_show",
            (E.CONFIRMED, E.ATTENDED),
            E.NO_SHOW,
            RUN,
            "No-show",
            "enrollment_record_outcome",
            action="outcome_recorded",
            refusal=NO_OUTCOME,
        ),
        Move(
            "lapsed",
            (E.NOMINATED, E.WAITLISTED),
            E.WITHDRAWN,
            RUN,
            "Not confirmed in time",
            "enrollment_record_outcome",
            action="outcome_recorded",
            refusal=NO_OUTCOME,
        ),
    ),
)

TRAINING_REQUEST = Workflow(
    name="training_request",
    field="status",
    states=R,
    services_module=SERVICES,
    refusal=DECIDED,
    # Filing creates the request, submitted.
    moves=(
        Move(
            "approved",
            (R.SUBMITTED,),
            R.APPROVED,
            "training.decide_request",
            "Approve and plan the delivery",
            "training_request_approve",
        ),
        Move(
            "declined",
            (R.SUBMITTED,),
            R.DECLINED,
            "training.decide_request",
            "Decline the request",
            "training_request_decline",
        ),
        Move(
            "withdrawn",
            (R.SUBMITTED,),
            R.WITHDRAWN,
            "training.file_request",
            "Withdraw the request",
            "training_request_withdraw",
            confirm="Withdrawing tells headquarters the training is no longer needed. It cannot "
            "be undone: file a new request if the need returns.",
        ),
    ),
)
