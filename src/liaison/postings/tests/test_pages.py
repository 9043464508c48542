"""The postings pages: each reads through a selector and writes through a service, lists in a
fixed number of queries, and shows an attaché their region only."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.partners.models import Country
from liaison.people.models import StaffKind
from liaison.postings import services
from liaison.postings.models import Deployment, Posting, PostingStatus

pytestmark = pytest.mark.django_db


def _ids(code: str) -> str:
    return str(Country.objects.get(code=code).pk)


def test_headquarters_proposes_a_tour_through_the_form(
    client, manager, make_staff, make_post, today
):
    staff, post = make_staff(), make_post()
    client.force_login(manager)
    assert client.get(reverse("postings:posting_create")).status_code == 200
    response = client.post(
        reverse("postings:posting_create"),
        {
            "staff": staff.pk,
            "role": "attache",
            "post": post.pk,
            "starts_on": (today + timedelta(days=30)).isoformat(),
            "ends_on": (today + timedelta(days=1125)).isoformat(),
            "primary": [_ids("MX")],
            "secondary": [_ids("GT"), _ids("BZ")],
            "notes": "",
        },
    )
    posting = Posting.objects.get(staff=staff)
    assert response["Location"] == reverse("postings:posting_detail", args=[posting.pk])
    assert [c.country.code for c in posting.secondary_coverage] == ["BZ", "GT"]


def test_the_form_shows_the_services_refusal_on_its_field(
    client, manager, make_staff, make_post, today
):
    client.force_login(manager)
    response = client.post(
        reverse("postings:posting_create"),
        {
            "staff": make_staff(StaffKind.INSTRUCTOR).pk,
            "role": "attache",
            "post": make_post().pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=700)).isoformat(),
            "primary": [_ids("MX")],
        },
    )
    assert response.status_code == 200
    assert "who is not posted as an attaché" in response.content.decode()
    assert not Posting.objects.exists()


def test_a_proposal_is_changed_through_its_form(client, manager, make_posting):
    posting = make_posting()
    client.force_login(manager)
    page = client.get(reverse("postings:posting_update", args=[posting.pk])).content.decode()
    assert f'<option value="{_ids("GT")}" selected>' in page
    response = client.post(
        reverse("postings:posting_update", args=[posting.pk]),
        {
            "staff": posting.staff_id,
            "role": "attache",
            "post": posting.post_id,
            "starts_on": posting.starts_on.isoformat(),
            "ends_on": posting.ends_on.isoformat(),
            "primary": [_ids("MX")],
            "secondary": [_ids("BZ")],
            "notes": "Spanish.",
        },
    )
    assert response.status_code == 302
    posting.refresh_from_db()
    assert [c.country.code for c in posting.secondary_coverage] == ["BZ"]


def test_the_list_filters_by_country_posted_or_covered_and_exports(
    client, manager, make_posting, make_post
):
    mexico = make_posting(PostingStatus.ACTIVE)
    make_posting(post=make_post("UA", "Kyiv"), primary=("UA",), secondary=())
    client.force_login(manager)
    response = client.get(reverse("postings:posting_list"), {"country": "gt"})
    assert [p.pk for p in response.context["page_obj"]] == [mexico.pk]
    response = client.get(
        reverse("postings:posting_list"), {"country": "GT"}, HTTP_HX_REQUEST="true"
    )
    assert "<h1>" not in response.content.decode()  # the results only
    exported = client.get(reverse("postings:posting_list"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["id", "staff", "role", "post"]
    assert {row[5] for row in rows[1:]} == {"MX", "UA"}
    assert any(row[6] == "GT" for row in rows[1:])


def test_an_attache_lists_their_regions_tours_only(client, users, make_posting, make_post):
    make_posting(PostingStatus.ACTIVE)
    kyiv = make_posting(post=make_post("UA", "Kyiv"), primary=("UA",), secondary=())
    client.force_login(users[Role.ATTACHE])
    listed = client.get(reverse("postings:posting_list")).context["page_obj"]
    assert kyiv.pk not in {p.pk for p in listed} and len(listed) == 1
    assert client.get(reverse("postings:posting_detail", args=[kyiv.pk])).status_code == 404
    assert client.get(reverse("postings:posting_create")).status_code == 403


def test_the_coverage_page_draws_both_maps_beside_their_tables(
    client, manager, make_posting, today
):
    posting = make_posting(PostingStatus.ACTIVE)  # Mexico City: Mexico first, Guatemala too
    client.force_login(manager)
    response = client.get(reverse("postings:coverage"))
    page = response.content.decode()
    posts, coverage = response.context["posts_chart"], response.context["coverage_chart"]
    assert '"id": "484"' in json.dumps(posts.spec)  # Mexico, as world-atlas keys it
    covered = {v["id"]: v["covering"] for rows in coverage.spec["datasets"].values() for v in rows}
    assert covered == {"484": 1, "320": 1}  # Mexico and Guatemala
    assert [row[0] for row in coverage.rows] == ["Guatemala", "Mexico"]
    assert coverage.rows[1][2] == f"{posting.staff} (Mexico)"
    assert 'id="posts-map-spec"' in page and 'id="coverage-map-spec"' in page
    # Before the tour began, nobody covered anything.
    before = client.get(
        reverse("postings:coverage"), {"on": (posting.starts_on - timedelta(days=1)).isoformat()}
    )
    assert before.context["coverage_chart"].rows == ()


def test_the_tours_ending_page_lists_the_next_six_months(client, users, make_posting, today):
    soon = make_posting(
        PostingStatus.ACTIVE,
        starts_on=today - timedelta(days=700),
        ends_on=today + timedelta(days=90),
    )
    make_posting(PostingStatus.ACTIVE)  # ends in three years
    client.force_login(users[Role.ATTACHE])
    response = client.get(reverse("postings:ending"))
    assert [p.pk for p in response.context["page_obj"]] == [soon.pk]


def test_headquarters_records_a_deployment_and_the_list_shows_it(
    client, manager, make_staff, today
):
    staff = make_staff(StaffKind.INSTRUCTOR)
    client.force_login(manager)
    response = client.post(
        reverse("postings:deployment_create"),
        {
            "staff": staff.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=4)).isoformat(),
            "description": "TDY to Nogales",
        },
    )
    assert response.status_code == 302
    assert Deployment.objects.get().staff == staff
    page = client.get(reverse("postings:deployment_list"), {"when": "current"}).content.decode()
    assert "TDY to Nogales" in page


def test_a_program_page_lists_its_deployments(client, manager, make_staff, today):
    program = services.program_create(
        actor=manager,
        name="Border management advisory program",
        country=Country.objects.get(code="IQ"),
        starts_on=today,
        ends_on=today + timedelta(days=200),
    )
    services.deployment_create(
        actor=manager,
        staff=make_staff(StaffKind.ADVISOR),
        program=program,
        starts_on=today,
        ends_on=today + timedelta(days=13),
        description="Assessment mission",
    )
    client.force_login(manager)
    page = client.get(reverse("postings:program_detail", args=[program.pk])).content.decode()
    assert "Assessment mission" in page
    assert reverse("postings:deployment_create") + f"?program={program.pk}" in page


LIST_PAGES = [
    "postings:posting_list",
    "postings:ending",
    "postings:coverage",
    "postings:post_list",
    "postings:program_list",
    "postings:deployment_list",
]


def _grow(manager, make_posting, make_post, make_staff, today, start: int, count: int) -> None:
    for i in range(start, start + count):
        post = make_post("PE", f"Lima {i}")
        make_posting(
            PostingStatus.ACTIVE,
            post=post,
            starts_on=today - timedelta(days=400),
            ends_on=today + timedelta(days=30 + i),
            primary=("PE",),
            secondary=("BO", "EC"),
        )
        program = services.program_create(
            actor=manager,
            name=f"Program {i}",
            country=Country.objects.get(code="PE"),
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


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.ATTACHE])
def test_list_page_queries_do_not_grow_with_rows(
    client, users, manager, make_posting, make_post, make_staff, today, name, role
):
    client.force_login(users[role])
    _grow(manager, make_posting, make_post, make_staff, today, 0, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    _grow(manager, make_posting, make_post, make_staff, today, 2, 12)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(name)).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_a_filter_the_page_cannot_read_is_dropped_and_named(client, manager, make_posting):
    make_posting()
    client.force_login(manager)
    response = client.get(reverse("postings:posting_list"), {"due": "someday", "role": "attache"})
    assert response.context["page_obj"].paginator.count == 1
    assert response.context["due"] == "" and response.context["role"] == "attache"
    assert "could not be read: due" in response.content.decode()
