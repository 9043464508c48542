"""Writes of the surveys app: building and versioning a survey, drawing and inviting its
sample, reminding, recording a response and an opt-out. Each checks its permission (staff) or
its link (participants), runs in a transaction and writes its audit entry."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from liaison.audit.services import audit_log
from liaison.core.access import require_perm
from liaison.surveys import selectors, tasks
from liaison.surveys.languages import supported
from liaison.surveys.models import (
    CHOICE_KINDS,
    DELIVERY_PURPOSES,
    Answer,
    Invitation,
    Option,
    OptOut,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyVersion,
    VersionStatus,
)
from liaison.training.models import Delivery
from liaison.visits.models import Visit

# --- building -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionInput:
    value: str
    text: str
    translations: Mapping[str, str]


@transaction.atomic
def survey_create(
    *,
    actor: Any,
    title: str,
    purpose: str,
    closes_on: date,
    delivery: Delivery | None = None,
    visit: Visit | None = None,
    months_after: int | None = None,
    anonymous: bool = False,
    sample_rate: Decimal | float = 1,
    max_reminders: int = 2,
    reminder_gap_days: int = 7,
) -> Survey:
    """A survey with an empty draft (version 1) to add questions to."""
    survey = Survey(
        title=title,
        purpose=purpose,
        delivery=delivery if purpose in DELIVERY_PURPOSES else None,
        visit=None if purpose in DELIVERY_PURPOSES else visit,
        months_after=months_after,
        anonymous=anonymous,
        sample_rate=Decimal(str(sample_rate)),
        max_reminders=max_reminders,
        reminder_gap_days=reminder_gap_days,
        closes_on=closes_on,
        created_by=actor,
    )
    if purpose in DELIVERY_PURPOSES and delivery is None:
        raise ValidationError({"delivery": "Choose the delivery this survey is about."})
    if purpose not in DELIVERY_PURPOSES and visit is None:
        raise ValidationError({"visit": "Choose the visit this survey is about."})
    require_perm(actor, "surveys.change_survey", survey)
    if not 0 < survey.sample_rate <= 1:
        raise ValidationError({"sample_rate": "The share must be more than 0 and at most 1."})
    survey.full_clean()
    survey.save()
    SurveyVersion.objects.create(survey=survey, number=1)
    audit_log(
        actor=actor,
        action="survey.created",
        obj=survey,
        changes={"title": [None, title], "purpose": [None, purpose]},
    )
    return survey


def _draft(survey: Survey) -> SurveyVersion:
    draft = selectors.version_draft(survey=survey)
    if draft is None:
        raise ValidationError(
            "This survey is published: start a new version to change its questions."
        )
    return draft


def _condition_refusal(
    kind: str, shown_if: Question | None, shown_value: str, draft: SurveyVersion
) -> str | None:
    if shown_if is None:
        return "Choose the earlier question this one depends on." if shown_value else None
    if shown_if.version_id != draft.pk:
        return "The condition must name an earlier question of the same survey."
    if not shown_value:
        return "Give the answer of the earlier question that shows this one."
    if shown_if.kind == QuestionKind.TEXT:
        return "A free-text answer cannot show another question."
    allowed = answer_values(shown_if)
    if shown_value not in allowed:
        return f"“{shown_value}” is not an answer of that question ({', '.join(allowed)})."
    return None


def answer_values(question: Question) -> list[str]:
    """The answers a question takes, as a condition names them."""
    if question.kind in CHOICE_KINDS:
        return [o.value for o in question.options.all()]
    if question.kind == QuestionKind.LIKERT:
        return [str(n) for n in range(1, 6)]
    if question.kind == QuestionKind.RATING:
        return [str(n) for n in range(0, 11)]
    return []


def _clean_translations(translations: Mapping[str, str]) -> dict[str, str]:
    return {
        code: text.strip()
        for code, text in translations.items()
        if code != "en" and supported(code) == code and text and text.strip()
    }


@transaction.atomic
def question_add(
    *,
    actor: Any,
    survey: Survey,
    kind: str,
    text: str,
    translations: Mapping[str, str] | None = None,
    required: bool = True,
    options: Sequence[OptionInput] = (),
    shown_if: Question | None = None,
    shown_value: str = "",
) -> Question:
    """Add a question at the end of the survey's draft."""
    require_perm(actor, "surveys.change_survey", survey)
    draft = _draft(survey)
    errors: dict[str, str] = {}
    if kind in CHOICE_KINDS and len(options) < 2:
        errors["options"] = "A choice question needs at least two options."
    if kind not in CHOICE_KINDS and options:
        errors["options"] = "Only choice questions have options."
    values = [o.value for o in options]
    if len(set(values)) != len(values):
        errors["options"] = "Two options have the same value."
    if refusal := _condition_refusal(kind, shown_if, shown_value, draft):
        errors["shown_if"] = refusal
    if errors:
        raise ValidationError(errors)
    position = (draft.questions.aggregate(top=Max("position"))["top"] or 0) + 1
    question = Question(
        version=draft,
        position=position,
        kind=kind,
        text=text.strip(),
        translations=_clean_translations(translations or {}),
        required=required,
        shown_if=shown_if,
        shown_value=shown_value if shown_if else "",
    )
    question.full_clean()
    question.save()
    Option.objects.bulk_create(
        Option(
            question=question,
            position=index,
            value=option.value,
            text=option.text,
            translations=_clean_translations(option.translations),
        )
        for index, option in enumerate(options, start=1)
    )
    audit_log(
        actor=actor,
        action="survey.question_added",
        obj=survey,
        changes={"question": [None, question.text], "version": [None, draft.number]},
    )
    return question


