from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.core.demo import build_demo
from liaison.core.fiscal import FiscalYear, fiscal_year_of
from liaison.partners.models import Agency
from liaison.people.models import Person, Staff

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[str, str, str, str]]:
    return list(
        Person.objects.order_by("pk").values_list(
            "given_name", "family_name", "native_name", "nationality__code"
        )
    )


def test_demo_data_is_deterministic_and_uses_native_scripts(reference):
    build_demo(scale=0.05, seed=7)
    first = _snapshot()
    Person.objects.all().delete()
    Agency.objects.all().delete()
    Staff.objects.all().delete()
    build_demo(scale=0.05, seed=7)
    assert _snapshot() == first
    assert len(first) == 400
    natives = [native for _, _, native, _ in first if native]
    assert any("\u0600" <= ch <= "\u06ff" for n in natives for ch in n), "some Arabic-script names"
    assert len({code for *_, code in first}) > 30


def test_demo_command_prints_one_account_per_role_and_runs_again_quickly(reference, capsys):
    call_command("demo", scale=0.01)
    call_command("demo", scale=0.01)
    out = capsys.readouterr().out
    assert "Kept the existing demo data" in out
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Person.objects.count() == 80


def test_report_prints_the_fiscal_years_figures_as_json(reference, capsys):
    build_demo(scale=0.01)
    call_command("report", fy=2015, json=True)
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["people"] == 80
    assert figures["agencies"] == Agency.objects.count()
    call_command("report", fy=2014, json=True)
    assert json.loads(capsys.readouterr().out)["people"] == 0


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2014, 9, 30), 2014),
        (date(2014, 10, 1), 2015),
        (date(2015, 9, 30), 2015),
        (date(2015, 10, 1), 2016),
    ],
)
def test_fiscal_year_runs_october_to_september(day, year):
    assert fiscal_year_of(day) == FiscalYear(year)
    assert day in FiscalYear(year)
