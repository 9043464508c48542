"""In Chromium: a roster as a Latin American partner's Excel saves it — semicolons, a title row,
Spanish headers, an agency Liaison does not know, one person twice, dates that read both ways.
The preview asks; the user answers; the import writes everyone once; axe-core on every page."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from liaison.accounts.roles import Role
from liaison.core.tests.browser import (
    assert_accessible,
    browser_fixture,  # noqa: F401  (registers the "browser" fixture)
    page_fixture,  # noqa: F401  (registers the "page" fixture)
    sign_in,
    visit,
)
from liaison.partners.models import Agency
from liaison.people.models import Person
from liaison.training.models import Delivery

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
ROSTER = (
    "Lista de participantes - Curso de interdicción en frontera terrestre;;;;;;;\r\n"
    "Apellidos;Nombres;Sexo;Fecha de nacimiento;País;N° de pasaporte;Institución;Hotel\r\n"
    "Rojas Parra;María Fernanda;F;07/03/1985;Colombia;AX1234567;Migración Colombia;Tequendama\r\n"
    "Gómez Duarte;Juan Pablo;M;25/11/1979;Colombia;AX7654321;DIAN;Tequendama\r\n"
    "ROJAS PARRA;Maria Fernanda;Femenino;07/03/1985;CO;ax-1234567;Migracion Colombia;\r\n"
    "Castaño Ruiz;Luisa;F;14/02/1990;Colombia;AX5550001;Migración Colombia;Tequendama\r\n"
).encode("cp1252")


def test_a_partners_semicolon_roster_with_questions_imports_everyone_once(
    page, live_server, transactional_db, make_user, make_agency, make_delivery
):
    page.set_viewport_size({"width": 1280, "height": 900})
    manager = make_user(Role.PROGRAM_MANAGER)
    dian = make_agency(
        "CO", "Dirección de Impuestos y Aduanas Nacionales", acronym="DIAN", kind="customs"
    )
    delivery: Delivery = make_delivery(capacity=20)

    sign_in(page, live_server, manager.username, PASSWORD)
    visit(page, f"{live_server.url}/training/deliveries/{delivery.pk}/roster/import/")
    page.get_by_label("Roster file (XLSX or CSV)").set_input_files(
        {"name": "participantes.csv", "mimeType": "text/csv", "buffer": ROSTER}
    )
    page.get_by_role("button", name="Check the file").click()
    assert_accessible(page)

    summary = page.get_by_test_id("roster-summary")
    expect(summary).to_contain_text("Ignored column: Hotel")
    expect(summary).to_contain_text("2 questions to answer")
    expect(page.get_by_role("button", name="Import 4 participants")).to_have_count(0)
    expect(page.get_by_role("button", name="Import 3 participants")).to_have_count(0)

    # The dates: 07/03/1985 reads both ways; the file's other dates are written day first.
    expect(page.get_by_label("Day first: 07/03/1985 is 7 March 1985")).to_be_checked()
    # The agency: one question for "Migración Colombia" however it is spelled.
    agency = page.get_by_label("“Migración Colombia” (Colombia), rows 3, 5, 6")
    expect(agency).to_have_value("new")
    # The same person twice, side by side.
    pair = page.get_by_role(
        "group", name="Rows 3 and 5 look like one person (the same passport number)"
    )
    expect(pair.get_by_role("table")).to_contain_text("ROJAS PARRA")
    expect(pair.get_by_label("They are two different people")).to_have_count(0)
    # USWDS hides the radio itself: the user clicks its label.
    pair.get_by_text("Merge them: the first row, its blanks filled from the second").click()
    page.get_by_role("button", name="Check again with these answers").click()
    assert_accessible(page)

    expect(page.get_by_test_id("roster-summary")).to_contain_text(
        "1 row left out as the same person as another row"
    )
    expect(page.get_by_test_id("roster-summary")).to_contain_text("1 agency to register")
    page.get_by_role("button", name="Import 3 participants").click()
    expect(page.get_by_role("status")).to_contain_text("3 participants imported")
    assert_accessible(page)

    roster = page.get_by_role("main")
    for name in ("María Fernanda Rojas Parra", "Juan Pablo Gómez Duarte", "Luisa Castaño Ruiz"):
        expect(roster).to_contain_text(name)
    assert delivery.enrollments.count() == 3
    maria = Person.objects.get(given_name="María Fernanda")
    assert maria.birth_date == date(1985, 3, 7) and maria.passport_number == "AX1234567"
    migracion = Agency.objects.get(name="Migración Colombia")
    assert maria.agency == migracion and migracion.country.code == "CO"
    assert Person.objects.get(given_name="Juan Pablo").agency == dian
