"""The duplicate-person matcher on plain data: no database, no Django."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date

import pytest
from faker import Faker
from faker.config import AVAILABLE_LOCALES
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.bench.people import InMemoryIndex, evaluate, generate, predict
from liaison.core.locales import COUNTRY_LOCALES, FALLBACK_LOCALE, faker_locale_for_country
from liaison.people.matching import (
    MATCH_THRESHOLD,
    Match,
    NameRecord,
    birth_date_slip,
    blocking_keys,
    close_birth_dates,
    is_birth_date_reason,
    name_tokens,
    near_date_keys,
    normalize,
    phonetic_key,
    rank_candidates,
    score,
)

BORN = date(1980, 5, 17)


def person(
    person_id: int | None,
    given: str,
    family: str,
    native: str = "",
    born: date | None = BORN,
    nationality: str = "JO",
) -> NameRecord:
    return NameRecord(person_id, given, family, native, born, nationality)


def assert_same_person(a: NameRecord, b: NameRecord) -> None:
    assert (blocking_keys(a) | near_date_keys(a)) & blocking_keys(b), "no shared blocking key"
    value, reasons = score(a, b)
    assert value >= MATCH_THRESHOLD, (value, reasons)


def assert_other_person(a: NameRecord, b: NameRecord) -> None:
    value, reasons = score(a, b)
    assert value < MATCH_THRESHOLD, (value, reasons)


# --- normalising and keys -----------------------------------------------------------------


def test_normalize_transliterates_lowercases_and_joins_articles() -> None:
    assert normalize("  Mohammed  Al-Rashid ") == "mohammed alrashid"
    assert normalize("El-Sayed O'Brien") == "elsayed obrien"
    assert normalize("Jean-Pierre") == "jean pierre"
    assert normalize("Çağlar Şükrü") == "caglar sukru"
    assert normalize("محمد الراشد") == "mhmd alrshd"
    assert normalize("Сергей Иванов") == "sergey ivanov"
    assert normalize("") == ""


def test_name_tokens_drop_standalone_particles_and_join_compounds() -> None:
    assert name_tokens(person(1, "Mohammed", "Al Rashid")) == ["mohammed", "rashid"]
    assert name_tokens(person(1, "Ahmad", "bin Abdullah")) == ["ahmad", "abdullah"]
    assert name_tokens(person(1, "Ludwig", "van Beethoven")) == ["ludwig", "beethoven"]
    assert name_tokens(person(1, "Abd al-Rahman", "Hassan")) == ["abdalrahman", "hassan"]
    assert name_tokens(person(1, "Mohammed", "Al-Rashid", "محمد الراشد")) == [
        "mohammed",
        "alrashid",
        "mhmd",
        "alrshd",
    ]


@pytest.mark.parametrize(
    "spellings",
    [
        ("mohammed", "muhammad", "Mohamed", "mohammad", "محمد"),
        ("alrashid", "al-rashid", "rashid", "Ar-Rashid", "الراشد"),
        ("youssef", "yusuf", "yousef", "يوسف"),
        ("sergey", "sergei", "Сергей"),
        ("abdullah", "abdulla", "عبد الله"),
        ("omar", "umar", "عمر"),
        ("hussein", "husain", "hossein", "حسين"),
        ("khaled", "khalid", "خالد"),
        ("alexander", "aleksandr"),
    ],
)
def test_phonetic_key_is_the_same_across_transliterations(spellings: tuple[str, ...]) -> None:
    keys = {phonetic_key(s) for s in spellings}
    assert len(keys) == 1, keys


def test_phonetic_key_keeps_different_names_apart() -> None:
    assert phonetic_key("hassan") != phonetic_key("rashid")
    assert phonetic_key("ivanov") != phonetic_key("petrov")
    assert phonetic_key("aya")  # an all-vowel name still has a key


# --- the required example and its variants -------------------------------------------------


def test_arabic_script_and_latin_variants_are_one_person() -> None:
    latin = person(1, "Mohammed", "Al-Rashid")
    other_latin = person(2, "Muhammad", "Alrashid")
    native_only = person(3, "", "", "محمد الراشد")
    both = person(4, "Mohammed", "Al-Rashid", "محمد الراشد")
    records = [latin, other_latin, native_only, both]
    assert set.intersection(*(blocking_keys(r) for r in records))
    for a in records:
        for b in records:
            if a is not b:
                assert_same_person(a, b)
    assert [m.person_id for m in rank_candidates(native_only, [latin, other_latin])] == [1, 2]


def test_swapped_given_and_family_names_are_one_person() -> None:
    stored = person(1, "Mohammed", "Al-Rashid")
    swapped = person(None, "Al-Rashid", "Mohammed")
    assert_same_person(swapped, stored)
    assert "name order swapped" in score(swapped, stored)[1][0]
    assert score(swapped, stored)[0] == score(person(None, "Mohammed", "Al-Rashid"), stored)[0]


@pytest.mark.parametrize(
    "typo",
    [
        ("Mohammed", "Al-Rashdi"),  # letters swapped
        ("Mohammed", "Al-Rasid"),  # a letter dropped
        ("Mohammmed", "Al-Rashid"),  # a letter doubled
        ("Mojammed", "Al-Rashid"),  # a consonant replaced
        ("Mohammed", "Al-Rashod"),  # a vowel replaced
    ],
)
def test_one_character_typo_is_still_a_match(typo: tuple[str, str]) -> None:
    stored = person(1, "Mohammed", "Al-Rashid")
    assert_same_person(person(None, *typo), stored)
    assert_same_person(person(None, *typo, born=None), stored)


def test_typo_breaking_a_digraph_is_found_through_the_birth_date() -> None:
    # "sh" misread as "lh" changes two letters of the skeleton: the name keys miss it, the
    # birth-date key does not.
    stored = person(1, "Mohammed", "Al-Rashid")
    assert_same_person(person(None, "Mohammed", "Al-Ralhid"), stored)


def test_missing_birth_date_is_still_a_match_but_scores_lower() -> None:
    stored = person(1, "Muhammad", "Alrashid")
    undated = person(None, "Mohammed", "Al-Rashid", born=None)
    dated = person(None, "Mohammed", "Al-Rashid")
    assert_same_person(undated, stored)
    assert score(undated, stored)[0] < score(dated, stored)[0]
    assert "birth date unknown on one side" in score(undated, stored)[1]


def test_cyrillic_and_latin_spellings_are_one_person() -> None:
    cyrillic = person(1, "", "", "Сергей Иванов", nationality="RU")
    assert_same_person(person(None, "Sergey", "Ivanov", nationality="RU"), cyrillic)
    assert_same_person(person(None, "Sergei", "Ivanov", nationality="RU"), cyrillic)
    assert_same_person(person(None, "Ivanov", "Sergei", born=None, nationality="RU"), cyrillic)


def test_compound_names_match_however_they_are_spaced() -> None:
    stored = person(1, "Abdulrahman", "Hassan")
    assert_same_person(person(None, "Abd al-Rahman", "Hassan"), stored)
    assert_same_person(person(None, "Abdul Rahman", "Hasan"), stored)
    assert_same_person(person(None, "", "", "عبد الرحمن حسن"), stored)


def test_cjk_name_written_without_spaces_matches_its_latin_form() -> None:
    stored = person(1, "Jinfeng", "Liang", nationality="CN")
    assert_same_person(person(None, "", "", "梁金凤", nationality="CN"), stored)
    assert_same_person(person(None, "Liang", "Jinfeng", born=None, nationality="CN"), stored)


# --- birth dates one slip apart ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "typed", "slip"),
    [
        (date(1985, 3, 7), date(1985, 7, 3), "day and month swapped"),
        (date(1985, 3, 7), date(1985, 3, 1), "one digit differs"),
        (date(1985, 3, 7), date(1975, 3, 7), "one digit differs"),
        (date(1985, 3, 7), date(1985, 8, 7), "one digit differs"),
        (date(1985, 3, 7), date(1958, 3, 7), "two adjacent digits swapped"),
        (date(1985, 3, 12), date(1985, 3, 21), "two adjacent digits swapped"),
    ],
)
def test_birth_date_one_slip_apart_is_weaker_agreement_not_a_veto(
    stored: date, typed: date, slip: str
) -> None:
    registered = person(1, "Mohammed", "Al-Rashid", born=stored)
    row = person(None, "Muhammad", "Alrashid", born=typed)
    assert birth_date_slip(stored, typed) == birth_date_slip(typed, stored) == slip
    assert_same_person(row, registered)
    value, reasons = score(row, registered)
    assert f"birth date close ({slip})" in reasons
    assert "different birth date" not in reasons
    # Between the same date and an unknown one (scores stop at 1).
    assert score(replace(row, birth_date=None), registered)[0] < value
    assert value <= score(replace(row, birth_date=stored), registered)[0]
    typo = replace(row, given_name="Mohd")  # a name further off: no score reaches 1
    assert score(replace(typo, birth_date=None), registered)[0] < score(typo, registered)[0]
    assert score(typo, registered)[0] < score(replace(typo, birth_date=stored), registered)[0]


def test_slipped_birth_date_is_found_when_the_name_keys_miss_too() -> None:
    # "sh" misread as "lh" defeats the name keys; only a birth-date key finds the person,
    # and the date was typed with day and month swapped.
    stored = person(1, "Mohammed", "Al-Rashid", born=date(1985, 3, 7))
    row = person(None, "Mohammed", "Al-Ralhid", born=date(1985, 7, 3))
    assert not blocking_keys(row) & blocking_keys(stored)
    assert_same_person(row, stored)
    one_digit = replace(row, birth_date=date(1985, 3, 1))
    assert_same_person(one_digit, stored)


def test_namesakes_with_truly_different_birth_dates_stay_apart() -> None:
    stored = person(1, "Mohammed", "Al-Rashid", born=date(1985, 3, 7))
    for other in (date(1985, 4, 8), date(1979, 3, 7), date(1985, 12, 30), date(1991, 7, 3)):
        assert birth_date_slip(stored.birth_date, other) is None  # type: ignore[arg-type]
        row = person(None, "Mohammed", "Al-Rashid", born=other)
        assert_other_person(row, stored)
        assert "different birth date" in score(row, stored)[1]


def test_digits_of_two_fields_are_not_adjacent() -> None:
    # 1985-11-05 and 1985-10-15 swap the month's last digit with the day's first.
    assert birth_date_slip(date(1985, 11, 5), date(1985, 10, 15)) is None


def test_close_birth_dates_are_exactly_the_dates_one_slip_away(frozen_today: date) -> None:
    day = date(1985, 3, 7)
    close = set(close_birth_dates(day))
    assert {date(1985, 7, 3), date(1985, 3, 1), date(1958, 3, 7), date(1995, 3, 7)} <= close
    assert day not in close
    assert all(birth_date_slip(day, other) for other in close)
    assert all(1900 <= other.year <= frozen_today.year for other in close)
    assert len(close) < 50  # each is one more index probe per name token


@settings(max_examples=200, deadline=None)
@given(
    a=st.dates(date(1920, 1, 1), date(2010, 12, 31)),
    b=st.dates(date(1920, 1, 1), date(2010, 12, 31)),
)
def test_a_slip_is_symmetric_and_always_found_by_the_candidate_keys(a: date, b: date) -> None:
    slip = birth_date_slip(a, b)
    assert slip == birth_date_slip(b, a)
    assert (slip is not None) == (b in close_birth_dates(a))


def test_birth_date_reasons_are_recognised() -> None:
    stored = person(1, "Mohammed", "Al-Rashid", born=date(1985, 3, 7))
    for born in (date(1985, 3, 7), date(1985, 7, 3), date(1990, 1, 1), None):
        reasons = score(person(None, "Mohammed", "Al-Rashid", born=born), stored)[1]
        assert [r for r in reasons if is_birth_date_reason(r)] == [reasons[1]]
        assert not is_birth_date_reason(reasons[0])


# --- what must not match ----------------------------------------------------------------------


def test_namesake_with_different_birth_date_is_not_a_match() -> None:
    stored = person(1, "Mohammed", "Ali", born=date(1975, 3, 2))
    roster_row = person(None, "Mohammed", "Ali", born=date(1981, 11, 23))
    assert blocking_keys(roster_row) & blocking_keys(stored)  # found as a candidate...
    assert_other_person(roster_row, stored)  # ...and rejected
    assert "different birth date" in score(roster_row, stored)[1]
    assert rank_candidates(roster_row, [stored]) == []


def test_siblings_sharing_family_name_and_birth_date_are_not_a_match() -> None:
    assert_other_person(person(None, "Adunni", "Olowokeere"), person(1, "Ewatomi", "Olowokeere"))
    assert_other_person(person(None, "Mohammed", "Hassan"), person(1, "Khaled", "Hassan"))


def test_different_people_with_common_given_name_are_not_a_match() -> None:
    assert_other_person(person(None, "Mohammed", "Al-Rashid"), person(1, "Mohammed", "Haddad"))
    assert_other_person(
        person(None, "Maurice", "Joly", born=None, nationality="SN"),
        person(1, "Marc", "Joly", born=date(1989, 10, 4), nationality="CI"),
    )


def test_records_without_names_score_zero() -> None:
    assert score(person(None, "", ""), person(1, "Mohammed", "Ali")) == (
        0.0,
        ["no comparable name"],
    )


# --- ranking ----------------------------------------------------------------------------------


def test_rank_candidates_puts_the_best_first_and_skips_self_and_duplicates() -> None:
    query = person(7, "Mohammed", "Al-Rashid")
    exact = person(1, "Mohammed", "Al-Rashid")
    variant = person(2, "Muhammad", "Rashid", born=None)
    namesake = person(3, "Mohammed", "Al-Rashid", born=date(1990, 1, 1))
    matches = rank_candidates(query, [variant, namesake, exact, exact, query])
    assert [m.person_id for m in matches] == [1, 2]
    assert all(isinstance(m, Match) and m.score >= MATCH_THRESHOLD for m in matches)
    assert matches[0].reasons[:2] == ("same name", "same birth date")
    assert rank_candidates(query, [variant, exact], limit=1)[0].person_id == 1
    assert rank_candidates(query, [variant], threshold=0.99) == []


# --- properties -------------------------------------------------------------------------------

_names = st.text(alphabet="abcdehiklmnorstuyz -'", min_size=1, max_size=14)


@settings(max_examples=60, deadline=None)
@given(given_name=_names, family_name=_names)
def test_blocking_keys_do_not_depend_on_name_order(given_name: str, family_name: str) -> None:
    record = person(None, given_name, family_name)
    swapped = person(None, family_name, given_name)
    assert blocking_keys(record) == blocking_keys(swapped)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=30))
def test_normalize_is_idempotent_and_plain(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert set(once) <= set("abcdefghijklmnopqrstuvwxyz ")
    assert "  " not in once


# --- locales ----------------------------------------------------------------------------------


def test_every_mapped_locale_exists_in_faker() -> None:
    assert set(COUNTRY_LOCALES.values()) <= set(AVAILABLE_LOCALES)
    assert faker_locale_for_country("zz") == FALLBACK_LOCALE
    assert faker_locale_for_country(" br ") == "pt_BR"


@pytest.mark.parametrize(
    ("country", "script"),
    [("EG", "ARABIC"), ("JO", "ARABIC"), ("SA", "ARABIC"), ("RU", "CYRILLIC"), ("TH", "THAI")],
)
def test_countries_get_names_in_their_own_script(country: str, script: str) -> None:
    fake = Faker(faker_locale_for_country(country))
    fake.seed_instance(1)
    name = fake.first_name()
    assert any(script in unicodedata.name(c, "") for c in name), name


# --- the benchmark data -----------------------------------------------------------------------


def test_generate_is_deterministic_for_a_seed() -> None:
    assert generate(300, 30, seed=5) == generate(300, 30, seed=5)
    assert generate(300, 30, seed=5) != generate(300, 30, seed=6)


def test_generated_rosters_hold_slipped_birth_dates_labelled_as_the_same_person() -> None:
    labelled = generate(2000, 600, seed=2015)
    slipped = [
        (row, labelled.people[t - 1])
        for row, t in zip(labelled.roster, labelled.truth, strict=True)
        if t is not None and row.birth_date and row.birth_date != labelled.people[t - 1].birth_date
    ]
    kinds = {birth_date_slip(row.birth_date, p.birth_date) for row, p in slipped}  # type: ignore[arg-type]
    assert len(slipped) > 30
    assert kinds == {"day and month swapped", "one digit differs", "two adjacent digits swapped"}


def test_generate_labels_have_the_promised_shape() -> None:
    labelled = generate(2000, 300, seed=2015)
    assert [p.id for p in labelled.people] == list(range(1, 2001))
    assert len(labelled.roster) == len(labelled.truth) == 300
    assert all(row.id is None for row in labelled.roster)
    known = [t for t in labelled.truth if t is not None]
    assert len(known) == 200
    assert all(1 <= t <= 2000 for t in known)
    assert all(
        p.birth_date and date(1955, 1, 1) <= p.birth_date <= date(2000, 12, 31)
        for p in labelled.people
    )
    assert all(p.nationality for p in labelled.people)
    assert len({p.nationality for p in labelled.people}) > 40
    natives = [p for p in labelled.people if p.native_name]
    assert natives and all(p.given_name or p.family_name for p in natives)
    # Hard negatives: the same name on two registry people with different birth dates.
    names: dict[tuple[str, str], set[date | None]] = {}
    for p in labelled.people:
        names.setdefault((p.given_name, p.family_name), set()).add(p.birth_date)
    assert sum(len(dates) > 1 for dates in names.values()) >= 20
    # Variants really vary: most known rows differ from their person.
    changed = sum(
        row != replace(labelled.people[t - 1], id=None)
        for row, t in zip(labelled.roster, labelled.truth, strict=True)
        if t is not None
    )
    assert changed > 150


def test_evaluate_counts_wrong_person_against_precision_and_recall() -> None:
    labelled = generate(50, 6, seed=1)
    perfect = evaluate(labelled, list(labelled.truth))
    assert perfect["precision"] == perfect["recall"] == 1.0
    wrong = [1 if t is None else (t % 50) + 1 for t in labelled.truth]
    scores = evaluate(labelled, wrong)
    assert scores["precision"] == scores["recall"] == 0.0
    assert evaluate(labelled, [None] * 6)["recall"] == 0.0
    with pytest.raises(ValueError, match="one prediction"):
        evaluate(labelled, [])


def test_matcher_precision_and_recall_on_a_generated_set() -> None:
    labelled = generate(5000, 300, seed=2015)
    index = InMemoryIndex(labelled.people)
    scores = evaluate(labelled, predict(labelled, index))
    assert scores["precision"] >= 0.95, scores
    assert scores["recall"] >= 0.95, scores
    mean_candidates = sum(len(index.candidates(r)) for r in labelled.roster) / 300
    assert mean_candidates < 30
