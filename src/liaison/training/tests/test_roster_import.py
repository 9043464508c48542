"""Importing a partner's roster as partners really send it: every row previewed and matched,
the file's questions answered, then all of it or nothing."""

from __future__ import annotations

import csv
import io
import random
import string
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.core.imports import (
    INLINE_ROWS,
    KEEP_FOR,
    import_file_preview,
    import_file_store,
    import_files_purge,
)
from liaison.core.models import ImportFile, ImportState
from liaison.partners.models import Agency
from liaison.people.models import Person
from liaison.training import roster_file, services
from liaison.training.models import Delivery, DeliveryStatus, Enrollment, EnrollmentStatus
from liaison.training.selectors import roster as roster_selectors
from liaison.training.services import roster as roster_services
from liaison.training.tests.rosterdata import (
    BAD_CELLS,
    NEAR_DUPLICATE_ROWS,
    create_existing_people,
    roster_csv,
    roster_rows,
    roster_xlsx,
)

pytestmark = pytest.mark.django_db
DMY = {"date_order": "dmy"}


@pytest.fixture
def existing(manager: User) -> list[Person]:
    return create_existing_people(manager)


def _csv(*rows: dict[str, str], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(roster_file.COLUMN_KEYS), delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow({**dict.fromkeys(roster_file.COLUMN_KEYS, ""), **row})
    return buffer.getvalue().encode()


def plan(
    actor: User, delivery: Delivery, data: bytes, name: str = "roster.csv", **decisions: Any
) -> roster_file.Plan:
    return roster_selectors.build_plan(
        actor=actor, delivery=delivery, data=data, filename=name, decisions=decisions
    )


def stored(
    actor: User, delivery: Delivery, data: bytes, name: str = "roster.csv", **decisions: Any
) -> ImportFile:
    upload = import_file_store(
        owner=actor, kind=roster_file.KIND, target_id=delivery.pk, filename=name, data=data
    )
    upload.decisions = decisions
    upload.save()
    return upload


def write(
    actor: User, delivery: Delivery, data: bytes, name: str = "roster.csv", **decisions: Any
) -> roster_file.RosterImported:
    upload = stored(actor, delivery, data, name, **decisions)
    return roster_services.roster_import_write(actor=actor, delivery=delivery, upload=upload)


def _problems(result: roster_file.Plan) -> set[tuple[int, str]]:
    return {(p.row, p.column) for p in result.problems}


def _row(result: roster_file.Plan, number: int) -> roster_file.Row:
    return next(r for r in result.rows if r.number == number)


# --- the preview ------------------------------------------------------------------------------


def test_preview_finds_three_people_typed_differently_and_two_bad_cells(
    manager, make_delivery, existing
):
    delivery = make_delivery()
    people_before = Person.objects.count()
    result = plan(manager, delivery, roster_csv(roster_rows(existing)), **DMY)

    assert len(result.rows) == 30
    for number, person in zip(NEAR_DUPLICATE_ROWS, existing, strict=True):
        row = _row(result, number)
        assert row.choice == person.pk, number
        best = row.candidates[0]
        assert best["percent"] >= 82 and "same birth date" in best["reasons"]
    assert "transliteration" in _row(result, 6).candidates[0]["reasons"][0]
    assert "name order swapped" in _row(result, 28).candidates[0]["reasons"][0]
    assert _row(result, 6).typed["given_name"] == "Mohammed"
    assert {r for r, _ in _problems(result)} == set(BAD_CELLS)
    assert "31/02/1977" in str(next(p for p in result.problems if p.row == 11))
    assert "Atlantis" in _row(result, 23).problems[0].message
    assert not result.can_apply
    assert Person.objects.count() == people_before
    assert not Enrollment.objects.exists()


def test_dates_that_read_both_ways_are_asked_about_never_guessed(manager, make_delivery):
    delivery = make_delivery()
    data = _csv(
        {"family_name": "Flores", "birth_date": "07/03/1985"},
        {"family_name": "Huamán", "birth_date": "25/12/1979"},
        {"family_name": "Quispe", "birth_date": "12/12/1988"},
    )
    result = plan(manager, delivery, data)
    assert not result.can_apply and result.questions_open == 1
    assert result.table is not None
    assert [(e.row, e.column) for e in result.table.ambiguous_dates] == [(2, "birth_date")]
    assert result.table.suggested_order is not None and result.table.suggested_order == "dmy"
    assert "birth_date" not in _row(result, 2).values
    summary = roster_file.plan_summary(result, "x")
    assert summary["suggested_order"] == "dmy" and summary["ambiguous_dates"][0]["row"] == 2

    day_first = plan(manager, delivery, data, date_order="dmy")
    assert day_first.can_apply
    assert _row(day_first, 2).values["birth_date"].isoformat() == "1985-03-07"
    month_first = plan(manager, delivery, data, date_order="mdy")
    assert _row(month_first, 2).values["birth_date"].isoformat() == "1985-07-03"
    # 25/12/1979 cannot be month first: the answer makes it a problem on its row.
    assert (3, "birth_date") in _problems(month_first)


def test_a_semicolon_file_from_a_spanish_excel_with_a_title_row_reads_whole(
    manager, make_delivery, make_agency
):
    delivery = make_delivery()
    sunat = make_agency("PE", "Superintendencia Nacional de Aduanas", acronym="SUNAT")
    text = (
        "Lista de participantes - curso LBI-101;;;;;;\r\n"
        "Apellidos;Nombres;Fecha de nacimiento;País;Institución;Sexo;Correo electrónico;Hotel\r\n"
        "Flores\u00a0Ríos;Rosa;26 August 1980;Perú;sunat;Femenino;rosa@example.org;Sheraton\r\n"
        "Huama\u0301n;Luis\u200b;17-Feb-1978;PER;SUNAT;M;;Hilton\r\n"
    )
    result = plan(manager, delivery, text.encode("utf-8-sig"))
    assert result.problems == [] and result.can_apply
    assert result.table is not None and result.table.delimiter == ";"
    assert result.table.ignored == ["Hotel"]
    first, second = result.rows
    assert (first.number, second.number) == (3, 4)
    assert first.values["family_name"] == "Flores Ríos"
    assert second.values["family_name"] == "Huamán" and len(second.values["family_name"]) == 6
    assert second.values["given_name"] == "Luis"
    assert first.values["birth_date"].isoformat() == "1980-08-26"
    assert second.values["birth_date"].isoformat() == "1978-02-17"
    assert first.values["nationality"].code == "PE" and first.values["gender"] == "female"
    assert [q.choice for q in result.agencies] == [str(sunat.pk)]


def test_a_roster_without_a_family_name_column_is_refused_with_one_error(manager, make_delivery):
    result = plan(manager, make_delivery(), b"Given name,Passport No.\nAna,AB123\n")
    assert len(result.problems) == 1 and result.rows == []
    assert "Family name" in result.problems[0].message


def test_an_unregistered_agency_never_blocks_and_is_registered_on_apply(
    manager, make_delivery, make_agency
):
    delivery = make_delivery()
    dian = make_agency(
        "CO", "Dirección de Impuestos y Aduanas Nacionales", acronym="DIAN", kind="customs"
    )
    data = _csv(
        {"family_name": "Rojas", "nationality": "CO", "agency": "Migración Colombia"},
        {"family_name": "Mejía", "nationality": "Colombia", "agency": "MIGRACION COLOMBIA"},
        {"family_name": "Gómez", "nationality": "CO", "agency": "Direccion de Impuestos y Aduanas"},
    )
    result = plan(manager, delivery, data)
    assert result.can_apply
    questions = {q.written: q for q in result.agencies}
    assert len(result.agencies) == 2  # one question per name as written, not per row
    migracion = questions["Migración Colombia"]
    assert migracion.rows == [2, 3] and migracion.choice == roster_file.NEW
    assert questions["Direccion de Impuestos y Aduanas"].choice == str(dian.pk)

    outcome = write(manager, delivery, data)
    assert outcome.agencies == 1 and outcome.created == 3
    registered = Agency.objects.get(name="Migración Colombia")
    assert registered.country.code == "CO"
    assert AuditEntry.objects.filter(action="agency.created", object_id=str(registered.pk))
    assert set(
        Person.objects.filter(family_name__in=["Rojas", "Mejía"]).values_list("agency", flat=True)
    ) == {registered.pk}
    assert Person.objects.get(family_name="Gómez").agency == dian


def test_the_same_person_twice_is_shown_side_by_side_until_the_user_keeps_or_merges(
    manager, make_delivery
):
    delivery = make_delivery()
    data = _csv(
        {"family_name": "Sánchez", "given_name": "Elena", "passport_number": "AB 123"},
        {"family_name": "Al-Rashid", "given_name": "Mohammed", "birth_date": "1979-03-14"},
        {
            "family_name": "Sanchez",
            "given_name": "Elena",
            "passport_number": "ab-123",
            "email": "elena@example.org",
        },
        {"family_name": "Alrashid", "given_name": "Muhammad", "birth_date": "1979-03-14"},
        {"family_name": "Ibarra", "given_name": "Tomás", "passport_number": "AB 124"},
    )
    result = plan(manager, delivery, data)
    pairs = {(d.first, d.second): d for d in result.duplicates}
    assert set(pairs) == {(2, 4), (3, 5)}
    assert pairs[(2, 4)].same_passport and not pairs[(3, 5)].same_passport
    assert not result.can_apply and result.questions_open == 2
    summary = roster_file.plan_summary(result, "x")
    cells = dict((label, (a, b)) for label, a, b in summary["duplicates"][0]["cells"])
    assert cells["Family name"] == ("Sánchez", "Sanchez")

    # One passport is one person: "two different people" is not an answer for it.
    assert plan(manager, delivery, data, duplicates={"4": "both", "5": "first"}).questions_open == 1
    answers = {"4": "merge", "5": "second"}
    outcome = write(manager, delivery, data, duplicates=answers)
    assert outcome.created == 3 and delivery.enrollments.count() == 3
    elena = Person.objects.get(given_name="Elena")
    assert elena.family_name == "Sánchez" and elena.email == "elena@example.org"
    assert Person.objects.filter(family_name="Alrashid").exists()
    assert not Person.objects.filter(family_name="Al-Rashid").exists()


def test_a_matched_person_already_on_the_roster_is_a_problem(manager, make_delivery, existing):
    delivery = make_delivery()
    services.enrollment_nominate(actor=manager, delivery=delivery, person=existing[0])
    result = plan(manager, delivery, roster_csv(roster_rows(existing, with_errors=False)), **DMY)
    assert _problems(result) == {(6, "family_name")}
    assert "already on this roster (nominated)" in result.problems[0].message


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"family_name,birth_date\n", "roster.csv", "no rows"),
        (b"%PDF-1.7 family_name\nQuispe\n", "roster.pdf", ".csv"),
        (b"not a workbook", "roster.xlsx", ".xlsx"),
    ],
)
def test_a_file_that_is_not_a_roster_is_refused_whole(manager, make_delivery, data, name, message):
    result = plan(manager, make_delivery(), data, name)
    assert result.rows == [] and not result.can_apply
    assert message in " ".join(p.message for p in result.problems)


