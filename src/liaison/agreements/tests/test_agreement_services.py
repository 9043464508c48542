"""Agreements: recorded by headquarters only, with their counterpart customs administration,
one at a time per country; signed, in force, suspended, resumed and ended with dates in order
and never in the future; contacts on both sides."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.accounts.roles import Role
from liaison.agreements import services
from liaison.agreements.models import Agreement, AgreementStatus
from liaison.audit.models import AuditEntry
from liaison.conftest import TODAY
from liaison.partners.models import Country
from liaison.people.models import Staff

pytestmark = pytest.mark.django_db


def test_an_agreement_is_recorded_under_negotiation_with_the_usual_title(users, make_agency):
    customs = make_agency("PE", "Customs Service")
    agreement = services.agreement_create(
        actor=users[Role.PROGRAM_MANAGER],
        country=Country.objects.get(code="PE"),
        counterpart=customs,
    )
    assert agreement.status == AgreementStatus.NEGOTIATING
    assert agreement.title.startswith("Agreement between the Government of the United States")
    assert "Peru" in agreement.title
    assert not agreement.generated
    assert AuditEntry.objects.filter(action="agreement.created", object_id=str(agreement.pk))


@pytest.mark.parametrize(
    "role",
    [Role.ATTACHE, Role.TRAINING_ADVISOR, Role.IVP_COORDINATOR, Role.VETTING_OFFICER, Role.SPONSOR],
)
def test_only_headquarters_records_an_agreement(users, make_agency, role):
    with pytest.raises(PermissionDenied):
        services.agreement_create(
            actor=users[role],
            country=Country.objects.get(code="PE"),
            counterpart=make_agency("PE"),
        )
    assert not Agreement.objects.exists()


def test_the_counterpart_is_a_customs_administration_of_the_country(users, make_agency):
    manager, peru = users[Role.PROGRAM_MANAGER], Country.objects.get(code="PE")
    with pytest.raises(ValidationError, match="is not an agency of Peru"):
        services.agreement_create(actor=manager, country=peru, counterpart=make_agency("CO"))
    police = make_agency("PE", "Police", kind="police")
    with pytest.raises(ValidationError, match="the customs administration"):
        services.agreement_create(actor=manager, country=peru, counterpart=police)


def test_a_country_has_one_agreement_until_it_ends(users, peru, make_agency):
    manager = users[Role.PROGRAM_MANAGER]
    with pytest.raises(ValidationError, match="already has an agreement \\(in force\\)"):
        services.agreement_create(
            actor=manager, country=peru.country, counterpart=make_agency("PE", "Aduanas")
        )
    services.agreement_terminate(actor=manager, agreement=peru, on=TODAY, reason="Replaced")
    again = services.agreement_create(
        actor=manager, country=peru.country, counterpart=peru.counterpart
    )
    assert again.status == AgreementStatus.NEGOTIATING


def test_signature_then_entry_into_force_with_dates_in_order(users, make_agreement):
    manager = users[Role.PROGRAM_MANAGER]
    agreement = make_agreement(status="negotiating")
    with pytest.raises(ValidationError, match="cannot become in force"):
        services.agreement_enter_into_force(actor=manager, agreement=agreement, on=TODAY)
    services.agreement_sign(actor=manager, agreement=agreement, on=date(2020, 3, 1))
    with pytest.raises(ValidationError, match="comes before the signed on date"):
        services.agreement_enter_into_force(actor=manager, agreement=agreement, on=date(2020, 2, 1))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED and agreement.in_force_on is None
    services.agreement_enter_into_force(actor=manager, agreement=agreement, on=date(2020, 6, 1))
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on, agreement.in_force_on) == (
        AgreementStatus.IN_FORCE,
        date(2020, 3, 1),
        date(2020, 6, 1),
    )
    entry = AuditEntry.objects.get(action="agreement.in_force")
    assert entry.changes["status"] == ["signed", "in_force"]
    assert entry.changes["in_force_on"] == [None, "2020-06-01"]


def test_no_date_of_an_agreement_is_in_the_future(users, make_agreement):
    agreement = make_agreement(status="negotiating")
    with pytest.raises(ValidationError, match="in the future"):
        services.agreement_sign(
            actor=users[Role.PROGRAM_MANAGER], agreement=agreement, on=TODAY + timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="Give the date of signature"):
        services.agreement_sign(actor=users[Role.PROGRAM_MANAGER], agreement=agreement, on=None)


def test_suspending_needs_a_reason_and_resuming_clears_the_suspension(users, peru):
    manager = users[Role.PROGRAM_MANAGER]
    with pytest.raises(ValidationError, match="Say why the agreement is suspended"):
        services.agreement_suspend(actor=manager, agreement=peru, on=TODAY, reason=" ")
    services.agreement_suspend(actor=manager, agreement=peru, on=TODAY, reason="Data law review")
    peru.refresh_from_db()
    assert (peru.status, peru.suspended_on, peru.status_reason) == (
        AgreementStatus.SUSPENDED,
        TODAY,
        "Data law review",
    )
    services.agreement_resume(actor=manager, agreement=peru)
    peru.refresh_from_db()
    assert peru.status == AgreementStatus.IN_FORCE and peru.suspended_on is None
    assert (
        AuditEntry.objects.filter(action="agreement.in_force", object_id=str(peru.pk)).count() == 2
    )


def test_an_agreement_with_open_requests_cannot_end(users, peru, make_request):
    manager = users[Role.PROGRAM_MANAGER]
    make_request(peru)
    with pytest.raises(ValidationError, match="1 request\\(s\\) under it are still open"):
        services.agreement_terminate(actor=manager, agreement=peru, on=TODAY, reason="Ended")
    peru.refresh_from_db()
    assert peru.status == AgreementStatus.IN_FORCE and peru.terminated_on is None


def test_a_refused_move_leaves_the_agreement_as_it_was(users, peru):
    with pytest.raises(ValidationError):
        services.agreement_suspend(
            actor=users[Role.PROGRAM_MANAGER], agreement=peru, on=date(2009, 1, 1), reason="x"
        )
    assert peru.suspended_on is None and peru.status == AgreementStatus.IN_FORCE
    peru.refresh_from_db()
    assert peru.suspended_on is None


def test_the_agreement_workflow_is_headquarters_only(users, peru):
    for role in (Role.ATTACHE, Role.TRAINING_ADVISOR, Role.SPONSOR):
        with pytest.raises(PermissionDenied):
            services.agreement_suspend(actor=users[role], agreement=peru, on=TODAY, reason="x")


def test_dates_corrected_must_still_fit_the_state(users, peru):
    manager = users[Role.PROGRAM_MANAGER]
    with pytest.raises(ValidationError, match="needs its in force from date"):
        services.agreement_update(actor=manager, agreement=peru, in_force_on=None)
    assert peru.in_force_on is not None
    services.agreement_update(actor=manager, agreement=peru, signed_on=date(2010, 5, 1))
    peru.refresh_from_db()
    assert peru.signed_on == date(2010, 5, 1)
    entry = AuditEntry.objects.get(action="agreement.updated")
    assert entry.changes == {"signed_on": ["2010-05-04", "2010-05-01"]}


def test_the_partners_contact_is_an_official_of_the_country(users, peru, make_person):
    manager = users[Role.PROGRAM_MANAGER]
    with pytest.raises(ValidationError, match="is not an official of Peru"):
        services.agreement_contact_add(
            actor=manager, agreement=peru, person=make_person("Juan", "Gomez", nationality="CO")
        )
    rosa = make_person("Rosa", "Huaman", nationality="PE")
    services.agreement_contact_add(actor=manager, agreement=peru, person=rosa)
    with pytest.raises(ValidationError, match="already a contact"):
        services.agreement_contact_add(actor=manager, agreement=peru, person=rosa)
    staff = Staff.objects.create(kind="attache", given_name="Tom", family_name="Reyes")
    services.agreement_contact_add(actor=manager, agreement=peru, staff=staff)
    assert list(peru.their_contacts.all()) == [rosa] and list(peru.our_contacts.all()) == [staff]
    services.agreement_contact_remove(actor=manager, agreement=peru, person=rosa)
    assert not peru.their_contacts.exists()
    with pytest.raises(PermissionDenied):
        services.agreement_contact_add(actor=users[Role.ATTACHE], agreement=peru, staff=staff)


def test_in_force_on_a_day_counts_suspended_and_ended_agreements_by_their_dates(
    users, make_agreement
):
    manager = users[Role.PROGRAM_MANAGER]
    peru, chile = make_agreement("PE"), make_agreement("CL")
    make_agreement("CO", status="signed")
    services.agreement_suspend(actor=manager, agreement=peru, on=date(2020, 1, 1), reason="x")
    services.agreement_terminate(actor=manager, agreement=chile, on=date(2022, 1, 1), reason="y")
    on = Agreement.objects.in_force_on
    assert set(on(date(2019, 12, 31))) == {peru, chile}
    assert set(on(date(2020, 1, 1))) == {chile}
    assert set(on(date(2022, 1, 1))) == set()
    assert set(on(date(2010, 8, 31))) == set()
