"""Certificates: issued to completers, downloadable as a PDF with a code and a QR code,
checkable by anyone with the code (who sees nothing personal beyond the name), revocable
by headquarters only."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.core import pdf
from liaison.core.formats import date_span
from liaison.people.models import Person, Staff
from liaison.training import documents, services
from liaison.training.models import AttendanceMark, Certificate, Delivery, DeliveryStatus
from liaison.training.tests.refusal import refused

pytestmark = pytest.mark.django_db

PASSPORT = "ZX9081726"
SECRET_EMAIL = "ana.private@example.org"


@pytest.fixture
def advisor(users: dict[Role, User], make_instructor: Callable[..., Staff]) -> Staff:
    """The instructor who teaches the delivery, signed in as the training advisor."""
    return make_instructor(user=users[Role.TRAINING_ADVISOR], given_name="Ada", family_name="Vise")


@pytest.fixture
def graduate(make_person: Callable[..., Person], make_agency: Callable[..., object]) -> Person:
    return make_person(
        "Ana",
        "Quispe",
        birth_date=date(1980, 5, 17),
        passport_number=PASSPORT,
        email=SECRET_EMAIL,
        agency=make_agency("PE", name="Superintendencia Migratoria"),
        position="Inspector",
    )


@pytest.fixture
def delivered(
    make_delivery: Callable[..., Delivery],
    make_person: Callable[..., Person],
    manager: User,
    advisor: Staff,
    graduate: Person,
) -> Delivery:
    """A delivered LBI-101: the graduate attended every day and passed; another failed."""
    dropout = make_person("Luis", "Mamani")
    delivery = make_delivery(
        DeliveryStatus.IN_PROGRESS, people=[graduate, dropout], instructor=advisor
    )
    for enrollment in delivery.enrollments.all():
        for day in delivery.days:
            services.attendance_record(
                actor=manager, enrollment=enrollment, day=day, mark=AttendanceMark.PRESENT
            )
        passed = enrollment.person == graduate
        services.scores_record(
            actor=manager,
            enrollment=enrollment,
            pre_score=41,
            post_score=97 if passed else 12,
        )
    services.delivery_finish(actor=manager, delivery=delivery)
    delivery.refresh_from_db()
    return delivery


@pytest.fixture
def certificate(delivered: Delivery, manager: User, graduate: Person) -> Certificate:
    return services.certificate_issue(
        actor=manager, enrollment=delivered.enrollments.get(person=graduate)
    )


def _main(response) -> str:
    """The page's <main>: what the page says, without the layout around it."""
    html = response.content.decode("utf-8-sig")
    return html[html.index("<main") : html.index("</main>")]


# --- issuing -----------------------------------------------------------------------------------


