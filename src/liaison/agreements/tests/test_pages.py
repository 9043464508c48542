"""The agreement pages: lists in a fixed number of queries and scoped to the user, filing a
request with its letter, answering it, the health and time-to-answer pages, exports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.agreements import services
from liaison.agreements.models import AssistanceRequest, Direction, Document, RequestStatus
from liaison.agreements.tests.conftest import PDF
from liaison.conftest import TODAY
from liaison.training.models import Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(users, make_agreement, make_request, make_person):
    """Three agreements, eight requests each way, some answered, one refused."""
    manager = users[Role.PROGRAM_MANAGER]
    agreements = [make_agreement(code) for code in ("PE", "CO", "JO")]
    for agreement in agreements:
        for n in range(4):
            request = make_request(agreement, received_on=date(2025, 1, 10 + n))
            services.assistance_request_company_add(
                actor=manager, request=request, name=f"Company {n}"
            )
            if n < 2:
                services.assistance_request_start(actor=manager, request=request)
                services.assistance_request_answer(
                    actor=manager,
                    request=request,
                    answer_summary="Sent",
                    answered_on=date(2025, 2, 1 + 10 * n),
                )
        make_request(agreement, Direction.OUTGOING)
    waiting = AssistanceRequest.objects.filter(status="received").order_by("pk")[0]
    services.assistance_request_refuse(actor=manager, request=waiting, reason="No")
    return agreements


def test_the_request_list_takes_a_fixed_number_of_queries(
    client, users, busy, make_request, django_assert_max_num_queries
):
    client.force_login(users[Role.PROGRAM_MANAGER])
    url = reverse("agreements:request_list")
    with django_assert_max_num_queries(12):
        first = client.get(url)
    for agreement in busy:
        for _ in range(5):
            make_request(agreement)
    with django_assert_max_num_queries(12):
        second = client.get(url)
    assert (
        first.context["page_obj"].paginator.count + 15 == second.context["page_obj"].paginator.count
    )


def test_the_agreement_list_and_health_take_a_fixed_number_of_queries(
    client, users, busy, make_agreement, django_assert_max_num_queries
):
    client.force_login(users[Role.PROGRAM_MANAGER])
    for name in ("agreements:agreement_list", "agreements:health", "agreements:answer_times"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200
    for code in ("MX", "GT", "HN", "SV"):
        make_agreement(code)
    for name in ("agreements:agreement_list", "agreements:health", "agreements:answer_times"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200


def test_the_attache_sees_their_regions_agreements_and_requests_only(client, users, busy):
    client.force_login(users[Role.ATTACHE])
    agreements = client.get(reverse("agreements:agreement_list")).context["page_obj"]
    assert {str(a.country.code) for a in agreements} == {"PE", "CO"}
    requests = client.get(reverse("agreements:request_list")).context["page_obj"]
    assert {str(r.agreement.country.code) for r in requests} == {"PE", "CO"}
    health = client.get(reverse("agreements:health")).context["rows"]
    assert {str(h.agreement.country.code) for h in health} == {"PE", "CO"}
    jordan = busy[2]
    assert client.get(reverse("agreements:agreement_detail", args=[jordan.pk])).status_code == 403


def test_a_training_advisor_reads_agreements_but_not_requests(client, users, busy):
    client.force_login(users[Role.TRAINING_ADVISOR])
    page = client.get(reverse("agreements:agreement_detail", args=[busy[0].pk]))
    assert page.status_code == 200
    assert "Assistance requests under it" not in page.content.decode()
    assert client.get(reverse("agreements:request_list")).status_code == 403


def test_filing_an_incoming_request_with_its_letter_on_the_page(client, users, peru):
    attache = users[Role.ATTACHE]
    client.force_login(attache)
    form = client.get(reverse("agreements:request_create") + f"?agreement={peru.pk}")
    assert form.status_code == 200
    response = client.post(
        reverse("agreements:request_create"),
        {
            "agreement": peru.pk,
            "direction": "incoming",
            "partner_reference": "SUNAT 041-2026",
            "subject": "Origin of copper concentrate",
            "kind": "verification",
            "legal_basis": "Article 5",
            "details": "Verify three exports.",
            "received_on": (TODAY - timedelta(days=2)).isoformat(),
            "due_on": "",
            "owner": "",
            "letter": SimpleUploadedFile("oficio.pdf", PDF, content_type="application/pdf"),
        },
    )
    request = AssistanceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:request_detail", args=[request.pk])
    assert (request.owner, request.status, request.due_on) == (
        attache,
        RequestStatus.RECEIVED,
        TODAY + timedelta(days=43),
    )
    assert Document.objects.get().filename == "oficio.pdf"


def test_a_letter_that_is_not_a_document_files_nothing(client, users, peru):
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.post(
        reverse("agreements:request_create"),
        {
            "agreement": peru.pk,
            "direction": "incoming",
            "subject": "Origin",
            "kind": "verification",
            "received_on": TODAY.isoformat(),
            "letter": SimpleUploadedFile(
                "oficio.pdf", b"MZ\x90binary", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 200
    assert "not a file Liaison keeps" in response.content.decode()
    assert not AssistanceRequest.objects.exists() and not Document.objects.exists()


def test_answering_on_the_page(client, users, peru, make_request):
    request = make_request(peru)
    client.force_login(users[Role.PROGRAM_MANAGER])
    url = reverse("agreements:request_transition", args=[request.pk])
    assert client.post(url, {"move": "started"}).status_code == 302
    refused = client.post(url, {"move": "answered", "answered-answer_summary": ""})
    assert refused.status_code == 400
    assert "This field is required" in refused.content.decode()
    done = client.post(url, {"move": "answered", "answered-answer_summary": "Records sent."})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED and request.answer_summary == "Records sent."


def test_adding_people_companies_and_documents_on_the_page(
    client, users, peru, make_request, make_person
):
    request = make_request(peru)
    person = make_person("Luis", "Paredes")
    client.force_login(users[Role.ATTACHE])
    page = client.get(reverse("agreements:request_detail", args=[request.pk]) + "?find=paredes")
    assert "Name Luis Paredes" in page.content.decode()
    client.post(
        reverse("agreements:request_person_add", args=[request.pk]),
        {"person": person.pk, "role": "subject"},
    )
    client.post(
        reverse("agreements:request_company_add", args=[request.pk]),
        {"company-name": "Andes SAC", "company-role": "exporter"},
    )
    client.post(
        reverse("agreements:request_document_add", args=[request.pk]),
        {"document-kind": "response", "document-file": SimpleUploadedFile("r.pdf", PDF)},
    )
    assert list(request.persons.all()) == [person]
    assert request.companies.get().name == "Andes SAC"
    assert request.documents.get().kind == "response"


def test_the_health_page_shows_requests_speed_refusals_overdue_and_trained_contacts(
    client, users, busy, make_person, delivered_course
):
    manager = users[Role.PROGRAM_MANAGER]
    peru = busy[0]
    trained, untrained = make_person("Rosa", "Huaman"), make_person("Ana", "Mamani")
    delivered_course(trained)
    for person in (trained, untrained):
        services.agreement_contact_add(actor=manager, agreement=peru, person=person)
    client.force_login(manager)
    rows = {
        str(h.agreement.country.code): h
        for h in client.get(reverse("agreements:health")).context["rows"]
    }
    health = rows["PE"]
    assert (health.requests_in, health.requests_out) == (4, 0)  # the draft is not counted
    assert health.median_in == (22 + 31) / 2  # answered 22 and 31 days after receipt
    assert (health.contacts, health.contacts_trained) == (2, 1)
    assert health.overdue_in == 4 - 2 - (1 if health.refused_in else 0)
    assert sum(h.refused_in for h in rows.values()) == 1


@pytest.fixture
def delivered_course(users):
    """Put a person on a delivered course's roster as attended (set-up, not a user action)."""
    from liaison.catalog.models import Course, FundingSource, Venue
    from liaison.catalog.services import reference_catalog_load
    from liaison.training.models import Delivery

    reference_catalog_load()

    def attend(person):
        course = Course.objects.get(code="LBI-101")
        delivery = Delivery.objects.create(
            course=course,
            venue=Venue.objects.get(code="ILEA-SAL"),
            country=Venue.objects.get(code="ILEA-SAL").country,
            starts_on=date(2024, 3, 4),
            ends_on=date(2024, 3, 8),
            funding_source=FundingSource.objects.get(code="INL"),
            capacity=20,
            status="delivered",
        )
        Enrollment.objects.create(delivery=delivery, person=person, status="attended")

    return attend