def test_a_delivered_delivery_takes_no_import(manager, make_delivery, make_person):
    delivery = make_delivery(DeliveryStatus.DELIVERED, people=[make_person()])
    result = plan(manager, delivery, _csv({"family_name": "Quispe"}))
    assert "takes no more nominations" in result.problems[0].message
    with pytest.raises(ValidationError):
        write(manager, delivery, _csv({"family_name": "Quispe"}))


# --- applying ---------------------------------------------------------------------------------


def test_applying_writes_every_row_and_waitlists_beyond_capacity(manager, make_delivery, existing):
    delivery = make_delivery(capacity=25)
    people_before = Person.objects.count()
    data = roster_xlsx(roster_rows(existing, with_errors=False))
    result = write(manager, delivery, data, "r.xlsx", **DMY)

    assert (result.nominated, result.waitlisted, result.matched, result.created) == (25, 5, 3, 27)
    assert Person.objects.count() == people_before + 27
    enrollments = delivery.enrollments.all()
    assert enrollments.count() == 30
    assert {e.person for e in enrollments} >= set(existing)
    waiting = enrollments.filter(status=EnrollmentStatus.WAITLISTED).order_by("waitlist_position")
    assert [e.waitlist_position for e in waiting] == [1, 2, 3, 4, 5]
    assert AuditEntry.objects.filter(action="enrollment.nominated").count() == 30
    assert AuditEntry.objects.filter(action="person.created").count() == 3 + 27
    assert Enrollment.history.count() == 30 and Person.history.count() == 30
    entry = AuditEntry.objects.get(action="delivery.roster_imported")
    assert entry.changes["waitlisted"] == [None, 5]
    assert entry.changes["people_created"] == [None, 27]
    # The file is deleted on apply; the row keeps only the outcome for the page.
    upload = ImportFile.objects.get()
    assert upload.state == ImportState.APPLIED and not upload.payload and not upload.preview


