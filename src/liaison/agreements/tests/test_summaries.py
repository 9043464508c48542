"""What the pages where the programs meet will show (wired by the lead): a country's CMAA and
open requests, where a person appears, and what needs the user now, each scoped and in a
number of queries that does not grow with the rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from liaison.accounts.roles import Role
from liaison.agreements import selectors, services
from liaison.agreements.models import Direction
from liaison.conftest import TODAY
from liaison.core.work import WorkList
from liaison.partners.models import Country

pytestmark = pytest.mark.django_db


def test_the_country_summary_gives_the_agreement_and_its_open_requests_due_first(
    users, peru, make_request, django_assert_max_num_queries
):
    manager = users[Role.PROGRAM_MANAGER]
    overdue = make_request(peru, received_on=date(2026, 1, 2), due_on=date(2026, 2, 1))
    soon = make_request(peru)
    done = make_request(peru)
    services.assistance_request_refuse(actor=manager, request=done, reason="No")
    peru_country = Country.objects.get(code="PE")
    with django_assert_max_num_queries(12):
        summary = selectors.country_agreements_summary(user=manager, country=peru_country)
    assert summary is not None and summary.agreement == peru
    assert (summary.open_count, summary.overdue_count) == (2, 1)
    assert summary.open_requests == [overdue, soon]
    assert summary.requests_url.endswith("?country=PE")
    assert summary.health is not None and summary.health.requests_in == 3
    for _ in range(6):
        make_request(peru)
    with django_assert_max_num_queries(12):
        assert (
            len(
                selectors.country_agreements_summary(
                    user=manager, country=peru_country
                ).open_requests
            )
            == 5
        )


def test_the_country_summary_is_scoped(users, peru, jordan, make_request):
    make_request(peru)
    advisor = selectors.country_agreements_summary(
        user=users[Role.TRAINING_ADVISOR], country=peru.country
    )
    assert advisor is not None and advisor.agreement == peru
    assert advisor.open_requests == [] and advisor.requests_url == ""
    assert (
        selectors.country_agreements_summary(user=users[Role.SPONSOR], country=peru.country) is None
    )
    # An attaché of the Western Hemisphere sees no agreement with Jordan.
    attache = selectors.country_agreements_summary(user=users[Role.ATTACHE], country=jordan.country)
    assert attache is not None and attache.agreement is None
    none = selectors.country_agreements_summary(
        user=users[Role.PROGRAM_MANAGER], country=Country.objects.get(code="BR")
    )
    assert none is not None and none.agreement is None


def test_the_person_summary_lists_requests_naming_them_and_agreements_they_are_contact_of(
    users, peru, jordan, make_request, make_person, django_assert_max_num_queries
):
    manager = users[Role.PROGRAM_MANAGER]
    person = make_person("Rosa", "Huaman", nationality="PE")
    services.agreement_contact_add(actor=manager, agreement=peru, person=person)
    for agreement in (peru, jordan):
        services.assistance_request_person_add(
            actor=manager, request=make_request(agreement), person=person
        )
    with django_assert_max_num_queries(4):
        summary = selectors.person_agreements_summary(user=manager, person=person)
    assert summary is not None
    assert len(summary.request_links) == 2 and summary.contact_of == [peru]
    attache = selectors.person_agreements_summary(user=users[Role.ATTACHE], person=person)
    assert attache is not None
    assert [link.request.agreement for link in attache.request_links] == [peru]
    advisor = selectors.person_agreements_summary(user=users[Role.TRAINING_ADVISOR], person=person)
    assert advisor is not None and advisor.request_links == [] and advisor.contact_of == [peru]


def test_work_for_lists_what_needs_the_user_now_most_pressing_first(
    users, peru, jordan, make_request, django_assert_max_num_queries
):
    attache, manager = users[Role.ATTACHE], users[Role.PROGRAM_MANAGER]
    overdue = make_request(
        peru, actor=attache, received_on=date(2026, 1, 2), due_on=date(2026, 2, 1)
    )
    soon = make_request(peru, actor=attache, due_on=TODAY + timedelta(days=3))
    fresh = make_request(peru, actor=attache, due_on=TODAY + timedelta(days=30))
    draft = make_request(peru, Direction.OUTGOING, actor=attache)
    jordan_late = make_request(jordan, received_on=date(2026, 1, 2), due_on=date(2026, 2, 1))
    with django_assert_max_num_queries(10):
        lists = selectors.work_for(user=attache)

    def ids(work_list: WorkList) -> list[str]:
        return [i.url.rstrip("/").split("/")[-1] for i in work_list.items]

    assert [(w.key, ids(w), w.total) for w in lists] == [
        ("requests-overdue", [str(overdue.pk)], 1),
        ("requests-due-soon", [str(soon.pk)], 1),
        ("requests-to-start", [str(fresh.pk)], 1),
        ("requests-drafts", [str(draft.pk)], 1),
    ]
    assert lists[0].items[0].label == f"{overdue.reference} (Peru, incoming)"
    assert lists[0].more_url == "/agreements/requests/overdue/?mine=1"
    # Headquarters follows every overdue request, whoever owns it, on the whole overdue list.
    (overdue_list, *_) = selectors.work_for(user=manager)
    assert [i.label.split(" ")[0] for i in overdue_list.items] == [
        overdue.reference,
        jordan_late.reference,
    ]
    assert overdue_list.more_url == "/agreements/requests/overdue/"
    assert selectors.work_for(user=users[Role.TRAINING_ADVISOR]) == []


def test_work_for_counts_every_waiting_request_beyond_the_few_it_shows(users, peru, make_request):
    attache = users[Role.ATTACHE]
    for _ in range(selectors.WORK_SHOWN + 3):
        make_request(peru, actor=attache, received_on=date(2026, 1, 2), due_on=date(2026, 2, 1))
    (overdue,) = selectors.work_for(user=attache)
    assert (len(overdue.items), overdue.total) == (selectors.WORK_SHOWN, selectors.WORK_SHOWN + 3)