@transaction.atomic
def question_remove(*, actor: Any, question: Question) -> None:
    survey = question.version.survey
    require_perm(actor, "surveys.change_survey", survey)
    if question.version.status != VersionStatus.DRAFT:
        raise ValidationError("A published question cannot be removed: start a new version.")
    if question.dependents.exists():
        raise ValidationError("A later question depends on this one: remove that one first.")
    text = question.text
    question.delete()
    audit_log(
        actor=actor,
        action="survey.question_removed",
        obj=survey,
        changes={"question": [text, None]},
    )


@transaction.atomic
def survey_publish(*, actor: Any, survey: Survey) -> SurveyVersion:
    """Freeze the draft: it becomes the version invitations are answered on; the version it
    replaces is retired (its answers stay with its own questions)."""
    require_perm(actor, "surveys.change_survey", survey)
    draft = _draft(survey)
    if not draft.questions.exists():
        raise ValidationError("Add at least one question before publishing.")
    survey.versions.filter(status=VersionStatus.PUBLISHED).update(status=VersionStatus.RETIRED)
    draft.status = VersionStatus.PUBLISHED
    draft.published_at = timezone.now()
    draft.save(update_fields=["status", "published_at"])
    audit_log(
        actor=actor,
        action="survey.published",
        obj=survey,
        changes={"version": [None, draft.number]},
    )
    return draft


