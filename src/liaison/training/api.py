"""The training API: requests, deliveries and their transitions, instructors, the roster,
attendance, scores, results, costs and certificates.

Each write fetches and authorizes its record through the selectors, then calls the same
service the pages call, so the rules and the permissions are the pages' own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from liaison.catalog import selectors as catalog_selectors
from liaison.core.access import require_perm
from liaison.core.api import actor
from liaison.partners import selectors as partner_selectors
from liaison.people import selectors as people_selectors
from liaison.training import selectors, services
from liaison.training.models import EnrollmentStatus
from liaison.training.schemas import (
    AssignmentOut,
    AttendanceIn,
    AttendanceOut,
    AttendanceSheetOut,
    BlockerOut,
    CertificateOut,
    CostLineIn,
    CostLineOut,
    CostSummaryOut,
    DeliveryDetailOut,
    DeliveryIn,
    DeliveryOut,
    DeliveryPatch,
    EnrollmentOut,
    InstructorIn,
    NominateIn,
    ReasonIn,
    RequestApproveIn,
    RequestIn,
    RequestOut,
    ResultOut,
    ScoresIn,
    TransitionIn,
)

router = Router(tags=["training"])


# --- turning the API's codes and ids into records, within the user's scope --------------------


def _by_code(found: Any, field: str, code: str, noun: str) -> Any:
    if found is None:
        raise ValidationError({field: f"No {noun} has the code “{code}”."})
    return found


def _or_invalid(field: str, message: str, fetch: Callable[[], Any]) -> Any:
    """A record named in the body: unknown is a field error (400), out of scope stays 403."""
    try:
        return fetch()
    except Http404:
        raise ValidationError({field: message}) from None


def _catalog_links(user: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Course, venue and funding source codes → the records the services take."""
    if (code := values.get("course")) is not None:
        values["course"] = _by_code(
            catalog_selectors.course_by_code(user=user, code=code), "course", code, "course"
        )
    if (code := values.get("venue")) is not None:
        values["venue"] = _by_code(
            catalog_selectors.venue_by_code(user=user, code=code), "venue", code, "venue"
        )
    if (code := values.get("funding_source")) is not None:
        values["funding_source"] = _by_code(
            catalog_selectors.funding_source_by_code(user=user, code=code),
            "funding_source",
            code,
            "funding source",
        )
    return values


def _person(enrollment: Any) -> dict[str, Any]:
    return {
        "enrollment_id": enrollment.pk,
        "person_id": enrollment.person_id,
        "person_name": str(enrollment.person),
    }


# --- requests --------------------------------------------------------------------------------


@router.get("/requests", response=list[RequestOut])
@paginate(PageNumberPagination, page_size=50)
def list_training_requests(
    request: HttpRequest, status: str = "", q: str = "", country: str = ""
) -> Any:
    return selectors.request_list(
        user=actor(request), status=status, search=q.strip(), country=country.upper()
    )


@router.get("/requests/{int:request_id}", response=RequestOut)
def get_training_request(request: HttpRequest, request_id: int) -> Any:
    return selectors.request_get(user=actor(request), pk=request_id)


@router.post("/requests", response={201: RequestOut})
def file_training_request(request: HttpRequest, payload: RequestIn) -> Any:
    user = actor(request)
    require_perm(user, "training.file_request")
    values = _catalog_links(user, payload.dict())
    code = values["country"]
    values["country"] = _or_invalid(
        "country",
        f"No country has the code “{code}”.",
        lambda: partner_selectors.country_get(user=user, code=code),
    )
    agency_id = values.pop("agency_id")
    values["agency"] = (
        _or_invalid(
            "agency_id",
            f"No agency has the id {agency_id}.",
            lambda: partner_selectors.agency_get(user=user, pk=agency_id),
        )
        if agency_id
        else None
    )
    return Status(201, services.training_request_file(actor=user, **values))