def test_issuing_from_the_results_gives_completers_a_certificate(
    client, users, delivered, graduate
):
    client.force_login(users[Role.TRAINING_ADVISOR])
    response = client.post(reverse("training:certificates_issue", args=[delivered.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "training:delivery_results", args=[delivered.pk]
    )
    assert "1 certificate(s) issued." in [str(m) for m in response.context["messages"]]
    issued = Certificate.objects.get()
    assert issued.enrollment.person == graduate
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{10}", issued.code)
    assert issued.code in response.content.decode("utf-8-sig")
    again = client.post(reverse("training:certificates_issue", args=[delivered.pk]), follow=True)
    assert "already has a certificate" in " ".join(str(m) for m in again.context["messages"])
    assert Certificate.objects.count() == 1


def test_issuing_is_refused_to_those_who_do_not_run_the_delivery(client, users, delivered):
    url = reverse("training:certificates_issue", args=[delivered.pk])
    for role in (Role.ATTACHE, Role.VETTING_OFFICER, Role.SPONSOR):
        client.force_login(users[role])
        assert client.post(url).status_code == 403, role
    client.force_login(users[Role.PROGRAM_MANAGER])
    assert client.get(url).status_code == 405
    assert not Certificate.objects.exists()


def test_issuing_before_the_delivery_is_delivered_says_why(
    client, manager, make_delivery, graduate, advisor
):
    running = make_delivery(DeliveryStatus.IN_PROGRESS, people=[graduate], instructor=advisor)
    client.force_login(manager)
    response = client.post(reverse("training:certificates_issue", args=[running.pk]), follow=True)
    said = " ".join(str(m) for m in response.context["messages"])
    assert "once the delivery is delivered" in said
    assert not Certificate.objects.exists()


# --- the PDF -----------------------------------------------------------------------------------


def test_the_certificate_document_names_the_graduate_course_place_and_code(
    certificate, graduate, delivered
):
    url = f"https://liaison.example.gov/verify/{certificate.code}/"
    html = documents.certificate_html(certificate, verify_url=url)
    for text in (
        "Office of International Affairs",
        "Certificate of Completion",
        graduate.full_name,
        delivered.course.title,
        delivered.course.code,
        delivered.venue.name,
        delivered.venue.city,
        delivered.country.name,
        date_span(delivered.starts_on, delivered.ends_on),
        "completed",
        certificate.code,
        url,
        "A4 landscape",
    ):
        assert text in html, text
    assert 'src="data:image/svg+xml' in html  # the QR code
    assert PASSPORT not in html and SECRET_EMAIL not in html


def test_the_qr_code_encodes_the_verification_address():
    url = "https://liaison.example.gov/verify/ABCDEFGH23/"
    first, second = documents.qr_data_uri(url), documents.qr_data_uri(url + "x")
    assert first.startswith("data:image/svg+xml")
    assert first != second


def test_the_pdf_downloads_for_those_who_see_the_delivery(client, users, certificate):
    url = reverse("training:certificate_pdf", args=[certificate.pk])
    client.force_login(users[Role.TRAINING_ADVISOR])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"certificate-{certificate.code}.pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 5_000
    client.force_login(users[Role.SPONSOR])
    assert client.get(url).status_code == 403


def test_the_pdf_is_one_landscape_a4_page(certificate):
    weasyprint = pdf.weasyprint()
    html = documents.certificate_html(certificate, verify_url="https://x.example/verify/A/")
    rendered = weasyprint.HTML(string=html).render()
    assert len(rendered.pages) == 1
    page = rendered.pages[0]
    # A4 landscape in CSS pixels (96 per inch): 297 mm by 210 mm.
    assert round(page.width) == round(297 / 25.4 * 96)
    assert round(page.height) == round(210 / 25.4 * 96)


def test_date_spans_read_as_people_write_them():
    assert date_span(date(2025, 5, 12), date(2025, 5, 16)) == "12\N{EN DASH}16 May 2025"
    assert date_span(date(2025, 4, 28), date(2025, 5, 2)) == "28 April \N{EN DASH} 2 May 2025"
    assert (
        date_span(date(2025, 12, 29), date(2026, 1, 2))
        == "29 December 2025 \N{EN DASH} 2 January 2026"
    )
    assert date_span(date(2025, 5, 12), date(2025, 5, 12)) == "12 May 2025"


# --- the public check --------------------------------------------------------------------------


def test_anyone_with_the_code_sees_name_course_dates_and_status_only(
    client, certificate, graduate, delivered
):
    response = client.get(reverse("public:certificate_verify", args=[certificate.code]))
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    main = _main(response)
    for shown in (
        graduate.full_name,
        delivered.course.title,
        delivered.course.code,
        date_span(delivered.starts_on, delivered.ends_on),
        "Valid",
    ):
        assert shown in main, shown
    page = response.content.decode("utf-8-sig")
    main = main.replace(certificate.code, "")  # a code may hold digits
    for hidden in (PASSPORT, SECRET_EMAIL, "Superintendencia", "Inspector"):
        assert hidden not in page, hidden
    for hidden in ("Peru", "1980", "Mamani", "97", "41", "score", "passport", "birth"):
        assert hidden.lower() not in main.lower(), hidden
    assert "Revoked" not in main


def test_a_typed_code_is_found_whatever_its_case_and_spacing(client, certificate):
    typed = f" {certificate.code[:5].lower()}-{certificate.code[5:]} "
    response = client.get(reverse("public:certificate_lookup"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("public:certificate_verify", args=[certificate.code])
    lower = client.get(reverse("public:certificate_verify", args=[certificate.code.lower()]))
    assert lower.status_code == 200


def test_the_lookup_form_opens_without_signing_in(client):
    response = client.get(reverse("public:certificate_lookup"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode("utf-8-sig")
    empty = client.get(reverse("public:certificate_lookup"), {"code": "  "})
    assert "Type the verification code" in empty.content.decode("utf-8-sig")


def test_an_unknown_code_is_a_404_that_says_so(client, certificate):
    response = client.get(reverse("public:certificate_verify", args=["NOSUCHCODE"]))
    assert response.status_code == 404
    assert "No such certificate" in response.content.decode("utf-8-sig")
    assert certificate.enrollment.person.full_name not in response.content.decode("utf-8-sig")


def test_a_revoked_certificate_shows_revoked_with_its_date_but_not_why(
    client, manager, certificate
):
    services.certificate_revoke(
        actor=manager, certificate=certificate, reason="Scores were falsified by the proctor"
    )
    certificate.refresh_from_db()
    response = client.get(reverse("public:certificate_verify", args=[certificate.code]))
    main = _main(response)
    assert "Revoked" in main
    assert f"{certificate.revoked_at:%B} {certificate.revoked_at.year}" in main
    assert "falsified" not in main
    assert ">Valid<" not in main


# --- revoking ----------------------------------------------------------------------------------


def test_headquarters_revokes_with_a_reason(client, manager, certificate):
    url = reverse("training:certificate_revoke", args=[certificate.pk])
    client.force_login(manager)
    page = client.get(url)
    assert page.status_code == 200
    assert "Revoking cannot be undone" in page.content.decode("utf-8-sig")
    blank = client.post(url, {"reason": ""})
    assert blank.status_code == 200
    assert blank.context["form"].errors["reason"]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    done = client.post(url, {"reason": "Did not attend the last day after all"})
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "Did not attend the last day after all"
    entry = AuditEntry.objects.get(action="certificate.revoked")
    assert entry.object_id == str(certificate.pk)
    again = client.post(url, {"reason": "Twice"})
    assert again.status_code == 200
    assert "This certificate was revoked on" in again.content.decode("utf-8-sig")


def test_only_headquarters_may_revoke(client, users, certificate):
    url = reverse("training:certificate_revoke", args=[certificate.pk])
    for role in (Role.TRAINING_ADVISOR, Role.ATTACHE, Role.VETTING_OFFICER, Role.SPONSOR):
        client.force_login(users[role])
        assert client.get(url).status_code == 403, role
        assert client.post(url, {"reason": "No"}).status_code == 403, role
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_the_revoke_service_refuses_the_instructor_who_issued_it(users, certificate):
    with refused(PermissionDenied, "training.revoke_certificate", certificate):
        services.certificate_revoke(
            actor=users[Role.TRAINING_ADVISOR], certificate=certificate, reason="Mistake"
        )


def test_anonymous_users_are_sent_to_sign_in_for_the_staff_pages(client, certificate):
    for url in (
        reverse("training:certificate_pdf", args=[certificate.pk]),
        reverse("training:certificate_revoke", args=[certificate.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
