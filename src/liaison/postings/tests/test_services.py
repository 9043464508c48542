"""Every postings service: what it records when allowed, and, for each rule and each wrong role
or region, the refusal in its own words with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.catalog.models import FundingSource
from liaison.conftest import create_agency
from liaison.core.formats import date_span
from liaison.partners.models import Country
from liaison.people.models import StaffKind
from liaison.postings import services
from liaison.postings.models import (
    CoverageKind,
    DeploymentStatus,
    PostingStatus,
    PostKind,
)
from liaison.postings.selectors import staff_away
from liaison.postings.tests.conftest import refused

pytestmark = pytest.mark.django_db

NOT_HQ = [r for r in Role if r not in (Role.ADMINISTRATOR, Role.PROGRAM_MANAGER)]


def _actions(obj) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_type=f"{obj._meta.app_label}.{obj._meta.model_name}", object_id=str(obj.pk)
        )
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def _countries(*codes: str) -> list[Country]:
    return [Country.objects.get(code=code) for code in codes]


# --- posts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", NOT_HQ)
def test_only_headquarters_adds_a_post(users, role):
    with refused(PermissionDenied, "postings.manage_posts"):
        services.post_create(
            actor=users[role],
            name="U.S. Embassy Lima",
            kind=PostKind.EMBASSY,
            city="Lima",
            country=Country.objects.get(code="PE"),
        )


def test_a_post_where_tours_were_served_cannot_move_country(manager, make_posting):
    posting = make_posting(PostingStatus.ACTIVE)
    post = posting.post
    with refused(ValidationError, "cannot move country", post):
        services.post_update(actor=manager, post=post, country=Country.objects.get(code="GT"))
    services.post_update(actor=manager, post=post, city="Ciudad de México")
    assert _actions(post) == ["post.created", "post.updated"]


# --- proposing a tour ----------------------------------------------------------------------------


def test_headquarters_proposes_a_tour_with_its_coverage(manager, make_staff, make_post, today):
    staff, post = make_staff(), make_post()
    posting = services.posting_propose(
        actor=manager,
        staff=staff,
        role="attache",
        post=post,
        starts_on=today + timedelta(days=60),
        ends_on=today + timedelta(days=60 + 1095),
        primary=_countries("MX"),
        secondary=_countries("GT", "BZ"),
    )
    assert posting.status == PostingStatus.PROPOSED
    assert posting.proposed_by == manager
    assert {(c.country.code, c.kind) for c in posting.coverage.all()} == {
        ("MX", CoverageKind.PRIMARY),
        ("GT", CoverageKind.SECONDARY),
        ("BZ", CoverageKind.SECONDARY),
    }
    entry = AuditEntry.objects.get(action="posting.proposed", object_id=str(posting.pk))
    assert (
        entry.changes["coverage"][1]
        == "Mexico (primary), Guatemala (secondary), Belize (secondary)"
    )


@pytest.mark.parametrize("role", NOT_HQ)
def test_only_headquarters_proposes_a_tour(users, make_staff, make_post, today, role):
    staff, post = make_staff(), make_post()
    with refused(PermissionDenied, "postings.propose"):
        services.posting_propose(
            actor=users[role],
            staff=staff,
            role="attache",
            post=post,
            starts_on=today,
            ends_on=today + timedelta(days=700),
            primary=_countries("MX"),
        )


@pytest.mark.parametrize(
    ("kind", "role", "post_kind", "says"),
    [
        (StaffKind.INSTRUCTOR, "attache", PostKind.EMBASSY, "is an instructor, who is not posted"),
        (StaffKind.SITE_HOST, "advisor", PostKind.EMBASSY, "is a site host, who is not posted"),
        (StaffKind.ADVISOR, "ilea_instructor", PostKind.EMBASSY, "posted to an academy"),
        (StaffKind.ATTACHE, "attache", PostKind.ACADEMY, "posted to an academy"),
    ],
)
def test_the_role_must_fit_the_officer_and_the_post(
    manager, make_staff, make_post, today, kind, role, post_kind, says
):
    staff, post = make_staff(kind), make_post(kind=post_kind)
    with refused(ValidationError, says):
        services.posting_propose(
            actor=manager,
            staff=staff,
            role=role,
            post=post,
            starts_on=today,
            ends_on=today + timedelta(days=700),
            primary=_countries("MX"),
        )


def test_an_ilea_instructor_is_posted_to_an_academy(manager, make_staff, make_post, today):
    posting = services.posting_propose(
        actor=manager,
        staff=make_staff(StaffKind.INSTRUCTOR),
        role="ilea_instructor",
        post=make_post("SV", "San Salvador", PostKind.ACADEMY),
        starts_on=today,
        ends_on=today + timedelta(days=730),
        primary=_countries("SV"),
    )
    assert posting.get_role_display() == "ILEA instructor"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"ends_on": 0}, "The tour must end after it starts."),
        ({"primary": ()}, "Name at least one country the posting covers first."),
        ({"secondary": ("MX",)}, "Mexico is already covered first (primary)."),
    ],
)
def test_a_proposal_needs_dates_in_order_and_its_countries(
    manager, make_staff, make_post, today, change, says
):
    staff, post = make_staff(), make_post()
    values = {
        "starts_on": today,
        "ends_on": today + timedelta(days=change.get("ends_on", 700)),
        "primary": _countries(*change.get("primary", ("MX",))),
        "secondary": _countries(*change.get("secondary", ())),
    }
    with refused(ValidationError, says):
        services.posting_propose(actor=manager, staff=staff, role="attache", post=post, **values)


def test_an_officer_who_has_left_is_not_proposed(manager, make_staff, make_post, today):
    staff, post = make_staff(active=False), make_post()
    with refused(ValidationError, "is no longer active"):
        services.posting_propose(
            actor=manager,
            staff=staff,
            role="attache",
            post=post,
            starts_on=today,
            ends_on=today + timedelta(days=700),
            primary=_countries("MX"),
        )


def test_nobody_holds_two_tours_at_once(manager, make_staff, make_post, make_posting, today):
    staff = make_staff()
    held = make_posting(PostingStatus.ACTIVE, staff=staff)
    other = make_post("GT", "Guatemala City")
    span = date_span(held.starts_on, held.ends_on)
    with refused(
        ValidationError, f"already holds a posting on these dates: attaché at {held.post}, {span}."
    ):
        services.posting_propose(
            actor=manager,
            staff=staff,
            role="attache",
            post=other,
            starts_on=held.ends_on,
            ends_on=held.ends_on + timedelta(days=700),
            primary=_countries("GT"),
        )
    # The day after the tour's planned end is free; two proposals may compete for the same days.
    first = services.posting_propose(
        actor=manager,
        staff=staff,
        role="attache",
        post=other,
        starts_on=held.ends_on + timedelta(days=1),
        ends_on=held.ends_on + timedelta(days=700),
        primary=_countries("GT"),
    )
    second = services.posting_propose(
        actor=manager,
        staff=staff,
        role="attache",
        post=make_post("PA", "Panama City"),
        starts_on=held.ends_on + timedelta(days=10),
        ends_on=held.ends_on + timedelta(days=800),
        primary=_countries("PA"),
    )
    services.posting_approve(actor=manager, posting=first, reference="26 STATE 2")
    with refused(ValidationError, "already holds a posting on these dates", second):
        services.posting_approve(actor=manager, posting=second, reference="26 STATE 3")


def test_a_proposal_changes_until_it_is_decided(manager, make_posting):
    posting = make_posting()
    services.posting_update(
        actor=manager,
        posting=posting,
        notes="Spanish required.",
        primary=_countries("MX"),
        secondary=_countries("BZ"),
    )
    posting.refresh_from_db()
    assert posting.notes == "Spanish required."
    assert [c.country.code for c in posting.secondary_coverage] == ["BZ"]
    assert _actions(posting) == ["posting.proposed", "posting.updated", "posting.updated"]
    services.posting_approve(actor=manager, posting=posting, reference="26 STATE 9")
    with refused(ValidationError, "only a proposal changes", posting):
        services.posting_update(actor=manager, posting=posting, notes="Later.")


@pytest.mark.parametrize("role", NOT_HQ)
def test_only_headquarters_changes_a_proposal(users, make_posting, role):
    posting = make_posting()
    with refused(PermissionDenied, "postings.propose", posting):
        services.posting_update(actor=users[role], posting=posting, notes="Mine.")


# --- the moves -----------------------------------------------------------------------------------


def test_approval_needs_its_reference(manager, make_posting):
    posting = make_posting()
    with refused(ValidationError, "Give the approval's reference.", posting):
        services.posting_approve(actor=manager, posting=posting, reference="  ")
    services.posting_approve(actor=manager, posting=posting, reference="26 STATE 4")
    posting.refresh_from_db()
    assert (posting.status, posting.approval_reference) == (PostingStatus.APPROVED, "26 STATE 4")
    assert posting.approved_at is not None


@pytest.mark.parametrize("role", NOT_HQ)
def test_only_headquarters_approves(users, make_posting, role):
    posting = make_posting()
    with refused(PermissionDenied, "postings.approve", posting):
        services.posting_approve(actor=users[role], posting=posting, reference="26 STATE 5")


def test_the_regions_attache_records_an_arrival_and_the_officer_is_posted(
    attache, make_posting, today
):
    posting = make_posting(PostingStatus.APPROVED, starts_on=today - timedelta(days=3))
    with refused(ValidationError, "An arrival is recorded once it has happened.", posting):
        services.posting_arrive(actor=attache, posting=posting, on=today + timedelta(days=1))
    services.posting_arrive(actor=attache, posting=posting, on=today - timedelta(days=1))
    posting.refresh_from_db()
    assert posting.status == PostingStatus.ACTIVE
    assert posting.starts_on == today - timedelta(days=1)  # the tour starts on the real day
    posting.staff.refresh_from_db()
    assert posting.staff.post_country.code == "MX"
    entry = AuditEntry.objects.get(action="posting.arrived")
    assert entry.actor == attache
    assert entry.changes["status"] == ["approved", "active"]


def test_an_attache_of_another_region_records_nothing(make_user, make_posting):
    posting = make_posting(PostingStatus.APPROVED)
    europe = make_user(Role.ATTACHE, region="EUR")
    with refused(PermissionDenied, "postings.record_presence", posting):
        services.posting_arrive(actor=europe, posting=posting)
    services.posting_arrive(actor=make_user(Role.ADMINISTRATOR), posting=posting)
    with refused(PermissionDenied, "postings.record_presence", posting):
        services.posting_end(actor=europe, posting=posting, reason="Recalled.")


@pytest.mark.parametrize(
    "role",
    [
        Role.TRAINING_ADVISOR,
        Role.IVP_COORDINATOR,
        Role.VETTING_OFFICER,
        Role.SITE_HOST,
        Role.SPONSOR,
    ],
)
def test_roles_without_a_post_record_no_arrival(users, make_posting, role):
    posting = make_posting(PostingStatus.APPROVED)
    with refused(PermissionDenied, "postings.record_presence", posting):
        services.posting_arrive(actor=users[role], posting=posting)


def test_an_arrival_after_the_planned_end_is_refused(manager, make_posting, today):
    posting = make_posting(
        PostingStatus.APPROVED,
        starts_on=today - timedelta(days=40),
        ends_on=today - timedelta(days=5),
    )
    with refused(ValidationError, "The tour was planned to end on", posting):
        services.posting_arrive(actor=manager, posting=posting)


def test_ending_a_tour_early_needs_the_reason(manager, make_posting, today):
    posting = make_posting(PostingStatus.ACTIVE)
    posting.staff.refresh_from_db()
    assert posting.staff.post_country is not None
    with refused(ValidationError, "A tour's end is recorded once it has come.", posting):
        services.posting_end(actor=manager, posting=posting, on=today + timedelta(days=1))
    with refused(ValidationError, "after that day", posting):
        services.posting_end(
            actor=manager, posting=posting, on=posting.starts_on - timedelta(days=1)
        )
    with refused(ValidationError, "say why (curtailed, recalled)", posting):
        services.posting_end(actor=manager, posting=posting)
    services.posting_end(actor=manager, posting=posting, reason="Curtailed: medical.")
    posting.refresh_from_db()
    assert (posting.status, posting.ended_on, posting.ended_early) == (
        PostingStatus.ENDED,
        today,
        True,
    )
    assert posting.status_reason == "Curtailed: medical."
    posting.staff.refresh_from_db()
    assert posting.staff.post_country is None


def test_a_tour_that_ran_past_its_plan_ends_without_a_reason_but_not_into_another(
    manager, make_staff, make_post, make_posting, today
):
    staff = make_staff()
    overrun = make_posting(
        PostingStatus.ACTIVE,
        staff=staff,
        starts_on=today - timedelta(days=700),
        ends_on=today - timedelta(days=20),
    )
    services.posting_end(actor=manager, posting=overrun, on=today - timedelta(days=10))
    overrun.refresh_from_db()
    assert overrun.ended_on == today - timedelta(days=10) and not overrun.ended_early


def test_a_proposal_is_withdrawn_and_an_approved_tour_cancelled_with_a_reason(
    manager, make_posting
):
    proposal, approved = make_posting(), make_posting(PostingStatus.APPROVED)
    with refused(ValidationError, "Say why the proposal is withdrawn.", proposal):
        services.posting_withdraw(actor=manager, posting=proposal, reason=" ")
    with refused(ValidationError, "Say why the posting is cancelled.", approved):
        services.posting_cancel(actor=manager, posting=approved, reason="")
    services.posting_withdraw(actor=manager, posting=proposal, reason="Another candidate.")
    services.posting_cancel(actor=manager, posting=approved, reason="Post closed.")
    for posting in (proposal, approved):
        posting.refresh_from_db()
        assert posting.status == PostingStatus.CANCELLED
    assert _actions(approved)[-1] == "posting.cancelled"
    assert _actions(proposal)[-1] == "posting.withdrawn"


def test_a_tour_under_way_is_never_cancelled(manager, make_posting):
    posting = make_posting(PostingStatus.ACTIVE)
    with refused(ValidationError, "cannot become cancelled", posting):
        services.posting_cancel(actor=manager, posting=posting, reason="Oops.")
    with refused(ValidationError, "cannot become cancelled", posting):
        services.posting_move(actor=manager, posting=posting, move="withdrawn", reason="Oops.")


def test_an_unknown_move_is_refused(manager, make_posting):
    posting = make_posting()
    with refused(ValidationError, "is not a move of a posting", posting):
        services.posting_move(actor=manager, posting=posting, move="promoted")


# --- changing a tour's planned end ---------------------------------------------------------------


def test_headquarters_extends_a_tour_with_a_reason(manager, make_posting, today):
    posting = make_posting(PostingStatus.ACTIVE)
    later = posting.ends_on + timedelta(days=365)
    with refused(ValidationError, "Say why the planned end changes.", posting):
        services.posting_change_end(actor=manager, posting=posting, ends_on=later, reason="")
    with refused(ValidationError, "record the end of the tour instead", posting):
        services.posting_change_end(
            actor=manager, posting=posting, ends_on=today - timedelta(days=1), reason="Short."
        )
    services.posting_change_end(actor=manager, posting=posting, ends_on=later, reason="Extended.")
    posting.refresh_from_db()
    assert posting.ends_on == later
    entry = AuditEntry.objects.get(action="posting.end_changed")
    assert entry.changes["reason"] == [None, "Extended."]


def test_an_extension_may_not_run_into_the_officers_next_tour(
    manager, make_staff, make_post, make_posting
):
    staff = make_staff()
    current = make_posting(PostingStatus.ACTIVE, staff=staff)
    make_posting(
        PostingStatus.APPROVED,
        staff=staff,
        post=make_post("GT", "Guatemala City"),
        starts_on=current.ends_on + timedelta(days=10),
        primary=("GT",),
        secondary=(),
    )
    with refused(ValidationError, "already holds a posting on these dates", current):
        services.posting_change_end(
            actor=manager,
            posting=current,
            ends_on=current.ends_on + timedelta(days=30),
            reason="Extended.",
        )


@pytest.mark.parametrize("role", NOT_HQ)
def test_only_headquarters_changes_a_planned_end(users, make_posting, role):
    posting = make_posting(PostingStatus.ACTIVE)
    with refused(PermissionDenied, "postings.approve", posting):
        services.posting_change_end(
            actor=users[role],
            posting=posting,
            ends_on=posting.ends_on + timedelta(days=30),
            reason="Extended.",
        )


def test_the_end_of_an_ended_tour_is_settled(manager, make_posting):
    posting = make_posting(PostingStatus.ENDED)
    with refused(ValidationError, "its dates are settled", posting):
        services.posting_change_end(
            actor=manager, posting=posting, ends_on=posting.ends_on, reason="Fix."
        )


# --- deployment programs and deployments ---------------------------------------------------------


@pytest.fixture
def program(manager, today):
    return services.program_create(
        actor=manager,
        name="Border management advisory program, Ministry of Interior",
        country=Country.objects.get(code="IQ"),
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=365),
        sponsor=FundingSource.objects.create(code="INL", name="State INL"),
    )


@pytest.mark.parametrize("role", NOT_HQ)
def test_only_headquarters_runs_programs_and_deployments(users, make_staff, program, today, role):
    user = users[role]
    with refused(PermissionDenied, "postings.manage_deployments"):
        services.program_create(
            actor=user,
            name="Another",
            country=Country.objects.get(code="IQ"),
            starts_on=today,
            ends_on=today,
        )
    with refused(PermissionDenied, "postings.manage_deployments", program):
        services.program_update(actor=user, program=program, objective="Mine.")
    staff = make_staff(StaffKind.ADVISOR)
    with refused(PermissionDenied, "postings.manage_deployments"):
        services.deployment_create(
            actor=user, staff=staff, starts_on=today, ends_on=today, description="TDY"
        )


def test_a_program_ends_after_it_starts_and_works_with_its_countrys_agency(manager, today):
    iraq = Country.objects.get(code="IQ")
    with refused(ValidationError, "The program ends before it starts."):
        services.program_create(
            actor=manager,
            name="Backwards",
            country=iraq,
            starts_on=today,
            ends_on=today - timedelta(days=1),
        )
    peruvian = create_agency("PE")
    with refused(ValidationError, f"{peruvian} is not an agency of Iraq."):
        services.program_create(
            actor=manager,
            name="Wrong partner",
            country=iraq,
            agency=peruvian,
            starts_on=today,
            ends_on=today,
        )


def test_a_deployment_falls_inside_its_program_in_its_country(manager, make_staff, program, today):
    staff = make_staff(StaffKind.ADVISOR)
    with refused(ValidationError, "its deployments fall within it"):
        services.deployment_create(
            actor=manager,
            staff=staff,
            program=program,
            starts_on=program.ends_on,
            ends_on=program.ends_on + timedelta(days=1),
            description="Mentoring",
        )
    with refused(ValidationError, "works in Iraq"):
        services.deployment_create(
            actor=manager,
            staff=staff,
            program=program,
            country=Country.objects.get(code="JO"),
            starts_on=today,
            ends_on=today,
            description="Mentoring",
        )
    deployment = services.deployment_create(
        actor=manager,
        staff=staff,
        program=program,
        starts_on=today,
        ends_on=today + timedelta(days=13),
        description="Mentoring",
    )
    assert deployment.country.code == "IQ"
    assert _actions(deployment) == ["deployment.created"]
    # The program cannot then leave the deployment outside its dates, nor change country.
    with refused(ValidationError, "would fall outside the program's dates", program):
        services.program_update(actor=manager, program=program, starts_on=today + timedelta(days=1))
    with refused(ValidationError, "its country stays", program):
        services.program_update(
            actor=manager, program=program, country=Country.objects.get(code="JO")
        )


def test_an_officer_is_deployed_once_at_a_time_and_a_cancelled_deployment_frees_them(
    manager, make_staff, today
):
    staff = make_staff(StaffKind.INSTRUCTOR)
    first = services.deployment_create(
        actor=manager,
        staff=staff,
        starts_on=today,
        ends_on=today + timedelta(days=9),
        description="TDY to Nogales",
    )
    with refused(ValidationError, f"{staff} is already deployed (TDY to Nogales)"):
        services.deployment_create(
            actor=manager,
            staff=staff,
            starts_on=today + timedelta(days=9),
            ends_on=today + timedelta(days=12),
            description="TDY to Laredo",
        )
    with refused(ValidationError, "Say why the deployment is cancelled.", first):
        services.deployment_cancel(actor=manager, deployment=first, reason="")
    services.deployment_cancel(actor=manager, deployment=first, reason="Port reopened.")
    first.refresh_from_db()
    assert (first.status, first.cancel_reason) == (DeploymentStatus.CANCELLED, "Port reopened.")
    assert staff_away(staff=staff, starts_on=today, ends_on=today) is None
    with refused(ValidationError, "cannot become cancelled", first):
        services.deployment_cancel(actor=manager, deployment=first, reason="Again.")


def test_an_inactive_officer_is_not_deployed(manager, make_staff, today):
    staff = make_staff(StaffKind.ADVISOR, active=False)
    with refused(ValidationError, "is no longer active"):
        services.deployment_create(
            actor=manager, staff=staff, starts_on=today, ends_on=today, description="TDY"
        )


# --- staff_away: what training reads -------------------------------------------------------------


def test_a_posted_officer_is_away_except_in_the_countries_the_tour_covers(
    make_posting, make_staff, today
):
    staff = make_staff()
    posting = make_posting(PostingStatus.ACTIVE, staff=staff)
    week = (today + timedelta(days=7), today + timedelta(days=11))
    says = (
        f"{staff} is posted to {posting.post} (attaché), "
        f"{date_span(posting.starts_on, posting.ends_on)}."
    )
    peru = Country.objects.get(code="PE").pk
    assert staff_away(staff=staff, starts_on=week[0], ends_on=week[1], country_id=peru) == says
    assert staff_away(staff=staff, starts_on=week[0], ends_on=week[1]) == says
    for code in ("MX", "GT"):  # its post's country, and a country it covers
        country_id = Country.objects.get(code=code).pk
        assert (
            staff_away(staff=staff, starts_on=week[0], ends_on=week[1], country_id=country_id)
            is None
        )
    after = posting.ends_on + timedelta(days=1)
    assert staff_away(staff=staff, starts_on=after, ends_on=after, country_id=peru) is None


@pytest.mark.parametrize("state", [PostingStatus.PROPOSED, PostingStatus.CANCELLED])
def test_a_tour_not_approved_holds_nobody(make_posting, make_staff, today, state):
    staff = make_staff()
    make_posting(state, staff=staff)
    assert staff_away(staff=staff, starts_on=today, ends_on=today) is None


def test_a_tour_ended_early_holds_its_officer_only_until_its_real_end(
    manager, make_posting, make_staff, today
):
    staff = make_staff()
    posting = make_posting(PostingStatus.ACTIVE, staff=staff, starts_on=today - timedelta(days=300))
    services.posting_end(
        actor=manager, posting=posting, on=today - timedelta(days=5), reason="Recalled."
    )
    assert staff_away(
        staff=staff, starts_on=today - timedelta(days=6), ends_on=today - timedelta(days=6)
    )
    assert staff_away(staff=staff, starts_on=today - timedelta(days=4), ends_on=today) is None