def test_a_failure_while_writing_writes_nothing(manager, make_delivery, existing, monkeypatch):
    delivery = make_delivery()
    people_before = Person.objects.count()

    def refuse(**kwargs: Any) -> list[Enrollment]:
        raise ValidationError("The delivery was cancelled a moment ago.")

    monkeypatch.setattr(roster_services, "enrollment_nominate_many", refuse)
    with pytest.raises(ValidationError):
        write(manager, delivery, roster_csv(roster_rows(existing, with_errors=False)), **DMY)
    assert Person.objects.count() == people_before
    assert not Enrollment.objects.exists()
    assert not AuditEntry.objects.filter(action="delivery.roster_imported").exists()


def test_a_file_with_problems_is_not_applied(manager, make_delivery, existing):
    delivery = make_delivery()
    with pytest.raises(ValidationError) as raised:
        write(manager, delivery, roster_csv(roster_rows(existing)), **DMY)
    assert any("Row 11" in m and "birth_date" in m for m in raised.value.messages)
    assert not Enrollment.objects.exists()


def test_the_user_can_say_a_matched_row_is_someone_new(manager, make_delivery, existing):
    delivery = make_delivery()
    data = roster_csv(roster_rows(existing, with_errors=False))
    result = write(manager, delivery, data, people={"6": "new"}, **DMY)
    assert (result.matched, result.created) == (2, 28)
    newcomer = Person.objects.get(given_name="Mohammed", family_name="Al-Rashid")
    assert newcomer != existing[0]
    assert not delivery.enrollments.filter(person=existing[0]).exists()


