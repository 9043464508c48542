"""Fixtures for postings tests: posts, staff of each kind, tours in any state; today is TODAY
for every postings test (arrivals, ends and what ends soon depend on it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import models

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.partners.models import Country
from liaison.people.models import Staff, StaffKind
from liaison.postings import services
from liaison.postings.models import (
    Coverage,
    Deployment,
    DeploymentProgram,
    Post,
    Posting,
    PostingStatus,
    PostKind,
)

# The order in which a tour reaches each state.
PATH = [PostingStatus.APPROVED, PostingStatus.ACTIVE, PostingStatus.ENDED]
# Every table a postings service may write to, plus the audit trail and the staff records.
WATCHED: tuple[type[models.Model], ...] = (
    AuditEntry,
    Post,
    Posting,
    Coverage,
    DeploymentProgram,
    Deployment,
    Staff,
)


@pytest.fixture(autouse=True)
def _today(frozen_today: date) -> None:
    pass


@pytest.fixture
def today(frozen_today: date) -> date:
    return frozen_today


@pytest.fixture
def manager(users: dict[Role, User]) -> User:
    return users[Role.PROGRAM_MANAGER]


@pytest.fixture
def attache(users: dict[Role, User]) -> User:
    """The Western Hemisphere's attaché."""
    return users[Role.ATTACHE]


@pytest.fixture
def make_staff(reference: None) -> Callable[..., Staff]:
    counter = iter(range(1000))

    def make(kind: str = StaffKind.ATTACHE, **extra: Any) -> Staff:
        n = next(counter)
        return Staff.objects.create(
            kind=kind,
            given_name=extra.pop("given_name", f"Officer{n}"),
            family_name=extra.pop("family_name", f"Abroad{n}"),
            **extra,
        )

    return make


@pytest.fixture
def make_post(manager: User) -> Callable[..., Post]:
    def make(code: str = "MX", city: str = "", kind: str = PostKind.EMBASSY) -> Post:
        country = Country.objects.get(code=code)
        city = city or country.name
        name = f"Post {city} ({kind})"
        existing = Post.objects.filter(name=name).first()
        return existing or services.post_create(
            actor=manager, name=name, kind=kind, city=city, country=country
        )

    return make


@pytest.fixture
def make_posting(
    manager: User, make_staff: Callable[..., Staff], make_post: Callable[..., Post], today: date
) -> Callable[..., Posting]:
    """A tour through the services to ``state``: at the Mexico City post by default, covering
    Mexico first and Guatemala too, from 30 days ago for three years."""

    def make(
        state: str = PostingStatus.PROPOSED,
        *,
        staff: Staff | None = None,
        post: Post | None = None,
        role: str = "attache",
        starts_on: date | None = None,
        ends_on: date | None = None,
        primary: tuple[str, ...] = ("MX",),
        secondary: tuple[str, ...] = ("GT",),
    ) -> Posting:
        starts_on = starts_on or today - timedelta(days=30)
        posting = services.posting_propose(
            actor=manager,
            staff=staff or make_staff(),
            role=role,
            post=post or make_post(),
            starts_on=starts_on,
            ends_on=ends_on or starts_on + timedelta(days=1095),
            primary=list(Country.objects.filter(code__in=primary)),
            secondary=list(Country.objects.filter(code__in=secondary)),
        )
        if state == PostingStatus.CANCELLED:
            return services.posting_withdraw(actor=manager, posting=posting, reason="Not now.")
        for step in PATH:
            if state == PostingStatus.PROPOSED:
                break
            if step == PostingStatus.APPROVED:
                services.posting_approve(actor=manager, posting=posting, reference="26 STATE 1")
            elif step == PostingStatus.ACTIVE:
                services.posting_arrive(actor=manager, posting=posting, on=posting.starts_on)
            else:
                services.posting_end(actor=manager, posting=posting, on=today, reason="Recalled.")
            if step == state:
                break
        return posting

    return make


def _state(objects: tuple[models.Model, ...]) -> tuple[list[int], list[Any]]:
    counts = [model._default_manager.count() for model in WATCHED]
    rows = [type(obj)._default_manager.filter(pk=obj.pk).values().first() for obj in objects]
    return counts, rows


@contextmanager
def refused(
    error: type[Exception], says: str, *objects: models.Model
) -> Iterator[pytest.ExceptionInfo[Any]]:
    """The block raises ``error`` whose message contains ``says``; afterwards no watched table
    gained or lost a row, no audit entry was written, and each of ``objects`` is unchanged in
    the database."""
    before = _state(objects)
    with pytest.raises(error, match=re.escape(says)) as caught:
        yield caught
    assert _state(objects) == before
