"""No GET writes: every visits page, export, public feed and API read that answers a GET
leaves the database as it found it (no INSERT, UPDATE or DELETE), for the role that opens it.
A new address that answers GET joins the list below, or the coverage tests fail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.people.models import Staff
from liaison.visits import api, services
from liaison.visits.models import HostAnswer, HostFeed, Stop, YearPlan, YearPlanStatus
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")
VISIT_NAMESPACES = {"visits", "visits_public"}

# url name -> (the role that opens it, its address's arguments from the records)
PAGES: dict[str, tuple[Role, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "visits:visit_list": (Role.ATTACHE, lambda r: {}),
    "visits:visit_create": (Role.ATTACHE, lambda r: {}),
    "visits:visit_detail": (Role.IVP_COORDINATOR, lambda r: {"pk": r["visit"].pk}),
    "visits:itinerary": (Role.ATTACHE, lambda r: {"pk": r["visit"].pk}),
    "visits:itinerary_pdf": (Role.IVP_COORDINATOR, lambda r: {"pk": r["visit"].pk}),
    "visits:day_calendar": (Role.IVP_COORDINATOR, lambda r: {}),
    "visits:year_plan_list": (Role.IVP_COORDINATOR, lambda r: {}),
    "visits:year_plan_detail": (Role.IVP_COORDINATOR, lambda r: {"pk": r["plan"].pk}),
    "visits:site_list": (Role.SITE_HOST, lambda r: {}),
    "visits:site_detail": (Role.SITE_HOST, lambda r: {"pk": r["site"].pk}),
    "visits:site_edit": (Role.IVP_COORDINATOR, lambda r: {"pk": r["site"].pk}),
    "visits:host_inbox": (Role.SITE_HOST, lambda r: {}),
    # The page that used to make the host's feed on first sight: this host has none yet.
    "visits:host_calendar": (Role.SITE_HOST, lambda r: {}),
    "visits_public:host_feed": (Role.SITE_HOST, lambda r: {"token": r["feed"].token}),
}
# The same pages again, as a download or as the poll of a running year plan.
VARIANTS = [
    ("visits:visit_list", "format=csv"),
    ("visits:site_list", "format=xlsx"),
    ("visits:day_calendar", "format=csv"),
    ("visits:year_plan_list", "format=csv"),
    ("visits:year_plan_detail", "format=csv"),
    ("visits:year_plan_detail", "progress=1"),
]
API: dict[str, tuple[Role, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "list_visit_sites": (Role.SITE_HOST, lambda r: {}),
    "get_visit_site": (Role.SITE_HOST, lambda r: {"site_id": r["site"].pk}),
    "list_visit_focus_areas": (Role.ATTACHE, lambda r: {}),
    "list_visit_requests": (Role.ATTACHE, lambda r: {}),
    "get_visit_request": (Role.ATTACHE, lambda r: {"visit_id": r["visit"].pk}),
    "list_visit_delegates": (Role.ATTACHE, lambda r: {"visit_id": r["visit"].pk}),
    "get_visit_itinerary": (Role.ATTACHE, lambda r: {"visit_id": r["visit"].pk}),
    "list_host_inbox": (Role.SITE_HOST, lambda r: {}),
    "get_year_plan": (Role.IVP_COORDINATOR, lambda r: {"plan_id": r["plan"].pk}),
}


@pytest.fixture
def records(users, sites, make_visit, make_person):
    """A visit from Peru with a delegate, a stop asked of the host's site and one accepted; a
    finished year plan; the host without a calendar feed, a second host of the site with one."""
    host = Staff.objects.create(
        kind="site_host", given_name="Lupe", family_name="Ortiz", user=users[Role.SITE_HOST]
    )
    other = Staff.objects.create(kind="site_host", given_name="Hana", family_name="Ost")
    sites["laredo"].hosts.add(host, other)
    visit = make_visit()
    services.delegate_add(actor=users[Role.IVP_COORDINATOR], visit=visit, person=make_person())
    Stop.objects.create(visit=visit, site=sites["laredo"], day=START, answer=HostAnswer.ASKED)
    Stop.objects.create(
        visit=visit, site=sites["laredo"], day=START + timedelta(1), answer=HostAnswer.ACCEPTED
    )
    plan = YearPlan.objects.create(status=YearPlanStatus.DONE, requests=1)
    feed = HostFeed.objects.create(staff=other, token="a-secret-token-for-the-test")
    return {"visit": visit, "site": sites["laredo"], "plan": plan, "feed": feed}


def _writes(client: Client, url: str, **headers: Any) -> tuple[Any, list[str]]:
    """The GET's response, and every statement it ran that writes."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, [q["sql"] for q in queries.captured_queries if q["sql"].startswith(WRITES)]


@pytest.mark.parametrize(
    ("name", "query"), [(name, "") for name in sorted(PAGES)] + VARIANTS, ids=str
)
def test_a_get_of_a_visits_page_writes_nothing(users, records, name, query):
    role, arguments = PAGES[name]
    client = Client()
    client.force_login(users[role])
    url = reverse(name, kwargs=arguments(records)) + (f"?{query}" if query else "")
    response, writes = _writes(client, url)
    assert response.status_code == 200, f"{role} should open {url}"
    assert writes == []
    assert not HostFeed.objects.filter(staff__user=users[Role.SITE_HOST]).exists()


@pytest.mark.parametrize("name", sorted(API))
def test_a_get_of_the_visits_api_writes_nothing(client, users, records, name):
    role, arguments = API[name]
    _, raw = api_token_create(actor=users[role], name="reads")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = reverse(f"api-v1:{name}", kwargs=arguments(records))
    # The first call stamps the token's last use (an account's record, once a minute).
    assert client.get(url, **headers).status_code == 200
    response, writes = _writes(client, url, **headers)
    assert response.status_code == 200
    assert writes == []


def _visits_patterns() -> list[tuple[str, URLPattern]]:
    found = []
    for resolver in get_resolver().url_patterns:
        if isinstance(resolver, URLResolver) and resolver.namespace in VISIT_NAMESPACES:
            for pattern in resolver.url_patterns:
                assert isinstance(pattern, URLPattern)
                found.append((f"{resolver.namespace}:{pattern.name}", pattern))
    return found


def test_every_visits_address_that_answers_get_is_checked(users):
    """Any other visits address refuses a GET (405) before it reads anything."""
    patterns = _visits_patterns()
    assert set(PAGES) <= {name for name, _ in patterns}
    client = Client()
    client.force_login(users[Role.ADMINISTRATOR])
    for name, pattern in patterns:
        if name in PAGES:
            continue
        arguments = {
            key: 1 if converter.regex == "[0-9]+" else "x"
            for key, converter in pattern.pattern.converters.items()
        }
        response, writes = _writes(client, reverse(name, kwargs=arguments))
        assert response.status_code == 405, f"{name} answers GET: add it to PAGES"
        assert writes == []


def test_every_get_of_the_visits_api_is_checked():
    gets = {
        operation.view_func.__name__
        for path_view in api.router.path_operations.values()
        for operation in path_view.operations
        if "GET" in operation.methods
    }
    assert gets == set(API)