@router.post("/requests/{int:request_id}/approve", response={201: DeliveryOut})
def approve_training_request(
    request: HttpRequest, request_id: int, payload: RequestApproveIn
) -> Any:
    user = actor(request)
    training_request = selectors.request_get(
        user=user, pk=request_id, perm="training.decide_request"
    )
    values = _catalog_links(user, payload.dict(exclude_none=True))
    note = values.pop("note", "")
    delivery = services.training_request_approve(
        actor=user, request=training_request, note=note, **values
    )
    return Status(201, delivery)


@router.post("/requests/{int:request_id}/decline", response=RequestOut)
def decline_training_request(request: HttpRequest, request_id: int, payload: ReasonIn) -> Any:
    user = actor(request)
    training_request = selectors.request_get(
        user=user, pk=request_id, perm="training.decide_request"
    )
    return services.training_request_decline(
        actor=user, request=training_request, reason=payload.reason
    )


# --- deliveries ------------------------------------------------------------------------------


@router.get("/deliveries", response=list[DeliveryOut])
@paginate(PageNumberPagination, page_size=50)
def list_deliveries(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    fiscal_year: int | None = None,
    country: str = "",
    venue_kind: str = "",
) -> Any:
    return selectors.delivery_list(
        user=actor(request),
        search=q.strip(),
        status=status,
        fiscal_year=fiscal_year,
        country=country.upper(),
        venue_kind=venue_kind,
    )


@router.get("/deliveries/{int:delivery_id}", response=DeliveryDetailOut)
def get_delivery(request: HttpRequest, delivery_id: int) -> Any:
    return selectors.delivery_get(user=actor(request), pk=delivery_id)


@router.post("/deliveries", response={201: DeliveryOut})
def create_delivery(request: HttpRequest, payload: DeliveryIn) -> Any:
    user = actor(request)
    require_perm(user, "training.manage_delivery")
    values = _catalog_links(user, payload.dict())
    return Status(201, services.delivery_create(actor=user, **values))


@router.patch("/deliveries/{int:delivery_id}", response=DeliveryOut)
def update_delivery(request: HttpRequest, delivery_id: int, payload: DeliveryPatch) -> Any:
    user = actor(request)
    delivery = selectors.delivery_get(user=user, pk=delivery_id, perm="training.manage_delivery")
    changes = payload.dict(exclude_unset=True)
    # Only the pass mark may be cleared (back to the course's); the rest always has a value.
    for name, value in changes.items():
        if value is None and name != "pass_mark":
            raise ValidationError({name: "This field cannot be cleared."})
    values = _catalog_links(user, changes)
    return services.delivery_update(actor=user, delivery=delivery, **values)


@router.post("/deliveries/{int:delivery_id}/transition", response=DeliveryOut)
def transition_delivery(request: HttpRequest, delivery_id: int, payload: TransitionIn) -> Any:
    """Move the delivery to ``to`` by the delivery workflow's move there (cancelling takes
    ``reason``)."""
    user = actor(request)
    delivery = selectors.delivery_get(user=user, pk=delivery_id)
    return services.delivery_move(
        actor=user, delivery=delivery, to=payload.to, reason=payload.reason
    )


@router.post("/deliveries/{int:delivery_id}/instructors", response={201: AssignmentOut})
def assign_instructor(request: HttpRequest, delivery_id: int, payload: InstructorIn) -> Any:
    user = actor(request)
    delivery = selectors.delivery_get(user=user, pk=delivery_id, perm="training.manage_delivery")
    staff = _or_invalid(
        "staff_id",
        f"No staff member has the id {payload.staff_id}.",
        lambda: people_selectors.staff_get(user=user, pk=payload.staff_id),
    )
    assignment = services.instructor_assign(
        actor=user, delivery=delivery, staff=staff, role=payload.role
    )
    return Status(201, assignment)


