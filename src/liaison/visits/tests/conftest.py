"""Fixtures for visit tests: focus areas, three sites, and a visit request filed; today is
TODAY for every visit test (what is upcoming, due or past depends on it)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from liaison.accounts.roles import Role
from liaison.catalog.models import FundingSource
from liaison.catalog.services import reference_catalog_load
from liaison.conftest import TODAY
from liaison.visits import services
from liaison.visits.models import FocusArea, Site, Visit

START = TODAY + timedelta(days=60)


@pytest.fixture(autouse=True)
def _today(frozen_today: date) -> None:
    pass


@pytest.fixture
def focus(reference):
    reference_catalog_load()
    return {
        code: FocusArea.objects.create(code=code, name=code.replace("_", " "))
        for code in ("targeting_risk", "trade_facilitation", "land_border_operations")
    }


@pytest.fixture
def sites(focus):
    def site(code: str, city: str, state: str, kind: str = "port_of_entry") -> Site:
        return Site.objects.create(
            code=code, name=code, kind=kind, city=city, state=state, latitude=30, longitude=-97
        )

    return {
        "hq": site("HQ", "Washington", "DC", "headquarters"),
        "laredo": site("POE-LRD", "Laredo", "TX"),
        "ntc": site("NTC", "Sterling", "VA", "targeting_center"),
    }


@pytest.fixture
def make_visit(users, country, focus):
    def make(actor=None, code: str = "PE", **extra) -> Visit:
        values = {
            "country": country(code),
            "sponsor": FundingSource.objects.get(code="INL"),
            "purpose": "Risk management at land ports",
            "earliest_start": START,
            "latest_end": START + timedelta(days=13),
            "length_days": 5,
            "delegation_size": 3,
            **extra,
        }
        return services.visit_request_file(
            actor=actor or users[Role.IVP_COORDINATOR],
            focus={focus["targeting_risk"]: 3, focus["land_border_operations"]: 2},
            **values,
        )

    return make
