"""The agreements' workflows: the one place the moves of an agreement and of an assistance
request are written down, with the permission, the button and the service of each.

An assistance request moves one way when it comes from the partner (we received it, work it,
answer it, close it, or headquarters refuses it) and another when we send it (drafted, sent
once complete, answered or refused by the partner, closed): one declaration per direction, on
the same status field, both recorded as "assistance_request.<move>".
"""

from __future__ import annotations

from typing import Any

from liaison.agreements.models import AgreementStatus as A
from liaison.agreements.models import Direction
from liaison.agreements.models import RequestStatus as R
from liaison.core.workflows import Move, Workflow

SERVICES = "liaison.agreements.services"
MANAGE = "agreements.manage_agreement"
WORK = "agreements.work_request"
REFUSE = "agreements.refuse_request"

AGREEMENT = Workflow(
    name="agreement",
    field="status",
    states=A,
    services_module=SERVICES,
    refusal="This agreement is {state}; it cannot become {target}.",
    moves=(
        Move(
            "signed", (A.NEGOTIATING,), A.SIGNED, MANAGE, "Record the signature", "agreement_sign"
        ),
        Move(
            "in_force",
            (A.SIGNED,),
            A.IN_FORCE,
            MANAGE,
            "Record the entry into force",
            "agreement_enter_into_force",
        ),
        Move(
            "suspended",
            (A.IN_FORCE,),
            A.SUSPENDED,
            MANAGE,
            "Suspend the agreement",
            "agreement_suspend",
            confirm="No request can be sent under a suspended agreement until it is resumed.",
        ),
        Move(
            "resumed",
            (A.SUSPENDED,),
            A.IN_FORCE,
            MANAGE,
            "Resume the agreement",
            "agreement_resume",
            action="in_force",
        ),
        Move(
            "terminated",
            (A.NEGOTIATING, A.SIGNED, A.IN_FORCE, A.SUSPENDED),
            A.TERMINATED,
            MANAGE,
            "End the agreement (or its negotiation)",
            "agreement_terminate",
            confirm="An ended agreement cannot be brought back: a new one would be negotiated.",
        ),
    ),
)

INCOMING = Workflow(
    name="assistance_request",
    field="status",
    states=R,
    services_module=SERVICES,
    refusal="This request is {state}; it cannot become {target}.",
    moves=(
        Move(
            "started", (R.RECEIVED,), R.IN_PROGRESS, WORK, "Start work", "assistance_request_start"
        ),
        Move(
            "answered",
            (R.IN_PROGRESS,),
            R.ANSWERED,
            WORK,
            "Record our answer",
            "assistance_request_answer",
        ),
        Move("closed", (R.ANSWERED,), R.CLOSED, WORK, "Close the case", "assistance_request_close"),
        Move(
            "refused",
            (R.RECEIVED, R.IN_PROGRESS),
            R.REFUSED,
            REFUSE,
            "Refuse the request",
            "assistance_request_refuse",
            confirm="The partner is told why; a refused request cannot be reopened.",
        ),
    ),
)

OUTGOING = Workflow(
    name="assistance_request",
    field="status",
    states=R,
    services_module=SERVICES,
    refusal="This request is {state}; it cannot become {target}.",
    moves=(
        Move(
            "sent", (R.DRAFT,), R.RECEIVED, WORK, "Send to the partner", "assistance_request_send"
        ),
        Move(
            "started",
            (R.RECEIVED,),
            R.IN_PROGRESS,
            WORK,
            "The partner is working on it",
            "assistance_request_start",
        ),
        Move(
            "answered",
            (R.RECEIVED, R.IN_PROGRESS),
            R.ANSWERED,
            WORK,
            "Record the partner's answer",
            "assistance_request_answer",
        ),
        Move("closed", (R.ANSWERED,), R.CLOSED, WORK, "Close the case", "assistance_request_close"),
        Move(
            "refused",
            (R.RECEIVED, R.IN_PROGRESS),
            R.REFUSED,
            WORK,
            "Record the partner's refusal",
            "assistance_request_refuse",
        ),
    ),
)


def request_workflow(request: Any) -> Workflow:
    """The workflow of the request's direction."""
    return INCOMING if request.direction == Direction.INCOMING else OUTGOING
