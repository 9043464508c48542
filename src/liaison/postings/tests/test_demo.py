"""The postings demo: posts covering every partner the demo trains, tours that keep every rule
the services enforce, some ending within six months, programs and deployments that never fall
on an instructor's teaching days."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Q

from liaison.accounts.models import User
from liaison.conftest import Demo
from liaison.core.fiscal import FiscalYear
from liaison.people.models import Staff, StaffKind
from liaison.postings.models import (
    HOLDING,
    Deployment,
    DeploymentStatus,
    Posting,
    PostingStatus,
    PostKind,
)
from liaison.postings.report import posting_figures
from liaison.postings.selectors import (
    coverage_on,
    months_after,
    postings_ending,
    staff_away,
    work_for,
)
from liaison.postings.services import posting_refusals
from liaison.training.models import Assignment, Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(shared_demo: Demo) -> Demo:
    return shared_demo


def _manager() -> User:
    return User.objects.get(username="manager")


def test_every_tour_keeps_the_services_rules(demo, today):
    tours = list(Posting.objects.select_related("staff", "post"))
    assert len(tours) > 150
    assert {p.pk: posting_refusals(p) for p in tours if posting_refusals(p)} == {}
    for posting in tours:
        if posting.status in HOLDING:
            assert posting.approval_reference, posting
        if posting.status in (PostingStatus.ACTIVE, PostingStatus.ENDED):
            assert posting.starts_on <= today, posting  # an arrival is recorded once it happened
        if posting.status == PostingStatus.ENDED:
            assert posting.ended_on is not None and posting.ended_on <= today
            if posting.ended_early:
                assert posting.status_reason, posting
    statuses = Counter(p.status for p in tours)
    assert statuses[PostingStatus.ACTIVE] > 30
    assert statuses[PostingStatus.APPROVED] and statuses[PostingStatus.PROPOSED]
    roles = Counter(p.role for p in tours)
    assert set(roles) == {"attache", "representative", "advisor", "ilea_instructor"}
    assert all(p.post.kind == PostKind.ACADEMY for p in tours if p.role == "ilea_instructor")


def test_every_partner_the_demo_trains_is_covered_today(demo):
    hosts = set(
        Delivery.objects.exclude(country__code="US").values_list("country__code", flat=True)
    )
    covered = {
        str(c.country.code) for covers in coverage_on(user=_manager()).values() for c in covers
    }
    assert len(hosts) > 100
    assert hosts <= covered
    # A post covers its own country first; its neighbours are of the same bureau.
    for posting in Posting.objects.select_related("post__country").prefetch_related(
        "coverage__country"
    ):
        assert posting.post.country in [c.country for c in posting.primary_coverage]
        bureaus = {c.country.region_id for c in posting.coverage.all()}
        assert bureaus == {posting.post.country.region_id}


def test_some_tours_end_within_six_months_and_need_someone_now(demo, today):
    ending = list(postings_ending(user=_manager()))
    assert len(ending) >= 3
    assert all(today <= p.ends_on <= months_after(today, 6) for p in ending)
    successors: Counter[str] = Counter()
    for posting in ending:
        after = Posting.objects.filter(
            post=posting.post,
            starts_on__gt=posting.ends_on,
            starts_on__lte=posting.ends_on + timedelta(days=30),
        ).first()
        successors[after.status if after else "none"] += 1
    assert set(successors) == {PostingStatus.APPROVED, PostingStatus.PROPOSED, "none"}
    work = {w.key: w.total for w in work_for(user=_manager())}
    assert set(work) == {"decision", "arrival", "end", "handover"}
    attache = User.objects.get(username="attache")
    assert {w.key for w in work_for(user=attache)} >= {"arrival", "handover"}  # in WHA


def test_no_instructor_is_deployed_or_posted_on_a_teaching_day(demo):
    away = set(Deployment.objects.values_list("staff_id", flat=True)) | set(
        Posting.objects.values_list("staff_id", flat=True)
    )
    assignments = (
        Assignment.objects.filter(staff_id__in=away)
        .exclude(delivery__status=DeliveryStatus.CANCELLED)
        .select_related("staff", "delivery")
    )
    clashes = [
        refusal
        for a in assignments
        if (
            refusal := staff_away(
                staff=a.staff,
                starts_on=a.delivery.starts_on,
                ends_on=a.delivery.ends_on,
                country_id=a.delivery.country_id,
            )
        )
    ]
    assert clashes == []
    instructors = Deployment.objects.filter(staff__kind=StaffKind.INSTRUCTOR)
    assert instructors.count() >= 2  # TDYs, as training's deployments were


def test_deployments_fall_inside_their_programs_one_at_a_time(demo):
    deployments = list(Deployment.objects.select_related("program"))
    assert sum(d.program_id is not None for d in deployments) > 10
    for d in deployments:
        if d.program is not None:
            assert d.program.starts_on <= d.starts_on <= d.ends_on <= d.program.ends_on
            assert d.country_id == d.program.country_id
        overlapping = Deployment.objects.filter(
            ~Q(pk=d.pk),
            staff_id=d.staff_id,
            status=DeploymentStatus.SCHEDULED,
            starts_on__lte=d.ends_on,
            ends_on__gte=d.starts_on,
        )
        assert not overlapping.exists(), d


def test_a_staff_members_post_country_is_where_their_tour_is(demo):
    on_post = dict(
        Posting.objects.filter(status=PostingStatus.ACTIVE).values_list(
            "staff_id", "post__country_id"
        )
    )
    for staff in Staff.objects.filter(kind__in=(StaffKind.ATTACHE, StaffKind.ADVISOR)):
        assert staff.post_country_id == on_post.get(staff.pk), staff


def test_fy2015_counts_the_tours_served_that_year(demo):
    assert posting_figures(FiscalYear(2015)) == {"postings": 58}
