"""The site registry pages: every role that follows visits browses and searches the sites; the
coordinator keeps capacity, hosting days, blackouts and hosts current through the services;
wrong roles get 403 and refused input changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.people.models import Staff
from liaison.visits import services
from liaison.visits.models import HostAnswer, Site, SiteBlackout, SiteFocus, Stop
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db

BROWSERS = (
    Role.ADMINISTRATOR,
    Role.PROGRAM_MANAGER,
    Role.IVP_COORDINATOR,
    Role.ATTACHE,
    Role.SITE_HOST,
)
STRANGERS = (Role.TRAINING_ADVISOR, Role.VETTING_OFFICER, Role.SPONSOR)


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def _host(user, given: str = "Lupe", family: str = "Ortiz", **extra) -> Staff:
    return Staff.objects.create(
        kind="site_host", given_name=given, family_name=family, user=user, **extra
    )


@pytest.fixture
def registry(sites, focus):
    """The three test sites, with a focus area and an environment to filter on."""
    laredo = sites["laredo"]
    laredo.environment = "land"
    laredo.save()
    SiteFocus.objects.create(site=laredo, focus_area=focus["land_border_operations"], strength=3)
    SiteFocus.objects.create(site=sites["ntc"], focus_area=focus["targeting_risk"], strength=3)
    SiteFocus.objects.create(site=laredo, focus_area=focus["targeting_risk"], strength=1)
    return sites


@pytest.mark.parametrize("role", BROWSERS)
def test_every_role_following_visits_browses_the_registry(client, users, registry, role):
    client.force_login(users[role])
    listing = client.get(reverse("visits:site_list"))
    assert listing.status_code == 200
    assert [site.code for site in listing.context["page_obj"]] == ["HQ", "NTC", "POE-LRD"]
    detail = client.get(reverse("visits:site_detail", args=[registry["laredo"].pk]))
    assert detail.status_code == 200


@pytest.mark.parametrize("role", STRANGERS)
def test_roles_outside_visits_get_403(client, users, registry, role):
    client.force_login(users[role])
    laredo = registry["laredo"]
    assert client.get(reverse("visits:site_list")).status_code == 403
    assert client.get(reverse("visits:site_detail", args=[laredo.pk])).status_code == 403


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"q": "lrd"}, ["POE-LRD"]),
        ({"q": "sterling"}, ["NTC"]),
        ({"kind": "headquarters"}, ["HQ"]),
        ({"environment": "land"}, ["POE-LRD"]),
        ({"state": "tx"}, ["POE-LRD"]),
        ({"focus": "targeting_risk"}, ["NTC", "POE-LRD"]),
        ({"focus": "targeting_risk", "state": "VA"}, ["NTC"]),
    ],
)
def test_the_registry_searches_by_name_code_or_city_and_filters(
    client, users, registry, query, codes
):
    client.force_login(users[Role.ATTACHE])
    response = client.get(reverse("visits:site_list"), query)
    assert [site.code for site in response.context["page_obj"]] == codes


def test_no_match_says_so_and_htmx_gets_only_the_results(client, users, registry):
    client.force_login(users[Role.IVP_COORDINATOR])
    response = client.get(reverse("visits:site_list"), {"q": "Nowhere"}, HTTP_HX_REQUEST="true")
    body = response.content.decode("utf-8-sig")
    assert "No site matches" in body
    assert "<h1>" not in body


def test_the_registry_exports_csv_with_the_filters(client, users, registry):
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(reverse("visits:site_list"), {"state": "TX", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["code", "name", "kind"]
    assert [row[0] for row in rows[1:]] == ["POE-LRD"]
    assert rows[1][rows[0].index("focus areas")] == "2"


def test_the_list_keeps_to_a_few_queries(client, users, registry, django_assert_max_num_queries):
    for n in range(30):
        Site.objects.create(
            code=f"S{n}",
            name=f"Site {n}",
            kind="port_of_entry",
            city="El Paso",
            state="TX",
            latitude=31,
            longitude=-106,
        )
    client.force_login(users[Role.IVP_COORDINATOR])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("visits:site_list"))
    assert response.context["page_obj"].paginator.count == 33


def test_the_site_page_shows_what_a_planner_needs(client, users, registry, make_visit):
    laredo = registry["laredo"]
    laredo.address = "1 Bridge Street"
    laredo.save()
    _host(users[Role.SITE_HOST], title="Port director", email="lupe@example.gov").hosted_sites.add(
        laredo
    )
    SiteBlackout.objects.create(
        site=laredo, starts_on=START, ends_on=START + timedelta(days=2), reason="Port exercise"
    )
    visit = make_visit()
    Stop.objects.create(visit=visit, site=laredo, day=START + timedelta(days=5))
    client.force_login(users[Role.IVP_COORDINATOR])
    body = client.get(reverse("visits:site_detail", args=[laredo.pk])).content.decode("utf-8-sig")
    for fact in (
        "Port of entry",
        "Land",
        "1 Bridge Street, Laredo, TX",
        "30.0000, -97.0000",
        "land border operations",
        "3 of 3",
        "Port exercise",
        "Lupe Ortiz",
        "Port director",
        "Peru",
        "Edit capacity, days and address",
        reverse("visits:visit_detail", args=[visit.pk]),
    ):
        assert fact in body, fact


def test_an_attache_sees_their_regions_visits_at_a_site_but_cannot_manage_it(
    client, users, registry, make_visit
):
    laredo = registry["laredo"]
    peru = make_visit(code="PE")
    jordan = make_visit(code="JO")
    Stop.objects.create(visit=peru, site=laredo, day=START)
    Stop.objects.create(visit=jordan, site=laredo, day=START + timedelta(days=1))
    attache = users[Role.ATTACHE]
    client.force_login(attache)
    page = client.get(reverse("visits:site_detail", args=[laredo.pk]))
    assert [stop.visit for stop, _ in page.context["stops"]] == [peru]
    assert "Edit capacity" not in page.content.decode("utf-8-sig")
    assert not page.context["can_manage"]

    assert client.get(reverse("visits:site_edit", args=[laredo.pk])).status_code == 403
    refused = [
        client.post(reverse("visits:site_edit", args=[laredo.pk]), _edit(daily_capacity=5)),
        client.post(
            reverse("visits:site_blackout_add", args=[laredo.pk]),
            {"starts_on": "2030-01-01", "ends_on": "2030-01-02", "reason": "x"},
        ),
        client.post(reverse("visits:site_host_add", args=[laredo.pk]), {"staff": "1"}),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    laredo.refresh_from_db()
    assert laredo.daily_capacity == 1
    assert not SiteBlackout.objects.exists()


def _edit(**values):
    return {
        "daily_capacity": "2",
        "open_weekdays": ["0", "1", "2", "3", "4"],
        "address": "",
        "note": "",
        "active": "on",
        **values,
    }


def test_the_coordinator_edits_capacity_days_and_address(client, users, registry):
    laredo = registry["laredo"]
    client.force_login(users[Role.IVP_COORDINATOR])
    form = client.get(reverse("visits:site_edit", args=[laredo.pk]))
    assert form.context["form"].initial["open_weekdays"] == ["0", "1", "2", "3", "4"]
    response = client.post(
        reverse("visits:site_edit", args=[laredo.pk]),
        _edit(daily_capacity="3", open_weekdays=["1", "3"], address=" 1 Bridge Street "),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:site_detail", args=[laredo.pk])
    laredo.refresh_from_db()
    assert (laredo.daily_capacity, laredo.open_weekdays, laredo.address) == (
        3,
        "13",
        "1 Bridge Street",
    )
    entry = AuditEntry.objects.get(action="site.updated")
    assert entry.changes["daily_capacity"] == [1, 3]
    assert entry.changes["open_weekdays"] == ["01234", "13"]


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"daily_capacity": "11"}, "daily_capacity", "1 to 10 delegations"),
        ({"daily_capacity": "0"}, "daily_capacity", "1 to 10 delegations"),
        ({"open_weekdays": []}, "open_weekdays", "at least one weekday"),
        ({"address": "x" * 251}, "address", "under 250 characters"),
    ],
)
def test_a_refused_edit_says_why_and_changes_nothing(client, users, registry, values, field, says):
    laredo = registry["laredo"]
    client.force_login(users[Role.IVP_COORDINATOR])
    response = client.post(reverse("visits:site_edit", args=[laredo.pk]), _edit(**values))
    assert response.status_code == 200
    assert says in " ".join(response.context["form"].errors[field])
    assert says in response.content.decode("utf-8-sig")
    laredo.refresh_from_db()
    assert (laredo.daily_capacity, laredo.open_weekdays, laredo.address) == (1, "01234", "")
    assert not AuditEntry.objects.filter(action="site.updated").exists()


def test_blackouts_are_added_refused_with_a_reason_and_removed(client, users, registry):
    laredo = registry["laredo"]
    client.force_login(users[Role.IVP_COORDINATOR])
    add = reverse("visits:site_blackout_add", args=[laredo.pk])
    first = date(2030, 5, 1)

    response = client.post(
        add, {"starts_on": "2030-05-01", "ends_on": "2030-05-03", "reason": "Exercise"}
    )
    assert response.status_code == 302
    blackout = SiteBlackout.objects.get()
    assert (blackout.starts_on, blackout.ends_on, blackout.reason) == (
        first,
        first + timedelta(days=2),
        "Exercise",
    )

    for values, field, says in [
        (
            {"starts_on": "2030-06-05", "ends_on": "2030-06-01", "reason": "Rush"},
            "ends_on",
            "ends before it starts",
        ),
        (
            {"starts_on": "2030-05-03", "ends_on": "2030-05-09", "reason": "Rush"},
            "starts_on",
            "overlaps the blackout of 1\N{EN DASH}3 May 2030",
        ),
        (
            {"starts_on": "2030-07-01", "ends_on": "2030-07-01", "reason": " "},
            "reason",
            "Say why the site is closed",
        ),
    ]:
        refused = client.post(add, values)
        assert refused.status_code == 200
        assert says in " ".join(refused.context["blackout_form"].errors[field])
        assert says in refused.content.decode("utf-8-sig")
    assert SiteBlackout.objects.count() == 1

    removed = client.post(
        reverse("visits:site_blackout_remove", args=[blackout.site_id, blackout.pk])
    )
    assert removed.status_code == 302
    assert not SiteBlackout.objects.exists()
    assert list(
        AuditEntry.objects.filter(object_id=str(laredo.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["site.blackout_added", "site.blackout_removed"]


def test_hosts_are_added_and_removed_and_refusals_change_nothing(
    client, users, registry, make_user, make_visit
):
    laredo = registry["laredo"]
    lupe = _host(users[Role.SITE_HOST])
    no_account = Staff.objects.create(kind="site_host", given_name="Ana", family_name="Ruiz")
    client.force_login(users[Role.IVP_COORDINATOR])
    add = reverse("visits:site_host_add", args=[laredo.pk])
    page = client.get(reverse("visits:site_detail", args=[laredo.pk]))
    assert list(page.context["host_form"].fields["staff"].queryset) == [lupe]

    refused = client.post(add, {"staff": no_account.pk})
    assert refused.status_code == 200
    assert "staff" in refused.context["host_form"].errors
    assert client.post(add, {"staff": lupe.pk}).status_code == 302
    assert list(laredo.hosts.all()) == [lupe]
    again = client.post(add, {"staff": lupe.pk})
    assert again.status_code == 200
    assert list(laredo.hosts.all()) == [lupe]

    # The only host stays while a stop awaits an answer.
    visit = make_visit()
    Stop.objects.create(visit=visit, site=laredo, day=START, answer=HostAnswer.ASKED)
    remove = reverse("visits:site_host_remove", args=[laredo.pk])
    kept = client.post(remove, {"staff": lupe.pk}, follow=True)
    assert any("only host of POE-LRD and 1 stop(s) await" in m for m in _messages(kept))
    assert list(laredo.hosts.all()) == [lupe]

    second = _host(make_user(Role.SITE_HOST), given="Rosa", family="Diaz")
    services.site_host_add(actor=users[Role.IVP_COORDINATOR], site=laredo, staff=second)
    assert client.post(remove, {"staff": lupe.pk}).status_code == 302
    assert list(laredo.hosts.all()) == [second]
    assert list(
        AuditEntry.objects.filter(action__startswith="site.host")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["site.host_added", "site.host_added", "site.host_removed"]


def test_a_host_cannot_manage_a_site_they_host(client, users, registry):
    laredo = registry["laredo"]
    host = users[Role.SITE_HOST]
    _host(host).hosted_sites.add(laredo)
    client.force_login(host)
    assert client.get(reverse("visits:site_edit", args=[laredo.pk])).status_code == 403
    blackout = SiteBlackout.objects.create(site=laredo, starts_on=START, ends_on=START)
    assert (
        client.post(
            reverse("visits:site_blackout_remove", args=[blackout.site_id, blackout.pk])
        ).status_code
        == 403
    )
    assert SiteBlackout.objects.filter(pk=blackout.pk).exists()
