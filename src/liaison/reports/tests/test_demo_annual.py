"""On the demo data, the FY2015 annual report says what the published one says."""

from __future__ import annotations

import pytest

from liaison.reports.annual import annual_document

pytestmark = pytest.mark.django_db


def test_the_fy2015_text_holds_the_published_figures_and_the_five_countries(shared_demo):
    document = annual_document({"fiscal_year": 2015})
    text = " ".join(document.narrative)
    assert "222 technical assistance and capacity building sessions in 52 countries" in text
    assert "including 22 courses at the ILEAs" in text
    assert "457 visits for over 2,500 officials from 90 countries" in text
    assert "76 Customs Mutual Assistance Agreements in force, with five signed" in text
    assert "Costa Rica, Gabon, Malaysia, Senegal and Singapore." in text
    # The trend charts end on the report's year, with the same figures as the text.
    assert [row["fiscal_year"] for row in document.trend] == [2011, 2012, 2013, 2014, 2015]
    activity = document.charts[0]
    assert list(activity.rows[-1]) == ["FY2015", 222, 457]
