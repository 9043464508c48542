"""Fixtures shared by every app's tests: reference data, a user per role, people.

The fixtures call plain functions (``create_user``, ``create_person``, ``create_agency``), so a
module-scoped fixture that builds its records once for many tests can make the same rows.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from io import StringIO
from typing import TYPE_CHECKING, Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import transaction

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.partners.models import Agency, AgencyKind, Country, Region
from liaison.partners.services import reference_partners_load
from liaison.people.indexing import index_person, search_name_of
from liaison.people.models import Person

if TYPE_CHECKING:
    from liaison.demo.build import DemoResult

PASSWORD = "correct horse battery staple"  # noqa: S105

# The moment the rules that depend on today are tested at (a Wednesday morning in Washington),
# so that no test's outcome depends on the day it runs: an app's tests, or a module's, take
# the ``frozen_today`` fixture. The clock still ticks from there, so durations stay real.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
TODAY: date = NOW.date()


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's, and before it drops a PostgreSQL test database: wait for the sessions
    other threads opened on it (the live server's, for the browser tests) to end, so that
    DROP DATABASE does not find one still open when the run ends on a busy machine."""
    yield
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        return
    connections.close_all()
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        others = (
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        for _ in range(100):
            cursor.execute(others)
            if not cursor.fetchall():
                break
            time.sleep(0.1)
        else:
            cursor.execute(f"SELECT pg_terminate_backend(pid) FROM ({others}) AS left_open")  # noqa: S608
    connections.close_all()


@pytest.fixture
def frozen_today() -> Iterator[date]:
    """Today is TODAY (time-machine) for the test: what is due, expired or upcoming is the
    same whenever the suite runs."""
    with time_machine.travel(NOW, tick=True):
        yield TODAY


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


# --- The demo: built once per run, shared by the tests that read it ---------------------------

# The smallest scale that still proves the published figures: the training and visit plans are
# the same at every scale, and 80 officials fill them.
DEMO_SCALE = 0.01
DEMO_SEED = 2015


@dataclass(frozen=True)
class Demo:
    result: DemoResult
    output: str  # what `liaison demo` printed when it built the data
    scale: float = DEMO_SCALE
    seed: int = DEMO_SEED


class _DemoHolder:
    """The demo, built by `liaison demo` in a transaction held open while the tests that read
    it run one after another (see ``pytest_collection_modifyitems``), then rolled back before
    any other test runs, so no other test ever sees it."""

    def __init__(self, blocker: Any) -> None:
        self.blocker = blocker
        self.atomic: Any = None
        self.demo: Demo | None = None

    def ensure(self) -> Demo:
        if self.demo is None:
            from django.core.management import call_command

            import liaison.demo.management.commands.demo as command

            built: list[DemoResult] = []
            build_demo = command.build_demo

            def build(**options: Any) -> DemoResult:  # the command's build, its result kept
                built.append(build_demo(**options))
                return built[-1]

            out = StringIO()
            with self.blocker.unblock(), time_machine.travel(NOW, tick=True):
                self.atomic = transaction.atomic()
                self.atomic.__enter__()
                try:
                    with mock.patch.object(command, "build_demo", build):
                        call_command("demo", scale=DEMO_SCALE, seed=DEMO_SEED, stdout=out)
                except BaseException:
                    self.release()
                    raise
            self.demo = Demo(built[0], out.getvalue())
        return self.demo

    def release(self) -> None:
        if self.atomic is not None:
            with self.blocker.unblock():
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)
        self.atomic, self.demo = None, None


_HOLDER_KEY = pytest.StashKey[_DemoHolder]()


@pytest.fixture(scope="session")
def _demo_holder(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[_DemoHolder]:
    holder = request.config.stash[_HOLDER_KEY] = _DemoHolder(django_db_blocker)
    yield holder
    holder.release()  # before the test database goes


@pytest.fixture(scope="module")
def _demo_built(_demo_holder: _DemoHolder) -> _DemoHolder:
    """Module-scoped so that it is set up before a test's own transaction opens inside it."""
    _demo_holder.ensure()
    return _demo_holder


@pytest.fixture
def shared_demo(_demo_built: _DemoHolder, frozen_today: date) -> Demo:
    """The run's demo data set (`liaison demo` at DEMO_SCALE, DEMO_SEED, built on TODAY and
    read on TODAY), read-only: a test's own changes are rolled back after it, like any test's."""
    demo = _demo_built.demo
    assert demo is not None, "the demo was rolled back between two tests that read it"
    return demo


def _reads_demo(item: pytest.Item) -> bool:
    return "shared_demo" in getattr(item, "fixturenames", ())


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that read the demo run one after another (first), so it is built once. Their
    modules are named test_demo*.py, so that under xdist they are sent to one worker (see
    liaison.core.tests.scheduling); a test elsewhere that reads it has it built again on its
    worker."""
    items.sort(key=lambda item: not _reads_demo(item))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield
    if nextitem is not None and _reads_demo(item) and not _reads_demo(nextitem):
        holder = item.session.config.stash.get(_HOLDER_KEY, None)
        if holder is not None:
            holder.release()