@router.delete(
    "/deliveries/{int:delivery_id}/instructors/{int:assignment_id}", response={204: None}
)
def remove_instructor(request: HttpRequest, delivery_id: int, assignment_id: int) -> Any:
    user = actor(request)
    assignment = selectors.assignment_find(user=user, delivery_pk=delivery_id, pk=assignment_id)
    if assignment is None:
        raise Http404
    services.instructor_remove(actor=user, assignment=assignment)
    return Status(204, None)


# --- the roster ------------------------------------------------------------------------------


@router.get("/deliveries/{int:delivery_id}/enrollments", response=list[EnrollmentOut])
@paginate(PageNumberPagination, page_size=50)
def list_enrollments(request: HttpRequest, delivery_id: int) -> Any:
    delivery = selectors.delivery_get(user=actor(request), pk=delivery_id)
    return selectors.roster_enrollments(delivery=delivery)


@router.post("/deliveries/{int:delivery_id}/enrollments", response={201: EnrollmentOut})
def nominate_participant(request: HttpRequest, delivery_id: int, payload: NominateIn) -> Any:
    user = actor(request)
    delivery = selectors.delivery_get(user=user, pk=delivery_id, perm="training.manage_roster")
    person = _or_invalid(
        "person_id",
        f"No person has the id {payload.person_id}.",
        lambda: people_selectors.person_get(user=user, pk=payload.person_id),
    )
    enrollment = services.enrollment_nominate(
        actor=user, delivery=delivery, person=person, nominated_by=payload.nominated_by
    )
    return Status(201, enrollment)


@router.post("/enrollments/{int:enrollment_id}/confirm", response=EnrollmentOut)
def confirm_enrollment(request: HttpRequest, enrollment_id: int) -> Any:
    user = actor(request)
    enrollment = selectors.enrollment_get(
        user=user, pk=enrollment_id, perm="training.manage_roster"
    )
    return services.enrollment_confirm(actor=user, enrollment=enrollment)


@router.post("/enrollments/{int:enrollment_id}/withdraw", response=EnrollmentOut)
def withdraw_enrollment(request: HttpRequest, enrollment_id: int, payload: ReasonIn) -> Any:
    user = actor(request)
    enrollment = selectors.enrollment_get(
        user=user, pk=enrollment_id, perm="training.manage_roster"
    )
    return services.enrollment_withdraw(actor=user, enrollment=enrollment, reason=payload.reason)


@router.put("/enrollments/{int:enrollment_id}/scores", response=EnrollmentOut)
def record_scores(request: HttpRequest, enrollment_id: int, payload: ScoresIn) -> Any:
    user = actor(request)
    enrollment = selectors.enrollment_get(
        user=user, pk=enrollment_id, perm="training.take_attendance"
    )
    return services.scores_record(
        actor=user,
        enrollment=enrollment,
        pre_score=payload.pre_score,
        post_score=payload.post_score,
    )


# --- attendance, results, the vetting gate ---------------------------------------------------


@router.get("/deliveries/{int:delivery_id}/attendance", response=AttendanceSheetOut)
def get_attendance(request: HttpRequest, delivery_id: int, day: date | None = None) -> Any:
    """One day's sheet; without ``day``, today's (or the nearest day of the delivery)."""
    delivery = selectors.delivery_get(user=actor(request), pk=delivery_id)
    days = delivery.days
    if day is None:
        day = min(max(date.today(), days[0]), days[-1])
    elif day not in days:
        raise ValidationError({"day": f"{day:%Y-%m-%d} is not a day of this delivery."})
    sheet = selectors.attendance_sheet(delivery=delivery, day=day)
    return {
        "day": day,
        "days": days,
        "rows": [{**_person(enrollment), "mark": mark} for enrollment, mark in sheet],
    }


