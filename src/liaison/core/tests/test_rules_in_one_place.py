"""Roles and scope are known only to each app's permissions.py (and to accounts, which
defines them): a list and a detail page read the same scope, so they cannot disagree."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Q, QuerySet

from liaison.accounts.roles import Role
from liaison.core.access import matches

APPS = Path(__file__).resolve().parents[2]
# Where roles may be named: the roles themselves, each app's permissions, and the generators
# that create the demo accounts.
ALLOWED = {"permissions.py"}
ALLOWED_DIRS = {"accounts", "demo", "tests", "migrations"}


def _modules() -> Iterator[Path]:
    for path in sorted(APPS.rglob("*.py")):
        parts = set(path.relative_to(APPS).parts[:-1])
        if path.name in ALLOWED or parts & ALLOWED_DIRS or path.name == "conftest.py":
            continue
        yield path


def _names_a_user(node: ast.expr) -> bool:
    """``user``, ``actor``, ``request.user``, ``staff.user`` …: an expression for a user."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name in {"user", "actor", "owner"} or name.endswith("_user")


def _role_uses(tree: ast.AST) -> list[int]:
    """Lines that read a user's ``.role``, name a ``Role`` member, filter on ``user__role`` or
    import the roles (a delegate's or an instructor's role is another field)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "role" and _names_a_user(node.value):
            lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "Role":
                lines.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg and node.arg.endswith("__role"):
            lines.append(node.value.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "liaison.accounts.roles":
            lines.append(node.lineno)
    return lines


def test_no_module_but_permissions_reads_a_users_role() -> None:
    found = []
    for path in _modules():
        source = path.read_text()
        for line in _role_uses(ast.parse(source)):
            found.append(f"{path.relative_to(APPS)}:{line}: {source.splitlines()[line - 1]}")
    assert found == []


def test_the_check_sees_a_role_comparison_and_passes_other_roles() -> None:
    assert _role_uses(ast.parse("if user.role == Role.ATTACHE:\n    pass\n")) == [1, 1]
    assert _role_uses(ast.parse("staff.filter(user__role='host')")) == [1]
    assert _role_uses(ast.parse("ok = request.user.role in roles")) == [1]
    assert _role_uses(ast.parse("add(role=payload.role)\nd.role == 'head'")) == []


# --- a list and a detail page agree ---------------------------------------------------------


def agree(
    users: dict[Role, Any],
    scope: Callable[[Any, QuerySet[Any]], QuerySet[Any]],
    perm: str,
    records: QuerySet[Any],
) -> None:
    """For each user, the records ``scope`` lists are exactly the ones ``perm`` opens."""
    everything = list(records)
    assert everything, "the test needs records to compare"
    for role, user in users.items():
        listed = {r.pk for r in scope(user, records)}
        openable = {r.pk for r in everything if user.has_perm(perm, r)}
        assert listed == openable, (role, perm)


@pytest.mark.django_db
def test_lists_show_exactly_the_records_their_detail_pages_open(
    users, make_user, make_person, make_agency
) -> None:
    from liaison.partners.models import Agency, Country
    from liaison.partners.permissions import scope_agencies, scope_countries
    from liaison.people.models import Person
    from liaison.people.permissions import scope_people
    from liaison.vetting.models import VettingRecord
    from liaison.vetting.permissions import scope_vetting_records

    users = {**users, "attaché without region": make_user(Role.ATTACHE, region=None)}
    users["attaché without region"].region = None
    users["attaché without region"].save()
    people = [make_person(nationality=code) for code in ("PE", "MX", "FR", "KE")]
    make_person(nationality="")
    make_agency("PE"), make_agency("FR")
    for person in people:
        VettingRecord.objects.create(person=person)
    agree(users, scope_people, "people.view_person", Person.objects.all())
    agree(users, scope_countries, "partners.view_country", Country.objects.all())
    agree(users, scope_agencies, "partners.view_agency", Agency.objects.all())
    agree(users, scope_vetting_records, "vetting.view_record", VettingRecord.objects.all())


def test_matches_reads_a_condition_as_the_database_would() -> None:
    class Region:
        pk = 7

    class Country:
        region_id = 7
        region = Region()

    class Agency:
        pk = 1
        country = Country()

    agency = Agency()
    assert matches(agency, Q())
    assert not matches(agency, Q(pk__in=[]))
    assert matches(agency, Q(country__region_id=7))
    assert not matches(agency, Q(country__region_id=8))
    assert matches(agency, Q(country__region_id=8) | Q(country__region_id=7))
    assert matches(agency, ~Q(country__region_id=8))
    assert matches(agency, Q(country__region_id__in=[1, 7]))
    assert not matches(agency, Q(country__region_id__isnull=True))
