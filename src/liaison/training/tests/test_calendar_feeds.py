"""Calendar feeds: each instructor's deliveries, and all deliveries, at secret iCal addresses
that calendar apps can read without signing in, and that a reset retires at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from icalendar import Calendar, Component

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.people.models import Staff
from liaison.training import services
from liaison.training.models import CalendarFeed, Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisor(users: dict[Role, User], make_instructor: Callable[..., Staff]) -> Staff:
    return make_instructor(user=users[Role.TRAINING_ADVISOR], given_name="Ada", family_name="Vise")


@pytest.fixture
def colleague(make_instructor: Callable[..., Staff]) -> Staff:
    return make_instructor(given_name="Bo", family_name="Other")


@pytest.fixture
def deliveries(
    make_delivery: Callable[..., Delivery], manager: User, advisor: Staff, colleague: Staff
) -> dict[str, Delivery]:
    """The advisor teaches two live deliveries and one cancelled; the colleague one."""
    soon = date.today() + timedelta(days=30)
    first = make_delivery(DeliveryStatus.APPROVED, instructor=advisor, starts_on=soon)
    second = make_delivery(
        DeliveryStatus.APPROVED, instructor=advisor, starts_on=soon + timedelta(days=14)
    )
    dropped = make_delivery(
        DeliveryStatus.APPROVED, instructor=advisor, starts_on=soon + timedelta(days=28)
    )
    services.delivery_cancel(actor=manager, delivery=dropped, reason="No funding")
    theirs = make_delivery(DeliveryStatus.APPROVED, instructor=colleague, starts_on=soon)
    return {"first": first, "second": second, "dropped": dropped, "theirs": theirs}


def _feed_url(feed: CalendarFeed) -> str:
    return reverse("public:calendar_feed", args=[feed.token])


def _events(response) -> dict[str, Component]:
    """The feed parsed as a calendar app would, its events by UID."""
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_an_instructors_feed_has_one_all_day_event_per_live_delivery(
    client, users, advisor, deliveries
):
    feed = services.calendar_feed_create(actor=users[Role.TRAINING_ADVISOR], staff=advisor)
    response = client.get(_feed_url(feed))  # a calendar app: not signed in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response)
    first, second = deliveries["first"], deliveries["second"]
    assert set(events) == {
        f"delivery-{first.pk}@liaison.training",
        f"delivery-{second.pk}@liaison.training",
    }
    event = events[f"delivery-{first.pk}@liaison.training"]
    assert event.decoded("DTSTART") == first.starts_on
    assert event.decoded("DTEND") == first.ends_on + timedelta(days=1)  # exclusive
    assert str(event["SUMMARY"]) == f"{first.course.code} {first.course.title}"
    assert str(event["LOCATION"]) == (
        f"{first.venue.name}, {first.venue.city}, {first.country.name}"
    )
    description = str(event["DESCRIPTION"])
    assert "Status: Approved" in description
    assert "Ada Vise (lead instructor)" in description


def test_the_uid_stays_the_same_from_one_fetch_to_the_next(client, users, advisor, deliveries):
    feed = services.calendar_feed_create(actor=users[Role.TRAINING_ADVISOR], staff=advisor)
    before = set(_events(client.get(_feed_url(feed))))
    services.delivery_update(
        actor=users[Role.PROGRAM_MANAGER], delivery=deliveries["first"], notes="Room 4"
    )
    assert set(_events(client.get(_feed_url(feed)))) == before


def test_the_all_deliveries_feed_has_every_live_delivery(client, manager, deliveries):
    feed = services.calendar_feed_create(actor=manager, staff=None)
    events = _events(client.get(_feed_url(feed)))
    live = [d for name, d in deliveries.items() if name != "dropped"]
    assert set(events) == {f"delivery-{d.pk}@liaison.training" for d in live}


def test_an_unknown_address_is_a_404(client, deliveries):
    assert client.get(reverse("public:calendar_feed", args=["not-a-token"])).status_code == 404


def test_resetting_makes_the_old_address_404(client, users, advisor, deliveries):
    user = users[Role.TRAINING_ADVISOR]
    feed = services.calendar_feed_create(actor=user, staff=advisor)
    old = _feed_url(feed)
    client.force_login(user)
    response = client.post(reverse("training:calendar_feed_reset", args=[feed.pk]))
    assert response.status_code == 302
    feed.refresh_from_db()
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(_feed_url(feed)).status_code == 200
    assert AuditEntry.objects.filter(action="calendar_feed.reset").count() == 1


PAGE = reverse("training:calendar_feeds")
CREATE = reverse("training:calendar_feed_create")


def test_reading_the_calendar_page_makes_no_address(client, users, manager, advisor, colleague):
    for user in (users[Role.TRAINING_ADVISOR], manager):
        client.force_login(user)
        for query in ({}, {"staff": advisor.pk}, {"staff": colleague.pk}):
            response = client.get(PAGE, query)
            assert response.status_code in (200, 403), (user, query)
    assert not CalendarFeed.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="calendar_feed.").exists()


def test_posting_makes_the_address_once_and_records_it(client, users, advisor):
    client.force_login(users[Role.TRAINING_ADVISOR])
    page = client.get(PAGE).content.decode("utf-8-sig")
    assert "Make the calendar address" in page
    response = client.post(CREATE, {"staff": advisor.pk})
    assert response.status_code == 302 and response["Location"] == PAGE
    feed = CalendarFeed.objects.get()
    assert feed.staff == advisor
    assert client.post(CREATE, {"staff": advisor.pk}).status_code == 302  # asked twice
    assert CalendarFeed.objects.get().token == feed.token
    created = AuditEntry.objects.filter(action="calendar_feed.created")
    assert created.count() == 1 and created.get().actor == users[Role.TRAINING_ADVISOR]


def test_an_advisor_sees_their_own_address_only(client, users, advisor, colleague, deliveries):
    client.force_login(users[Role.TRAINING_ADVISOR])
    client.post(CREATE, {"staff": advisor.pk})
    page = client.get(PAGE)
    assert page.status_code == 200
    own = CalendarFeed.objects.get(staff=advisor)
    html = page.content.decode("utf-8-sig")
    assert own.token in html
    assert "All deliveries" not in html
    assert client.get(PAGE, {"staff": colleague.pk}).status_code == 403
    assert client.post(CREATE, {"staff": colleague.pk}).status_code == 403
    assert client.post(CREATE).status_code == 403  # all deliveries: headquarters'
    assert not CalendarFeed.objects.filter(staff=colleague).exists()
    assert not CalendarFeed.objects.filter(staff=None).exists()


def test_an_advisor_cannot_get_or_reset_anyone_elses_feed(
    users, advisor, colleague, manager, client
):
    user = users[Role.TRAINING_ADVISOR]
    with pytest.raises(PermissionDenied):
        services.calendar_feed_create(actor=user, staff=colleague)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_create(actor=user, staff=None)
    theirs = services.calendar_feed_create(actor=manager, staff=colleague)
    token = theirs.token
    client.force_login(user)
    assert client.post(reverse("training:calendar_feed_reset", args=[theirs.pk])).status_code == 403
    theirs.refresh_from_db()
    assert theirs.token == token


def test_headquarters_sees_the_all_feed_and_any_instructors(client, manager, colleague, deliveries):
    client.force_login(manager)
    assert client.post(CREATE, {"staff": ""})["Location"] == PAGE
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode("utf-8-sig")
    assert CalendarFeed.objects.get(staff=None).token in html
    assert str(colleague) in html  # offered in the chooser
    made = client.post(CREATE, {"staff": colleague.pk})
    assert made["Location"] == PAGE + f"?staff={colleague.pk}"
    chosen = client.get(PAGE, {"staff": colleague.pk})
    assert CalendarFeed.objects.get(staff=colleague).token in chosen.content.decode("utf-8-sig")
    feed = CalendarFeed.objects.get(staff=colleague)
    reset = client.post(reverse("training:calendar_feed_reset", args=[feed.pk]))
    assert reset["Location"] == PAGE + f"?staff={colleague.pk}"


def test_other_roles_have_no_calendar_page(client, users):
    for role in (Role.ATTACHE, Role.VETTING_OFFICER, Role.SPONSOR, Role.SITE_HOST):
        client.force_login(users[role])
        assert client.get(reverse("training:calendar_feeds")).status_code == 403, role
        assert client.post(CREATE).status_code == 403, role
        assert client.post(reverse("training:calendar_feed_reset", args=[0])).status_code == 403
    assert not CalendarFeed.objects.exists()