@transaction.atomic
def survey_new_version(*, actor: Any, survey: Survey) -> SurveyVersion:
    """A new draft copying the published version's questions, to change without touching the
    answers already given (the draft already under way when there is one)."""
    require_perm(actor, "surveys.change_survey", survey)
    existing = selectors.version_draft(survey=survey)
    if existing is not None:
        return existing
    published = selectors.version_published(survey=survey)
    if published is None:
        raise ValidationError("This survey has no published version to start from.")
    number = (survey.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    draft = SurveyVersion.objects.create(survey=survey, number=number)
    copies: dict[int, Question] = {}
    for question in selectors.questions_of(version=published):
        copy = Question.objects.create(
            version=draft,
            position=question.position,
            kind=question.kind,
            text=question.text,
            translations=dict(question.translations),
            required=question.required,
            shown_if=copies.get(question.shown_if_id) if question.shown_if_id else None,
            shown_value=question.shown_value,
        )
        copies[question.pk] = copy
        Option.objects.bulk_create(
            Option(
                question=copy,
                position=o.position,
                value=o.value,
                text=o.text,
                translations=dict(o.translations),
            )
            for o in question.options.all()
        )
    audit_log(
        actor=actor,
        action="survey.version_started",
        obj=survey,
        changes={"version": [None, number]},
    )
    return draft


# --- invitations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    eligible: int
    invitations: list[Invitation]


def _closing(survey: Survey) -> datetime:
    return datetime.combine(survey.closes_on, time(23, 59, 59), ZoneInfo(settings.TIME_ZONE))


@transaction.atomic
def survey_invite(*, actor: Any, survey: Survey, seed: int | None = None) -> Draw:
    """Draw the survey's sample from those eligible now and invite them.

    Each eligible person is drawn with the survey's rate (seedable for tests and audits); the
    drawn are e-mailed (in their language, on commit, by the worker) that they were selected,
    and their reminders are queued. Eligibility already leaves out whoever was invited to any
    survey within the no-repeat window."""
    require_perm(actor, "surveys.invite", survey)
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    if selectors.version_published(survey=survey) is None:
        raise ValidationError("Publish the survey before inviting anyone.")
    now = timezone.now()
    closing = _closing(survey)
    if closing <= now:
        raise ValidationError("This survey is closed: move its closing day to invite.")
    people = selectors.eligible(survey=survey, now=now)
    draw = random.Random(seed)
    rate = float(survey.sample_rate)
    chosen = [person for person in people if draw.random() < rate]
    expires = min(closing, now + timedelta(days=settings.SURVEY_LINK_DAYS))
    invitations = Invitation.objects.bulk_create(
        Invitation(
            survey=survey,
            person=person,
            language=supported(person.preferred_language),
            sent_at=now,
            last_mailed_at=now,
            expires_at=expires,
        )
        for person in chosen
    )
    audit_log(
        actor=actor,
        action="survey.invited",
        obj=survey,
        changes={"eligible": [None, len(people)], "invited": [None, len(invitations)]},
    )
    ids = [invitation.pk for invitation in invitations]
    gap = timedelta(days=survey.reminder_gap_days)

    def enqueue() -> None:
        for pk in ids:
            tasks.invitation_mail.enqueue(invitation_id=pk, reminder=False)
            if survey.max_reminders:
                tasks.invitation_reminder.using(run_after=now + gap).enqueue(invitation_id=pk)

    transaction.on_commit(enqueue)
    return Draw(eligible=len(people), invitations=invitations)


def reminder_refusal(invitation: Invitation, now: datetime) -> str | None:
    """Why the invitation gets no reminder now, or None when one is due."""
    survey = invitation.survey
    if invitation.responded_at or invitation.opted_out_at:
        return "answered or opted out"
    if selectors.opted_out_everywhere(person_id=invitation.person_id):
        return "opted out of every survey"
    if invitation.expires_at <= now:
        return "expired"
    if invitation.reminders_sent >= survey.max_reminders:
        return "reminded enough"
    last = invitation.last_mailed_at or invitation.sent_at
    if now - last < timedelta(days=survey.reminder_gap_days):
        return "too soon"
    return None


@transaction.atomic
def invitation_remind(*, invitation_id: int) -> bool:
    """Send a reminder when one is due (the worker's reminder task calls this); queue the next
    one while the maximum is not reached. Returns whether a reminder went out."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("survey")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return False
    now = timezone.now()
    if reminder_refusal(invitation, now) is not None:
        return False
    invitation.reminders_sent += 1
    invitation.last_mailed_at = now
    invitation.save(update_fields=["reminders_sent", "last_mailed_at"])
    audit_log(
        actor=None,
        action="survey.reminded",
        obj=invitation,
        changes={"reminders_sent": [invitation.reminders_sent - 1, invitation.reminders_sent]},
    )
    more = invitation.reminders_sent < invitation.survey.max_reminders
    later = now + timedelta(days=invitation.survey.reminder_gap_days)

    def enqueue() -> None:
        tasks.invitation_mail.enqueue(invitation_id=invitation_id, reminder=True)
        if more:
            tasks.invitation_reminder.using(run_after=later).enqueue(invitation_id=invitation_id)

    transaction.on_commit(enqueue)
    return True


# --- participants -------------------------------------------------------------------------------


def invitation_refusal(invitation: Invitation, now: datetime) -> str | None:
    """Why a valid link cannot be answered now: ``expired``, ``answered`` or ``opted_out``."""
    if invitation.responded_at:
        return "answered"
    if invitation.opted_out_at:
        return "opted_out"
    if invitation.expires_at <= now or _closing(invitation.survey) <= now:
        return "expired"
    return None


def visible_questions(questions: Sequence[Question], raw: Mapping[str, Any]) -> list[Question]:
    """The questions shown for these answers: one whose condition's question is hidden, or
    answered otherwise, is hidden too."""
    shown: dict[int, Question] = {}
    for question in questions:
        if question.shown_if_id is None:
            shown[question.pk] = question
            continue
        if question.shown_if_id not in shown:
            continue
        given = raw.get(f"q{question.shown_if_id}")
        values = given if isinstance(given, list) else [given]
        if question.shown_value in [str(v) for v in values if v not in (None, "")]:
            shown[question.pk] = question
    return list(shown.values())


def _parse(question: Question, value: Any) -> Answer | str | None:
    """An unsaved Answer, an error message, or None when left empty."""
    if question.kind == QuestionKind.MULTIPLE:
        chosen = [str(v) for v in (value or []) if str(v)]
        if not chosen:
            return None
        known = {o.value for o in question.options.all()}
        if not set(chosen) <= known:
            return "unknown_choice"
        return Answer(question=question, choices=sorted(set(chosen)))
    text = str(value or "").strip()
    if not text:
        return None
    if question.kind == QuestionKind.TEXT:
        return Answer(question=question, text=text[:5000])
    if question.kind == QuestionKind.SINGLE:
        if text not in {o.value for o in question.options.all()}:
            return "unknown_choice"
        return Answer(question=question, choices=[text])
    try:
        number = int(text)
    except ValueError:
        return "out_of_range"
    if str(number) not in answer_values(question):
        return "out_of_range"
    return Answer(question=question, number=number)


@transaction.atomic
def response_submit(
    *, invitation: Invitation, answers: Mapping[str, Any], language: str | None = None
) -> Response:
    """Record the invitee's answers to the published version: once per invitation. ``answers``
    maps ``q<question id>`` to a value (a list for several choices). A question hidden by its
    condition is neither required nor stored. Errors are keyed ``q<id>`` with a code
    (``required``, ``out_of_range``, ``unknown_choice``) the page words in the invitee's language;
    ``__all__`` refuses the invitation itself (``answered``, ``expired``, ``opted_out``)."""
    locked = Invitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    if refusal := invitation_refusal(locked, timezone.now()):
        raise ValidationError(refusal, code=refusal)
    survey = locked.survey
    version = selectors.version_published(survey=survey)
    if version is None:
        raise ValidationError("expired", code="expired")
    questions = selectors.questions_of(version=version)
    errors: dict[str, ValidationError] = {}
    parsed: list[Answer] = []
    for question in visible_questions(questions, answers):
        result = _parse(question, answers.get(f"q{question.pk}"))
        if isinstance(result, str):
            errors[f"q{question.pk}"] = ValidationError(result, code=result)
        elif result is None:
            if question.required:
                errors[f"q{question.pk}"] = ValidationError("required", code="required")
        else:
            parsed.append(result)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    response = Response.objects.create(
        survey=survey,
        version=version,
        invitation=None if survey.anonymous else locked,
        person=None if survey.anonymous else locked.person,
        language=supported(language or locked.language),
        # An anonymous response keeps only its day: its exact time would match the
        # invitation's ``responded_at`` and name the person again.
        submitted_at=_start_of_day(now) if survey.anonymous else now,
    )
    for answer in parsed:
        answer.response = response
    Answer.objects.bulk_create(parsed)
    locked.responded_at = now
    locked.save(update_fields=["responded_at"])
    audit_log(
        actor=None,
        action="survey.answered",
        obj=survey,
        changes={"answers": [None, len(parsed)], "version": [None, version.number]},
    )
    return response


def _start_of_day(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@transaction.atomic
def invitation_opt_out(*, invitation: Invitation, everywhere: bool) -> None:
    """No more reminders for this invitation, and no more invitations to this survey or (when
    ``everywhere``) to any survey, for the person."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.opted_out_at is None:
        locked.opted_out_at = timezone.now()
        locked.save(update_fields=["opted_out_at"])
    survey = None if everywhere else locked.survey
    OptOut.objects.get_or_create(person_id=locked.person_id, survey=survey)
    audit_log(
        actor=None,
        action="survey.opted_out",
        obj=locked.survey,
        changes={"everywhere": [None, everywhere]},
    )
