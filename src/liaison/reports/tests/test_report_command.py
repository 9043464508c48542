"""`liaison report`: the headline figures as a labelled table, or as JSON with the same keys."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_the_table_labels_every_figure(make_delivery, seat, crowd, capsys):
    make_delivery()
    seat(make_delivery(venue="ILEA-BKK"), crowd(1)[0])
    call_command("report", fy=2015)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Headline figures, FY2015 (1 October 2014 to 30 September 2015)"
    table = {line[: line.rindex("  ")].strip(): line.split()[-1] for line in lines[3:]}
    assert table["Deliveries (training sessions)"] == "2"
    assert table["Host countries"] == "2"
    assert table["Participants (people trained)"] == "1"
    assert table["Countries signing"] == "none"


def test_json_keeps_its_keys_and_a_filter_names_what_it_cannot_narrow(make_delivery, capsys):
    make_delivery()
    call_command("report", fy=2015, json=True)
    figures = json.loads(capsys.readouterr().out)
    assert figures["deliveries"] == 1 and figures["fiscal_year"] == 2015
    call_command("report", fy=2015, program_area="WCO")
    out = capsys.readouterr().out
    assert "program area WCO" in out.splitlines()[0]
    assert "Visits: its records do not carry a program area." in out


def test_a_year_out_of_range_is_a_clear_error():
    with pytest.raises(CommandError, match="between 2000 and 2100"):
        call_command("report", fy=15)
