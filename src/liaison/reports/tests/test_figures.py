"""The counting rules of a fiscal year's figures, unfiltered and narrowed: the fiscal year's
boundaries, unique people against seats, cancelled deliveries left out, a figure that cannot be
narrowed shown as such, never as the whole agency's number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from liaison.conftest import NOW
from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import ReportScope
from liaison.reports.figures import fiscal_year_figures, not_narrowed
from liaison.reports.filters import ReportFilters
from liaison.training.models import DeliveryStatus, EnrollmentStatus
from liaison.training.report import training_outcomes
from liaison.training.selectors import delivery_list

pytestmark = pytest.mark.django_db

FY2015 = FiscalYear(2015)


def test_a_delivery_counts_in_the_fiscal_year_it_starts_in(make_delivery, users):
    make_delivery(starts_on=date(2014, 9, 30))  # FY2014's last day
    make_delivery(starts_on=date(2014, 10, 1))  # FY2015's first day
    make_delivery(starts_on=date(2015, 9, 30))  # FY2015's last day
    make_delivery(starts_on=date(2015, 10, 1))  # FY2016's first day
    assert fiscal_year_figures(FiscalYear(2014))["deliveries"] == 1
    assert fiscal_year_figures(FY2015)["deliveries"] == 2
    assert fiscal_year_figures(FiscalYear(2016))["deliveries"] == 1
    # The delivery list's year filter reads the same calendar.
    manager = users["program_manager"]
    listed = delivery_list(user=manager, fiscal_year=2015)
    assert sorted(d.starts_on for d in listed) == [date(2014, 10, 1), date(2015, 9, 30)]


def test_cancelled_deliveries_never_count_nor_their_seats(make_delivery, seat, crowd):
    held = make_delivery()
    cancelled = make_delivery(status=DeliveryStatus.CANCELLED, budget=9000)
    ana, luz = crowd(2)
    seat(held, ana)
    seat(cancelled, luz)
    figures = fiscal_year_figures(FY2015)
    assert figures["deliveries"] == 1
    assert figures["participants"] == 1
    assert figures["enrollments"] == 1
    assert training_outcomes(FY2015).budget == Decimal("0")


def test_a_person_trained_twice_is_one_participant_and_two_seats(make_delivery, seat, crowd):
    first, second = make_delivery(), make_delivery(venue="ILEA-BKK")
    ana, luz, eva, rosa = crowd(4)
    seat(first, ana)
    seat(second, ana)
    seat(first, luz)
    seat(first, eva, status=EnrollmentStatus.WAITLISTED)  # held no seat
    seat(first, rosa, status=EnrollmentStatus.NO_SHOW)  # held a seat, was not trained
    figures = fiscal_year_figures(FY2015)
    assert figures["participants"] == 2
    assert figures["enrollments"] == 4
    assert figures["delivery_countries"] == 2
    assert figures["ilea_deliveries"] == 2


def test_completion_learning_and_costs_of_the_year(make_delivery, seat, crowd):
    delivery = make_delivery(budget=10000, actual=8500)
    ana, luz, eva = crowd(3)
    seat(delivery, ana, scores=(40, 80), certified=True)
    seat(delivery, luz, scores=(60, 90))
    revoked = seat(delivery, eva, certified=True).certificate
    revoked.revoked_at = NOW
    revoked.save()
    outcomes = training_outcomes(FY2015)
    assert (outcomes.attended, outcomes.completed) == (3, 1)
    assert outcomes.completion_rate == 33.3
    assert (outcomes.tested, outcomes.pre_mean, outcomes.post_mean) == (2, 50.0, 85.0)
    assert outcomes.learning_gain == 35.0
    assert (outcomes.budget, outcomes.actual) == (Decimal("10000"), Decimal("8500"))


def test_filters_narrow_every_figure_that_carries_them(make_delivery, seat, make_visit, crowd):
    salvador = make_delivery(funding="INL")  # WHA
    make_delivery(venue="ILEA-BKK", funding="DOD", course="SCS-101")  # EAP, program area WCO
    ana, luz = crowd(2)
    make_visit(country="PE", sponsor="INL", delegates=[ana])
    make_visit(country="TH", sponsor="DOD", delegates=[luz])
    seat(salvador, ana)
    whole = fiscal_year_figures(FY2015)
    assert (whole["deliveries"], whole["visits"], whole["visit_officials"]) == (2, 2, 2)
    wha = fiscal_year_figures(FY2015, ReportScope(region="WHA"))
    assert (wha["deliveries"], wha["visits"], wha["participants"]) == (1, 1, 1)
    inl = fiscal_year_figures(
        FY2015, ReportFilters.model_validate({"funding_source": "inl"})
    )  # any case
    assert (inl["deliveries"], inl["visits"]) == (1, 1)
    thailand = fiscal_year_figures(FY2015, ReportScope(country="TH"))
    assert (thailand["deliveries"], thailand["visits"], thailand["participants"]) == (1, 1, 0)


def test_a_figure_that_cannot_be_narrowed_is_not_shown_and_says_why(make_delivery, make_visit):
    make_delivery(course="SCS-101")  # program area WCO
    make_visit()
    scope = ReportScope(program_area="WCO")
    figures = fiscal_year_figures(FY2015, scope)
    assert figures["deliveries"] == 1
    assert figures["visits"] is None and figures["visit_officials"] is None
    assert figures["cmaas_in_force"] is None and figures["people"] is None
    missing = not_narrowed(scope)
    assert missing["visits"] == ["program area"]
    assert "deliveries" not in missing
    assert not_narrowed(ReportScope()) == {}
    # A funding source narrows visits (their sponsor) but not agreements.
    by_source = not_narrowed(ReportScope(funding_source="INL"))
    assert "visits" not in by_source and by_source["cmaas_in_force"] == ["funding source"]


def test_unfiltered_figures_keep_their_keys(make_delivery):
    make_delivery()
    assert list(fiscal_year_figures(FY2015)) == [
        "fiscal_year",
        "people",
        "agencies",
        "deliveries",
        "delivery_countries",
        "ilea_deliveries",
        "participants",
        "enrollments",
        "visits",
        "visit_officials",
        "visit_countries",
        "postings",
        "safe_programs",
        "cmaas_in_force",
        "cmaas_signed",
        "cmaas_signed_countries",
        "assistance_requests",
    ]
