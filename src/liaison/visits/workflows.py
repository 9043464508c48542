"""The visits' workflows: the one place the moves of a visit and of a host's answer on one of
its stops are written down. The services make each move; the visit page, the host inbox and
the API offer and route the moves from here."""

from __future__ import annotations

from liaison.core.workflows import Move, Workflow
from liaison.visits.models import HostAnswer as A
from liaison.visits.models import VisitStatus as S

VISIT = Workflow(
    name="visit",
    field="status",
    states=S,
    services_module="liaison.visits.services",
    refusal="This visit is {state}; it cannot become {target}.",
    moves=(
        Move(
            "planning",
            (S.REQUESTED,),
            S.PLANNING,
            "visits.plan",
            "Start planning",
            "visit_start_planning",
        ),
        Move(
            "sites_requested",
            (S.PLANNING,),
            S.SITES_REQUESTED,
            "visits.plan",
            "Ask the sites' hosts",
            "visit_request_sites",
        ),
        # A host declined: back to planning, to re-plan around the answer.
        Move(
            "back_to_planning",
            (S.SITES_REQUESTED,),
            S.PLANNING,
            "visits.plan",
            "Resume planning",
            "visit_resume_planning",
            action="planning",
        ),
        Move(
            "confirmed",
            (S.SITES_REQUESTED,),
            S.CONFIRMED,
            "visits.plan",
            "Confirm the visit",
            "visit_confirm",
        ),
        Move(
            "completed",
            (S.CONFIRMED,),
            S.COMPLETED,
            "visits.plan",
            "Mark the visit completed",
            "visit_complete",
        ),
        Move(
            "declined",
            (S.REQUESTED,),
            S.DECLINED,
            "visits.plan",
            "Decline the request",
            "visit_decline",
        ),
        # The filer's side may call it off until it has happened.
        Move(
            "cancelled",
            (S.REQUESTED, S.PLANNING, S.SITES_REQUESTED, S.CONFIRMED),
            S.CANCELLED,
            "visits.file_request",
            "Cancel the visit",
            "visit_cancel",
            confirm="Cancelling tells the sites' hosts the visit will not happen. "
            "It cannot be undone.",
        ),
    ),
)

# A host's answer on one stop. The audit entries join the visit's trail (``stop.accepted``).
HOST_ANSWER = Workflow(
    name="stop",
    field="answer",
    states=A,
    services_module="liaison.visits.services",
    refusal="{obj} is not awaiting your answer: {state}.",
    moves=(
        # Asking the sites asks each stop's host; a declined stop a re-plan kept is asked again.
        Move(
            "asked",
            (A.PLANNED, A.DECLINED),
            A.ASKED,
            "visits.plan",
            "Ask the host",
            "visit_request_sites",
        ),
        Move("accepted", (A.ASKED,), A.ACCEPTED, "visits.answer_stop", "Accept", "stop_accept"),
        Move("declined", (A.ASKED,), A.DECLINED, "visits.answer_stop", "Decline", "stop_decline"),
    ),
)
