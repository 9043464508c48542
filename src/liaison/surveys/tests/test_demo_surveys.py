"""The demo's surveys: several, in several languages, with invitations and responses, the
sample and the no-repeat window respected (read at the tests' small scale: small rosters)."""

from __future__ import annotations

from collections import Counter

import pytest

from liaison.surveys.models import Invitation, Response, Survey

pytestmark = pytest.mark.django_db


def test_the_demo_has_surveys_invitations_and_responses_in_several_languages(shared_demo):
    assert Survey.objects.count() >= 4
    assert {s.purpose for s in Survey.objects.all()} >= {
        "end_of_course",
        "end_of_visit",
        "graduate_follow_up",
    }
    assert Invitation.objects.count() >= 5  # at the tests' small scale
    languages = Counter(Response.objects.values_list("language", flat=True))
    assert len(languages) >= 3, languages
    assert Invitation.objects.filter(opted_out_at__isnull=False).exists()
    # Nobody invited twice (all were invited today: the window holds across the surveys).
    people = list(Invitation.objects.values_list("person_id", flat=True))
    assert len(people) == len(set(people))
    anonymous = Response.objects.filter(survey__anonymous=True)
    assert anonymous.exists() and not anonymous.filter(person__isnull=False).exists()
