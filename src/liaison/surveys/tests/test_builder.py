"""Building a survey: question kinds, conditions checked against earlier answers, and versions
that keep every answer with the question it was given to."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.catalog.models import FundingSource
from liaison.people.models import Staff
from liaison.surveys import selectors, services
from liaison.surveys.models import Answer, Invitation, QuestionKind, VersionStatus
from liaison.surveys.services import OptionInput
from liaison.training.models import Assignment

pytestmark = pytest.mark.django_db


def test_a_choice_question_needs_two_options(manager, make_survey):
    survey = make_survey(publish=False)
    with pytest.raises(ValidationError) as error:
        services.question_add(
            actor=manager,
            survey=survey,
            kind=QuestionKind.SINGLE,
            text="Pick",
            options=[OptionInput("a", "A", {})],
        )
    assert "at least two options" in str(error.value)


def test_a_condition_must_name_an_answer_the_earlier_question_takes(manager, make_survey):
    survey = make_survey(publish=False)
    likert = selectors.questions_of(version=selectors.version_draft(survey=survey))[0]
    with pytest.raises(ValidationError) as error:
        services.question_add(
            actor=manager,
            survey=survey,
            kind=QuestionKind.TEXT,
            text="What went wrong?",
            shown_if=likert,
            shown_value="7",
        )
    assert "not an answer of that question" in str(error.value)
    shown = services.question_add(
        actor=manager,
        survey=survey,
        kind=QuestionKind.TEXT,
        text="What went wrong?",
        shown_if=likert,
        shown_value="1",
    )
    assert shown.shown_if == likert


def test_a_published_survey_takes_no_new_question_until_a_new_version(manager, make_survey):
    survey = make_survey()
    with pytest.raises(ValidationError):
        services.question_add(actor=manager, survey=survey, kind=QuestionKind.TEXT, text="More?")


def test_a_new_version_leaves_the_answers_to_the_old_one_untouched(manager, make_survey, graduates):
    survey = make_survey()
    graduates(1)
    invitation = services.survey_invite(actor=manager, survey=survey, seed=1).invitations[0]
    v1 = selectors.version_published(survey=survey)
    first = selectors.questions_of(version=v1)[0]
    services.response_submit(
        invitation=invitation, answers={f"q{first.pk}": "4", f"q{first.pk + 1}": "yes"}
    )
    draft = services.survey_new_version(actor=manager, survey=survey)
    copied = selectors.questions_of(version=draft)
    assert [q.text for q in copied] == [q.text for q in selectors.questions_of(version=v1)]
    assert copied[2].shown_if == copied[1]  # the condition points inside the new version
    services.question_remove(actor=manager, question=copied[3])
    services.question_add(actor=manager, survey=survey, kind=QuestionKind.TEXT, text="Ideas?")
    services.survey_publish(actor=manager, survey=survey)
    v1.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED
    answer = Answer.objects.get(question=first)
    assert answer.number == 4 and answer.response.version == v1
    assert selectors.version_published(survey=survey).number == 2
    assert Invitation.objects.get().responded_at is not None


def test_only_builders_create_surveys_and_an_advisor_only_for_the_deliveries_they_teach(
    users, delivery, visit
):
    from datetime import date

    for role in (Role.SITE_HOST, Role.VETTING_OFFICER, Role.SPONSOR, Role.ATTACHE):
        with pytest.raises(PermissionDenied):
            services.survey_create(
                actor=users[role],
                title="T",
                purpose="end_of_course",
                delivery=delivery,
                closes_on=date(2026, 5, 1),
            )
    advisor = users[Role.TRAINING_ADVISOR]
    with pytest.raises(PermissionDenied):  # a delivery the advisor does not teach
        services.survey_create(
            actor=advisor,
            title="T",
            purpose="end_of_course",
            delivery=delivery,
            closes_on=date(2026, 5, 1),
        )
    staff = Staff.objects.create(kind="advisor", given_name="Ada", family_name="Vise", user=advisor)
    Assignment.objects.create(delivery=delivery, staff=staff, role="lead")
    assert services.survey_create(
        actor=advisor,
        title="T",
        purpose="end_of_course",
        delivery=delivery,
        closes_on=date(2026, 5, 1),
    )
    with pytest.raises(PermissionDenied):
        services.survey_create(
            actor=advisor,
            title="V",
            purpose="end_of_visit",
            visit=visit,
            closes_on=date(2026, 5, 1),
        )


def test_a_sponsor_reads_the_results_of_what_their_source_paid_for_only(
    users, make_user, make_survey
):
    survey = make_survey()  # a delivery funded by INL
    inl = make_user(Role.SPONSOR, funding_source=FundingSource.objects.get(code="INL"))
    other = FundingSource.objects.exclude(code="INL").first()
    elsewhere = make_user(Role.SPONSOR, funding_source=other)
    assert inl.has_perm("surveys.view_results", survey)
    assert list(selectors.survey_list(user=inl)) == [survey]
    assert not elsewhere.has_perm("surveys.view_results", survey)
    assert list(selectors.survey_list(user=elsewhere)) == []


def test_the_results_file_holds_the_counts_and_comments_never_who_answered(
    client, manager, make_survey, graduates
):
    ana, luz = graduates(2)
    survey = make_survey()
    first, second = services.survey_invite(actor=manager, survey=survey, seed=1).invitations
    likert, useful, why, _rating = selectors.questions_of(
        version=selectors.version_published(survey=survey)
    )
    services.response_submit(
        invitation=first, answers={f"q{likert.pk}": "5", f"q{useful.pk}": "yes"}
    )
    services.response_submit(
        invitation=second,
        answers={f"q{likert.pk}": "2", f"q{useful.pk}": "no", f"q{why.pk}": "Too short"},
    )
    client.force_login(manager)
    response = client.get(reverse("surveys:survey_results", args=[survey.pk]), {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    likert_rows = {r[5]: r[6] for r in rows[1:] if r[1] == likert.text}
    assert likert_rows == {"1": "0", "2": "1", "3": "0", "4": "0", "5": "1"}
    assert [r[5] for r in rows[1:] if r[1] == why.text] == ["Too short"]
    text = response.content.decode("utf-8-sig")
    assert ana.family_name not in text and ana.given_name not in text and luz.given_name not in text
