"""Levels 1 and 3 of the evaluation from the surveys: who was asked, who answered and the mean
Likert answer, per delivery, country or visit; an anonymous answer counts for its delivery but
for no one's country."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from liaison.accounts.roles import Role
from liaison.core.fiscal import fiscal_year_of
from liaison.people.services import person_merge
from liaison.reports.evaluation import evaluation
from liaison.surveys import selectors, services
from liaison.surveys.models import Purpose, Survey
from liaison.training.models import Enrollment
from liaison.visits.models import Visit

pytestmark = pytest.mark.django_db


def _answer(survey: Survey, likert: int, *invitations: Any) -> None:
    questions = selectors.questions_of(version=selectors.version_published(survey=survey))
    first, useful = questions[0], questions[1]
    for invitation in invitations:
        services.response_submit(
            invitation=invitation,
            answers={f"q{first.pk}": str(likert), f"q{useful.pk}": "yes"},
        )


def test_reaction_and_behaviour_beside_learning_per_delivery_and_country(
    manager, delivery, graduates, people, make_survey, django_assert_max_num_queries
):
    graduates(3)
    (supervisor,) = people(1, prefix="S")
    Enrollment.objects.filter(delivery=delivery).update(supervisor=supervisor)
    end = make_survey()
    one, two, _three = services.survey_invite(actor=manager, survey=end, seed=1).invitations
    _answer(end, 4, one)
    _answer(end, 5, two)
    follow_up = make_survey(
        title="LBI-101, six months on",
        purpose=Purpose.SUPERVISOR_FOLLOW_UP,
        months_after=6,
        anonymous=True,
    )
    (asked,) = services.survey_invite(actor=manager, survey=follow_up, seed=1).invitations
    _answer(follow_up, 2, asked)

    with django_assert_max_num_queries(12):
        found = evaluation(user=manager, group="delivery")
    assert found.visits is None, "a delivery is no visit"
    (row,) = found.training or []
    assert row.reaction is not None and row.behaviour is not None
    assert (row.reaction.invited, row.reaction.answered, row.reaction.mean) == (3, 2, 4.5)
    assert (row.behaviour.invited, row.behaviour.answered, row.behaviour.mean) == (1, 1, 2.0)

    (peru,) = evaluation(user=manager, group="country").training or []
    assert peru.label == "Peru" and peru.reaction is not None and peru.behaviour is not None
    assert (peru.reaction.answered, peru.reaction.mean) == (2, 4.5)
    # The supervisor was asked and answered, anonymously: no country holds the answer.
    assert (peru.behaviour.answered, peru.behaviour.mean) == (1, None)


def test_a_visit_is_evaluated_by_its_delegates_reaction(
    manager, visit, delegates, people, make_survey
):
    group = people(2, prefix="D")
    delegates(group)
    survey = make_survey(title="Visit", purpose=Purpose.END_OF_VISIT, delivery=None, visit=visit)
    first, _second = services.survey_invite(actor=manager, survey=survey, seed=1).invitations
    _answer(survey, 3, first)

    found = evaluation(user=manager, group="visit")
    assert found.training is None, "a visit has no delivery's levels"
    (row,) = found.visits or []
    assert row.label.startswith(f"#{visit.pk} Peru")
    assert (row.reaction.invited, row.reaction.answered, row.reaction.mean) == (2, 1, 3.0)
    # A visit counts in the fiscal year it began.
    Visit.objects.filter(pk=visit.pk).update(starts_on=visit.earliest_start)
    (by_year,) = evaluation(user=manager, group="fiscal_year").visits or []
    assert (by_year.label, by_year.reaction.answered) == (
        f"FY{fiscal_year_of(visit.earliest_start).year}",
        1,
    )


def test_two_records_of_one_person_both_invited_are_not_merged_silently(
    manager, users, make_survey, graduates
):
    ana, twin = graduates(2)
    services.survey_invite(actor=manager, survey=make_survey(), seed=1)
    with pytest.raises(ValidationError, match="allowed once per person"):
        person_merge(actor=users[Role.ADMINISTRATOR], survivor=ana, duplicate=twin)
    twin.refresh_from_db()
    assert not twin.is_merged
