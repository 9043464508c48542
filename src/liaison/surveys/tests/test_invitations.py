"""Who is asked, how often, and how their link is guarded: the sample's share within its
binomial bounds, nobody asked twice within the window whatever the survey, signed links that
refuse tampering and age, one response per invitation, opt-out, anonymity, conditions checked
on the server."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from liaison.conftest import NOW
from liaison.surveys import selectors, services
from liaison.surveys.models import Answer, Purpose, Response
from liaison.surveys.tokens import invitation_token

pytestmark = pytest.mark.django_db


def _questions(survey):
    return selectors.questions_of(version=selectors.version_published(survey=survey))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sample_share_is_within_its_binomial_bounds(manager, make_survey, graduates, seed):
    graduates(1000)
    survey = make_survey(sample_rate=0.3)
    draw = services.survey_invite(actor=manager, survey=survey, seed=seed)
    assert draw.eligible == 1000
    sigma = math.sqrt(1000 * 0.3 * 0.7)  # about 14.5
    assert 300 - 4 * sigma <= len(draw.invitations) <= 300 + 4 * sigma
    assert len({i.person_id for i in draw.invitations}) == len(draw.invitations)


def test_those_not_drawn_stay_eligible_and_the_drawn_do_not(manager, make_survey, graduates):
    graduates(50)
    first = make_survey(sample_rate=0.5)
    drawn = services.survey_invite(actor=manager, survey=first, seed=7).invitations
    chosen = {i.person_id for i in drawn}
    assert 0 < len(chosen) < 50
    assert chosen.isdisjoint({p.pk for p in selectors.eligible(survey=first, now=NOW)})
    # Everybody drawn is now inside the window: a second survey draws only from the rest.
    second = make_survey(sample_rate=1, title="Second")
    again = services.survey_invite(actor=manager, survey=second, seed=7).invitations
    assert chosen.isdisjoint({i.person_id for i in again})
    assert len(again) == 50 - len(chosen)


def test_nobody_is_asked_twice_within_the_window_across_training_and_visits(
    manager, make_survey, graduates, delegates, visit
):
    both = graduates(3)
    delegates(both[:2])
    course_survey = make_survey()
    assert len(services.survey_invite(actor=manager, survey=course_survey, seed=1).invitations) == 3
    visit_survey = services.survey_create(
        actor=manager,
        title="Visit",
        purpose=Purpose.END_OF_VISIT,
        visit=visit,
        closes_on=(NOW + timedelta(days=300)).date(),
    )
    services.question_add(actor=manager, survey=visit_survey, kind="text", text="Comments?")
    services.survey_publish(actor=manager, survey=visit_survey)
    draw = services.survey_invite(actor=manager, survey=visit_survey, seed=1)
    assert draw.eligible == 0 and draw.invitations == []
    with override_settings(SURVEY_NO_REPEAT_MONTHS=6):
        with time_machine.travel(NOW + timedelta(days=150), tick=False):
            assert services.survey_invite(actor=manager, survey=visit_survey).invitations == []
        with time_machine.travel(NOW + timedelta(days=190), tick=False):
            invited = services.survey_invite(actor=manager, survey=visit_survey).invitations
    assert {i.person_id for i in invited} == {p.pk for p in both[:2]}


@pytest.mark.django_db(transaction=True)  # the worker reads the queue after the commit
def test_the_invitation_says_the_person_was_selected_in_their_language(
    manager, make_survey, graduates, mailoutbox
):
    graduates(1, language="es")
    graduates(1, language="ar", prefix="A")
    survey = make_survey()
    services.survey_invite(actor=manager, survey=survey, seed=1)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    bodies = {m.to[0]: m for m in mailoutbox}
    spanish = bodies["g0@partner.example"]
    assert "Usted ha sido seleccionado para participar en una breve encuesta" in spanish.body
    assert spanish.subject.startswith("Una breve encuesta sobre LBI-101")
    arabic = bodies["a0@partner.example"]
    assert "لقد تم اختيارك للمشاركة في استبيان قصير" in arabic.body
    assert "/survey/" in arabic.body and "/opt-out/" in arabic.body


def test_a_tampered_link_is_refused(client, manager, make_survey, graduates):
    graduates(1)
    survey = make_survey()
    invitation = services.survey_invite(actor=manager, survey=survey, seed=1).invitations[0]
    token = invitation_token(invitation.pk)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(reverse("surveys_public:answer", args=[forged]))
    assert response.status_code == 400
    assert b"This link is not valid" in response.content
    assert client.get(reverse("surveys_public:answer", args=["nonsense"])).status_code == 400
    assert client.post(reverse("surveys_public:opt_out", args=[forged])).status_code == 400


def test_an_expired_link_is_refused_in_the_invitees_language(
    client, manager, make_survey, graduates
):
    graduates(1, language="es")
    survey = make_survey()
    invitation = services.survey_invite(actor=manager, survey=survey, seed=1).invitations[0]
    url = reverse("surveys_public:answer", args=[invitation_token(invitation.pk)])
    assert client.get(url).status_code == 200
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        response = client.get(url)
    assert response.status_code == 410
    assert "Este enlace de encuesta ha caducado" in response.content.decode()


def test_one_response_per_invitation(client, manager, make_survey, graduates):
    graduates(1)
    survey = make_survey()
    invitation = services.survey_invite(actor=manager, survey=survey, seed=1).invitations[0]
    likert, useful, _why, _rating = _questions(survey)
    url = reverse("surveys_public:answer", args=[invitation_token(invitation.pk)])
    data = {f"q{likert.pk}": "5", f"q{useful.pk}": "yes"}
    assert client.post(url, data).status_code == 200
    again = client.post(url, {f"q{likert.pk}": "1", f"q{useful.pk}": "yes"})
    assert again.status_code == 409
    assert Response.objects.count() == 1
    assert Answer.objects.get(question=likert).number == 5


def test_a_hidden_question_is_neither_required_nor_stored(manager, make_survey, graduates):
    graduates(2)
    survey = make_survey()
    first, second = services.survey_invite(actor=manager, survey=survey, seed=1).invitations
    likert, useful, why, _rating = _questions(survey)
    services.response_submit(
        invitation=first,
        answers={f"q{likert.pk}": "3", f"q{useful.pk}": "yes", f"q{why.pk}": "sneaked in"},
    )
    assert not Answer.objects.filter(question=why).exists()
    with pytest.raises(ValidationError) as error:
        services.response_submit(
            invitation=second, answers={f"q{likert.pk}": "9", f"q{useful.pk}": "no"}
        )
    assert {k: v[0].code for k, v in error.value.error_dict.items()} == {
        f"q{likert.pk}": "out_of_range",
        f"q{why.pk}": "required",
    }


def test_bad_answers_are_shown_again_with_the_reason_and_nothing_is_lost(
    client, manager, make_survey, graduates
):
    graduates(1, language="es")
    survey = make_survey()
    invitation = services.survey_invite(actor=manager, survey=survey, seed=1).invitations[0]
    likert, useful, _why, rating = _questions(survey)
    url = reverse("surveys_public:answer", args=[invitation_token(invitation.pk)])
    response = client.post(url, {f"q{likert.pk}": "4", f"q{useful.pk}": "no", f"q{rating.pk}": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Por favor, responda esta pregunta." in page  # "why not?" is shown and required
    assert "Elija uno de los valores ofrecidos." in page
    assert 'value="4" checked' in page
    assert Response.objects.count() == 0


def test_anonymous_responses_keep_no_link_to_the_person(manager, make_survey, graduates):
    graduates(1)
    survey = make_survey(anonymous=True)
    invitation = services.survey_invite(actor=manager, survey=survey, seed=1).invitations[0]
    likert, useful, *_ = _questions(survey)
    response = services.response_submit(
        invitation=invitation, answers={f"q{likert.pk}": "2", f"q{useful.pk}": "yes"}
    )
    response.refresh_from_db()
    assert response.person is None and response.invitation is None
    assert timezone.localtime(response.submitted_at).hour == 0  # its day only
    invitation.refresh_from_db()
    assert invitation.responded_at is not None
    with pytest.raises(ValidationError):
        services.response_submit(
            invitation=invitation, answers={f"q{likert.pk}": "2", f"q{useful.pk}": "yes"}
        )


def test_opting_out_of_every_survey_is_honoured_by_later_surveys(
    client, manager, make_survey, graduates
):
    people = graduates(2)
    survey = make_survey()
    invitations = services.survey_invite(actor=manager, survey=survey, seed=1).invitations
    mine = next(i for i in invitations if i.person_id == people[0].pk)
    url = reverse("surveys_public:opt_out", args=[invitation_token(mine.pk)])
    assert client.get(url).status_code == 200
    assert client.post(url, {"scope": "all"}).status_code == 200
    answer = reverse("surveys_public:answer", args=[invitation_token(mine.pk)])
    assert client.get(answer).status_code == 410
    later = make_survey(
        title="Follow-up",
        purpose=Purpose.GRADUATE_FOLLOW_UP,
        months_after=6,
        closes_on=(NOW + timedelta(days=300)).date(),
    )
    with time_machine.travel(NOW + timedelta(days=200), tick=False):
        invited = services.survey_invite(actor=manager, survey=later, seed=1).invitations
    assert [i.person_id for i in invited] == [people[1].pk]


def test_supervisors_of_graduates_are_asked_once_each(manager, make_survey, graduates, people):
    from liaison.training.services import enrollment_set_supervisor

    group = graduates(3)
    boss = people(1, prefix="Boss")[0]
    for enrollment in group[0].enrollments.all() | group[1].enrollments.all():
        enrollment_set_supervisor(actor=manager, enrollment=enrollment, supervisor=boss)
    survey = make_survey(purpose=Purpose.SUPERVISOR_FOLLOW_UP, months_after=3)
    invited = services.survey_invite(actor=manager, survey=survey, seed=1).invitations
    assert [i.person_id for i in invited] == [boss.pk]
