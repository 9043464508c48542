"""The reads the other programs use: who covers a country on a day, whose tour ends before a
day, what needs a user now, the country page's summary and the report's figure; each scoped
like the pages, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from liaison.accounts.roles import Role
from liaison.core.fiscal import FiscalYear
from liaison.core.tests.test_rules_in_one_place import agree
from liaison.partners.models import Country
from liaison.people.models import StaffKind
from liaison.postings import selectors, services
from liaison.postings.models import Deployment, DeploymentProgram, Post, Posting, PostingStatus
from liaison.postings.permissions import (
    scope_deployments,
    scope_postings,
    scope_posts,
    scope_programs,
)
from liaison.postings.report import posting_figures
from liaison.postings.selectors import months_after

pytestmark = pytest.mark.django_db


def _country(code: str) -> Country:
    return Country.objects.get(code=code)


@pytest.fixture
def lima(make_post):
    return make_post("PE", "Lima")


def _tour(make_posting, lima, state, starts_on, ends_on=None):
    return make_posting(
        state, post=lima, starts_on=starts_on, ends_on=ends_on, primary=("PE",), secondary=("BO",)
    )


def test_who_covers_a_country_on_a_day(manager, make_posting, lima, today):
    past = _tour(make_posting, lima, PostingStatus.ENDED, today - timedelta(days=900))
    coming = _tour(make_posting, lima, PostingStatus.APPROVED, today + timedelta(days=30))
    _tour(make_posting, lima, PostingStatus.PROPOSED, today - timedelta(days=10))
    _tour(make_posting, lima, PostingStatus.CANCELLED, today - timedelta(days=10))
    peru, bolivia = _country("PE"), _country("BO")

    def covering(country, on):
        return [
            c.posting for c in selectors.postings_covering(user=manager, country=country, on=on)
        ]

    assert covering(peru, today - timedelta(days=100)) == [past]
    assert covering(peru, today) == [past]  # ended today: its last day
    assert covering(peru, today + timedelta(days=1)) == []  # nobody: the gap the lead will show
    assert covering(peru, today + timedelta(days=31)) == [coming]
    cover = selectors.postings_covering(
        user=manager, country=bolivia, on=today + timedelta(days=31)
    )
    assert [(c.posting, c.primary) for c in cover] == [(coming, False)]


def test_an_officer_still_on_post_past_the_planned_end_covers_today(
    manager, make_posting, lima, today
):
    overrun = _tour(
        make_posting,
        lima,
        PostingStatus.ACTIVE,
        today - timedelta(days=700),
        today - timedelta(days=3),
    )
    cover = selectors.postings_covering(user=manager, country=_country("PE"))
    assert [c.posting for c in cover] == [overrun]
    later = selectors.postings_covering(
        user=manager, country=_country("PE"), on=today + timedelta(days=1)
    )
    assert later == []


def test_coverage_is_read_in_one_query_for_every_country(
    manager, make_posting, make_post, today, django_assert_num_queries
):
    for code in ("PE", "MX", "CO"):
        make_posting(PostingStatus.ACTIVE, post=make_post(code), primary=(code,), secondary=())
    with django_assert_num_queries(1):
        found = selectors.coverage_on(user=manager)
        names = {code: [str(c.posting.staff) for c in covers] for code, covers in found.items()}
    assert len(names) == 3


def test_an_attache_sees_the_coverage_of_their_region_only(users, make_user, make_posting):
    make_posting(PostingStatus.ACTIVE)  # Mexico City, covering Mexico and Guatemala
    mexico = _country("MX")
    assert selectors.postings_covering(user=users[Role.ATTACHE], country=mexico)
    assert selectors.postings_covering(user=users[Role.IVP_COORDINATOR], country=mexico)
    europe = make_user(Role.ATTACHE, region="EUR")
    assert selectors.postings_covering(user=europe, country=mexico) == []
    with pytest.raises(PermissionDenied):
        selectors.postings_covering(user=users[Role.VETTING_OFFICER], country=mexico)


def test_tours_ending_in_the_next_six_months(manager, make_posting, lima, today):
    soon = _tour(
        make_posting,
        lima,
        PostingStatus.ACTIVE,
        today - timedelta(days=700),
        months_after(today, 5),
    )
    edge = _tour(
        make_posting,
        lima,
        PostingStatus.APPROVED,
        today - timedelta(days=10),
        months_after(today, 6),
    )
    _tour(
        make_posting,
        lima,
        PostingStatus.ACTIVE,
        today - timedelta(days=700),
        months_after(today, 6) + timedelta(days=1),
    )
    _tour(make_posting, lima, PostingStatus.ENDED, today - timedelta(days=700))  # ended today
    _tour(
        make_posting,
        lima,
        PostingStatus.PROPOSED,
        today - timedelta(days=700),
        months_after(today, 2),
    )
    assert list(selectors.postings_ending(user=manager)) == [soon, edge]
    before = selectors.postings_ending_before(
        user=manager, before=months_after(today, 6), countries=[_country("BO")]
    )
    assert list(before) == [soon]
    assert (
        list(
            selectors.postings_ending_before(user=manager, before=today, countries=[_country("MX")])
        )
        == []
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 3, 4), 6, date(2026, 9, 4)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_months_after_keeps_the_day_or_the_months_last(day, months, expected):
    assert months_after(day, months) == expected


def test_what_needs_headquarters_and_the_regions_attache_now(
    users, make_user, make_posting, lima, make_post, today
):
    proposal = _tour(make_posting, lima, PostingStatus.PROPOSED, today + timedelta(days=90))
    unarrived = _tour(make_posting, lima, PostingStatus.APPROVED, today - timedelta(days=2))
    overrun = _tour(
        make_posting,
        lima,
        PostingStatus.ACTIVE,
        today - timedelta(days=700),
        today - timedelta(days=1),
    )
    ending = _tour(
        make_posting,
        lima,
        PostingStatus.ACTIVE,
        today - timedelta(days=700),
        today + timedelta(days=40),
    )
    kyiv = make_posting(
        PostingStatus.APPROVED,
        post=make_post("UA", "Kyiv"),
        starts_on=today - timedelta(days=1),
        primary=("UA",),
        secondary=(),
    )

    def ids(work):
        return {w.key: [item.url.rstrip("/").rsplit("/", 1)[1] for item in w.items] for w in work}

    manager_work = selectors.work_for(user=users[Role.PROGRAM_MANAGER])
    assert ids(manager_work) == {
        "decision": [str(proposal.pk)],
        "arrival": [str(unarrived.pk), str(kyiv.pk)],
        "end": [str(overrun.pk)],
        "handover": [str(ending.pk)],
    }
    arrival = manager_work[1]
    assert (arrival.title, arrival.total, arrival.more_url) == (
        "Arrivals to record",
        2,
        "/postings/?due=arrival",
    )
    assert arrival.items[0].label == f"{unarrived.staff}, attaché at {lima}"
    assert arrival.items[0].detail == f"due {unarrived.starts_on:%-d %b %Y}"
    # The Western Hemisphere's attaché records Lima's arrivals and ends, not Kyiv's; decides none.
    assert ids(selectors.work_for(user=users[Role.ATTACHE])) == {
        "arrival": [str(unarrived.pk)],
        "end": [str(overrun.pk)],
        "handover": [str(ending.pk)],
    }
    europe = make_user(Role.ATTACHE, region="EUR")
    assert ids(selectors.work_for(user=europe)) == {"arrival": [str(kyiv.pk)]}
    for role in (Role.TRAINING_ADVISOR, Role.IVP_COORDINATOR, Role.SPONSOR, Role.SITE_HOST):
        assert selectors.work_for(user=users[role]) == []


def test_each_work_list_links_to_the_postings_list_filtered_to_all_of_it(
    client, users, make_posting, lima, today
):
    for days in range(7):
        _tour(make_posting, lima, PostingStatus.APPROVED, today - timedelta(days=days + 1))
    (arrivals,) = selectors.work_for(user=users[Role.ATTACHE])
    assert (len(arrivals.items), arrivals.total) == (selectors.WORK_LIMIT, 7)
    client.force_login(users[Role.ATTACHE])
    listed = client.get(arrivals.more_url).context["page_obj"]
    assert listed.paginator.count == 7


def test_work_for_reads_a_fixed_number_of_queries(
    users, make_posting, lima, today, django_assert_max_num_queries
):
    for days in range(12):
        _tour(make_posting, lima, PostingStatus.APPROVED, today - timedelta(days=days + 1))
    with django_assert_max_num_queries(5):  # each list: its first few, then how many
        work = selectors.work_for(user=users[Role.PROGRAM_MANAGER])
        assert [(w.key, len(w.items), w.total) for w in work] == [
            ("arrival", selectors.WORK_LIMIT, 12)
        ]
    coordinator = users[Role.IVP_COORDINATOR]
    coordinator.get_all_permissions()  # Django's own permissions, read once per user
    with django_assert_max_num_queries(0):  # sees every tour, records none: nothing to read
        assert selectors.work_for(user=coordinator) == []


def test_the_country_page_summary(
    users, make_posting, lima, manager, today, django_assert_num_queries
):
    current = _tour(
        make_posting,
        lima,
        PostingStatus.ACTIVE,
        today - timedelta(days=700),
        today + timedelta(days=60),
    )
    coming = _tour(make_posting, lima, PostingStatus.APPROVED, today + timedelta(days=61))
    program = services.program_create(
        actor=manager,
        name="Migration advisory program",
        country=_country("PE"),
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=300),
    )
    services.deployment_create(
        actor=manager,
        staff=coming.staff.__class__.objects.create(
            kind=StaffKind.ADVISOR, given_name="A", family_name="B"
        ),
        program=program,
        starts_on=today,
        ends_on=today + timedelta(days=6),
        description="Mentoring",
    )
    peru = _country("PE")
    with django_assert_num_queries(5):
        summary = selectors.country_postings_summary(user=manager, country=peru)
        assert summary is not None
        assert [c.posting for c in summary.covers] == [current]
        assert [c.posting for c in summary.ending_soon] == [current]
        assert [c.posting for c in summary.coming] == [coming]
        assert summary.posts == [lima]
        assert summary.programs == [program]
        assert [d.description for d in summary.deployments] == ["Mentoring"]
    assert summary.list_url == "/postings/?country=PE"
    assert (
        selectors.country_postings_summary(user=users[Role.SPONSOR], country=_country("PE")) is None
    )


def test_the_report_counts_the_tours_served_in_the_fiscal_year(make_posting, lima, manager):
    fy = FiscalYear(2015)
    served = _tour(make_posting, lima, PostingStatus.ACTIVE, date(2012, 10, 1), fy.start)
    services.posting_end(actor=manager, posting=served, on=fy.start)  # its last day: FY2015's first
    _tour(make_posting, lima, PostingStatus.ACTIVE, fy.start + timedelta(days=1), date(2016, 10, 1))
    before = _tour(
        make_posting, lima, PostingStatus.ACTIVE, date(2012, 1, 1), fy.start - timedelta(days=1)
    )
    # Still on post (no end recorded), this tour would count; it ended the day before FY2015.
    assert posting_figures(fy) == {"postings": 3}
    services.posting_end(actor=manager, posting=before, on=before.ends_on)
    _tour(make_posting, lima, PostingStatus.APPROVED, fy.end, date(2017, 1, 1))  # never arrived
    _tour(make_posting, lima, PostingStatus.PROPOSED, fy.start, fy.end)
    assert posting_figures(fy) == {"postings": 2}
    assert posting_figures(FiscalYear(2013)) == {"postings": 2}


def test_lists_show_exactly_the_records_their_detail_pages_open(
    users, make_user, make_posting, make_post, manager, make_staff, today
):
    users = {**users, "attaché of Europe": make_user(Role.ATTACHE, region="EUR")}
    make_posting(PostingStatus.ACTIVE)  # posted in Mexico
    make_posting(
        PostingStatus.APPROVED,
        post=make_post("UA", "Kyiv"),
        primary=("UA",),
        secondary=("PE",),  # posted in Europe, covering a country of the Western Hemisphere
    )
    make_posting(post=make_post("FR", "Paris"), primary=("FR",), secondary=())
    for code in ("PE", "IQ"):
        program = services.program_create(
            actor=manager,
            name=f"Program {code}",
            country=_country(code),
            starts_on=today,
            ends_on=today + timedelta(days=30),
        )
        services.deployment_create(
            actor=manager,
            staff=make_staff(StaffKind.ADVISOR),
            program=program,
            starts_on=today,
            ends_on=today,
            description="Mission",
        )
    services.deployment_create(
        actor=manager,
        staff=make_staff(StaffKind.INSTRUCTOR),
        starts_on=today,
        ends_on=today,
        description="TDY",
    )
    agree(users, scope_postings, "postings.view_posting", Posting.objects.all())
    agree(users, scope_posts, "postings.view_post", Post.objects.all())
    agree(users, scope_programs, "postings.view_program", DeploymentProgram.objects.all())
    agree(users, scope_deployments, "postings.view_deployment", Deployment.objects.all())
    # The Western Hemisphere's attaché sees the Kyiv tour that covers Peru, not the Paris one.
    seen = {p.post.city for p in scope_postings(users[Role.ATTACHE], Posting.objects.all())}
    assert seen == {"Mexico", "Kyiv"}
