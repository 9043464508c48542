"""Training requests, deliveries and their transitions, instructors, and who may see which
delivery: every write is refused to the wrong role and leaves nothing behind when refused."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.core.formats import date_span
from liaison.postings import services as postings_services
from liaison.training import selectors, services
from liaison.training.models import (
    Assignment,
    Delivery,
    DeliveryStatus,
    InstructorRole,
    RequestStatus,
    TrainingRequest,
)
from liaison.training.tests.refusal import refused

pytestmark = pytest.mark.django_db


def _actions(obj) -> list[str]:
    """The audit actions on ``obj``, oldest first."""
    return list(
        AuditEntry.objects.filter(
            object_type=f"{obj._meta.app_label}.{obj._meta.model_name}", object_id=str(obj.pk)
        )
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def _request_values(country, **extra):
    start = date.today() + timedelta(days=90)
    return {
        "country": country,
        "course": Course.objects.get(code="LBI-101"),
        "preferred_start": start,
        "preferred_end": start + timedelta(days=4),
        "participants_expected": 18,
        "funding_source": FundingSource.objects.get(code="INL"),
        "justification": "New border posts on the northern frontier.",
        **extra,
    }


def _delivery_values(**extra):
    start = date.today() + timedelta(days=60)
    return {
        "course": Course.objects.get(code="LBI-101"),
        "venue": Venue.objects.get(code="ILEA-SAL"),
        "starts_on": start,
        "ends_on": start + timedelta(days=4),
        "funding_source": FundingSource.objects.get(code="INL"),
        "capacity": 20,
        **extra,
    }


# --- requests ---------------------------------------------------------------------------------


def test_an_attache_files_a_request_for_a_country_of_their_region(
    users, catalog, country, make_agency
):
    attache = users[Role.ATTACHE]
    agency = make_agency("PE")
    request = services.training_request_file(
        actor=attache, **_request_values(country("PE"), agency=agency)
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert request.requested_by == attache
    assert (request.agency, request.course.code, request.funding_source.code) == (
        agency,
        "LBI-101",
        "INL",
    )
    assert request.preferred_end - request.preferred_start == timedelta(days=4)
    entry = AuditEntry.objects.get(action="training_request.filed")
    assert (entry.actor, entry.object_id) == (attache, str(request.pk))


def test_an_attache_cannot_file_a_request_for_a_country_outside_their_region(
    users, catalog, country
):
    with refused(PermissionDenied, "training.file_request"):
        services.training_request_file(actor=users[Role.ATTACHE], **_request_values(country("JO")))


def test_a_program_manager_files_for_any_country_and_may_describe_a_need_instead_of_a_course(
    manager, catalog, country
):
    request = services.training_request_file(
        actor=manager, **_request_values(country("JO"), course=None, need="Document fraud.")
    )
    assert request.course is None and request.need == "Document fraud."


def test_other_roles_cannot_file_a_request(users, catalog, country):
    others = (
        Role.TRAINING_ADVISOR,
        Role.VETTING_OFFICER,
        Role.IVP_COORDINATOR,
        Role.SITE_HOST,
        Role.SPONSOR,
    )
    for role in others:
        with refused(PermissionDenied, "training.file_request"):
            services.training_request_file(actor=users[role], **_request_values(country("PE")))


def test_a_request_needs_a_course_or_need_an_agency_of_its_country_and_ordered_dates(
    manager, catalog, country, make_agency
):
    values = _request_values(
        country("PE"),
        course=None,
        need="  ",
        agency=make_agency("JO"),
        preferred_end=date.today(),
    )
    with refused(ValidationError, "is not an agency of Peru") as caught:
        services.training_request_file(actor=manager, **values)
    assert set(caught.value.message_dict) == {"need", "agency", "preferred_end"}
    with refused(ValidationError, "justification"):
        services.training_request_file(
            actor=manager, **_request_values(country("PE"), justification="")
        )


def test_a_program_manager_approves_a_request_into_a_planned_delivery(
    manager, users, catalog, country
):
    request = services.training_request_file(
        actor=users[Role.ATTACHE], **_request_values(country("PE"))
    )
    start = date.today() + timedelta(days=100)
    delivery = services.training_request_approve(
        actor=manager,
        request=request,
        note="Fits the FY plan.",
        venue=Venue.objects.get(code="RTC-LIM"),
        starts_on=start,
        ends_on=start + timedelta(days=4),
        capacity=24,
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.decision_note == "Fits the FY plan." and request.decided_at is not None
    assert delivery.status == DeliveryStatus.PLANNED
    assert delivery.request == request
    # Course and funding come from the request; the host country from the venue.
    assert (delivery.course.code, delivery.funding_source.code, delivery.country.code) == (
        "LBI-101",
        "INL",
        "PE",
    )
    assert _actions(request) == ["training_request.filed", "training_request.approved"]
    assert _actions(delivery) == ["delivery.created"]


def test_only_headquarters_decides_requests_and_only_once(manager, users, catalog, country):
    attache = users[Role.ATTACHE]
    request = services.training_request_file(actor=attache, **_request_values(country("PE")))
    start = date.today() + timedelta(days=100)
    placing: dict[str, Any] = {
        "venue": Venue.objects.get(code="ILEA-SAL"),
        "starts_on": start,
        "ends_on": start + timedelta(days=4),
        "capacity": 20,
    }
    with refused(PermissionDenied, "training.decide_request", request):
        services.training_request_approve(actor=attache, request=request, **placing)
    with refused(PermissionDenied, "training.decide_request", request):
        services.training_request_decline(actor=attache, request=request, reason="No.")
    with refused(ValidationError, "Say why the request is declined", request):
        services.training_request_decline(actor=manager, request=request, reason=" ")
    services.training_request_decline(actor=manager, request=request, reason="No funds this FY.")
    with refused(ValidationError, "already declined", request):
        services.training_request_approve(actor=manager, request=request, **placing)
    with refused(ValidationError, "already declined", request):
        services.training_request_withdraw(actor=attache, request=request)
    assert _actions(request) == ["training_request.filed", "training_request.declined"]


def test_the_filer_withdraws_a_submitted_request(users, catalog, country):
    attache = users[Role.ATTACHE]
    request = services.training_request_file(actor=attache, **_request_values(country("PE")))
    services.training_request_withdraw(actor=attache, request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert _actions(request)[-1] == "training_request.withdrawn"


# --- deliveries and their transitions ---------------------------------------------------------


def test_only_headquarters_creates_deliveries(users, catalog):
    for role in (Role.ATTACHE, Role.TRAINING_ADVISOR, Role.VETTING_OFFICER, Role.SPONSOR):
        with refused(PermissionDenied, "training.manage_delivery"):
            services.delivery_create(actor=users[role], **_delivery_values())
    services.delivery_create(actor=users[Role.ADMINISTRATOR], **_delivery_values())


def test_a_delivery_fits_its_course_its_venue_and_the_longest_allowed_span(manager, catalog):
    venue = Venue.objects.get(code="ILEA-SAL")
    start = date.today() + timedelta(days=60)
    with refused(ValidationError, "LBI-101 takes 5 days; these dates give 3"):
        services.delivery_create(actor=manager, **_delivery_values(ends_on=start + timedelta(2)))
    with refused(ValidationError, "at most 14 days"):
        services.delivery_create(actor=manager, **_delivery_values(ends_on=start + timedelta(14)))
    with refused(ValidationError, f"seats {venue.capacity}"):
        services.delivery_create(actor=manager, **_delivery_values(capacity=venue.capacity + 1))
    Course.objects.filter(code="LBI-101").update(active=False)
    with refused(ValidationError, "no longer offered"):
        services.delivery_create(actor=manager, **_delivery_values())


def test_a_delivery_walks_every_state_and_each_move_is_audited_with_its_actor(
    manager, users, make_instructor, make_person, approve_vetting
):
    delivery = services.delivery_create(actor=manager, **_delivery_values())
    services.delivery_approve(actor=manager, delivery=delivery)
    services.instructor_assign(
        actor=manager, delivery=delivery, staff=make_instructor(), role=InstructorRole.LEAD
    )
    services.delivery_confirm(actor=manager, delivery=delivery)
    person = make_person()
    approve_vetting(person, delivery.ends_on)
    enrollment = services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
    services.enrollment_confirm(actor=manager, enrollment=enrollment)
    services.delivery_start(actor=manager, delivery=delivery)
    services.delivery_finish(actor=manager, delivery=delivery)
    services.after_action_report_save(actor=manager, delivery=delivery, summary="Went well.")
    services.delivery_close(actor=manager, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CLOSED
    assert _actions(delivery) == [
        "delivery.created",
        "delivery.approved",
        "delivery.instructor_assigned",
        "delivery.confirmed",
        "delivery.in_progress",
        "delivery.delivered",
        "delivery.closed",
    ]
    confirmed = AuditEntry.objects.get(action="delivery.confirmed")
    assert confirmed.actor == manager
    assert confirmed.changes == {"status": ["approved", "confirmed"]}


def test_moves_out_of_order_are_refused(manager, make_delivery, make_instructor, make_person):
    planned = make_delivery()
    services.instructor_assign(
        actor=manager, delivery=planned, staff=make_instructor(), role=InstructorRole.LEAD
    )
    with refused(ValidationError, "This delivery is planned; it cannot become confirmed", planned):
        services.delivery_confirm(actor=manager, delivery=planned)
    approved = make_delivery(DeliveryStatus.APPROVED, people=[make_person()])
    services.enrollment_confirm(actor=manager, enrollment=approved.enrollments.get())
    with refused(ValidationError, "it cannot become approved", approved):
        services.delivery_approve(actor=manager, delivery=approved)
    with refused(ValidationError, "it cannot become in progress", approved):
        services.delivery_start(actor=manager, delivery=approved)
    with refused(ValidationError, "it cannot become delivered", approved):
        services.delivery_finish(actor=manager, delivery=approved)
    in_progress = make_delivery(DeliveryStatus.IN_PROGRESS, people=[make_person("Rosa")])
    services.after_action_report_save(actor=manager, delivery=in_progress, summary="Midway.")
    with refused(ValidationError, "it cannot become closed", in_progress):
        services.delivery_close(actor=manager, delivery=in_progress)
    with refused(ValidationError, "it cannot become cancelled", in_progress):
        services.delivery_cancel(actor=manager, delivery=in_progress, reason="Storm.")


def test_confirming_needs_a_lead_instructor(manager, make_delivery, make_instructor):
    delivery = make_delivery()
    services.delivery_approve(actor=manager, delivery=delivery)
    services.instructor_assign(actor=manager, delivery=delivery, staff=make_instructor())
    with refused(ValidationError, "Assign a lead instructor", delivery):
        services.delivery_confirm(actor=manager, delivery=delivery)


def test_starting_needs_a_confirmed_participant(manager, make_delivery, make_person):
    delivery = make_delivery(DeliveryStatus.CONFIRMED)
    person = make_person()
    services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
    with refused(ValidationError, "No participant is confirmed", delivery):
        services.delivery_start(actor=manager, delivery=delivery)


def test_cancelling_needs_a_reason_and_keeps_it(manager, make_delivery):
    delivery = make_delivery(DeliveryStatus.CONFIRMED)
    with refused(ValidationError, "Say why the delivery is cancelled", delivery):
        services.delivery_cancel(actor=manager, delivery=delivery, reason="  ")
    services.delivery_cancel(actor=manager, delivery=delivery, reason=" Venue flooded. ")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.cancel_reason) == ("cancelled", "Venue flooded.")
    entry = AuditEntry.objects.get(action="delivery.cancelled")
    assert entry.changes["cancel_reason"] == [None, "Venue flooded."]
    with refused(
        ValidationError, "This delivery is cancelled; it cannot become approved", delivery
    ):
        services.delivery_approve(actor=manager, delivery=delivery)


def test_closing_needs_the_after_action_report(manager, make_delivery, make_person):
    delivery = make_delivery(DeliveryStatus.DELIVERED, people=[make_person()])
    with refused(ValidationError, "Write the after-action report", delivery):
        services.delivery_close(actor=manager, delivery=delivery)


def test_only_headquarters_approves_confirms_cancels_and_closes(
    users, make_delivery, make_instructor
):
    advisor = users[Role.TRAINING_ADVISOR]
    # The advisor teaches it, and still may not move it through its planning states.
    delivery = make_delivery(DeliveryStatus.APPROVED, instructor=make_instructor(user=advisor))
    for role in (Role.ATTACHE, Role.TRAINING_ADVISOR, Role.SPONSOR):
        with refused(PermissionDenied, "training.manage_delivery", delivery):
            services.delivery_confirm(actor=users[role], delivery=delivery)
        with refused(PermissionDenied, "training.manage_delivery", delivery):
            services.delivery_cancel(actor=users[role], delivery=delivery, reason="No.")
        with refused(PermissionDenied, "training.manage_delivery", delivery):
            services.delivery_update(actor=users[role], delivery=delivery, capacity=10)


def test_the_instructor_who_teaches_it_starts_and_finishes_it_others_may_not(
    users, make_delivery, make_instructor, make_person
):
    advisor = users[Role.TRAINING_ADVISOR]
    delivery = make_delivery(
        DeliveryStatus.CONFIRMED, people=[make_person()], instructor=make_instructor()
    )
    for role in (Role.TRAINING_ADVISOR, Role.ATTACHE, Role.SPONSOR):
        with refused(PermissionDenied, "training.take_attendance", delivery):
            services.delivery_start(actor=users[role], delivery=delivery)
    services.instructor_assign(
        actor=users[Role.PROGRAM_MANAGER],
        delivery=delivery,
        staff=make_instructor(user=advisor),
    )
    services.delivery_start(actor=advisor, delivery=delivery)
    services.delivery_finish(actor=advisor, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert AuditEntry.objects.get(action="delivery.delivered").actor == advisor


def test_a_closed_delivery_can_no_longer_be_changed(manager, make_delivery, make_person):
    delivery = make_delivery(DeliveryStatus.CLOSED, people=[make_person()])
    with refused(ValidationError, "This delivery is closed; it can no longer be changed", delivery):
        services.delivery_update(actor=manager, delivery=delivery, notes="Late note.")


def test_moving_the_dates_onto_an_instructors_other_delivery_is_refused(
    manager, make_delivery, make_instructor
):
    teacher = make_instructor()
    first = make_delivery(DeliveryStatus.APPROVED, instructor=teacher)
    second = make_delivery(
        DeliveryStatus.APPROVED, instructor=teacher, starts_on=first.ends_on + timedelta(days=7)
    )
    with refused(ValidationError, f"{teacher} is already teaching LBI-101", second):
        services.delivery_update(
            actor=manager,
            delivery=second,
            starts_on=first.ends_on,
            ends_on=first.ends_on + timedelta(days=4),
        )
    second.refresh_from_db()
    services.delivery_update(actor=manager, delivery=second, notes="Bring radios.")
    assert _actions(second)[-1] == "delivery.updated"


# --- instructors ------------------------------------------------------------------------------


def test_a_lead_and_a_co_instructor_are_assigned_and_audited(
    manager, make_delivery, make_instructor
):
    delivery = make_delivery()
    lead = make_instructor()
    co = make_instructor()
    services.instructor_assign(
        actor=manager, delivery=delivery, staff=lead, role=InstructorRole.LEAD
    )
    services.instructor_assign(actor=manager, delivery=delivery, staff=co)
    assert dict(delivery.assignments.values_list("staff_id", "role")) == {
        lead.pk: "lead",
        co.pk: "co",
    }
    entries = AuditEntry.objects.filter(action="delivery.instructor_assigned").order_by("id")
    assert [e.changes["instructor"][1] for e in entries] == [
        f"{lead} (Lead instructor)",
        f"{co} (Co-instructor)",
    ]


def test_a_second_lead_is_refused_naming_the_lead(manager, make_delivery, make_instructor):
    lead = make_instructor()
    delivery = make_delivery(DeliveryStatus.APPROVED, instructor=lead)
    with refused(ValidationError, f"{lead} is already the lead instructor"):
        services.instructor_assign(
            actor=manager, delivery=delivery, staff=make_instructor(), role=InstructorRole.LEAD
        )
    with refused(ValidationError, f"{lead} already teaches this delivery"):
        services.instructor_assign(actor=manager, delivery=delivery, staff=lead)


def test_an_instructor_teaching_on_overlapping_dates_is_refused_naming_the_clash(
    manager, make_delivery, make_instructor
):
    teacher = make_instructor()
    busy = make_delivery(DeliveryStatus.CONFIRMED, instructor=teacher)
    # Overlapping by the first day of ``busy`` only.
    clash = make_delivery(starts_on=busy.starts_on - timedelta(days=4), venue="RTC-LIM")
    span = date_span(busy.starts_on, busy.ends_on)
    with refused(
        ValidationError,
        f"{teacher} is already teaching LBI-101 Land Border Interdiction at "
        f"International Law Enforcement Academy San Salvador, {span}.",
    ):
        services.instructor_assign(actor=manager, delivery=clash, staff=teacher)
    # The day after ``busy`` ends is free; a cancelled delivery holds nobody.
    free = make_delivery(starts_on=busy.ends_on + timedelta(days=1))
    services.instructor_assign(actor=manager, delivery=free, staff=teacher)
    services.delivery_cancel(actor=manager, delivery=busy, reason="Postponed.")
    services.instructor_assign(actor=manager, delivery=clash, staff=teacher)
    assert Assignment.objects.filter(staff=teacher).count() == 3


def test_a_deployed_instructor_is_refused_naming_the_deployment(
    manager, users, make_delivery, make_instructor
):
    teacher = make_instructor()
    delivery = make_delivery()
    start = delivery.ends_on
    with refused(PermissionDenied, "postings.manage_deployments"):
        postings_services.deployment_create(
            actor=users[Role.TRAINING_ADVISOR],
            staff=teacher,
            starts_on=start,
            ends_on=start,
            description="TDY",
        )
    postings_services.deployment_create(
        actor=manager,
        staff=teacher,
        starts_on=start,
        ends_on=start + timedelta(days=20),
        description="TDY to Nogales",
    )
    with refused(
        ValidationError,
        f"{teacher} is deployed (TDY to Nogales), {date_span(start, start + timedelta(days=20))}.",
    ):
        services.instructor_assign(actor=manager, delivery=delivery, staff=teacher)


def test_an_unqualified_or_inactive_instructor_is_refused(manager, make_delivery, make_instructor):
    delivery = make_delivery()
    outsider = make_instructor("CCT-101")
    with refused(ValidationError, f"{outsider} is not qualified to teach LBI-101"):
        services.instructor_assign(actor=manager, delivery=delivery, staff=outsider)
    retired = make_instructor(active=False)
    with refused(ValidationError, f"{retired} is no longer active"):
        services.instructor_assign(actor=manager, delivery=delivery, staff=retired)


def test_only_headquarters_assigns_instructors(users, make_delivery, make_instructor):
    delivery = make_delivery()
    teacher = make_instructor()
    for role in (Role.ATTACHE, Role.TRAINING_ADVISOR, Role.SPONSOR):
        with refused(PermissionDenied, "training.manage_delivery", delivery):
            services.instructor_assign(actor=users[role], delivery=delivery, staff=teacher)


def test_instructors_of_a_confirmed_delivery_stay(manager, make_delivery):
    delivery = make_delivery(DeliveryStatus.CONFIRMED)
    assignment = delivery.assignments.get()
    with refused(ValidationError, "Instructors of a confirmed delivery stay", assignment):
        services.instructor_remove(actor=manager, assignment=assignment)
    planned = make_delivery(DeliveryStatus.APPROVED)
    services.instructor_remove(actor=manager, assignment=planned.assignments.get())
    assert not planned.assignments.exists()
    assert _actions(planned)[-1] == "delivery.instructor_removed"


# --- who sees which delivery ------------------------------------------------------------------


def test_the_delivery_list_is_scoped_to_what_each_role_may_see(
    users, manager, catalog, country, make_delivery, make_instructor
):
    advisor = users[Role.TRAINING_ADVISOR]
    taught = make_delivery(DeliveryStatus.APPROVED, instructor=make_instructor(user=advisor))
    in_region = make_delivery()
    bangkok = make_delivery(venue="ILEA-BKK")
    # Held in Bangkok, but asked for by Peru: the Western Hemisphere attaché follows it.
    request = services.training_request_file(actor=manager, **_request_values(country("PE")))
    start = date.today() + timedelta(days=120)
    requested = services.training_request_approve(
        actor=manager,
        request=request,
        venue=Venue.objects.get(code="ILEA-BKK"),
        starts_on=start,
        ends_on=start + timedelta(days=4),
        capacity=20,
    )

    def listed(role: Role) -> set[int]:
        return {d.pk for d in selectors.delivery_list(user=users[role])}

    everything = {taught.pk, in_region.pk, bangkok.pk, requested.pk}
    assert listed(Role.PROGRAM_MANAGER) == everything
    assert listed(Role.VETTING_OFFICER) == everything
    assert listed(Role.TRAINING_ADVISOR) == {taught.pk}
    assert listed(Role.ATTACHE) == {taught.pk, in_region.pk, requested.pk}
    for role in (Role.SPONSOR, Role.SITE_HOST, Role.IVP_COORDINATOR):
        with pytest.raises(PermissionDenied):
            selectors.delivery_list(user=users[role])
    with pytest.raises(PermissionDenied):
        selectors.delivery_get(user=users[Role.ATTACHE], pk=bangkok.pk)
    with pytest.raises(PermissionDenied):
        selectors.delivery_get(user=advisor, pk=in_region.pk)
    assert selectors.delivery_get(user=advisor, pk=taught.pk) == taught
    assert Delivery.objects.count() == 4
    assert TrainingRequest.objects.get().status == RequestStatus.APPROVED