def test_a_choice_that_is_not_a_candidate_falls_back_to_the_best_match(
    manager, make_delivery, existing
):
    delivery = make_delivery()
    data = roster_csv(roster_rows(existing, with_errors=False))
    result = plan(manager, delivery, data, people={"6": str(existing[1].pk)}, **DMY)
    assert _row(result, 6).choice == existing[0].pk


def test_the_instructor_may_import_and_other_roles_may_not(
    users, make_user, make_delivery, make_instructor
):
    advisor = users[Role.TRAINING_ADVISOR]
    delivery = make_delivery(DeliveryStatus.APPROVED, instructor=make_instructor(user=advisor))
    data = _csv({"family_name": "Quispe", "given_name": "Rosa"})
    for role in (Role.ATTACHE, Role.VETTING_OFFICER, Role.IVP_COORDINATOR, Role.SITE_HOST):
        with pytest.raises(PermissionDenied):
            plan(users[role], delivery, data)
    other_advisor = make_user(Role.TRAINING_ADVISOR)
    with pytest.raises(PermissionDenied):
        write(other_advisor, delivery, data)
    assert not Enrollment.objects.exists()
    assert write(advisor, delivery, data).created == 1


def test_birth_date_reasons_are_hidden_from_a_role_that_may_not_see_birth_dates(
    users, make_delivery, make_instructor, existing
):
    advisor = users[Role.TRAINING_ADVISOR]
    delivery = make_delivery(DeliveryStatus.APPROVED, instructor=make_instructor(user=advisor))
    data = roster_csv(roster_rows(existing, with_errors=False))
    reasons = [
        r for c in _row(plan(advisor, delivery, data, **DMY), 6).candidates for r in c["reasons"]
    ]
    assert reasons and not {"same birth date", "different birth date"} & set(reasons)
    assert not any("close" in r or "swapped" in r for r in reasons)


