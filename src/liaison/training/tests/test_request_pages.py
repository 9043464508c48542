"""The request pages: attachés file for their region, headquarters approves a request into a
delivery or declines it with a reason, the filer may withdraw; wrong roles get 403."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.partners.models import Country
from liaison.training import services
from liaison.training.models import Delivery, DeliveryStatus, RequestStatus, TrainingRequest

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def file_request(catalog, manager):
    """A submitted request for LBI-101 in ``code`` (Peru by default), filed by headquarters."""

    def file(code: str = "PE", **values):
        return services.training_request_file(
            actor=values.pop("actor", manager),
            country=Country.objects.get(code=code),
            course=values.pop("course", Course.objects.get(code="LBI-101")),
            justification=values.pop("justification", "Cocaine through the port of Callao."),
            **values,
        )

    return file


def _filing(country: str, **extra):
    return {
        "country": Country.objects.get(code=country).pk,
        "course": Course.objects.get(code="LBI-101").pk,
        "need": "",
        "preferred_start": "2027-03-01",
        "preferred_end": "2027-03-05",
        "participants_expected": "18",
        "funding_source": FundingSource.objects.get(code="INL").pk,
        "justification": "New port officers at Callao.",
        **extra,
    }


def test_an_attache_files_for_their_region_but_not_another(client, users, catalog):
    attache = users[Role.ATTACHE]
    client.force_login(attache)
    form = client.get(reverse("training:request_create")).context["form"]
    offered = set(form.fields["country"].queryset.values_list("region__code", flat=True))
    assert offered == {"WHA"}

    refused = client.post(reverse("training:request_create"), _filing("JO"))
    assert refused.status_code == 200
    assert "country" in refused.context["form"].errors
    assert not TrainingRequest.objects.exists()

    filed = client.post(reverse("training:request_create"), _filing("PE"))
    request = TrainingRequest.objects.get()
    assert filed.status_code == 302
    assert filed["Location"] == reverse("training:request_detail", args=[request.pk])
    assert (request.country.code, request.requested_by, request.status) == (
        "PE",
        attache,
        RequestStatus.SUBMITTED,
    )
    assert AuditEntry.objects.filter(action="training_request.filed").count() == 1


def test_filing_shows_the_rule_it_breaks(client, users, catalog, make_agency):
    client.force_login(users[Role.ATTACHE])
    colombian = make_agency("CO")
    response = client.post(
        reverse("training:request_create"),
        _filing("PE", course="", agency=colombian.pk, preferred_end="2027-02-01"),
    )
    errors = response.context["form"].errors
    assert "Choose a course or describe the need" in errors["need"][0]
    assert "is not an agency of Peru" in errors["agency"][0]
    assert "preferred end comes before" in errors["preferred_end"][0]
    assert not TrainingRequest.objects.exists()


def test_approving_plans_a_delivery_and_the_request_shows_it(client, manager, file_request):
    request = file_request(participants_expected=18, preferred_start=date(2027, 3, 1))
    client.force_login(manager)
    page = client.get(reverse("training:request_detail", args=[request.pk]))
    approve = page.context["approve_form"]
    assert approve.initial["course"] == request.course_id
    assert approve.initial["capacity"] == 18
    assert "Approve and plan the delivery" in page.content.decode("utf-8-sig")

    course = request.course
    response = client.post(
        reverse("training:request_approve", args=[request.pk]),
        {
            "course": course.pk,
            "venue": Venue.objects.get(code="ILEA-SAL").pk,
            "starts_on": "2027-03-01",
            "ends_on": (date(2027, 3, 1) + timedelta(days=course.length_days - 1)).isoformat(),
            "funding_source": FundingSource.objects.get(code="INL").pk,
            "capacity": "18",
            "note": "Fits the ILEA calendar.",
        },
    )
    delivery = Delivery.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:delivery_detail", args=[delivery.pk])
    assert (delivery.request, delivery.status, delivery.capacity) == (
        request,
        DeliveryStatus.PLANNED,
        18,
    )
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (
        RequestStatus.APPROVED,
        "Fits the ILEA calendar.",
    )

    page = client.get(reverse("training:request_detail", args=[request.pk]))
    html = page.content.decode("utf-8-sig")
    assert reverse("training:delivery_detail", args=[delivery.pk]) in html
    assert "Approve and plan the delivery" not in html
    assert "training_request.approved" in html  # the history


def test_an_approval_that_breaks_a_rule_plans_nothing(client, manager, file_request):
    request = file_request()
    venue = Venue.objects.get(code="ILEA-SAL")
    client.force_login(manager)
    response = client.post(
        reverse("training:request_approve", args=[request.pk]),
        {
            "course": request.course_id,
            "venue": venue.pk,
            "starts_on": "2027-03-01",
            "ends_on": "2027-03-01",
            "funding_source": FundingSource.objects.get(code="INL").pk,
            "capacity": venue.capacity + 1,
        },
    )
    assert response.status_code == 200
    errors = response.context["approve_form"].errors
    assert f"seats {venue.capacity}" in errors["capacity"][0]
    assert "takes" in errors["ends_on"][0]
    assert not Delivery.objects.exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_declining_needs_a_reason(client, manager, file_request):
    request = file_request()
    client.force_login(manager)
    url = reverse("training:request_decline", args=[request.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "reason" in response.context["decline_form"].errors
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED

    response = client.post(url, {"reason": "No instructor free this fiscal year."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (
        RequestStatus.DECLINED,
        "No instructor free this fiscal year.",
    )
    # A decided request cannot be decided again; the page says why.
    again = client.post(url, {"reason": "Twice."}, follow=True)
    assert "only a submitted request can be decided" in " ".join(_messages(again))


def test_the_filer_withdraws_after_confirming(client, users, file_request):
    attache = users[Role.ATTACHE]
    request = file_request(actor=attache)
    client.force_login(attache)
    page = client.get(reverse("training:request_detail", args=[request.pk])).content.decode(
        "utf-8-sig"
    )
    assert "Yes, withdraw the request" in page
    assert "Approve and plan the delivery" not in page
    response = client.post(reverse("training:request_withdraw", args=[request.pk]), follow=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert "Request withdrawn." in _messages(response)
    again = client.post(reverse("training:request_withdraw", args=[request.pk]), follow=True)
    assert "already withdrawn" in " ".join(_messages(again))


@pytest.mark.parametrize("role", [Role.TRAINING_ADVISOR, Role.VETTING_OFFICER, Role.SPONSOR])
def test_roles_without_requests_get_403_on_every_page(client, users, file_request, role):
    request = file_request()
    client.force_login(users[role])
    for name in ("request_list", "request_create"):
        assert client.get(reverse(f"training:{name}")).status_code == 403
    assert client.get(reverse("training:request_detail", args=[request.pk])).status_code == 403
    for name in ("request_approve", "request_decline", "request_withdraw"):
        url = reverse(f"training:{name}", args=[request.pk])
        assert client.post(url, {"reason": "x"}).status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_an_attache_cannot_decide_nor_see_another_region(client, users, make_user, file_request):
    request = file_request()
    client.force_login(users[Role.ATTACHE])
    for name in ("request_approve", "request_decline"):
        url = reverse(f"training:{name}", args=[request.pk])
        assert client.post(url, {"reason": "x"}).status_code == 403

    jordan = file_request("JO")
    assert client.get(reverse("training:request_detail", args=[jordan.pk])).status_code == 404
    client.force_login(make_user(Role.ATTACHE, region="NEA"))
    assert client.get(reverse("training:request_detail", args=[request.pk])).status_code == 404
    assert client.post(reverse("training:request_withdraw", args=[request.pk])).status_code == 404
    assert client.get(reverse("training:request_detail", args=[jordan.pk])).status_code == 200
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_the_list_searches_filters_and_exports(client, users, manager, file_request):
    peru = file_request("PE")
    mexico = file_request("MX", course=None, need="Container scanning at Manzanillo")
    jordan = file_request("JO")
    services.training_request_decline(actor=manager, request=mexico, reason="Not this year.")

    client.force_login(manager)
    url = reverse("training:request_list")
    assert {r.pk for r in client.get(url).context["page_obj"]} == {peru.pk, mexico.pk, jordan.pk}
    assert list(client.get(url, {"status": "declined"}).context["page_obj"]) == [mexico]
    assert list(client.get(url, {"country": "jo"}).context["page_obj"]) == [jordan]
    fragment = client.get(url, {"q": "manzanillo"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode("utf-8-sig")
    assert list(fragment.context["page_obj"]) == [mexico]

    export = client.get(url, {"format": "csv", "country": "PE"})
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,filed,country,agency,course")
    assert len(lines) == 2 and lines[1].startswith(f"{peru.pk},")

    # An attaché sees only their region's requests, and an empty filter says so.
    client.force_login(users[Role.ATTACHE])
    assert {r.pk for r in client.get(url).context["page_obj"]} == {peru.pk, mexico.pk}
    assert "No request matches." in client.get(url, {"q": "nothing"}).content.decode("utf-8-sig")


def test_an_empty_list_invites_a_filing(client, users, catalog):
    client.force_login(users[Role.ATTACHE])
    html = client.get(reverse("training:request_list")).content.decode("utf-8-sig")
    assert "No requests yet." in html
    assert reverse("training:request_create") in html


def test_the_list_reads_the_same_queries_however_many_rows(client, manager, file_request):
    client.force_login(manager)
    url = reverse("training:request_list")
    file_request("PE")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for code in ("MX", "CO", "JO", "GT", "HN"):
        file_request(code)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
