"""The follow-up pages: headquarters picks delivered deliveries and keeps all their graduates,
or some of them; everyone who browses training sees the list and who takes part."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.training import services
from liaison.training.models import DeliveryStatus, FollowUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def graduated(manager, make_delivery, make_person):
    """A delivered LBI-101 whose participants ``names`` all attended, passed and hold a
    certificate."""

    def make(*names: str):
        people = [make_person("Ana", name) for name in names]
        delivery = make_delivery(DeliveryStatus.IN_PROGRESS, people=people)
        for enrollment in delivery.enrollments.all():
            for day in delivery.days:
                services.attendance_record(
                    actor=manager, enrollment=enrollment, day=day, mark="present"
                )
            services.scores_record(
                actor=manager, enrollment=enrollment, pre_score=40, post_score=90
            )
        services.delivery_finish(actor=manager, delivery=delivery)
        services.certificates_issue_all(actor=manager, delivery=delivery)
        delivery.refresh_from_db()
        return delivery, people

    return make


def _follow_up(**extra):
    return {
        "kind": "refresher",
        "title": "Port interdiction refresher",
        "starts_on": "2028-02-01",
        "ends_on": "2028-02-02",
        "notes": "",
        **extra,
    }


def test_a_follow_up_takes_every_graduate_by_default(client, manager, graduated, make_delivery):
    delivery, people = graduated("Quispe", "Mamani")
    planned = make_delivery()
    client.force_login(manager)
    url = reverse("training:follow_up_create")

    page = client.get(url)
    assert [d.pk for d in page.context["listed"]] == [delivery.pk]  # not the planned one
    assert page.context["listed"][0].graduate_count == 2

    fragment = client.get(
        url, {"part": "graduates", "source_deliveries": delivery.pk}, HTTP_HX_REQUEST="true"
    )
    html = fragment.content.decode("utf-8-sig")
    assert "<html" not in html
    assert "Quispe" in html and "Mamani" in html
    assert html.count(" checked") == 2

    refused = client.post(url, _follow_up(source_deliveries=[planned.pk]))
    assert refused.status_code == 200
    assert "source_deliveries" in refused.context["form"].errors

    response = client.post(url, _follow_up(source_deliveries=[delivery.pk]))
    follow_up = FollowUp.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:follow_up_detail", args=[follow_up.pk])
    assert set(follow_up.graduates.all()) == set(people)
    assert list(follow_up.source_deliveries.all()) == [delivery]

    detail = client.get(response["Location"]).content.decode("utf-8-sig")
    for person in people:
        assert reverse("people:person_detail", args=[person.pk]) in detail
    assert reverse("training:delivery_detail", args=[delivery.pk]) in detail


def test_unticking_graduates_leaves_them_out(client, manager, graduated):
    delivery, (quispe, _mamani) = graduated("Quispe", "Mamani")
    client.force_login(manager)
    url = reverse("training:follow_up_create")
    response = client.post(
        url,
        _follow_up(source_deliveries=[delivery.pk], choose_graduates="on", graduates=[quispe.pk]),
    )
    assert response.status_code == 302
    assert list(FollowUp.objects.get().graduates.all()) == [quispe]

    none_left = client.post(
        url, _follow_up(source_deliveries=[delivery.pk], choose_graduates="on", title="Again")
    )
    assert none_left.status_code == 200
    assert "Tick at least one graduate." in none_left.context["form"].errors["graduates"]
    # The list stays on the page, as it was posted.
    assert none_left.context["ticked"] == set()
    assert FollowUp.objects.count() == 1


def test_the_service_refusal_shows_on_the_form(client, manager, graduated):
    delivery, _ = graduated("Quispe")
    client.force_login(manager)
    response = client.post(
        reverse("training:follow_up_create"),
        _follow_up(source_deliveries=[delivery.pk], starts_on="2028-02-05", ends_on="2028-02-01"),
    )
    assert response.status_code == 200
    assert "ends before it starts" in response.context["form"].errors["ends_on"][0]
    assert not FollowUp.objects.exists()


def test_deliveries_are_found_by_country_and_course(client, manager, graduated):
    delivery, _ = graduated("Quispe")
    client.force_login(manager)
    url = reverse("training:follow_up_create")
    assert [d.pk for d in client.get(url, {"course": "lbi"}).context["listed"]] == [delivery.pk]
    assert client.get(url, {"country": "JO"}).context["listed"] == []
    # A ticked delivery stays offered (first) whatever the filter.
    fragment = client.get(
        url,
        {"part": "deliveries", "country": "JO", "source_deliveries": delivery.pk},
        HTTP_HX_REQUEST="true",
    )
    assert [d.pk for d in fragment.context["chosen"]] == [delivery.pk]
    assert f'value="{delivery.pk}" checked' in fragment.content.decode("utf-8-sig")


def test_the_list_shows_each_follow_up_with_its_graduates(client, users, manager, graduated):
    delivery, people = graduated("Quispe", "Mamani")
    services.follow_up_create(
        actor=manager,
        kind="mentoring",
        title="Callao mentoring",
        starts_on=date(2028, 3, 1),
        source_deliveries=[delivery],
    )
    services.follow_up_create(
        actor=manager,
        kind="refresher",
        title="Callao refresher",
        starts_on=date(2028, 4, 1),
        source_deliveries=[delivery],
        graduates=people[:1],
    )
    # The vetting officer sees every delivery's follow-ups but may not plan one.
    client.force_login(users[Role.VETTING_OFFICER])
    url = reverse("training:follow_up_list")
    page = client.get(url)
    rows = [(f.title, f.graduate_count) for f in page.context["page_obj"]]
    assert rows == [("Callao refresher", 1), ("Callao mentoring", 2)]
    assert delivery.course.code in page.content.decode("utf-8-sig")
    assert reverse("training:follow_up_create") not in page.content.decode("utf-8-sig")
    assert [f.title for f in client.get(url, {"kind": "mentoring"}).context["page_obj"]] == [
        "Callao mentoring"
    ]
    fragment = client.get(url, {"q": "refresher"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode("utf-8-sig")
    lines = client.get(url, {"format": "csv"}).content.decode("utf-8-sig").splitlines()
    assert lines[0] == "id,kind,title,starts on,ends on,source deliveries,graduates"
    assert lines[2].endswith(",2")


def test_an_empty_list_invites_headquarters_to_plan_one(client, manager, catalog):
    client.force_login(manager)
    html = client.get(reverse("training:follow_up_list")).content.decode("utf-8-sig")
    assert "No follow-ups yet." in html
    assert reverse("training:follow_up_create") in html


@pytest.mark.parametrize("role", [Role.ATTACHE, Role.TRAINING_ADVISOR, Role.VETTING_OFFICER])
def test_only_headquarters_creates_follow_ups(client, users, role, graduated):
    delivery, _ = graduated("Quispe")
    client.force_login(users[role])
    url = reverse("training:follow_up_create")
    assert client.get(url).status_code == 403
    assert client.post(url, _follow_up(source_deliveries=[delivery.pk])).status_code == 403
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("role", [Role.SPONSOR, Role.SITE_HOST, Role.IVP_COORDINATOR])
def test_roles_outside_training_get_403(client, users, manager, role, graduated):
    delivery, _ = graduated("Quispe")
    follow_up = services.follow_up_create(
        actor=manager,
        kind="refresher",
        title="Refresher",
        starts_on=date(2028, 3, 1),
        source_deliveries=[delivery],
    )
    client.force_login(users[role])
    for url in (
        reverse("training:follow_up_list"),
        reverse("training:follow_up_create"),
        reverse("training:follow_up_detail", args=[follow_up.pk]),
    ):
        assert client.get(url).status_code == 403


def test_the_pages_read_the_same_queries_however_many_rows(client, manager, graduated):
    client.force_login(manager)

    def add() -> int:
        delivery, _ = graduated("Quispe", "Mamani")
        services.follow_up_create(
            actor=manager,
            kind="refresher",
            title="Refresher",
            starts_on=date(2028, 3, 1),
            source_deliveries=[delivery],
        )
        return delivery.pk

    def count(url: str, params: dict) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries)

    first = add()
    pages = [
        (reverse("training:follow_up_list"), {}),
        (reverse("training:follow_up_create"), {"source_deliveries": [first]}),
    ]
    few = [count(url, params) for url, params in pages]
    ids = [first, add(), add()]
    pages[1] = (pages[1][0], {"source_deliveries": ids})
    assert [count(url, params) for url, params in pages] == few
