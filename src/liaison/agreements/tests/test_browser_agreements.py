"""In Chromium: an attaché files an incoming assistance request from the partner's letter
(attached on the form), starts work, records the answer with the response attached, and
closes the case; a draft outgoing request shows its checklist; the overdue list, the time to
answer and agreement health pages. axe-core checks every page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from liaison.accounts.roles import Role
from liaison.agreements import services
from liaison.agreements.models import AssistanceRequest, Direction, Document, RequestStatus
from liaison.agreements.tests.conftest import PDF
from liaison.audit.models import AuditEntry
from liaison.core.tests.browser import (
    assert_accessible,
    browser_fixture,  # noqa: F401  (registers the "browser" fixture)
    page_fixture,  # noqa: F401  (registers the "page" fixture)
    sign_in,
    visit,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _today() -> None:
    """The live server and Chromium run on the real clock (the app's tests freeze it): dates
    here are relative to the real today."""


def test_an_incoming_request_is_filed_with_its_letter_and_answered(
    page, live_server, transactional_db, users, make_agreement, make_request, make_person
):
    page.set_viewport_size({"width": 1280, "height": 900})
    today = date.today()
    peru = make_agreement("PE")
    manager, attache = users[Role.PROGRAM_MANAGER], users[Role.ATTACHE]
    services.agreement_contact_add(
        actor=manager, agreement=peru, person=make_person("Rosa", "Huaman", nationality="PE")
    )
    make_request(peru, received_on=today - timedelta(days=80), due_on=today - timedelta(days=20))

    sign_in(page, live_server, attache.username, PASSWORD)
    visit(page, f"{live_server.url}/agreements/")
    page.get_by_role("link", name="Peru").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("CMAA with Peru")
    page.get_by_role("link", name="File a request under it").click()
    assert_accessible(page)

    page.locator("label", has_text="Incoming: the partner asks us").click()
    page.get_by_label("Partner's reference").fill("SUNAT-041-2026")
    page.get_by_label("Subject").fill("Copper concentrate declared to Houston")
    page.get_by_label("Kind").select_option("verification")
    page.get_by_label("Legal basis (article)").fill("Article 5")
    page.get_by_label("Details").fill("Verify the origin of three shipments.")
    page.get_by_label("Received on (incoming)").fill((today - timedelta(days=2)).isoformat())
    page.get_by_label("The request letter (optional)").set_input_files(
        {"name": "Oficio 041.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="File the request").click()
    expect(page.get_by_role("status")).to_contain_text("filed")
    assert_accessible(page)

    request = AssistanceRequest.objects.get(partner_reference="SUNAT-041-2026")
    assert request.owner == attache and request.status == RequestStatus.RECEIVED
    main = page.get_by_role("main")
    expect(main).to_contain_text(request.reference)
    expect(main.get_by_role("link", name="Oficio 041.pdf")).to_be_visible()
    # Refusing the partner's request is headquarters' decision: no button for the attaché.
    expect(page.get_by_text("Refuse the request")).to_have_count(0)

    page.get_by_role("button", name="Start work").click()
    expect(page.get_by_role("status")).to_contain_text("Work on the request started")
    assert_accessible(page)

    page.get_by_label("What is it").select_option("response")
    page.get_by_label(re.compile(r"^File\b")).set_input_files(
        {"name": "respuesta.pdf", "mimeType": "application/pdf", "buffer": PDF + b"\n% answer"}
    )
    page.get_by_role("button", name="Attach", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Response “respuesta.pdf” attached")
    assert_accessible(page)

    page.get_by_text("Record our answer…").click()
    page.get_by_label("What the answer said").fill("Origin verified for two shipments.")
    page.get_by_role("button", name="Record our answer").click()
    expect(page.get_by_role("status")).to_contain_text("Answer recorded")
    assert_accessible(page)
    page.get_by_role("button", name="Close the case").click()
    expect(page.get_by_role("status")).to_contain_text("Case closed")
    assert_accessible(page)
    expect(page.get_by_role("main")).to_contain_text("Closed")

    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert request.answered_on == today and request.days_to_answer == 2
    assert set(Document.objects.filter(request=request).values_list("kind", flat=True)) == {
        "request_letter",
        "response",
    }

    # Downloading the letter is a download, recorded.
    with page.expect_download() as download:
        page.get_by_role("link", name="Oficio 041.pdf").click()
    assert download.value.suggested_filename == "Oficio 041.pdf"
    assert AuditEntry.objects.filter(
        action="assistance_request.document_downloaded", actor=attache
    ).exists()

    visit(page, f"{live_server.url}/agreements/requests/overdue/")
    expect(page.get_by_role("main")).to_contain_text("Overdue")
    visit(page, f"{live_server.url}/agreements/requests/answer-times/")
    visit(page, f"{live_server.url}/agreements/health/")
    expect(page.get_by_role("main")).to_contain_text("0 of 1")  # one contact, not trained


def test_headquarters_sees_a_drafts_checklist_and_refuses_a_partners_request(
    page, live_server, transactional_db, users, make_agreement, make_request, make_person
):
    page.set_viewport_size({"width": 1280, "height": 900})
    peru = make_agreement("PE")
    make_person("Ana", "Quispe", nationality="PE")
    draft = make_request(peru, Direction.OUTGOING, actor=users[Role.PROGRAM_MANAGER])
    sign_in(page, live_server, users[Role.PROGRAM_MANAGER].username, PASSWORD)
    visit(page, f"{live_server.url}/agreements/requests/{draft.pk}/")
    checklist = page.get_by_test_id("send-checklist")
    expect(checklist).to_contain_text("Missing: The signed request letter is attached")
    expect(checklist).to_contain_text("Done: An owner to follow it up")
    expect(page.get_by_role("button", name="Send to the partner")).to_have_count(0)
    # Headquarters' view of the agreement: its moves, contacts to designate, documents.
    visit(page, f"{live_server.url}/agreements/{peru.pk}/?find=quispe")
    expect(page.get_by_role("main")).to_contain_text("Suspend the agreement")
    incoming = make_request(peru, received_on=date.today() - timedelta(days=3))
    visit(page, f"{live_server.url}/agreements/requests/{incoming.pk}/?find=quispe")
    page.get_by_text("Refuse the request…").click()
    page.get_by_label("Why it is refused").fill("Outside the agreement's scope.")
    page.get_by_role("button", name="Refuse the request").click()
    expect(page.get_by_role("status")).to_contain_text("Refusal recorded")
    assert_accessible(page)
