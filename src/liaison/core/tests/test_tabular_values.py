"""The value rules of core.tabular, usable alone: text, gender, country, date."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from liaison.core.tabular import (
    PERSON_COLUMN_SYNONYMS,
    AmbiguousDate,
    DateOrder,
    clean_text,
    country_code,
    header_key,
    parse_date_text,
    parse_gender,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  Smith  ", "Smith"),
        ("Jos\u0065\u0301", "José"),  # decomposed é becomes one character (NFC)
        ("\u200bSmith\u200d\u2060\ufeff", "Smith"),
        ("Mary\u00a0Anne\u2007van\u202fDyke", "Mary Anne van Dyke"),
        ("a\t\tb\r\nc   d", "a b c d"),
        ("A\x00B\x07C\x1bD", "ABCD"),
        ("\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627",) * 2,
        ("", ""),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_clean_text_keeps_the_zero_width_non_joiner_persian_names_need():
    assert "\u200c" in clean_text("\u0646\u0627\u0645\u200c\u0647\u0627")


@pytest.mark.parametrize(
    ("written", "gender"),
    [
        ("F", "female"),
        ("f", "female"),
        ("Female", "female"),
        ("WOMAN", "female"),
        ("Mrs.", "female"),
        ("Ms", "female"),
        ("Mme", "female"),
        ("Sra.", "female"),
        ("Femenino", "female"),
        ("mujer", "female"),
        ("Féminin", "female"),
        ("femme", "female"),
        ("Feminino", "female"),
        ("Mulher", "female"),
        ("M", "male"),
        ("male", "male"),
        ("Man", "male"),
        ("Mr", "male"),
        ("Sr.", "male"),
        ("Masculino", "male"),
        ("HOMBRE", "male"),
        ("masculin", "male"),
        ("Homme", "male"),
        ("H", "male"),
        ("homem", "male"),
        ("Varón", "male"),
        ("", ""),
        ("  ", ""),
        ("-", ""),
        ("X", ""),
        ("Unknown", ""),
        ("N/A", ""),
        ("No especificado", ""),
        ("banana", None),
        ("Q", None),
    ],
)
def test_parse_gender(written, gender):
    assert parse_gender(written) == gender


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("NA", "NA"),
        ("na", "NA"),
        ("Namibia", "NA"),
        ("N/A", None),
        ("", None),
        ("MX", "MX"),
        ("MEX", "MX"),
        ("mexico", "MX"),
        ("México", "MX"),
        ("Mexique", "MX"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("Estados Unidos", "US"),
        ("États-Unis", "US"),
        ("UK", "GB"),
        ("Reino Unido", "GB"),
        ("Royaume-Uni", "GB"),
        ("Russia", "RU"),
        ("Rusia", "RU"),
        ("Russie", "RU"),
        ("Rússia", "RU"),
        ("Bolivia", "BO"),
        ("Bolívia", "BO"),
        ("Viet Nam", "VN"),
        ("Vietnã", "VN"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d\u2019Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Costa de Marfil", "CI"),
        ("Costa do Marfim", "CI"),
        ("Alemania", "DE"),
        ("Allemagne", "DE"),
        ("Alemanha", "DE"),
        ("The Gambia", "GM"),
        ("Narnia", None),
        ("XX", None),
    ],
)
def test_country_code(written, code):
    assert country_code(written) == code


TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2024-03-07", date(2024, 3, 7)),
        ("2024/03/07", date(2024, 3, 7)),
        ("25.03.1980", date(1980, 3, 25)),
        ("25-03-1980", date(1980, 3, 25)),
        ("25/03/1980", date(1980, 3, 25)),
        ("03/25/1980", date(1980, 3, 25)),
        ("07/07/1985", date(1985, 7, 7)),
        ("26 August 1980", date(1980, 8, 26)),
        ("17-Feb-1978", date(1978, 2, 17)),
        ("17-feb-78", date(1978, 2, 17)),
        ("Apr 14 1988", date(1988, 4, 14)),
        ("April 14, 1988", date(1988, 4, 14)),
        ("14 de abril de 1988", date(1988, 4, 14)),
        ("3 mars 1975", date(1975, 3, 3)),
        ("1er janvier 2000", date(2000, 1, 1)),
        ("5 févr. 1990", date(1990, 2, 5)),
        ("ago 5 1990", date(1990, 8, 5)),
        ("12 de dezembro de 1969", date(1969, 12, 12)),
        ("Tuesday, 26 August 1980", date(1980, 8, 26)),
        ("1980-08-26 00:00:00", date(1980, 8, 26)),
        ("1980-08-26T00:00:00Z", date(1980, 8, 26)),
        ("26/08/1980 12:00:00 AM", date(1980, 8, 26)),
        ("19800826", date(1980, 8, 26)),
        ("29305", date(1980, 3, 25)),
        ("26/08/80", date(1980, 8, 26)),
        ("26/08/24", date(2024, 8, 26)),
        ("26/08/25", date(1925, 8, 26)),
    ],
)
def test_parse_date_text_reads_unambiguous_forms(written, read):
    assert parse_date_text(written, order=None, today=TODAY) == read


def test_two_digit_years_look_ahead_for_future_dates():
    assert parse_date_text("15/03/30", order=DateOrder.DAY_FIRST, today=TODAY).year == 1930
    assert (
        parse_date_text("15/03/30", order=DateOrder.DAY_FIRST, future=True, today=TODAY).year
        == 2030
    )
    assert (
        parse_date_text("15/03/24", order=DateOrder.DAY_FIRST, future=True, today=TODAY).year
        == 2024
    )


def test_an_ambiguous_date_raises_with_both_readings():
    with pytest.raises(AmbiguousDate) as caught:
        parse_date_text("07/03/1985", order=None)
    assert caught.value.day_first == date(1985, 3, 7)
    assert caught.value.month_first == date(1985, 7, 3)
    assert isinstance(caught.value, ValueError)
    assert parse_date_text("07/03/1985", order=DateOrder.DAY_FIRST) == date(1985, 3, 7)
    assert parse_date_text("07/03/1985", order=DateOrder.MONTH_FIRST) == date(1985, 7, 3)


@pytest.mark.parametrize(
    ("written", "order", "message"),
    [
        ("31/02/1980", None, "February 1980 has 29 days"),
        ("25/03/1980", DateOrder.MONTH_FIRST, "not a date in month/day/year order"),
        ("03/25/1980", DateOrder.DAY_FIRST, "not a date in day/month/year order"),
        ("32/13/1980", None, "neither 32 nor 13 is a month"),
        ("1980-13-01", None, "no month 13"),
        ("1850-01-01", None, "outside 1900 to 2100"),
        ("1980-08-26 14:30", None, "holds a time"),
        ("soon", None, "YYYY-MM-DD"),
        ("", None, "No date"),
        ("99999", None, "YYYY-MM-DD"),
        ("31 Feb 1980", None, "29 days"),
    ],
)
def test_parse_date_text_refuses_with_a_message(written, order, message):
    with pytest.raises(ValueError, match=message):
        parse_date_text(written, order=order, today=TODAY)


def test_no_header_spelling_belongs_to_two_person_columns():
    owners: dict[str, str] = {}
    for key, names in PERSON_COLUMN_SYNONYMS.items():
        for name in (key, *names):
            assert owners.setdefault(header_key(name), key) == key, name


def test_every_country_of_the_reference_list_is_read_by_code_and_by_name():
    """Kosovo's user-assigned XK included: a roster of Kosovar officials must not be refused."""
    path = Path(__file__).resolve().parents[1] / "data" / "regions.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert country_code(row["iso2"]) == row["iso2"], row
            assert country_code(row["country"]) == row["iso2"], row
    assert country_code("XKX") == "XK"
