from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import DateField, Value

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.conftest import Demo
from liaison.core.fiscal import FiscalYear, fiscal_year_of, fiscal_year_of_field
from liaison.demo.build import build_demo
from liaison.partners.models import Agency, Region
from liaison.people.models import Person
from liaison.postings.models import Coverage, Posting
from liaison.training.models import Certificate, Enrollment

pytestmark = pytest.mark.django_db


def _people() -> list[tuple[str, str, str, str]]:
    return list(
        Person.objects.order_by("pk").values_list(
            "given_name", "family_name", "native_name", "nationality__code"
        )
    )


def _training() -> list[Any]:
    """Every roster line with its delivery, and the certificate codes: ids left out."""
    fields = (
        "delivery__course__code",
        "delivery__venue__code",
        "delivery__starts_on",
        "delivery__status",
        "person__given_name",
        "person__family_name",
        "status",
        "post_score",
    )
    rosters = list(Enrollment.objects.order_by(*fields).values_list(*fields))
    return [rosters, sorted(Certificate.objects.values_list("code", flat=True))]


def _postings() -> list[Any]:
    """Every tour with its officer, post, dates and state, and its countries: ids left out."""
    fields = (
        "staff__given_name",
        "staff__family_name",
        "post__name",
        "role",
        "starts_on",
        "ends_on",
        "ended_on",
        "status",
    )
    tours = list(Posting.objects.order_by(*fields).values_list(*fields))
    coverage = sorted(
        Coverage.objects.values_list(
            "posting__post__name", "posting__starts_on", "country__code", "kind"
        )
    )
    return [tours, coverage]


def _built_again(demo: Demo) -> tuple[list[tuple[str, str, str, str]], list[Any], list[Any]]:
    """Build the demo once more from nothing (every row of Liaison's own tables gone), read it
    back, and undo it all, the run's demo included, so the tests after find it as it was."""
    with transaction.atomic():
        for model in apps.get_models(include_auto_created=True):
            if model.__module__.startswith("liaison.") or model is User:
                model._base_manager.all()._raw_delete(DEFAULT_DB_ALIAS)
        assert not Person.objects.exists()
        build_demo(scale=demo.scale, seed=demo.seed)
        snapshot = _people(), _training(), _postings()
        transaction.set_rollback(True)
    return snapshot


def test_demo_data_is_deterministic_and_uses_native_scripts(shared_demo):
    first, training, postings = _people(), _training(), _postings()
    assert _built_again(shared_demo) == (first, training, postings)
    assert len(first) == 80
    natives = [native for _, _, native, _ in first if native]
    assert any("\u0600" <= ch <= "\u06ff" for n in natives for ch in n), "some Arabic-script names"
    assert len({code for *_, code in first}) > 30
    assert len(training[0]) > 1000 and training[1]
    assert len(postings[0]) > 150 and postings[1]


@pytest.fixture
def demo_output(shared_demo: Demo) -> str:
    """What `liaison demo` printed when it built the run's demo."""
    return shared_demo.output


def test_demo_command_prints_one_account_per_role_and_runs_again_quickly(demo_output, capsys):
    assert "Built demo data: 80 officials" in demo_output
    call_command("demo", scale=0.01)
    out = capsys.readouterr().out
    assert "Kept the existing demo data" in out
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Person.objects.count() == 80


def test_report_prints_the_fiscal_years_figures_as_json(demo_output, capsys):
    call_command("report", fy=2015, json=True)
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["people"] == 80
    assert figures["agencies"] == Agency.objects.count()
    assert figures["deliveries"] == 222
    assert figures["postings"] == 58  # tours served in FY2015 (the demo's rotations since 2011)
    assert figures["safe_programs"] == 1  # the demo's finished FY2014-FY2017 program
    call_command("report", fy=2014, json=True)
    earlier = json.loads(capsys.readouterr().out)
    assert earlier["deliveries"] == 214
    # Officials trained in FY2013 and FY2014 were in the registry by then.
    assert 0 < earlier["people"] <= figures["people"]
    call_command("report", fy=2012, json=True)
    assert json.loads(capsys.readouterr().out)["deliveries"] == 0


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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2014, 9, 30), 2014), (date(2014, 10, 1), 2015), (date(2015, 12, 31), 2016)],
)
def test_the_database_groups_a_date_into_the_same_fiscal_year(day, year):
    Region.objects.create(code="T", name="Test")
    found = (
        Region.objects.filter(code="T")
        .annotate(day=Value(day, output_field=DateField()))
        .annotate(fy=fiscal_year_of_field("day"))
        .values_list("fy", flat=True)
    )
    assert list(found) == [year]