def test_time_to_answer_per_country_and_fiscal_year_exports(client, users, busy):
    client.force_login(users[Role.PROGRAM_MANAGER])
    page = client.get(reverse("agreements:answer_times"))
    rows = {(r.code, r.fiscal_year, r.direction): r for r in page.context["rows"]}
    peru = rows[("PE", 2025, "incoming")]
    assert (peru.received, peru.answered, peru.median_days) == (4, 2, 26.5)
    export = client.get(reverse("agreements:answer_times") + "?format=csv")
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["country", "iso code", "fiscal year", "direction"]
    assert lines[[row[1] for row in lines].index("PE")][:7] == [
        "Peru",
        "PE",
        "FY2025",
        "incoming",
        "4",
        "2",
        "26.5",
    ]


def test_the_request_list_exports_csv(client, users, busy):
    client.force_login(users[Role.PROGRAM_MANAGER])
    export = client.get(reverse("agreements:request_list") + "?format=csv&direction=outgoing")
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(lines) == 1 + 3 and {line[1] for line in lines[1:]} == {"Outgoing"}


def test_the_agreement_page_says_when_its_data_is_generated(client, users, peru):
    peru.generated = True
    peru.source = "Generated for the demo."
    peru.save()
    client.force_login(users[Role.PROGRAM_MANAGER])
    page = client.get(reverse("agreements:agreement_detail", args=[peru.pk])).content.decode()
    assert "Generated data" in page and "Generated for the demo." in page
    listed = client.get(reverse("agreements:agreement_list") + "?generated=yes")
    assert list(listed.context["page_obj"]) == [peru]
