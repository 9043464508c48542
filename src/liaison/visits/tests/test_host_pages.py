"""The site host's inbox: the stops awaiting their answer, soonest first; accept, or decline
with a reason, by htmx or a plain post; a host of another site and other roles get 403."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.people.models import Staff
from liaison.visits import services
from liaison.visits.models import Exclusion, HostAnswer, Stop
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def host(users, sites):
    """The site host user, hosting Laredo and headquarters."""
    user = users[Role.SITE_HOST]
    staff = Staff.objects.create(
        kind="site_host", given_name="Lupe", family_name="Ortiz", user=user
    )
    staff.hosted_sites.add(sites["laredo"], sites["hq"])
    return user


@pytest.fixture
def asked(users, sites, make_visit, make_agency):
    """A visit from Peru's customs (3 officials) asking Laredo on day 2, headquarters on day 1,
    and the targeting center (hosted by nobody here) on day 3."""
    coordinator = users[Role.IVP_COORDINATOR]
    visit = make_visit(agency=make_agency("PE", "Customs Service"), purpose="Risk at the ports")
    services.visit_start_planning(actor=coordinator, visit=visit)
    stops = {
        "laredo": Stop.objects.create(visit=visit, site=sites["laredo"], day=START + timedelta(1)),
        "hq": Stop.objects.create(visit=visit, site=sites["hq"], day=START),
        "ntc": Stop.objects.create(visit=visit, site=sites["ntc"], day=START + timedelta(2)),
    }
    services.visit_request_sites(actor=coordinator, visit=visit)
    return stops


def test_a_host_sees_the_stops_at_their_sites_soonest_first(client, host, asked):
    client.force_login(host)
    response = client.get(reverse("visits:host_inbox"))
    assert response.status_code == 200
    assert [stop.site.code for stop in response.context["stops"]] == ["HQ", "POE-LRD"]
    body = response.content.decode("utf-8-sig")
    for fact in ("Peru", "Customs Service of PE", "3 officials", "Risk at the ports", "Accept"):
        assert fact in body, fact
    assert "NTC" not in body


@pytest.mark.parametrize(
    "role",
    [
        Role.ADMINISTRATOR,
        Role.IVP_COORDINATOR,
        Role.ATTACHE,
        Role.SPONSOR,
        Role.TRAINING_ADVISOR,
        Role.VETTING_OFFICER,
    ],
)
def test_only_site_hosts_have_an_inbox(client, users, asked, role):
    client.force_login(users[role])
    assert client.get(reverse("visits:host_inbox")).status_code == 403
    assert client.get(reverse("visits:host_calendar")).status_code == 403
    answer = client.post(
        reverse("visits:host_answer", args=[asked["laredo"].pk]), {"answer": "accept"}
    )
    assert answer.status_code == 403
    assert Stop.objects.get(pk=asked["laredo"].pk).answer == HostAnswer.ASKED


def test_a_host_of_another_site_gets_403_on_the_answer(client, make_user, host, asked):
    other = make_user(Role.SITE_HOST)
    Staff.objects.create(kind="site_host", given_name="Rosa", family_name="Diaz", user=other)
    client.force_login(other)
    assert client.get(reverse("visits:host_inbox")).context["stops"] == []
    response = client.post(
        reverse("visits:host_answer", args=[asked["laredo"].pk]),
        {"answer": "decline", "reason": "Not mine"},
    )
    assert response.status_code == 403
    assert Stop.objects.get(pk=asked["laredo"].pk).answer == HostAnswer.ASKED


def test_accepting_by_htmx_swaps_the_row_and_lists_it_as_accepted(client, host, asked):
    client.force_login(host)
    stop = asked["laredo"]
    row = client.post(
        reverse("visits:host_answer", args=[stop.pk]), {"answer": "accept"}, HTTP_HX_REQUEST="true"
    )
    body = row.content.decode("utf-8-sig")
    assert body.startswith(f'<tr id="stop-{stop.pk}">')
    assert "Accepted" in body
    assert "<h1>" not in body
    stop.refresh_from_db()
    assert (stop.answer, stop.answered_by) == (HostAnswer.ACCEPTED, host)
    page = client.get(reverse("visits:host_inbox"))
    assert [s.pk for s in page.context["stops"]] == [asked["hq"].pk]
    assert [s.pk for s in page.context["accepted"]] == [stop.pk]


def test_a_decline_without_a_reason_is_refused_on_its_row(client, host, asked):
    client.force_login(host)
    stop = asked["laredo"]
    url = reverse("visits:host_answer", args=[stop.pk])
    row = client.post(url, {"answer": "decline", "reason": " "}, HTTP_HX_REQUEST="true")
    assert "Say why your site cannot host them that day." in row.content.decode("utf-8-sig")
    page = client.post(url, {"answer": "decline", "reason": ""})
    assert page.status_code == 200
    refused = next(s for s in page.context["stops"] if s.pk == stop.pk)
    assert refused.error == "Say why your site cannot host them that day."
    assert "Say why your site cannot host them that day." in page.content.decode("utf-8-sig")
    stop.refresh_from_db()
    assert stop.answer == HostAnswer.ASKED
    assert not Exclusion.objects.exists()


def test_declining_without_javascript_comes_back_to_the_inbox(client, host, asked):
    client.force_login(host)
    stop = asked["laredo"]
    response = client.post(
        reverse("visits:host_answer", args=[stop.pk]),
        {"answer": "decline", "reason": "Port exercise that day"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("visits:host_inbox"), 302)]
    assert any("coordinator will re-plan" in m for m in _messages(response))
    stop.refresh_from_db()
    assert (stop.answer, stop.answer_reason) == (HostAnswer.DECLINED, "Port exercise that day")
    assert Exclusion.objects.filter(visit=stop.visit, site=stop.site, day=stop.day).exists()


def test_an_answer_already_given_is_not_changed(client, host, asked):
    client.force_login(host)
    stop = asked["hq"]
    url = reverse("visits:host_answer", args=[stop.pk])
    client.post(url, {"answer": "accept"})
    row = client.post(
        url, {"answer": "decline", "reason": "Changed my mind"}, HTTP_HX_REQUEST="true"
    )
    assert "is not awaiting your answer: accepted" in row.content.decode("utf-8-sig")
    stop.refresh_from_db()
    assert stop.answer == HostAnswer.ACCEPTED
