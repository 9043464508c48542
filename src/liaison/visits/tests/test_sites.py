"""The site registry loads from the data files; weekdays and focus read as people write them."""

from __future__ import annotations

import pytest

from liaison.visits.models import FocusArea, Site, SiteFocus
from liaison.visits.services import parse_focus, parse_weekdays, reference_sites_load


@pytest.mark.parametrize(
    ("text", "digits"),
    [("Mon-Fri", "01234"), ("Tue-Thu", "123"), ("Mon,Wed,Fri", "024"), ("mon-sun", "0123456")],
)
def test_weekdays_read_as_people_write_them(text, digits):
    assert parse_weekdays(text) == digits


def test_a_backwards_weekday_range_is_refused():
    with pytest.raises(ValueError, match="runs backwards"):
        parse_weekdays("Fri-Mon")


def test_focus_reads_codes_and_strengths():
    assert parse_focus("targeting_risk:3;automation_it:2;") == {
        "targeting_risk": 3,
        "automation_it": 2,
    }


@pytest.mark.django_db
def test_the_registry_loads_once_and_again_without_duplicates():
    first = reference_sites_load()
    assert first["sites"] >= 100
    again = reference_sites_load()
    assert again == first
    assert Site.objects.count() == first["sites"]
    assert FocusArea.objects.count() == first["focus_areas"]
    ntc = Site.objects.get(name__icontains="National Targeting Center")
    assert SiteFocus.objects.filter(site=ntc, strength=3).exists()
    assert all(site.weekdays for site in Site.objects.all())


@pytest.mark.django_db
def test_only_confirmed_addresses_are_loaded_and_an_edited_one_is_kept():
    reference_sites_load()
    headquarters = Site.objects.get(code="HQ-RRB")
    assert headquarters.address == "1300 Pennsylvania Avenue NW"
    # Most sites have no confirmed public street address: blank, never guessed.
    assert Site.objects.filter(address="").count() > Site.objects.exclude(address="").count()
    headquarters.address = "1300 Pennsylvania Ave NW, Room 1"
    headquarters.save()
    Site.objects.filter(code="HQ-USBP").update(address="")
    reference_sites_load()
    assert Site.objects.get(code="HQ-RRB").address == "1300 Pennsylvania Ave NW, Room 1"
    assert Site.objects.get(code="HQ-USBP").address == "1300 Pennsylvania Avenue NW"
