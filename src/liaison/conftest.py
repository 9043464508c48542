"""Fixtures shared by every app's tests: reference data, a user per role, people.

The fixtures call plain functions (``create_user``, ``create_person``, ``create_agency``), so a
module-scoped fixture that builds its records once for many tests can make the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.partners.models import Agency, AgencyKind, Country, Region
from liaison.partners.services import reference_partners_load
from liaison.people.indexing import index_person, search_name_of
from liaison.people.models import Person

PASSWORD = "correct horse battery staple"  # noqa: S105


def create_user(
    role: Role = Role.PROGRAM_MANAGER, region: str | None = None, *, username: str, **extra: Any
) -> User:
    """A user with ``role``; an attaché covers the Western Hemisphere (WHA) unless told."""
    if role == Role.ATTACHE and region is None:
        region = "WHA"
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        region=Region.objects.get(code=region) if region else None,
        **extra,
    )


def create_person(
    given: str = "Ana", family: str = "Quispe", nationality: str = "PE", **extra: Any
) -> Person:
    """A registered person, indexed for matching (test set-up, not a user action)."""
    person = Person(
        given_name=given,
        family_name=family,
        nationality=Country.objects.get(code=nationality) if nationality else None,
        **extra,
    )
    person.search_name = search_name_of(person)
    person.save()
    index_person(person)
    return person


def create_agency(code: str = "PE", name: str = "Customs Service", **extra: Any) -> Agency:
    return Agency.objects.create(
        name=f"{name} of {code}",
        kind=extra.pop("kind", AgencyKind.CUSTOMS),
        country=Country.objects.get(code=code),
        **extra,
    )


@pytest.fixture
def reference(db: Any) -> None:
    reference_partners_load()


@pytest.fixture
def make_user(db: Any, reference: None) -> Callable[..., User]:
    counter = iter(range(10_000))

    def make(role: Role = Role.PROGRAM_MANAGER, region: str | None = None, **extra: Any) -> User:
        return create_user(role, region, username=f"{role.value}-{next(counter)}", **extra)

    return make


@pytest.fixture
def users(make_user: Callable[..., User]) -> dict[Role, User]:
    """One user per role; the attaché covers the Western Hemisphere (WHA)."""
    return {role: make_user(role) for role in Role}


@pytest.fixture
def country(reference: None) -> Callable[[str], Country]:
    return lambda code: Country.objects.get(code=code)


@pytest.fixture
def make_agency(reference: None) -> Callable[..., Agency]:
    return create_agency


@pytest.fixture
def make_person(reference: None) -> Callable[..., Person]:
    """A registered person, indexed for matching (test set-up, not a user action)."""
    return create_person
