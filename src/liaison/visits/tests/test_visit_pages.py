"""The visit pages: attachés file and follow their region's visits, coordinators plan them
(plan, pin, remove, re-plan, ask the hosts, confirm), every refusal is shown and changes
nothing, and roles without visits get 403."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.catalog.models import FundingSource
from liaison.partners.models import Country
from liaison.people.models import Staff
from liaison.visits import services
from liaison.visits.models import (
    DelegateRole,
    Exclusion,
    HostAnswer,
    SiteFocus,
    Stop,
    Visit,
    VisitStatus,
)
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db

NO_VISITS = (Role.SITE_HOST, Role.TRAINING_ADVISOR, Role.VETTING_OFFICER, Role.SPONSOR)
SEE_VISITS = (Role.ADMINISTRATOR, Role.PROGRAM_MANAGER, Role.IVP_COORDINATOR, Role.ATTACHE)


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def coordinator(users):
    return users[Role.IVP_COORDINATOR]


@pytest.fixture
def shown(sites, focus):
    """Laredo shows land-border work, the targeting center targeting, HQ a little of both."""
    SiteFocus.objects.create(
        site=sites["laredo"], focus_area=focus["land_border_operations"], strength=3
    )
    SiteFocus.objects.create(site=sites["ntc"], focus_area=focus["targeting_risk"], strength=3)
    SiteFocus.objects.create(site=sites["hq"], focus_area=focus["targeting_risk"], strength=1)
    return sites


@pytest.fixture
def host(users, shown):
    """The site host user hosts every site."""
    staff = Staff.objects.create(
        kind="site_host", given_name="Lupe", family_name="Ortiz", user=users[Role.SITE_HOST]
    )
    for site in shown.values():
        site.hosts.add(staff)
    return users[Role.SITE_HOST]


def _filing(focus, code: str = "PE", **extra):
    return {
        "country": Country.objects.get(code=code).pk,
        "agency": "",
        "sponsor": FundingSource.objects.get(code="INL").pk,
        "purpose": "Risk management at land ports",
        "earliest_start": START.isoformat(),
        "latest_end": (START + timedelta(days=13)).isoformat(),
        "length_days": "5",
        "delegation_size": "3",
        "wants_hq_briefing": "on",
        f"focus_{focus['targeting_risk'].pk}": "3",
        f"focus_{focus['land_border_operations'].pk}": "2",
        **extra,
    }


def _post(client, name: str, pk: int, data: dict | None = None):
    return client.post(reverse(f"visits:{name}", args=[pk]), data or {})


def _planned(visit, coordinator):
    services.visit_start_planning(actor=coordinator, visit=visit)
    services.visit_plan(actor=coordinator, visit=visit)
    return visit


# --- who sees what -------------------------------------------------------------------------


@pytest.mark.parametrize("role", SEE_VISITS)
def test_the_visit_pages_open_for_planners_and_the_regions_attache(client, users, make_visit, role):
    visit = make_visit()
    client.force_login(users[role])
    for url in (
        reverse("visits:visit_list"),
        reverse("visits:visit_create"),
        reverse("visits:visit_detail", args=[visit.pk]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", NO_VISITS)
def test_roles_without_visits_get_403(client, users, make_visit, role):
    visit = make_visit()
    client.force_login(users[role])
    for url in (
        reverse("visits:visit_list"),
        reverse("visits:visit_create"),
        reverse("visits:visit_detail", args=[visit.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for name in ("visit_start_planning", "visit_decline", "visit_cancel", "delegate_add"):
        assert _post(client, name, visit.pk, {"decline-reason": "x"}).status_code == 403, name
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REQUESTED


def test_an_attache_of_another_region_sees_nothing_of_the_visit(
    client, make_user, make_visit, make_person
):
    visit = make_visit()
    client.force_login(make_user(Role.ATTACHE, region="NEA"))
    assert client.get(reverse("visits:visit_detail", args=[visit.pk])).status_code == 403
    listed = client.get(reverse("visits:visit_list"))
    assert visit not in listed.context["page_obj"]
    person = make_person("Ana", "Quispe")
    assert _post(client, "delegate_add", visit.pk, {"person": person.pk}).status_code == 403
    assert _post(client, "visit_cancel", visit.pk, {"cancel-reason": "x"}).status_code == 403
    assert not visit.delegates.exists()


def test_the_visit_page_reads_in_a_bounded_number_of_queries(
    client, coordinator, make_visit, make_person, shown, django_assert_max_num_queries
):
    """Session, user, the visit, its stops, delegates, focus, sites, history: not one per row."""
    visit = _planned(make_visit(delegation_size=10), coordinator)
    for n in range(6):
        services.delegate_add(actor=coordinator, visit=visit, person=make_person("Ana", f"Q{n}"))
    client.force_login(coordinator)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("visits:visit_detail", args=[visit.pk])).status_code == 200


def test_an_attache_follows_their_visit_but_does_not_plan_it(
    client, users, coordinator, make_visit, shown
):
    attache = users[Role.ATTACHE]
    visit = _planned(make_visit(), coordinator)
    stop = visit.stops.first()
    client.force_login(attache)
    page = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode("utf-8-sig")
    assert stop.why in page
    for absent in ("Re-plan", "Ask the sites", "Pin", "Remove…</summary>", "Decline this"):
        assert absent not in page
    assert "Cancel this visit" in page  # the filer's side may still cancel
    for name, pk in (
        ("visit_plan", visit.pk),
        ("visit_request_sites", visit.pk),
        ("stop_pin", stop.pk),
        ("stop_remove", stop.pk),
        ("visit_decline", visit.pk),
    ):
        response = _post(client, name, pk, {"scope": "day", "decline-reason": "x"})
        assert response.status_code == 403, name
    stop.refresh_from_db()
    assert not stop.pinned
    assert visit.stops.count() == 3
    assert not Exclusion.objects.exists()


# --- the list --------------------------------------------------------------------------------


def test_the_list_searches_filters_and_keeps_to_the_attaches_region(
    client, users, coordinator, make_visit, django_assert_max_num_queries
):
    peru = make_visit(purpose="Seaport container targeting")
    colombia = make_visit(code="CO", purpose="Land border operations")
    jordan = make_visit(code="JO", purpose="Airport passenger targeting")
    services.visit_start_planning(actor=coordinator, visit=colombia)
    url = reverse("visits:visit_list")

    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        everything = client.get(url)
    assert set(everything.context["page_obj"]) == {peru, colombia, jordan}
    assert set(client.get(url, {"q": "targeting"}).context["page_obj"]) == {peru, jordan}
    assert list(client.get(url, {"status": "planning"}).context["page_obj"]) == [colombia]
    assert list(client.get(url, {"country": "jo"}).context["page_obj"]) == [jordan]
    nothing = client.get(url, {"q": "no such purpose"})
    assert "No visit matches." in nothing.content.decode("utf-8-sig")
    assert "File a visit request" in everything.content.decode("utf-8-sig")

    client.force_login(users[Role.ATTACHE])
    mine = client.get(url)
    assert set(mine.context["page_obj"]) == {peru, colombia}
    assert "File a visit request" in mine.content.decode("utf-8-sig")


def test_the_list_is_empty_until_a_request_is_filed(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("visits:visit_list")).content.decode("utf-8-sig")
    assert "No visit requests yet." in page


def test_the_list_renders_only_its_results_for_htmx(client, coordinator, make_visit):
    make_visit()
    client.force_login(coordinator)
    fragment = client.get(reverse("visits:visit_list"), HTTP_HX_REQUEST="true")
    html = fragment.content.decode("utf-8-sig")
    assert "<table" in html and "<h1" not in html


def test_the_list_exports_csv_with_the_same_filters(client, users, make_visit):
    make_visit(purpose="Seaport container targeting")
    make_visit(code="JO")
    client.force_login(users[Role.ATTACHE])
    response = client.get(reverse("visits:visit_list"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "filed", "country"]
    assert [(row[2], row[5], row[11]) for row in rows[1:]] == [
        ("PE", "Seaport container targeting", "requested")
    ]


# --- filing ----------------------------------------------------------------------------------


def test_an_attache_files_a_request_for_their_region(client, users, focus, shown):
    attache = users[Role.ATTACHE]
    client.force_login(attache)
    form = client.get(reverse("visits:visit_create")).context["form"]
    assert set(form.fields["country"].queryset.values_list("region__code", flat=True)) == {"WHA"}

    refused = client.post(reverse("visits:visit_create"), _filing(focus, "JO"))
    assert refused.status_code == 200
    assert "country" in refused.context["form"].errors
    assert not Visit.objects.exists()

    filed = client.post(reverse("visits:visit_create"), _filing(focus, must_see=[shown["ntc"].pk]))
    visit = Visit.objects.get()
    assert filed.status_code == 302
    assert filed["Location"] == reverse("visits:visit_detail", args=[visit.pk])
    assert (visit.country.code, visit.requested_by, visit.status) == (
        "PE",
        attache,
        VisitStatus.REQUESTED,
    )
    assert {f.focus_area.code: f.priority for f in visit.focus.all()} == {
        "targeting_risk": 3,
        "land_border_operations": 2,
    }
    assert list(visit.must_see.all()) == [shown["ntc"]]
    page = client.get(filed["Location"]).content.decode("utf-8-sig")
    assert "targeting risk: priority 3" in page


def test_filing_shows_the_rule_it_breaks_and_creates_nothing(
    client, coordinator, focus, shown, make_agency
):
    client.force_login(coordinator)
    colombian = make_agency("CO")
    no_focus = _filing(focus, agency=colombian.pk, latest_end=START.isoformat())
    no_focus.pop(f"focus_{focus['targeting_risk'].pk}")
    no_focus.pop(f"focus_{focus['land_border_operations'].pk}")
    response = client.post(reverse("visits:visit_create"), no_focus)
    assert response.status_code == 200
    form = response.context["form"]
    assert "is not an agency of Peru" in form.errors["agency"][0]
    assert "does not fit a 1-day window" in form.errors["length_days"][0]
    assert "Give at least one focus area" in form.non_field_errors()[0]
    assert "Give at least one focus area" in response.content.decode("utf-8-sig")

    both = _filing(focus, must_see=[shown["laredo"].pk], must_avoid=[shown["laredo"].pk])
    response = client.post(reverse("visits:visit_create"), both)
    assert "Both to see and to avoid: POE-LRD." in response.context["form"].errors["must_avoid"]

    too_long = client.post(reverse("visits:visit_create"), _filing(focus, length_days="15"))
    assert "length_days" in too_long.context["form"].errors
    assert not Visit.objects.exists()


def test_choosing_a_country_offers_its_agencies(client, coordinator, focus, make_agency):
    peruvian, colombian = make_agency("PE"), make_agency("CO")
    client.force_login(coordinator)
    peru = Country.objects.get(code="PE").pk
    form = client.get(reverse("visits:visit_create"), {"country": peru}).context["form"]
    assert list(form.fields["agency"].queryset) == [peruvian]
    assert form.initial["country"] == peru
    everyone = client.get(reverse("visits:visit_create")).context["form"]
    assert set(everyone.fields["agency"].queryset) == {peruvian, colombian}


# --- the flow --------------------------------------------------------------------------------


def test_a_coordinator_files_names_the_delegation_plans_pins_removes_and_asks_the_sites(
    client, coordinator, focus, shown, make_person
):
    client.force_login(coordinator)
    filed = client.post(reverse("visits:visit_create"), _filing(focus))
    visit = Visit.objects.get()
    detail = filed["Location"]

    ana, luis = make_person("Ana", "Quispe"), make_person("Luis", "Mamani")
    found = client.get(detail, {"find": "quispe"})
    assert found.context["found"] == [ana]
    assert "Add Ana Quispe" in found.content.decode("utf-8-sig")
    assert (
        _post(client, "delegate_add", visit.pk, {"person": ana.pk, "role": "head"}).status_code
        == 302
    )
    _post(client, "delegate_add", visit.pk, {"person": luis.pk, "role": "member"})
    second_head = _post(
        client, "delegate_add", visit.pk, {"person": make_person("Eva", "Rojas").pk, "role": "head"}
    )
    assert "already heads the delegation" in second_head.content.decode("utf-8-sig")
    assert {(d.person, d.role) for d in visit.delegates.all()} == {
        (ana, DelegateRole.HEAD),
        (luis, DelegateRole.MEMBER),
    }
    assert client.get(detail, {"find": "quispe"}).context["found"] == []  # already in it

    assert _post(client, "visit_start_planning", visit.pk).status_code == 302
    planned = _post(client, "visit_plan", visit.pk)
    assert planned.status_code == 302
    page = client.get(detail)
    html = page.content.decode("utf-8-sig")
    stops = list(visit.stops.select_related("site"))
    assert {s.site.code for s in stops} == {"HQ", "POE-LRD", "NTC"}
    assert all(s.why and s.why in html for s in stops)
    assert reverse("visits:itinerary", args=[visit.pk]) in html
    assert reverse("visits:itinerary_pdf", args=[visit.pk]) in html
    assert "Itinerary planned" in " ".join(_messages(page))

    ntc = visit.stops.get(site__code="NTC")
    _post(client, "stop_pin", ntc.pk, {"pinned": "1"})
    ntc.refresh_from_db()
    assert ntc.pinned
    assert "Pinned" in client.get(detail).content.decode("utf-8-sig")
    laredo = visit.stops.get(site__code="POE-LRD")
    removed = _post(client, "stop_remove", laredo.pk, {"scope": "visit", "reason": "Not this trip"})
    assert removed.status_code == 302
    assert not Stop.objects.filter(pk=laredo.pk).exists()
    assert Exclusion.objects.get(visit=visit).day is None

    _post(client, "visit_plan", visit.pk)
    itinerary = {(s.site.code, s.day) for s in visit.stops.select_related("site")}
    assert ("NTC", ntc.day) in itinerary
    assert "POE-LRD" not in {code for code, _ in itinerary}

    asked = _post(client, "visit_request_sites", visit.pk)
    assert asked.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SITES_REQUESTED
    assert set(visit.stops.values_list("answer", flat=True)) == {HostAnswer.ASKED}


def test_unpinning_and_removing_one_day_only(client, coordinator, make_visit, shown):
    visit = _planned(make_visit(), coordinator)
    stop = visit.stops.get(site__code="NTC")
    services.stop_pin(actor=coordinator, stop=stop)
    client.force_login(coordinator)
    _post(client, "stop_pin", stop.pk, {"pinned": "0"})
    stop.refresh_from_db()
    assert not stop.pinned
    _post(client, "stop_remove", stop.pk, {"scope": "day"})
    exclusion = Exclusion.objects.get(visit=visit)
    assert (exclusion.site.code, exclusion.day) == ("NTC", stop.day)


def test_when_nothing_fits_the_planners_reasons_are_listed(client, coordinator, make_visit, shown):
    shown["ntc"].open_weekdays = ""  # never hosts
    shown["ntc"].save()
    visit = make_visit()
    visit.must_see.add(shown["ntc"])
    services.visit_start_planning(actor=coordinator, visit=visit)
    client.force_login(coordinator)
    response = _post(client, "visit_plan", visit.pk)
    assert response.status_code == 200
    assert response.context["refusal"].heading == "No itinerary fits this visit"
    assert any("NTC" in reason for reason in response.context["refusal"].reasons)
    assert "No itinerary fits this visit" in response.content.decode("utf-8-sig")
    assert not visit.stops.exists()


def test_a_hosts_decline_is_shown_and_re_planned_around(
    client, coordinator, host, make_visit, shown
):
    visit = _planned(make_visit(), coordinator)
    services.visit_request_sites(actor=coordinator, visit=visit)
    declined = visit.stops.get(site__code="POE-LRD")
    services.stop_answer(actor=host, stop=declined, accept=False, reason="Port exercise")
    client.force_login(coordinator)
    html = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode("utf-8-sig")
    assert "1 host declined" in html
    assert "Port exercise" in html
    assert "Re-planning keeps POE-LRD off that day." in html

    _post(client, "visit_resume_planning", visit.pk)
    _post(client, "visit_plan", visit.pk)
    assert ("POE-LRD", declined.day) not in {
        (s.site.code, s.day) for s in visit.stops.select_related("site")
    }
    assert "host declined" not in client.get(
        reverse("visits:visit_detail", args=[visit.pk])
    ).content.decode("utf-8-sig")


def test_confirming_lists_what_is_missing_and_the_refusal_changes_nothing(
    client, coordinator, host, make_visit, make_person, shown
):
    visit = _planned(make_visit(), coordinator)
    services.delegate_add(actor=coordinator, visit=visit, person=make_person("Ana", "Quispe"))
    services.visit_request_sites(actor=coordinator, visit=visit)
    for stop in visit.stops.exclude(site__code="NTC"):
        services.stop_answer(actor=host, stop=stop, accept=True)
    client.force_login(coordinator)
    page = client.get(reverse("visits:visit_detail", args=[visit.pk]))
    html = page.content.decode("utf-8-sig")
    assert "Before the visit can be confirmed" in html
    assert "NTC on" in html and "asked, awaiting the host" in html
    assert any("never submitted" in reason for reason in page.context["refusals"])

    refused = _post(client, "visit_confirm", visit.pk)
    assert refused.status_code == 200
    assert refused.context["refusal"].heading == "The visit cannot be confirmed yet"
    assert "Not every site has accepted: NTC" in refused.content.decode("utf-8-sig")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SITES_REQUESTED


def test_decline_and_cancel_need_a_reason(client, users, coordinator, make_visit):
    visit = make_visit()
    client.force_login(coordinator)
    refused = _post(client, "visit_decline", visit.pk, {"decline-reason": "  "})
    assert refused.status_code == 200
    assert refused.context["decline_form"].errors["reason"]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.REQUESTED

    _post(client, "visit_decline", visit.pk, {"decline-reason": "No sponsor funds this year"})
    visit.refresh_from_db()
    assert (visit.status, visit.status_reason) == (
        VisitStatus.DECLINED,
        "No sponsor funds this year",
    )
    html = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode("utf-8-sig")
    assert "No sponsor funds this year" in html
    assert "Cancel this visit" not in html  # a declined request ends there

    other = make_visit()
    client.force_login(users[Role.ATTACHE])
    refused = _post(client, "visit_cancel", other.pk, {})
    assert "Give the reason." in refused.context["cancel_form"].errors["reason"]
    _post(client, "visit_cancel", other.pk, {"cancel-reason": "The minister changed"})
    other.refresh_from_db()
    assert other.status == VisitStatus.CANCELLED


def test_a_delegate_is_removed_after_confirming_the_removal(client, users, make_visit, make_person):
    visit = make_visit()
    ana = make_person("Ana", "Quispe")
    delegate = services.delegate_add(actor=users[Role.ATTACHE], visit=visit, person=ana)
    client.force_login(users[Role.ATTACHE])
    html = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode("utf-8-sig")
    assert "Yes, remove Ana Quispe" in html
    response = client.post(reverse("visits:delegate_remove", args=[delegate.pk]))
    assert response.status_code == 302
    assert not visit.delegates.exists()
    assert client.get(reverse("visits:delegate_remove", args=[delegate.pk])).status_code == 405