# --- the stored file and the worker ---------------------------------------------------------


def test_the_file_waits_encrypted_and_only_its_owner_reads_it(client, users, make_delivery):
    manager = users[Role.PROGRAM_MANAGER]
    delivery = make_delivery()
    data = _csv({"family_name": "Quispe", "passport_number": "PX9911223"})
    client.force_login(manager)
    response = client.post(
        reverse("training:roster_import", args=[delivery.pk]),
        {"file": SimpleUploadedFile("roster.csv", data)},
    )
    upload = ImportFile.objects.get()
    assert response.url == reverse("training:roster_import_preview", args=[delivery.pk, upload.pk])
    assert b"PX9911223" not in bytes(upload.payload) and b"Quispe" not in bytes(upload.preview)
    assert "PX9911223" not in str(dict(client.session))
    page = client.get(response.url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]

    client.force_login(users[Role.ADMINISTRATOR])
    assert client.get(response.url).status_code == 404
    client.force_login(manager)
    client.post(response.url, {"action": "cancel"})
    assert not ImportFile.objects.exists()


def test_uploads_past_a_day_are_purged(manager, make_delivery):
    delivery = make_delivery()
    upload = stored(manager, delivery, _csv({"family_name": "Quispe"}))
    assert upload.expires_at - upload.created_at == KEEP_FOR
    assert import_files_purge() == 0
    ImportFile.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert import_files_purge() == 1 and not ImportFile.objects.exists()


