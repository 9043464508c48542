"""The delivery pages call the services and show their refusals; wrong roles get 403."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.postings.services import deployment_create
from liaison.training import services
from liaison.training.models import (
    Attendance,
    CostLine,
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
    FollowUp,
)

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_list_filters_by_status_and_exports_csv(client, manager, make_delivery):
    planned = make_delivery()
    cancelled = make_delivery(DeliveryStatus.CANCELLED)
    client.force_login(manager)
    page = client.get(reverse("training:delivery_list"), {"status": "cancelled"})
    assert list(page.context["page_obj"]) == [cancelled]
    fragment = client.get(reverse("training:delivery_list"), {"q": "LBI"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode("utf-8-sig")
    assert {d.pk for d in fragment.context["page_obj"]} == {planned.pk, cancelled.pk}
    export = client.get(reverse("training:delivery_list"), {"format": "csv", "status": "planned"})
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,course,title")
    assert len(lines) == 2 and lines[1].startswith(f"{planned.pk},LBI-101")


def test_creating_a_delivery_shows_the_rule_it_breaks(client, manager, catalog):
    course = Course.objects.get(code="LBI-101")
    venue = Venue.objects.get(code="ILEA-SAL")
    client.force_login(manager)
    data = {
        "course": course.pk,
        "venue": venue.pk,
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-02",
        "funding_source": FundingSource.objects.get(code="INL").pk,
        "capacity": venue.capacity + 5,
        "min_attendance_percent": 80,
    }
    response = client.post(reverse("training:delivery_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert f"seats {venue.capacity}" in errors["capacity"][0]
    assert f"takes {course.length_days} days" in errors["ends_on"][0]
    data.update(capacity=20, ends_on=f"2027-03-{course.length_days:02d}")
    response = client.post(reverse("training:delivery_create"), data)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="delivery.created").count() == 1


def test_transitions_from_the_page_are_audited_and_refusals_shown(
    client, manager, make_delivery, make_instructor
):
    delivery = make_delivery()
    client.force_login(manager)
    url = reverse("training:delivery_transition", args=[delivery.pk])
    client.post(url, {"to": "approved"})
    response = client.post(url, {"to": "confirmed"}, follow=True)
    assert "Assign a lead instructor" in " ".join(_messages(response))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.APPROVED
    response = client.post(url, {"to": "cancelled", "reason": ""}, follow=True)
    assert "Say why" in " ".join(_messages(response))
    client.post(url, {"to": "cancelled", "reason": "Host government postponed"})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CANCELLED
    assert delivery.cancel_reason == "Host government postponed"
    assert list(
        AuditEntry.objects.filter(object_type="training.delivery", action__startswith="delivery.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["delivery.created", "delivery.approved", "delivery.cancelled"]


def test_assigning_a_busy_instructor_names_the_clash(
    client, manager, make_delivery, make_instructor
):
    instructor = make_instructor()
    first = make_delivery(DeliveryStatus.APPROVED, instructor=instructor)
    second = make_delivery(starts_on=first.starts_on + timedelta(days=2))
    client.force_login(manager)
    response = client.post(
        reverse("training:instructor_assign", args=[second.pk]),
        {"staff": instructor.pk, "role": "lead"},
        follow=True,
    )
    text = " ".join(_messages(response))
    assert f"{instructor} is already teaching LBI-101" in text
    assert not second.assignments.exists()


def test_the_roster_shows_who_the_gate_blocks_and_confirms_the_vetted(
    client, manager, make_delivery, make_person, approve_vetting
):
    delivery = make_delivery(DeliveryStatus.APPROVED)
    vetted = make_person("Rosa", "Mamani")
    unvetted = make_person("Juan", "Condori")
    approve_vetting(vetted, delivery.ends_on)
    client.force_login(manager)
    for person in (vetted, unvetted):
        client.post(
            reverse("training:enrollment_nominate", args=[delivery.pk]), {"person": person.pk}
        )
    page = client.get(reverse("training:delivery_roster", args=[delivery.pk]))
    assert "Juan Condori has no human-rights (Leahy) vetting" in page.content.decode("utf-8-sig")
    response = client.post(reverse("training:roster_confirm_all", args=[delivery.pk]), follow=True)
    text = " ".join(_messages(response))
    assert "1 participant(s) confirmed" in text and "stopped 1" in text
    statuses = dict(Enrollment.objects.values_list("person__family_name", "status"))
    assert statuses == {"Mamani": "confirmed", "Condori": "nominated"}
    blocked = client.get(reverse("training:blocked"))
    assert [b.enrollment.person for g in blocked.context["groups"] for b in g.blockers] == [
        unvetted
    ]


def test_withdrawing_moves_the_waiting_list_up(client, manager, make_delivery, make_person):
    delivery = make_delivery(capacity=1)
    first, second = make_person("Ana", "Quispe"), make_person("Luis", "Huaman")
    one = services.enrollment_nominate(actor=manager, delivery=delivery, person=first)
    two = services.enrollment_nominate(actor=manager, delivery=delivery, person=second)
    client.force_login(manager)
    url = reverse("training:enrollment_withdraw", args=[one.pk])
    client.post(url, {"reason": ""})
    one.refresh_from_db()
    assert one.status == EnrollmentStatus.NOMINATED
    client.post(url, {"reason": "Reassigned by her agency"})
    two.refresh_from_db()
    assert two.status == EnrollmentStatus.NOMINATED and two.waitlist_position is None


def test_the_check_in_sheet_marks_with_htmx_and_the_gate_holds(
    client, manager, make_delivery, make_person, users
):
    person = make_person("Rosa", "Mamani")
    delivery = make_delivery(DeliveryStatus.IN_PROGRESS, people=[person])
    enrollment = delivery.enrollments.get()
    client.force_login(manager)
    day = delivery.days[1]
    sheet = client.get(
        reverse("training:delivery_attendance", args=[delivery.pk]), {"day": day.isoformat()}
    )
    assert sheet.context["day"] == day and sheet.context["taken"] == 0
    url = reverse("training:attendance_mark", args=[enrollment.pk])
    row = client.post(url, {"day": day.isoformat(), "mark": "late"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200
    assert 'aria-pressed="true">Late' in row.content.decode("utf-8-sig")
    assert Attendance.objects.get().mark == "late"
    # The approval is suspended mid-course: present is refused, absent still recorded.
    record = person.vetting_records.get()
    from liaison.vetting.services import vetting_suspend

    vetting_suspend(actor=users[Role.VETTING_OFFICER], record=record, reason="Allegation")
    row = client.post(url, {"day": day.isoformat(), "mark": "present"}, HTTP_HX_REQUEST="true")
    assert "is suspended, not approved" in row.content.decode("utf-8-sig")
    assert Attendance.objects.get().mark == "late"
    client.post(url, {"day": day.isoformat(), "mark": "absent"}, HTTP_HX_REQUEST="true")
    assert Attendance.objects.get().mark == "absent"


def test_scores_are_saved_for_the_roster_and_bad_ones_marked(
    client, manager, make_delivery, make_person
):
    people = [make_person("Rosa", "Mamani"), make_person("Juan", "Condori")]
    delivery = make_delivery(DeliveryStatus.IN_PROGRESS, people=people)
    rosa, juan = (delivery.enrollments.get(person=p) for p in people)
    client.force_login(manager)
    url = reverse("training:delivery_results", args=[delivery.pk])
    response = client.post(
        url, {f"pre-{rosa.pk}": "40", f"post-{rosa.pk}": "88", f"post-{juan.pk}": "120"}
    )
    assert response.status_code == 200
    assert "A score is from 0 to 100." in response.content.decode("utf-8-sig")
    rosa.refresh_from_db()
    juan.refresh_from_db()
    assert (rosa.pre_score, rosa.post_score) == (40, 88)
    assert juan.post_score is None


def test_costs_total_variance_and_per_participant(client, manager, make_delivery, make_person):
    delivery = make_delivery(DeliveryStatus.CONFIRMED, people=[make_person(), make_person("B")])
    client.force_login(manager)
    url = reverse("training:delivery_costs", args=[delivery.pk])
    for kind, amount in (("budget", "1000.00"), ("actual", "1250.50")):
        client.post(url, {"kind": kind, "category": "lodging", "amount": amount})
    summary = client.get(url).context["summary"]
    assert (summary.budget, summary.actual, str(summary.variance)) == (1000, 1250.5, "250.50")
    assert str(summary.per_participant) == "625.25"
    line = CostLine.objects.first()
    client.post(reverse("training:cost_remove", args=[delivery.pk, line.pk]))
    assert CostLine.objects.count() == 1


def test_the_report_is_written_then_the_delivery_closes(
    client, manager, make_delivery, make_person
):
    delivery = make_delivery(DeliveryStatus.DELIVERED, people=[make_person()])
    client.force_login(manager)
    transition = reverse("training:delivery_transition", args=[delivery.pk])
    response = client.post(transition, {"to": "closed"}, follow=True)
    assert "Write the after-action report" in " ".join(_messages(response))
    client.post(
        reverse("training:delivery_report", args=[delivery.pk]),
        {
            "summary": "Good week.",
            "issues": "Late interpreter.",
            "recommendations": "Book earlier.",
        },
    )
    client.post(transition, {"to": "closed"})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CLOSED
    assert delivery.after_action_report.issues == "Late interpreter."


def test_an_advisor_runs_only_the_deliveries_they_teach(
    client, users, make_delivery, make_instructor, make_person
):
    advisor = users[Role.TRAINING_ADVISOR]
    theirs = make_delivery(
        DeliveryStatus.IN_PROGRESS,
        people=[make_person()],
        instructor=make_instructor(user=advisor),
    )
    other = make_delivery(DeliveryStatus.IN_PROGRESS, people=[make_person("B", "C")])
    client.force_login(advisor)
    assert client.get(reverse("training:delivery_attendance", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("training:delivery_detail", args=[other.pk])).status_code == 403
    enrollment = other.enrollments.get()
    response = client.post(
        reverse("training:attendance_mark", args=[enrollment.pk]),
        {"day": other.starts_on.isoformat(), "mark": "present"},
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()
    listed = client.get(reverse("training:delivery_list")).context["page_obj"]
    assert [d.pk for d in listed] == [theirs.pk]
    assert client.get(reverse("training:delivery_costs", args=[theirs.pk])).status_code == 200
    assert (
        client.post(
            reverse("training:delivery_costs", args=[theirs.pk]),
            {"kind": "actual", "category": "other", "amount": "5"},
        ).status_code
        == 403
    )
    assert not CostLine.objects.exists()


def test_the_roster_goes_to_the_vetting_office_in_one_click(
    client, manager, make_delivery, make_person, approve_vetting
):
    delivery = make_delivery(DeliveryStatus.APPROVED)
    vetted, new = make_person("Rosa", "Mamani"), make_person("Juan", "Condori")
    approve_vetting(vetted, delivery.ends_on)
    for person in (vetted, new):
        services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
    client.force_login(manager)
    url = reverse("training:roster_submit_for_vetting", args=[delivery.pk])
    response = client.post(url, follow=True)
    assert "1 nominee(s) submitted" in " ".join(_messages(response))
    assert new.vetting_records.get().status == "submitted"
    assert vetted.vetting_records.get().status == "approved"
    response = client.post(url, follow=True)
    assert "already been submitted" in " ".join(_messages(response))


def test_attaches_see_only_follow_ups_of_their_regions_deliveries(client, users, make_delivery):
    ours = FollowUp.objects.create(kind="mentoring", title="Lima", starts_on=date.today())
    ours.source_deliveries.add(make_delivery(venue="RTC-LIM"))
    theirs = FollowUp.objects.create(kind="refresher", title="Bangkok", starts_on=date.today())
    theirs.source_deliveries.add(make_delivery(venue="ILEA-BKK"))
    client.force_login(users[Role.ATTACHE])  # WHA
    listed = client.get(reverse("training:follow_up_list")).context["page_obj"]
    assert [f.title for f in listed] == ["Lima"]
    assert client.get(reverse("training:follow_up_detail", args=[theirs.pk])).status_code == 404
    client.force_login(users[Role.PROGRAM_MANAGER])
    listed = client.get(reverse("training:follow_up_list")).context["page_obj"]
    assert {f.title for f in listed} == {"Lima", "Bangkok"}


def test_an_instructor_deployed_after_being_assigned_is_flagged_on_the_delivery(
    client, manager, make_delivery, make_instructor
):
    teacher = make_instructor()
    delivery = make_delivery(DeliveryStatus.APPROVED, instructor=teacher)
    client.force_login(manager)
    page = client.get(reverse("training:delivery_detail", args=[delivery.pk]))
    assert 'id="instructor-clashes"' not in page.content.decode()
    deployment_create(
        actor=manager,
        staff=teacher,
        starts_on=delivery.starts_on,
        ends_on=delivery.ends_on + timedelta(days=10),
        description="TDY to Nogales",
    )
    html = client.get(reverse("training:delivery_detail", args=[delivery.pk])).content.decode()
    alert = html.split('id="instructor-clashes"', 1)[1].split("</div>", 1)[0]
    assert f"{teacher} is deployed (TDY to Nogales)" in alert
    assert "not available" in html
    # Once delivered, the record stands as it was taught: no flag.
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.DELIVERED)
    html = client.get(reverse("training:delivery_detail", args=[delivery.pk])).content.decode()
    assert 'id="instructor-clashes"' not in html
