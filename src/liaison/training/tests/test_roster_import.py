"""Importing a partner's roster: every row previewed and matched, then all of it or nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.partners.models import Agency
from liaison.people.models import Person
from liaison.training import roster, services
from liaison.training.models import Delivery, DeliveryStatus, Enrollment, EnrollmentStatus
from liaison.training.tests.rosterdata import (
    BAD_CELLS,
    NEAR_DUPLICATE_ROWS,
    create_existing_people,
    roster_csv,
    roster_rows,
    roster_xlsx,
)
from liaison.training.views.roster_import import SESSION_UPLOAD

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing(manager: User) -> list[Person]:
    return create_existing_people(manager)


def _csv(*rows: dict[str, str]) -> bytes:
    return roster_csv([{**dict.fromkeys(roster.COLUMNS, ""), **row} for row in rows])


def preview(
    actor: User, delivery: Delivery, data: bytes, name: str = "roster.csv", **kw: Any
) -> roster.RosterPreview:
    return roster.roster_import_preview(
        actor=actor, delivery=delivery, upload=io.BytesIO(data), filename=name, **kw
    )


def apply(
    actor: User, delivery: Delivery, data: bytes, name: str = "roster.csv", **kw: Any
) -> roster.RosterImported:
    return roster.roster_import_apply(
        actor=actor, delivery=delivery, upload=io.BytesIO(data), filename=name, **kw
    )


def _errors(result: roster.RosterPreview) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in result.errors}


# --- the preview ------------------------------------------------------------------------------


def test_preview_finds_three_people_typed_differently_and_two_bad_cells(
    manager, make_delivery, existing
):
    delivery = make_delivery()
    people_before = Person.objects.count()
    result = preview(manager, delivery, roster_csv(roster_rows(existing)))

    assert len(result.rows) == 30
    by_row = {r.row: r for r in result.rows}
    for number, person in zip(NEAR_DUPLICATE_ROWS, existing, strict=True):
        chosen = by_row[number].chosen
        assert chosen is not None and chosen.person == person, number
        assert chosen.match.score >= 0.82 and "same birth date" in chosen.match.reasons
    assert "transliteration" in by_row[6].chosen.match.reasons[0]  # Mohammed Al-Rashid
    assert "name order swapped" in by_row[28].chosen.match.reasons[0]
    assert by_row[6].typed["given_name"] == "Mohammed"
    assert by_row[17].typed["family_name"] == "PENA GUTIERREZ"
    assert (result.matched, result.new) == (3, 27)
    assert _errors(result) == set(BAD_CELLS.items())
    assert "31/02/1977" in str(next(e for e in result.errors if e.row == 11))
    assert "Atlantis" in by_row[23].errors[0].message
    assert not result.can_apply
    assert Person.objects.count() == people_before
    assert not Enrollment.objects.exists()


def test_preview_forecasts_the_waiting_list_from_the_free_seats(
    manager, make_delivery, existing, make_person
):
    delivery = make_delivery(capacity=27)
    services.enrollment_nominate(actor=manager, delivery=delivery, person=make_person())
    result = preview(manager, delivery, roster_csv(roster_rows(existing, with_errors=False)))
    assert result.can_apply
    assert result.free_seats == 26
    assert result.waitlisted == 4
    assert [r.waitlist_position for r in result.rows[-4:]] == [1, 2, 3, 4]
    assert all(r.waitlist_position is None for r in result.rows[:26])


def test_cells_are_read_the_ways_partners_type_them(manager, make_delivery, make_agency):
    delivery = make_delivery()
    customs = make_agency("PE", "Superintendencia Nacional de Aduanas", acronym="SUNAT")
    data = (
        "Surname,First name,DOB,Country,Organisation,Sex,E-mail\n"
        "Flores,Rosa,03/04/1985,PER,sunat,F,rosa@example.org\n"
        f"Huamán,Luis,1979-12-01,Perú,{customs.name.upper()},male,\n"
    ).encode()
    result = preview(manager, delivery, data)
    assert result.errors == []
    first, second = result.rows
    assert first.values["birth_date"].isoformat() == "1985-04-03"
    assert first.values["nationality"].code == "PE" and first.values["agency"] == customs
    assert first.values["gender"] == "female"
    assert second.values["nationality"].code == "PE" and second.values["agency"] == customs


def test_every_bad_cell_is_reported_with_its_row_and_column(manager, make_delivery, make_agency):
    delivery = make_delivery()
    make_agency("CO", "Policía Fiscal y Aduanera", acronym="POLFA")
    data = _csv(
        {"family_name": "Ríos", "email": "not an address"},
        {"given_name": "Only"},
        {"family_name": "Vargas", "birth_date": "2999-01-01", "gender": "x"},
        {"family_name": "Mora", "nationality": "PE", "agency": "POLFA"},
        {"family_name": "Luna", "passport_number": "P" * 50},
        {},
        {"family_name": "Paz", "nationality": "Narnia"},
    )
    result = preview(manager, delivery, data)
    assert _errors(result) == {
        (2, "email"),
        (3, "family_name"),
        (4, "birth_date"),
        (4, "gender"),
        (5, "agency"),
        (6, "passport_number"),
        (8, "nationality"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "single name" in messages[(3, "family_name")]
    assert "No agency of Peru" in messages[(5, "agency")]
    assert "future" in messages[(4, "birth_date")]


def test_a_person_twice_in_the_file_is_an_error(manager, make_delivery):
    delivery = make_delivery()
    data = _csv(
        {"family_name": "Al-Rashid", "given_name": "Mohammed", "birth_date": "1979-03-14"},
        {"family_name": "Sánchez", "given_name": "Elena", "passport_number": "AB 123"},
        {"family_name": "Alrashid", "given_name": "Muhammad", "birth_date": "14/03/1979"},
        {"family_name": "Ortega", "given_name": "Elena", "passport_number": "ab-123"},
        {"family_name": "Ibarra", "given_name": "Tomás", "passport_number": "AB 124"},
    )
    result = preview(manager, delivery, data)
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert set(messages) == {(4, "family_name"), (5, "passport_number")}
    assert "same person as row 2" in messages[(4, "family_name")]
    assert "row 3" in messages[(5, "passport_number")]


def test_a_matched_person_already_on_the_roster_is_an_error(manager, make_delivery, existing):
    delivery = make_delivery()
    services.enrollment_nominate(actor=manager, delivery=delivery, person=existing[0])
    result = preview(manager, delivery, roster_csv(roster_rows(existing, with_errors=False)))
    assert _errors(result) == {(6, "family_name")}
    assert "already on this roster (nominated)" in result.errors[0].message


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"name,dob\nAna,1990-01-01\n", "roster.csv", "Unknown column"),
        (b"family_name,birth_date\n", "roster.csv", "no rows"),
        (b"family_name\nQuispe\n", "roster.txt", ".csv or .xlsx"),
        (b"not a workbook", "roster.xlsx", "not a readable XLSX"),
    ],
)
def test_a_file_that_is_not_a_roster_is_refused_whole(manager, make_delivery, data, name, message):
    result = preview(manager, make_delivery(), data, name)
    assert result.rows == [] and not result.can_apply
    assert message in " ".join(e.message for e in result.errors)


def test_a_delivered_delivery_takes_no_import(manager, make_delivery, make_person):
    delivery = make_delivery(DeliveryStatus.DELIVERED, people=[make_person()])
    result = preview(manager, delivery, _csv({"family_name": "Quispe"}))
    assert "takes no more nominations" in result.errors[0].message
    with pytest.raises(ValidationError):
        apply(manager, delivery, _csv({"family_name": "Quispe"}))


# --- applying ---------------------------------------------------------------------------------


def test_applying_writes_every_row_and_waitlists_beyond_capacity(manager, make_delivery, existing):
    delivery = make_delivery(capacity=25)
    people_before = Person.objects.count()
    result = apply(
        manager, delivery, roster_xlsx(roster_rows(existing, with_errors=False)), "r.xlsx"
    )

    assert (result.nominated, result.waitlisted, result.matched, result.created) == (25, 5, 3, 27)
    assert Person.objects.count() == people_before + 27
    enrollments = delivery.enrollments.all()
    assert enrollments.count() == 30
    assert {e.person for e in enrollments} >= set(existing)
    waiting = enrollments.filter(status=EnrollmentStatus.WAITLISTED).order_by("waitlist_position")
    assert [e.waitlist_position for e in waiting] == [1, 2, 3, 4, 5]
    assert enrollments.filter(status=EnrollmentStatus.NOMINATED).count() == 25
    assert AuditEntry.objects.filter(action="enrollment.nominated").count() == 30
    assert AuditEntry.objects.filter(action="person.created").count() == 3 + 27
    entry = AuditEntry.objects.get(action="delivery.roster_imported")
    assert entry.object_id == str(delivery.pk)
    assert entry.changes["waitlisted"] == [None, 5]
    assert entry.changes["people_created"] == [None, 27]


def test_a_failure_on_a_late_row_writes_nothing(manager, make_delivery, existing, monkeypatch):
    delivery = make_delivery()
    people_before = Person.objects.count()
    real = roster.enrollment_nominate
    calls = []

    def refuse_the_29th(**kwargs: Any) -> Enrollment:
        calls.append(kwargs["person"])
        if len(calls) == 28:  # row 29: the 28th row of data
            raise ValidationError("The delivery was cancelled a moment ago.")
        return real(**kwargs)

    monkeypatch.setattr(roster, "enrollment_nominate", refuse_the_29th)
    with pytest.raises(ValidationError) as raised:
        apply(manager, delivery, roster_csv(roster_rows(existing, with_errors=False)))
    assert "Row 29: The delivery was cancelled" in raised.value.messages[0]
    assert len(calls) == 28
    assert Person.objects.count() == people_before
    assert not Enrollment.objects.exists()
    assert not AuditEntry.objects.filter(action="delivery.roster_imported").exists()


def test_a_file_with_errors_is_not_applied(manager, make_delivery, existing):
    delivery = make_delivery()
    with pytest.raises(ValidationError) as raised:
        apply(manager, delivery, roster_csv(roster_rows(existing)))
    assert any("Row 11" in m and "birth_date" in m for m in raised.value.messages)
    assert not Enrollment.objects.exists()


def test_the_user_can_say_a_matched_row_is_someone_new(manager, make_delivery, existing):
    delivery = make_delivery()
    data = roster_csv(roster_rows(existing, with_errors=False))
    result = apply(manager, delivery, data, decisions={6: None})
    assert (result.matched, result.created) == (2, 28)
    newcomer = Person.objects.get(given_name="Mohammed", family_name="Al-Rashid")
    assert newcomer != existing[0]
    assert delivery.enrollments.filter(person=newcomer).exists()
    assert not delivery.enrollments.filter(person=existing[0]).exists()


def test_a_choice_must_be_one_of_the_rows_candidates(manager, make_delivery, existing):
    delivery = make_delivery()
    data = roster_csv(roster_rows(existing, with_errors=False))
    result = preview(manager, delivery, data, decisions={6: existing[1].pk})
    assert _errors(result) == {(6, "(row)")}
    with pytest.raises(ValidationError):
        apply(manager, delivery, data, decisions={6: existing[1].pk})
    assert not Enrollment.objects.exists()


def test_the_instructor_may_import_and_other_roles_may_not(
    users, make_user, make_delivery, make_instructor, existing
):
    advisor = users[Role.TRAINING_ADVISOR]
    delivery = make_delivery(DeliveryStatus.APPROVED, instructor=make_instructor(user=advisor))
    data = _csv({"family_name": "Quispe", "given_name": "Rosa"})
    for role in (Role.ATTACHE, Role.VETTING_OFFICER, Role.IVP_COORDINATOR, Role.SITE_HOST):
        with pytest.raises(PermissionDenied):
            preview(users[role], delivery, data)
        with pytest.raises(PermissionDenied):
            apply(users[role], delivery, data)
    other_advisor = make_user(Role.TRAINING_ADVISOR)
    with pytest.raises(PermissionDenied):
        apply(other_advisor, delivery, data)
    assert not Enrollment.objects.exists()
    assert apply(advisor, delivery, data).created == 1


# --- the page ---------------------------------------------------------------------------------


def _upload(client: Any, delivery: Delivery, data: bytes, name: str) -> Any:
    return client.post(
        reverse("training:roster_import", args=[delivery.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def _messages(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_the_page_previews_a_csv_and_applies_it_with_the_choices_made(
    client, manager, make_delivery, existing
):
    delivery = make_delivery(capacity=28)
    client.force_login(manager)
    page = client.get(reverse("training:roster_import", args=[delivery.pk]))
    assert page.status_code == 200 and page.context["preview"] is None

    response = _upload(
        client, delivery, roster_csv(roster_rows(existing, with_errors=False)), "r.csv"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["preview"].can_apply
    assert 'aria-label="Rows of the roster file (table)"' in html
    assert html.count('<tr id="row-') == 30
    assert 'name="decision-6"' in html and f'value="{existing[0].pk}" selected' in html
    assert "2 will be on the waiting list" in html
    assert "Import 30 participants" in html
    digest = client.session[SESSION_UPLOAD]["digest"]

    form = {"apply": "1", "digest": digest, "decision-6": "new", "decision-17": existing[1].pk}
    response = client.post(reverse("training:roster_import", args=[delivery.pk]), form)
    assert response.status_code == 302
    assert response.url == reverse("training:delivery_roster", args=[delivery.pk])
    assert delivery.enrollments.count() == 30
    assert delivery.enrollments.filter(status=EnrollmentStatus.WAITLISTED).count() == 2
    assert not delivery.enrollments.filter(person=existing[0]).exists()
    assert SESSION_UPLOAD not in client.session
    # (The message shows on the next page; this test requests only the import's own pages.)
    next_page = client.get(reverse("training:roster_import", args=[delivery.pk]))
    assert "30 participants imported: 28 nominated, 2 on the waiting list" in _messages(next_page)


def test_the_page_lists_the_errors_of_an_xlsx_and_offers_no_import(
    client, manager, make_delivery, existing
):
    delivery = make_delivery()
    client.force_login(manager)
    response = _upload(client, delivery, roster_xlsx(roster_rows(existing)), "roster.xlsx")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 problems: fix the file and upload it again" in html
    assert '<a class="usa-link" href="#row-11">Row 11</a>, column “birth_date”' in html
    assert '<a class="usa-link" href="#row-23">Row 23</a>, column “nationality”' in html
    assert "roster-apply" not in html and "Import 30" not in html
    assert SESSION_UPLOAD not in client.session
    # An apply posted anyway (an old tab) is refused: there is nothing current to apply.
    response = client.post(
        reverse("training:roster_import", args=[delivery.pk]), {"apply": "1", "digest": "x"}
    )
    assert response.status_code == 302
    assert not Enrollment.objects.exists()


def test_the_page_applies_only_the_file_last_previewed(client, manager, make_delivery, existing):
    delivery = make_delivery()
    client.force_login(manager)
    _upload(client, delivery, roster_csv(roster_rows(existing, with_errors=False)), "first.csv")
    old_digest = client.session[SESSION_UPLOAD]["digest"]
    _upload(client, delivery, _csv({"family_name": "Quispe", "given_name": "Rosa"}), "second.csv")
    response = client.post(
        reverse("training:roster_import", args=[delivery.pk]),
        {"apply": "1", "digest": old_digest},
        follow=True,
    )
    assert "no longer current" in _messages(response)
    assert not Enrollment.objects.exists()


def test_a_refusal_at_apply_time_shows_the_preview_again(client, manager, make_delivery, existing):
    delivery = make_delivery()
    client.force_login(manager)
    _upload(client, delivery, roster_csv(roster_rows(existing, with_errors=False)), "r.csv")
    digest = client.session[SESSION_UPLOAD]["digest"]
    # Meanwhile a colleague adds one of the people by hand.
    services.enrollment_nominate(actor=manager, delivery=delivery, person=existing[2])
    response = client.post(
        reverse("training:roster_import", args=[delivery.pk]), {"apply": "1", "digest": digest}
    )
    assert response.status_code == 200
    assert "Nothing was imported" in _messages(response)
    assert "Row 28" in response.content.decode()
    assert delivery.enrollments.count() == 1


def test_the_templates_carry_the_expected_header(client, users):
    client.force_login(users[Role.ATTACHE])
    csv_file = client.get(reverse("training:roster_template", args=["csv"]))
    assert csv_file.content.decode().strip() == ",".join(roster.COLUMNS)
    xlsx_file = client.get(reverse("training:roster_template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx_file.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(roster.COLUMNS)
    assert client.get(reverse("training:roster_template", args=["pdf"])).status_code == 404
    client.force_login(users[Role.SITE_HOST])
    assert client.get(reverse("training:roster_template", args=["csv"])).status_code == 403


def test_the_page_is_refused_to_roles_that_do_not_run_the_roster(client, users, make_delivery):
    delivery = make_delivery()
    url = reverse("training:roster_import", args=[delivery.pk])
    for role in (Role.ATTACHE, Role.VETTING_OFFICER, Role.TRAINING_ADVISOR):
        client.force_login(users[role])
        assert client.get(url).status_code == 403, role
        response = client.post(url, {"file": SimpleUploadedFile("r.csv", b"family_name\nX\n")})
        assert response.status_code == 403, role
    assert not Enrollment.objects.exists()


def test_agency_lookup_uses_the_nationality(manager, make_delivery, make_agency):
    delivery = make_delivery()
    peru = make_agency("PE", "Customs", acronym="ADU")
    make_agency("CO", "Customs", acronym="ADU")
    ambiguous = preview(manager, delivery, _csv({"family_name": "Paz", "agency": "ADU"}))
    assert "Several agencies" in ambiguous.errors[0].message
    found = preview(
        manager, delivery, _csv({"family_name": "Paz", "agency": "ADU", "nationality": "PE"})
    )
    assert found.rows[0].values["agency"] == peru
    assert Agency.objects.count() == 2


def test_the_preview_reads_a_fixed_number_of_queries_however_long_the_file(
    manager, make_delivery, existing, make_agency, django_assert_max_num_queries
):
    delivery = make_delivery()
    make_agency("PE")
    rows = roster_rows(existing, with_errors=False)
    rows[0]["agency"] = "Customs Service of PE"
    rows[0]["nationality"] = "PE"
    data = roster_csv(rows * 4)  # 120 rows, most of them repeats
    with django_assert_max_num_queries(10):
        result = preview(manager, delivery, data)
    assert len(result.rows) == 120 and result.errors
