"""Visit rules: filing a request, the delegation, the workflow with its vetting gate, and the
hosts' answers — each refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.catalog.models import FundingSource
from liaison.people.models import Staff
from liaison.vetting.models import Purpose
from liaison.vetting.services import vetting_approve, vetting_submit
from liaison.visits import services
from liaison.visits.models import (
    DelegateRole,
    HostAnswer,
    Site,
    Stop,
    Visit,
    VisitStatus,
)
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db


def _approve_access(person, until, officer):
    record = vetting_submit(actor=officer, person=person, purpose=Purpose.ACCESS)
    vetting_approve(actor=officer, record=record, valid_until=until)


def test_an_attache_files_for_their_region_only(users, make_visit):
    visit = make_visit(actor=users[Role.ATTACHE], code="PE")
    assert visit.status == VisitStatus.REQUESTED
    assert AuditEntry.objects.filter(action="visit.requested", object_id=str(visit.pk)).exists()
    with pytest.raises(PermissionDenied):
        make_visit(actor=users[Role.ATTACHE], code="JO")
    for role in (Role.SITE_HOST, Role.SPONSOR, Role.TRAINING_ADVISOR, Role.VETTING_OFFICER):
        with pytest.raises(PermissionDenied):
            make_visit(actor=users[role])
    assert Visit.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "field", "says"),
    [
        ({"length_days": 15}, "length_days", "1 to 14 days"),
        ({"length_days": 10, "latest_end": START + timedelta(days=4)}, "length_days", "5-day"),
        ({"latest_end": START - timedelta(days=1)}, "latest_end", "comes before"),
    ],
)
def test_a_request_that_cannot_fit_is_refused(make_visit, extra, field, says):
    with pytest.raises(ValidationError) as refusal:
        make_visit(**extra)
    assert says in " ".join(refusal.value.message_dict[field])
    assert not Visit.objects.exists()


def test_a_site_cannot_be_both_seen_and_avoided(users, country, focus, sites):
    with pytest.raises(ValidationError, match="Both to see and to avoid"):
        services.visit_request_file(
            actor=users[Role.IVP_COORDINATOR],
            focus={focus["targeting_risk"]: 3},
            must_see=[sites["ntc"]],
            must_avoid=[sites["ntc"]],
            country=country("PE"),
            sponsor=FundingSource.objects.get(code="DEA"),
            purpose="Targeting",
            earliest_start=START,
            latest_end=START + timedelta(days=5),
            length_days=2,
            delegation_size=2,
        )
    assert not Visit.objects.exists()


def test_the_delegation_has_one_head_and_keeps_to_its_size(users, make_visit, make_person):
    coordinator = users[Role.IVP_COORDINATOR]
    visit = make_visit(delegation_size=2)
    head = make_person("Ana", "Quispe")
    services.delegate_add(actor=coordinator, visit=visit, person=head, role=DelegateRole.HEAD)
    with pytest.raises(ValidationError, match="already heads"):
        services.delegate_add(
            actor=coordinator, visit=visit, person=make_person("B", "C"), role=DelegateRole.HEAD
        )
    with pytest.raises(ValidationError, match="already in this delegation"):
        services.delegate_add(actor=coordinator, visit=visit, person=head)
    services.delegate_add(actor=coordinator, visit=visit, person=make_person("Luis", "Huaman"))
    with pytest.raises(ValidationError, match="The delegation is 2"):
        services.delegate_add(actor=coordinator, visit=visit, person=make_person("X", "Y"))
    assert visit.delegates.count() == 2


def _planned(visit: Visit, sites: dict[str, Site], coordinator) -> list[Stop]:
    services.visit_start_planning(actor=coordinator, visit=visit)
    visit.starts_on = START
    visit.ends_on = START + timedelta(days=visit.length_days - 1)
    visit.save()
    return [
        Stop.objects.create(visit=visit, site=sites["hq"], day=START, why="HQ briefing"),
        Stop.objects.create(visit=visit, site=sites["laredo"], day=START + timedelta(days=1)),
    ]


def test_confirming_needs_every_host_and_every_delegates_access_approval(
    users, make_visit, make_person, sites
):
    coordinator, officer, host = (
        users[Role.IVP_COORDINATOR],
        users[Role.VETTING_OFFICER],
        users[Role.SITE_HOST],
    )
    Staff.objects.create(kind="site_host", given_name="L", family_name="O", user=host)
    for site in (sites["hq"], sites["laredo"]):
        site.hosts.add(Staff.objects.get(user=host))
    visit = make_visit()
    with pytest.raises(ValidationError, match="Plan the itinerary"):
        services.visit_request_sites(actor=coordinator, visit=visit)
    hq, laredo = _planned(visit, sites, coordinator)
    delegate = make_person("Ana", "Quispe")
    services.delegate_add(actor=coordinator, visit=visit, person=delegate, role="head")
    services.visit_request_sites(actor=coordinator, visit=visit)
    assert set(visit.stops.values_list("answer", flat=True)) == {HostAnswer.ASKED}

    services.stop_answer(actor=host, stop=hq, accept=True)
    with pytest.raises(ValidationError, match="Not every site has accepted: POE-LRD"):
        services.visit_confirm(actor=coordinator, visit=visit)
    services.stop_answer(actor=host, stop=laredo, accept=True)
    with pytest.raises(ValidationError, match="facility access clearance: it was never submitted"):
        services.visit_confirm(actor=coordinator, visit=visit)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SITES_REQUESTED

    _approve_access(delegate, visit.ends_on - timedelta(days=1), officer)
    with pytest.raises(ValidationError, match="before the last day"):
        services.visit_confirm(actor=coordinator, visit=visit)
    record = delegate.vetting_records.get(purpose=Purpose.ACCESS)
    vetting_submit(actor=officer, person=delegate, purpose=Purpose.ACCESS)
    record.refresh_from_db()
    vetting_approve(actor=officer, record=record, valid_until=visit.ends_on)
    services.visit_confirm(actor=coordinator, visit=visit)
    assert visit.status == VisitStatus.CONFIRMED
    actions = list(
        AuditEntry.objects.filter(object_type="visits.visit", action__startswith="visit.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "visit.requested",
        "visit.planning",
        "visit.delegate_added",
        "visit.sites_requested",
        "visit.confirmed",
    ]


def test_only_the_sites_host_answers_and_a_decline_needs_a_reason(
    users, make_visit, sites, make_user
):
    coordinator, host = users[Role.IVP_COORDINATOR], users[Role.SITE_HOST]
    other_host = make_user(Role.SITE_HOST)
    Staff.objects.create(kind="site_host", given_name="L", family_name="O", user=host)
    sites["laredo"].hosts.add(Staff.objects.get(user=host))
    visit = make_visit()
    _, laredo = _planned(visit, sites, coordinator)
    services.visit_request_sites(actor=coordinator, visit=visit)
    laredo.refresh_from_db()
    for wrong in (other_host, coordinator):
        with pytest.raises(PermissionDenied):
            services.stop_answer(actor=wrong, stop=laredo, accept=True)
    with pytest.raises(ValidationError, match="Say why"):
        services.stop_answer(actor=host, stop=laredo, accept=False, reason=" ")
    services.stop_answer(actor=host, stop=laredo, accept=False, reason="Port exercise that day")
    laredo.refresh_from_db()
    assert (laredo.answer, laredo.answer_reason) == ("declined", "Port exercise that day")
    with pytest.raises(ValidationError, match="not awaiting your answer"):
        services.stop_answer(actor=host, stop=laredo, accept=True)


def test_decline_and_cancel_need_a_reason_and_end_the_workflow(users, make_visit):
    coordinator = users[Role.IVP_COORDINATOR]
    visit = make_visit()
    with pytest.raises(ValidationError, match="Say why"):
        services.visit_decline(actor=coordinator, visit=visit, reason="")
    with pytest.raises(PermissionDenied):
        services.visit_decline(actor=users[Role.ATTACHE], visit=visit, reason="No")
    services.visit_decline(actor=coordinator, visit=visit, reason="No capacity in May")
    assert visit.status_reason == "No capacity in May"
    with pytest.raises(ValidationError, match="it cannot become planning"):
        services.visit_start_planning(actor=coordinator, visit=visit)
    other = make_visit()
    services.visit_cancel(actor=users[Role.ATTACHE], visit=other, reason="Elections")
    assert other.status == VisitStatus.CANCELLED


def test_a_delegate_leaves_until_the_visit_is_confirmed(users, make_visit, make_person):
    coordinator = users[Role.IVP_COORDINATOR]
    visit = make_visit()
    delegate = services.delegate_add(actor=coordinator, visit=visit, person=make_person())
    services.delegate_remove(actor=coordinator, delegate=delegate)
    assert not visit.delegates.exists()
    assert AuditEntry.objects.filter(action="visit.delegate_removed").count() == 1
    kept = services.delegate_add(actor=coordinator, visit=visit, person=make_person("B", "C"))
    visit.status = VisitStatus.CONFIRMED
    visit.save()
    with pytest.raises(ValidationError, match="its delegation is settled"):
        services.delegate_remove(actor=coordinator, delegate=kept)
    services.visit_complete(actor=coordinator, visit=visit)
    assert visit.status == VisitStatus.COMPLETED
    with pytest.raises(PermissionDenied):
        services.visit_complete(actor=users[Role.ATTACHE], visit=visit)
