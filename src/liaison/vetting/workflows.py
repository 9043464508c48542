"""The vetting workflow: the one place its states' moves are written down."""

from __future__ import annotations

from liaison.core.workflows import Move, Workflow
from liaison.vetting.models import VettingStatus as S

VETTING = Workflow(
    name="vetting",
    field="status",
    states=S,
    services_module="liaison.vetting.services",
    moves=(
        # A decision can always be asked for again (a denial appealed, an approval renewed).
        Move(
            "submitted",
            (S.NOT_SUBMITTED, S.APPROVED, S.DENIED, S.SUSPENDED),
            S.SUBMITTED,
            "vetting.submit",
            "Submit for vetting",
            "vetting_submit",
        ),
        Move(
            "approved",
            (S.SUBMITTED, S.SUSPENDED),
            S.APPROVED,
            "vetting.decide",
            "Approve",
            "vetting_approve",
        ),
        Move("denied", (S.SUBMITTED,), S.DENIED, "vetting.decide", "Deny", "vetting_deny"),
        Move(
            "suspended", (S.APPROVED,), S.SUSPENDED, "vetting.decide", "Suspend", "vetting_suspend"
        ),
    ),
)
