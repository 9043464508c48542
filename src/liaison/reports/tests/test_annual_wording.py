"""The annual report writes numbers and lists as the published text does, and every sentence
comes from a figure: a zero figure leaves its sentence out."""

from __future__ import annotations

from liaison.reports.annual import count, join, narrative, noun, over

FY2015 = {
    "fiscal_year": 2015,
    "deliveries": 222,
    "delivery_countries": 52,
    "ilea_deliveries": 22,
    "participants": 2711,
    "visits": 457,
    "visit_officials": 2555,
    "visit_countries": 90,
    "safe_programs": 0,
    "postings": 0,
    "cmaas_in_force": 76,
    "cmaas_signed": 5,
    "assistance_requests": 0,
}
FIVE = ["Costa Rica", "Gabon", "Malaysia", "Senegal", "Singapore"]


def test_counts_under_ten_are_spelled_out_and_others_have_thousands_separators():
    assert [count(n) for n in (0, 1, 5, 9)] == ["zero", "one", "five", "nine"]
    assert [count(n) for n in (10, 222, 2711, 1234567)] == ["10", "222", "2,711", "1,234,567"]


def test_officials_are_over_the_hundred_below_them():
    assert over(2555) == "over 2,500"
    assert over(2599) == "over 2,500"
    assert over(101) == "over 100"


def test_a_round_hundred_or_a_small_number_is_written_exactly():
    assert over(2500) == "2,500"
    assert over(99) == "99"
    assert over(7) == "seven"


def test_nouns_agree_with_their_number():
    assert noun(1, "country", "countries") == "one country"
    assert noun(52, "country", "countries") == "52 countries"
    assert noun(3, "visit") == "three visits"


def test_lists_are_joined_with_and_without_a_serial_comma():
    assert join([]) == ""
    assert join(["Gabon"]) == "Gabon"
    assert join(["Gabon", "Senegal"]) == "Gabon and Senegal"
    assert join(FIVE) == "Costa Rica, Gabon, Malaysia, Senegal and Singapore"


def test_the_fy2015_narrative_reads_as_published():
    text = " ".join(narrative(FY2015, signed_names=FIVE))
    assert (
        "In Fiscal Year 2015, the agency provided 222 technical assistance and capacity "
        "building sessions in 52 countries for foreign partners, including 22 courses at the "
        "ILEAs." in text
    )
    assert "made arrangements for 457 visits for over 2,500 officials from 90 countries." in text
    assert (
        "76 Customs Mutual Assistance Agreements in force, with five signed during the year: "
        "Costa Rica, Gabon, Malaysia, Senegal and Singapore." in text
    )


def test_a_sentence_whose_figure_is_zero_is_left_out():
    text = " ".join(narrative({**FY2015, "ilea_deliveries": 0, "cmaas_signed": 0}))
    assert "ILEA" not in text
    assert "signed" not in text
    assert text.count("76 Customs Mutual Assistance Agreements in force.") == 1
    # SAFE programs, tours and assistance requests were zero: nothing is said of them.
    assert "SAFE" not in text and "tour" not in text and "assistance." not in text


def test_a_year_with_no_training_opens_with_the_visits():
    paragraphs = narrative({**FY2015, "deliveries": 0, "cmaas_in_force": 0, "cmaas_signed": 0})
    assert paragraphs[0].startswith("In Fiscal Year 2015, through the International Visitors")
    assert "session" not in " ".join(paragraphs)
    assert "Customs Mutual Assistance" not in " ".join(paragraphs)


def test_a_year_with_nothing_has_no_narrative():
    assert narrative({"fiscal_year": 2009}) == []


def test_singular_figures_read_in_the_singular():
    text = " ".join(
        narrative(
            {
                "fiscal_year": 2016,
                "deliveries": 1,
                "delivery_countries": 1,
                "ilea_deliveries": 1,
                "participants": 1,
                "cmaas_in_force": 1,
                "cmaas_signed": 1,
            },
            signed_names=["Gabon"],
        )
    )
    assert "one technical assistance and capacity building session in one country" in text
    assert "including one course at the ILEAs" in text
    assert "one foreign official attended" in text
    assert "one Customs Mutual Assistance Agreement in force, with one signed" in text


def test_a_figure_the_filters_could_not_narrow_says_nothing():
    paragraphs = narrative({**FY2015, "cmaas_in_force": None, "cmaas_signed": None})
    assert paragraphs[0].startswith("In Fiscal Year 2015, the agency provided 222")
    assert "Customs Mutual Assistance" not in " ".join(paragraphs)
