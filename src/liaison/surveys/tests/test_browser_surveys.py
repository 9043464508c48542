"""In Chromium: a participant answers a survey in Arabic (the page right to left) and another
in Spanish (switched to from the language menu), the follow-up question appearing only for the
answer that asks for it; then headquarters reads the results, chart beside table. axe checks
every page, the Arabic one included."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from liaison.core.tests.browser import (
    assert_accessible,
    browser_fixture,  # noqa: F401  (registers the "browser" fixture)
    page_fixture,  # noqa: F401  (registers the "page" fixture)
    sign_in,
    visit,
)
from liaison.surveys import services
from liaison.surveys.models import Answer, Response
from liaison.surveys.tokens import invitation_token

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def _choose(page, text: str) -> None:
    """Click a choice's label, as a person does (USWDS draws the box; the input is hidden)."""
    page.locator("label.usa-radio__label, label.usa-checkbox__label").filter(
        has_text=re.compile(f"^{re.escape(text)}$")
    ).click()


def _link(live_server, invitation) -> str:
    token = invitation_token(invitation.pk)
    return live_server.url + reverse("surveys_public:answer", args=[token])


def test_a_survey_answered_in_arabic_right_to_left(
    page, live_server, transactional_db, manager, make_survey, graduates
):
    graduates(1, language="ar")
    survey = make_survey()
    invitation = services.survey_invite(actor=manager, survey=survey, seed=1).invitations[0]

    visit(page, _link(live_server, invitation))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("استبيان قصير")
    why = page.get_by_role("group", name="لماذا لا؟")
    expect(why).to_be_hidden()
    _choose(page, "أوافق بشدة")
    _choose(page, "لا")
    expect(why).to_be_visible()
    page.get_by_role("textbox", name="لماذا لا؟").fill("الوقت غير كافٍ")
    # The page reads right to left: a choice's text starts at its question's right edge.
    direction, gap = page.get_by_text("أوافق بشدة", exact=True).evaluate(
        """label => {
            const own = label.getBoundingClientRect();
            const field = label.closest("fieldset").getBoundingClientRect();
            return [getComputedStyle(label).direction, field.right - own.right];
        }"""
    )
    assert direction == "rtl" and gap < 5
    page.get_by_role("button", name="إرسال إجاباتي").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("شكرًا لك")

    response = Response.objects.get()
    assert response.language == "ar"
    assert Answer.objects.get(response=response, question__kind="text").text == "الوقت غير كافٍ"


def test_a_survey_answered_in_spanish_and_its_results_read(
    page, live_server, transactional_db, manager, make_survey, graduates
):
    graduates(1)  # no preferred language: the page opens in English
    survey = make_survey()
    invitation = services.survey_invite(actor=manager, survey=survey, seed=1).invitations[0]

    visit(page, _link(live_server, invitation))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language", exact=True).select_option("es")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Una breve encuesta")
    _choose(page, "Sí")
    expect(page.get_by_role("group", name="¿Por qué no?")).to_be_hidden()
    page.get_by_role("button", name="Enviar mis respuestas").click()  # the first one missing
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_text("Por favor, responda esta pregunta.")).to_be_visible()
    expect(page.get_by_label("Sí", exact=True)).to_be_checked()  # nothing lost
    _choose(page, "De acuerdo")
    _choose(page, "9")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Gracias")
    assert Response.objects.get().language == "es"

    sign_in(page, live_server, manager.username, PASSWORD)
    visit(page, f"{live_server.url}/surveys/{survey.pk}/results/")
    expect(page.get_by_text("1 answered of 1 invited: a response rate of 100%.")).to_be_visible()
    chart = page.locator("figure.liaison-chart").first
    expect(chart.locator("svg, canvas").first).to_be_visible()
    expect(chart.locator("table")).to_contain_text("4")
