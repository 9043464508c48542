"""Fixtures for agreement tests: Peru's CMAA in force (Peru is in the attaché's region, WHA),
Jordan's (outside it), requests under them, and a small real PDF; today is TODAY for every
agreement test (deadlines and dates depend on it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from liaison.accounts.roles import Role
from liaison.agreements import services
from liaison.agreements.models import Agreement, AssistanceRequest, Direction, RequestKind
from liaison.conftest import TODAY, create_agency
from liaison.demo.agreements import letter_pdf
from liaison.partners.models import Country

PDF = letter_pdf(["Request for mutual assistance", "Ref. 2026-041"])
SIGNED = date(2010, 5, 4)
IN_FORCE = date(2010, 9, 1)


@pytest.fixture(autouse=True)
def _today(frozen_today: date) -> None:
    pass


@pytest.fixture
def make_agreement(users: dict[Role, Any]) -> Callable[..., Agreement]:
    """An agreement recorded through the services: in force since 2010 unless told."""
    manager = users[Role.PROGRAM_MANAGER]

    def make(code: str = "PE", *, status: str = "in_force", **dates: date) -> Agreement:
        country = Country.objects.get(code=code)
        customs = create_agency(code, "Customs Service")
        agreement = services.agreement_create(actor=manager, country=country, counterpart=customs)
        if status == "negotiating":
            return agreement
        services.agreement_sign(actor=manager, agreement=agreement, on=dates.get("signed", SIGNED))
        if status == "signed":
            return agreement
        services.agreement_enter_into_force(
            actor=manager, agreement=agreement, on=dates.get("in_force", IN_FORCE)
        )
        if status == "suspended":
            services.agreement_suspend(
                actor=manager, agreement=agreement, on=TODAY - timedelta(days=10), reason="Review"
            )
        return agreement

    return make


@pytest.fixture
def peru(make_agreement: Callable[..., Agreement]) -> Agreement:
    return make_agreement("PE")


@pytest.fixture
def jordan(make_agreement: Callable[..., Agreement]) -> Agreement:
    return make_agreement("JO")


@pytest.fixture
def make_request(users: dict[Role, Any]) -> Callable[..., AssistanceRequest]:
    """A request filed by the program manager: incoming, received 10 days ago, unless told."""

    def make(
        agreement: Agreement,
        direction: str = Direction.INCOMING,
        *,
        actor: Any = None,
        **values: Any,
    ) -> AssistanceRequest:
        arguments: dict[str, Any] = {
            "subject": "Shipments of textiles declared as cotton",
            "kind": RequestKind.VERIFICATION,
            "legal_basis": "Article 4(1)",
            "details": "Verify the origin declared for three shipments.",
        }
        if direction == Direction.INCOMING:
            arguments["received_on"] = TODAY - timedelta(days=10)
        arguments.update(values)
        return services.assistance_request_file(
            actor=actor or users[Role.PROGRAM_MANAGER],
            agreement=agreement,
            direction=direction,
            **arguments,
        )

    return make


@pytest.fixture
def ready_to_send(users, peru, make_request, make_person):
    """An outgoing draft under Peru's CMAA with everything its checklist asks for."""
    manager = users[Role.PROGRAM_MANAGER]
    services.agreement_contact_add(
        actor=manager, agreement=peru, person=make_person("Rosa", "Huaman", nationality="PE")
    )
    draft = make_request(peru, Direction.OUTGOING, due_on=TODAY + timedelta(days=60))
    services.assistance_request_company_add(
        actor=manager, request=draft, name="Textiles Andinos SAC", role="exporter"
    )
    services.document_attach(
        actor=manager, request=draft, kind="request_letter", filename="letter.pdf", data=PDF
    )
    return draft
