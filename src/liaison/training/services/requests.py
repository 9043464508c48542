"""Training requests: filed by posts and partners, approved into a delivery or declined by
headquarters, withdrawn by the filer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.audit.services import audit_log
from liaison.audit.transitions import transition
from liaison.core.access import require_perm
from liaison.training.models import Delivery, RequestStatus, TrainingRequest
from liaison.training.services.deliveries import delivery_create
from liaison.training.workflows import TRAINING_REQUEST

REQUEST_FIELDS = (
    "country",
    "agency",
    "course",
    "need",
    "preferred_start",
    "preferred_end",
    "participants_expected",
    "funding_source",
    "justification",
)


def request_refusals(request: TrainingRequest) -> dict[str, str]:
    """What in the request breaks the rules, field by field (empty when nothing does): the
    checks filing it makes besides the model's own, so existing requests can be held to them."""
    errors: dict[str, str] = {}
    if request.course_id is None and not request.need.strip():
        errors["need"] = "Choose a course or describe the need."
    if request.agency_id and request.agency and request.agency.country_id != request.country_id:
        errors["agency"] = f"{request.agency} is not an agency of {request.country}."
    if (
        request.preferred_start
        and request.preferred_end
        and request.preferred_end < request.preferred_start
    ):
        errors["preferred_end"] = "The preferred end comes before the preferred start."
    return errors


def _validate_request(request: TrainingRequest) -> None:
    errors = request_refusals(request)
    if errors:
        raise ValidationError(errors)
    request.full_clean()


@transaction.atomic
def training_request_file(*, actor: Any, **values: Any) -> TrainingRequest:
    request = TrainingRequest(requested_by=actor, **values)
    require_perm(actor, "training.file_request", request)
    _validate_request(request)
    request.save()
    audit_log(actor=actor, action="training_request.filed", obj=request)
    return request


def _decide(
    request: TrainingRequest,
    to: str,
    *,
    actor: Any,
    note: str,
    check: Callable[[], None] | None = None,
) -> None:
    """Move the request by the TRAINING_REQUEST workflow: only a submitted one is decided."""
    transition(
        actor=actor,
        obj=request,
        workflow=TRAINING_REQUEST,
        to=to,
        why=note,
        fields={"decision_note": note, "decided_at": timezone.now()},
        audited=("decision_note",) if note else (),
        check=check,
        refused=lambda: (
            f"This request is already {request.get_status_display().lower()}; "
            "only a submitted request can be decided."
        ),
    )


@transaction.atomic
def training_request_decline(
    *, actor: Any, request: TrainingRequest, reason: str
) -> TrainingRequest:
    def check() -> None:
        if not reason.strip():
            raise ValidationError({"decision_note": "Say why the request is declined."})

    _decide(request, RequestStatus.DECLINED, actor=actor, note=reason.strip(), check=check)
    return request


@transaction.atomic
def training_request_withdraw(*, actor: Any, request: TrainingRequest) -> TrainingRequest:
    _decide(request, RequestStatus.WITHDRAWN, actor=actor, note="")
    return request


@transaction.atomic
def training_request_approve(
    *, actor: Any, request: TrainingRequest, note: str = "", **delivery: Any
) -> Delivery:
    """Approve a request into a planned delivery (course, venue, dates, funding, capacity).

    The request is approved first (so a decided one is refused before anything is planned),
    then its delivery is created; a delivery that breaks a rule undoes both."""
    _decide(request, RequestStatus.APPROVED, actor=actor, note=note)
    delivery.setdefault("course", request.course)
    delivery.setdefault("funding_source", request.funding_source)
    return delivery_create(actor=actor, request=request, **delivery)