def test_each_upload_schedules_its_own_purge(
    manager, make_delivery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload = stored(manager, make_delivery(), _csv({"family_name": "Quispe"}))
    task = DBTaskResult.objects.get(task_path__endswith="purge_import_files")
    assert task.run_after is not None and task.run_after > upload.expires_at


def test_a_long_file_is_previewed_and_applied_by_the_worker_with_progress(
    manager, make_delivery, django_capture_on_commit_callbacks
):
    from liaison.core.imports import run_import_step

    delivery = make_delivery(capacity=40)
    rng = random.Random(5)
    rows = [
        {"family_name": "".join(rng.choices(string.ascii_lowercase, k=9)).title()}
        for _ in range(INLINE_ROWS + 5)
    ]
    upload = stored(manager, delivery, _csv(*rows))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert roster_services.roster_import_preview(
            actor=manager, delivery=delivery, upload=upload
        )
    upload.refresh_from_db()
    assert upload.state == ImportState.QUEUED and len(callbacks) == 1
    run_import_step.call(upload.pk, "preview")
    upload.refresh_from_db()
    assert upload.state == ImportState.PREVIEWED and upload.rows == len(rows)
    assert upload.progress_total == len(rows) and upload.progress_done == len(rows)
    assert (import_file_preview(upload) or {})["can_apply"]

    with django_capture_on_commit_callbacks(execute=False):
        assert (
            roster_services.roster_import_apply(actor=manager, delivery=delivery, upload=upload)
            is None
        )
    run_import_step.call(upload.pk, "apply")
    upload.refresh_from_db()
    assert upload.state == ImportState.APPLIED, upload.message
    assert delivery.enrollments.count() == len(rows)
    assert delivery.enrollments.filter(status=EnrollmentStatus.WAITLISTED).count() == 265
    assert "305 participants imported" in upload.message


# --- the page ---------------------------------------------------------------------------------


def test_the_page_answers_the_questions_and_applies_the_file(
    client, manager, make_delivery, existing
):
    delivery = make_delivery(capacity=28)
    client.force_login(manager)
    response = client.post(
        reverse("training:roster_import", args=[delivery.pk]),
        {"file": SimpleUploadedFile("r.csv", roster_csv(roster_rows(existing, with_errors=False)))},
    )
    preview_url = response.url
    html = client.get(preview_url).content.decode("utf-8-sig")
    assert "In what order does this file write its dates?" in html
    assert "Import 30" not in html
    assert 'name="person-6"' in html and f'value="{existing[0].pk}" selected' in html

    response = client.post(preview_url, {"action": "check", "date_order": "dmy"})
    html = client.get(preview_url).content.decode("utf-8-sig")
    assert "2 will be on the waiting list" in html and "Import 30 participants" in html

    response = client.post(
        preview_url, {"action": "apply", "person-6": "new", "person-17": existing[1].pk}
    )
    assert response.url == reverse("training:delivery_roster", args=[delivery.pk])
    assert delivery.enrollments.count() == 30
    assert not delivery.enrollments.filter(person=existing[0]).exists()
    page = client.get(response.url)
    assert "30 participants imported: 28 nominated, 2 on the waiting list" in page.content.decode(
        "utf-8-sig"
    )


def test_the_page_groups_the_problems_with_links_to_their_rows(
    client, manager, make_delivery, existing
):
    delivery = make_delivery()
    client.force_login(manager)
    response = client.post(
        reverse("training:roster_import", args=[delivery.pk]),
        {"file": SimpleUploadedFile("roster.xlsx", roster_xlsx(roster_rows(existing)))},
    )
    html = client.get(response.url).content.decode("utf-8-sig")
    assert "fix the file and upload it again" in html
    assert 'href="?page=1#row-11"' in html and 'href="?page=1#row-23"' in html
    assert "Nationality not understood (1)" in html
    # An apply posted anyway is refused and writes nothing.
    client.post(response.url, {"action": "apply", "date_order": "dmy"})
    assert not Enrollment.objects.exists()


def test_the_templates_carry_the_expected_header(client, users):
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(reverse("training:roster_template", args=["csv"]))
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == [c.label for c in roster_file.COLUMNS]
    # The template reads back as a roster.
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    sheet.append(["Quispe", "Ana"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert roster_file.COLUMN_KEYS[0] in plan_columns(buffer.getvalue())


def plan_columns(data: bytes) -> dict[str, str]:
    from liaison.core.tabular import read_table

    return read_table(data, "roster.xlsx", roster_file.COLUMNS).columns


def test_the_page_is_refused_to_roles_that_do_not_run_the_roster(client, users, make_delivery):
    delivery = make_delivery()
    url = reverse("training:roster_import", args=[delivery.pk])
    for role in (Role.ATTACHE, Role.SPONSOR, Role.SITE_HOST, Role.VETTING_OFFICER):
        client.force_login(users[role])
        assert client.get(url).status_code in (403, 404), role
    assert not DBTaskResult.objects.exists()


def test_the_preview_reads_a_fixed_number_of_queries_however_long_the_file(
    manager, make_delivery, existing, django_assert_max_num_queries
):
    delivery = make_delivery(capacity=40)
    short = roster_csv(roster_rows(existing, with_errors=False))
    long_rows = roster_rows(existing, with_errors=False) + [
        {
            **dict.fromkeys(roster_file.COLUMN_KEYS, ""),
            "family_name": f"Nuevo{i}",
            "given_name": "Ana",
        }
        for i in range(60)
    ]
    with django_assert_max_num_queries(20) as short_queries:
        plan(manager, delivery, short, **DMY)
    with django_assert_max_num_queries(len(short_queries.captured_queries)):
        plan(manager, delivery, roster_csv(long_rows), **DMY)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
        st.text(max_size=300).map(lambda t: ("Apellidos;Nombres\n" + t).encode("utf-16")),
    ),
    name=st.sampled_from(["roster.csv", "roster.xlsx", "roster.txt"]),
)
def test_any_bytes_uploaded_get_a_page_never_a_500_and_write_nobody(
    client, manager, make_delivery, data, name
):
    delivery = Delivery.objects.first() or make_delivery()
    client.force_login(manager)
    response = client.post(
        reverse("training:roster_import", args=[delivery.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert client.get(response.url).status_code == 200
    assert not Enrollment.objects.exists()
    assert not Person.objects.exists()


def test_a_passport_registered_to_someone_else_is_a_problem(manager, make_delivery):
    delivery = make_delivery()
    from liaison.people.services import person_create

    holder = person_create(
        actor=manager, family_name="Quispe", given_name="Ana", passport_number="PX 123456"
    )
    data = _csv(
        {"family_name": "Mamani", "given_name": "Luis", "passport_number": "px-123456"},
        {"family_name": "Quispe", "given_name": "Ana", "passport_number": "PX123456"},
    )
    result = plan(manager, delivery, data)
    assert _problems(result) == {(2, "passport_number")}
    assert f"registered to #{holder.pk} Ana Quispe" in result.problems[0].message
    assert _row(result, 3).choice == holder.pk


def test_imported_passports_are_encrypted_in_the_records_and_their_history(manager, make_delivery):
    delivery = make_delivery()
    write(manager, delivery, _csv({"family_name": "Quispe", "passport_number": "PX9911223"}))
    person = Person.objects.get(family_name="Quispe")
    assert person.passport_number == "PX9911223"
    assert Person.history.get().passport_number == "PX9911223"
    assert Person.history.get().history_user == manager
    with connection.cursor() as cursor:
        for table in ("people_person", "people_historicalperson"):
            cursor.execute(f"SELECT passport_number FROM {table}")  # noqa: S608 - test tables
            (stored,) = cursor.fetchone()
            assert "PX9911223" not in stored, table


def test_an_apply_matches_again_only_when_the_registry_changed_since_the_preview(
    manager, make_delivery, make_person, monkeypatch
):
    data = _csv({"family_name": "Quispe", "given_name": "Rosa"}, {"family_name": "Flores"})
    calls: list[int] = []
    real = roster_selectors.find_matches

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(roster_selectors, "find_matches", counted)
    first = make_delivery()
    upload = stored(manager, first, data)
    roster_services.roster_import_check(actor=manager, delivery=first, upload=upload)
    make_person("Rosa", "Quispe")  # registered after the preview: the apply must see her
    result = roster_services.roster_import_write(actor=manager, delivery=first, upload=upload)
    assert len(calls) == 2 and (result.matched, result.created) == (1, 1)

    second = make_delivery()
    upload = stored(manager, second, data)
    roster_services.roster_import_check(actor=manager, delivery=second, upload=upload)
    result = roster_services.roster_import_write(actor=manager, delivery=second, upload=upload)
    assert len(calls) == 3  # nothing changed since this preview: the apply reused its matches
    assert result.matched == 2 and result.created == 0
