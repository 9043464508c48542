"""The postings' workflows: a tour from its proposal to its end, and a deployment.

A posting is proposed (by headquarters, or the attaché of the post's region), approved by
headquarters with the approval's reference, becomes "on post" when the officer's arrival is
recorded, and ends when their departure is; a proposal may be withdrawn and an approved tour
cancelled before it starts. A tour that has begun is never cancelled: it ends (early, with the
reason, if it must). Audit actions are "posting.<move>" and "deployment.<move>".
"""

from __future__ import annotations

from liaison.core.workflows import Move, Workflow
from liaison.postings.models import DeploymentStatus as D
from liaison.postings.models import PostingStatus as S

SERVICES = "liaison.postings.services"
PROPOSE = "postings.propose"
APPROVE = "postings.approve"
PRESENCE = "postings.record_presence"
DEPLOY = "postings.manage_deployments"

POSTING = Workflow(
    name="posting",
    field="status",
    states=S,
    services_module=SERVICES,
    moves=(
        Move("approved", (S.PROPOSED,), S.APPROVED, APPROVE, "Approve", "posting_approve"),
        Move(
            "arrived",
            (S.APPROVED,),
            S.ACTIVE,
            PRESENCE,
            "Record the arrival on post",
            "posting_arrive",
        ),
        Move("ended", (S.ACTIVE,), S.ENDED, PRESENCE, "Record the end of the tour", "posting_end"),
        Move(
            "withdrawn",
            (S.PROPOSED,),
            S.CANCELLED,
            PROPOSE,
            "Withdraw the proposal",
            "posting_withdraw",
        ),
        Move(
            "cancelled",
            (S.APPROVED,),
            S.CANCELLED,
            APPROVE,
            "Cancel the posting",
            "posting_cancel",
            confirm="A cancelled posting cannot be reinstated: propose a new one if it is revived.",
        ),
    ),
)

DEPLOYMENT = Workflow(
    name="deployment",
    field="status",
    states=D,
    services_module=SERVICES,
    moves=(
        Move(
            "cancelled",
            (D.SCHEDULED,),
            D.CANCELLED,
            DEPLOY,
            "Cancel the deployment",
            "deployment_cancel",
        ),
    ),
)