@router.put("/enrollments/{int:enrollment_id}/attendance", response=AttendanceOut)
def record_attendance(request: HttpRequest, enrollment_id: int, payload: AttendanceIn) -> Any:
    user = actor(request)
    enrollment = selectors.enrollment_get(
        user=user, pk=enrollment_id, perm="training.take_attendance"
    )
    return services.attendance_record(
        actor=user, enrollment=enrollment, day=payload.day, mark=payload.mark
    )


@router.get("/deliveries/{int:delivery_id}/results", response=list[ResultOut])
def get_results(request: HttpRequest, delivery_id: int) -> Any:
    delivery = selectors.delivery_get(user=actor(request), pk=delivery_id)
    return [
        {
            **_person(result.enrollment),
            "status": result.enrollment.status,
            "pre_score": result.enrollment.pre_score,
            "post_score": result.enrollment.post_score,
            "days_attended": result.completion.days_attended,
            "days": result.completion.days,
            "attendance_percent": result.completion.attendance_percent,
            "completed": result.completion.completed,
            "reason": result.completion.reason,
            "certificate": result.certificate.code if result.certificate else None,
            "certificate_valid": result.certificate.is_valid if result.certificate else None,
        }
        for result in selectors.delivery_results(delivery=delivery)
    ]


@router.get("/deliveries/{int:delivery_id}/blockers", response=list[BlockerOut])
def get_blockers(request: HttpRequest, delivery_id: int) -> Any:
    """The nominees the vetting gate would refuse to confirm, and why."""
    delivery = selectors.delivery_get(user=actor(request), pk=delivery_id)
    nominated = [
        enrollment
        for enrollment in selectors.roster_enrollments(delivery=delivery)
        if enrollment.status == EnrollmentStatus.NOMINATED
    ]
    refusals = selectors.gate_refusals(enrollments=nominated)
    return [
        {**_person(enrollment), "reason": refusals[enrollment.pk]}
        for enrollment in nominated
        if enrollment.pk in refusals
    ]


# --- costs and certificates ------------------------------------------------------------------


@router.get("/deliveries/{int:delivery_id}/costs", response=CostSummaryOut)
def get_costs(request: HttpRequest, delivery_id: int) -> Any:
    delivery = selectors.delivery_get(
        user=actor(request), pk=delivery_id, perm="training.view_costs"
    )
    summary = selectors.cost_summary(delivery=delivery)
    return {
        "rows": [
            {
                "category": row.category,
                "label": row.label,
                "budget": row.budget,
                "actual": row.actual,
                "variance": row.variance,
            }
            for row in summary.rows
        ],
        "budget": summary.budget,
        "actual": summary.actual,
        "variance": summary.variance,
        "participants": summary.participants,
        "per_participant": summary.per_participant,
        "lines": summary.lines,
    }


@router.post("/deliveries/{int:delivery_id}/costs", response={201: CostLineOut})
def add_cost_line(request: HttpRequest, delivery_id: int, payload: CostLineIn) -> Any:
    user = actor(request)
    delivery = selectors.delivery_get(user=user, pk=delivery_id, perm="training.manage_costs")
    return Status(201, services.cost_line_add(actor=user, delivery=delivery, **payload.dict()))


@router.post("/deliveries/{int:delivery_id}/certificates", response={201: list[CertificateOut]})
def issue_certificates(request: HttpRequest, delivery_id: int) -> Any:
    """A certificate for every completer who has none yet; the list of those issued."""
    user = actor(request)
    delivery = selectors.delivery_get(user=user, pk=delivery_id, perm="training.issue_certificate")
    return Status(201, services.certificates_issue_all(actor=user, delivery=delivery))


@router.post("/certificates/{int:certificate_id}/revoke", response=CertificateOut)
def revoke_certificate(request: HttpRequest, certificate_id: int, payload: ReasonIn) -> Any:
    user = actor(request)
    certificate = selectors.certificate_get(
        user=user, pk=certificate_id, perm="training.revoke_certificate"
    )
    return services.certificate_revoke(actor=user, certificate=certificate, reason=payload.reason)
