"""Reads of the surveys app: lists and details scoped by surveys.permissions, who is eligible
for a survey, and a survey's results (each figure one aggregate query)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.http import Http404

from liaison.core.access import get_for_user, require_perm
from liaison.people.models import Person
from liaison.surveys.models import (
    CHOICE_KINDS,
    DELIVERY_PURPOSES,
    Answer,
    Invitation,
    OptOut,
    Purpose,
    Question,
    QuestionKind,
    Survey,
    SurveyVersion,
    VersionStatus,
)
from liaison.surveys.permissions import (
    scope_survey_deliveries,
    scope_survey_visits,
    scope_surveys,
)
from liaison.surveys.tokens import invitation_id_from
from liaison.training.models import EnrollmentStatus


def survey_list(
    *, user: Any, search: str = "", purpose: str = "", status: str = ""
) -> QuerySet[Survey]:
    require_perm(user, "surveys.browse")
    surveys = scope_surveys(user, Survey.objects.all()).select_related(
        "delivery__course", "delivery__venue", "visit__country"
    )
    if search:
        surveys = surveys.filter(title__icontains=search)
    if purpose:
        surveys = surveys.filter(purpose=purpose)
    if status == "open":
        surveys = surveys.filter(versions__status=VersionStatus.PUBLISHED)
    elif status == "draft":
        surveys = surveys.exclude(versions__status=VersionStatus.PUBLISHED)
    return surveys.annotate(
        invited=Count("invitations", distinct=True),
        answered=Count(
            "invitations", filter=Q(invitations__responded_at__isnull=False), distinct=True
        ),
    ).order_by("-created_at", "-id")


def survey_get(*, user: Any, pk: int, perm: str = "surveys.view_survey") -> Survey:
    queryset = Survey.objects.select_related(
        "delivery__course", "delivery__venue", "visit__country"
    )
    return get_for_user(queryset, user, perm, pk=pk)


def _with_questions(versions: QuerySet[SurveyVersion]) -> QuerySet[SurveyVersion]:
    questions = Question.objects.select_related("shown_if").prefetch_related("options")
    return versions.prefetch_related(Prefetch("questions", queryset=questions))


def survey_versions(*, survey: Survey) -> list[SurveyVersion]:
    return list(_with_questions(survey.versions.order_by("-number")))


def version_draft(*, survey: Survey) -> SurveyVersion | None:
    return survey.versions.filter(status=VersionStatus.DRAFT).first()


def version_published(*, survey: Survey) -> SurveyVersion | None:
    return _with_questions(survey.versions.filter(status=VersionStatus.PUBLISHED)).first()


def question_get(*, user: Any, pk: int) -> Question:
    question = Question.objects.select_related("version__survey").filter(pk=pk).first()
    if question is None:
        raise Http404("No such question.")
    get_for_user(Survey.objects.all(), user, "surveys.change_survey", pk=question.version.survey_id)
    return question


def questions_of(*, version: SurveyVersion | None) -> list[Question]:
    """A version's questions in order, with their options (none for no version)."""
    if version is None:
        return []
    return list(version.questions.select_related("shown_if").prefetch_related("options"))


def invitation_counts(*, survey: Survey) -> dict[str, int]:
    return survey.invitations.aggregate(
        invited=Count("id"),
        answered=Count("id", filter=Q(responded_at__isnull=False)),
        opted_out=Count("id", filter=Q(opted_out_at__isnull=False)),
        reminded=Count("id", filter=Q(reminders_sent__gt=0)),
    )


# --- who is asked -------------------------------------------------------------------------------


def audience(*, survey: Survey) -> QuerySet[Person]:
    """Everyone the survey is about, before opt-outs, the no-repeat window and the sample: the
    graduates of the delivery (those who attended), their supervisors, or the visit's delegates."""
    people = Person.objects.active()
    if survey.purpose in DELIVERY_PURPOSES:
        attended = Q(delivery_id=survey.delivery_id, status=EnrollmentStatus.ATTENDED)
        if survey.purpose == Purpose.SUPERVISOR_FOLLOW_UP:
            return people.filter(supervised_enrollments__in=_enrollments(attended)).distinct()
        return people.filter(enrollments__in=_enrollments(attended)).distinct()
    return people.filter(visits__visit_id=survey.visit_id or 0).distinct()


def _enrollments(condition: Q) -> QuerySet[Any]:
    from liaison.training.models import Enrollment

    return Enrollment.objects.filter(condition).values("pk")


def eligible(*, survey: Survey, now: datetime) -> list[Person]:
    """Who may be drawn for the survey now: in its audience, with an e-mail address, not opted
    out of it or of every survey, not already invited to it, and not invited to any survey
    within the last SURVEY_NO_REPEAT_MONTHS months (training or visit alike). By id, so a
    seeded draw is the same on every database."""
    window_start = now - relativedelta(months=settings.SURVEY_NO_REPEAT_MONTHS)
    recently_asked = Invitation.objects.filter(
        Q(sent_at__gt=window_start) | Q(survey_id=survey.pk)
    ).values("person_id")
    opted_out = OptOut.objects.filter(Q(survey__isnull=True) | Q(survey_id=survey.pk)).values(
        "person_id"
    )
    return list(
        audience(survey=survey)
        .exclude(email="")
        .exclude(pk__in=recently_asked)
        .exclude(pk__in=opted_out)
        .order_by("pk")
    )


def opted_out_everywhere(*, person_id: int) -> bool:
    return OptOut.objects.filter(person_id=person_id, survey__isnull=True).exists()


# --- participants' pages ------------------------------------------------------------------------


def invitation_by_token(*, token: str) -> Invitation:
    """The invitation a link names (raises tokens.LinkRefused when the link is not ours, or too
    old; ``tampered`` too when it names no invitation)."""
    from liaison.surveys.tokens import LinkRefused

    pk = invitation_id_from(token)
    invitation = Invitation.objects.select_related("survey", "person").filter(pk=pk).first()
    if invitation is None:
        raise LinkRefused("tampered")
    return invitation


def invitation_language(*, pk: int | None) -> str | None:
    if pk is None:
        return None
    return Invitation.objects.filter(pk=pk).values_list("language", flat=True).first()


def invitation_for_mail(*, pk: int) -> Invitation | None:
    return (
        Invitation.objects.select_related(
            "survey__delivery__course",
            "survey__delivery__venue",
            "survey__visit__country",
            "person",
        )
        .filter(pk=pk)
        .first()
    )


# --- results ------------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: Question
    counts: list[tuple[str, int]] = field(default_factory=list)  # (label, count), in order
    texts: list[str] = field(default_factory=list)
    answered: int = 0
    mean: float | None = None


@dataclass
class Results:
    survey: Survey
    invited: int
    answered: int
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def _scale(kind: str) -> range:
    return range(1, 6) if kind == QuestionKind.LIKERT else range(0, 11)


def survey_results(*, survey: Survey) -> Results:
    """The response rate, then per question of every version answered: the distribution of its
    answers (numbers and choices) or its free texts. Three queries whatever the size."""
    counts = invitation_counts(survey=survey)
    questions = list(
        Question.objects.filter(version__survey=survey)
        .select_related("version")
        .prefetch_related("options")
        .order_by("version__number", "position")
    )
    answers = Answer.objects.filter(question__version__survey=survey).values_list(
        "question_id", "number", "choices", "text"
    )
    numbers: dict[int, Counter[int]] = {}
    chosen: dict[int, Counter[str]] = {}
    texts: dict[int, list[str]] = {}
    answered: Counter[int] = Counter()
    for question_id, number, choice_values, text in answers:
        answered[question_id] += 1
        if number is not None:
            numbers.setdefault(question_id, Counter())[number] += 1
        for value in choice_values or []:
            chosen.setdefault(question_id, Counter())[value] += 1
        if text:
            texts.setdefault(question_id, []).append(text)
    results = []
    for question in questions:
        if question.version.status == VersionStatus.DRAFT:
            continue
        result = QuestionResult(question=question, answered=answered[question.pk])
        if question.kind in CHOICE_KINDS:
            tally = chosen.get(question.pk, Counter())
            result.counts = [(o.text, tally[o.value]) for o in question.options.all()]
        elif question.kind == QuestionKind.TEXT:
            result.texts = texts.get(question.pk, [])
        else:
            tally_n = numbers.get(question.pk, Counter())
            result.counts = [(str(n), tally_n[n]) for n in _scale(question.kind)]
            total = sum(tally_n.values())
            if total:
                result.mean = sum(n * c for n, c in tally_n.items()) / total
        results.append(result)
    return Results(
        survey=survey, invited=counts["invited"], answered=counts["answered"], questions=results
    )


def subjects_for_choice(*, user: Any) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The deliveries and visits a survey can be about, for the survey form: those the user
    may build a survey of (an advisor: the deliveries they teach)."""
    from liaison.training.models import Delivery, DeliveryStatus
    from liaison.visits.models import Visit

    deliveries = scope_survey_deliveries(
        user, Delivery.objects.exclude(status=DeliveryStatus.CANCELLED)
    )
    visits = scope_survey_visits(user, Visit.objects.all())
    return (
        deliveries.select_related("course", "venue").order_by("-starts_on"),
        visits.select_related("country").order_by("-id"),
    )


def earlier_questions(*, version: SurveyVersion | None) -> QuerySet[Question]:
    if version is None:
        return Question.objects.none()
    return version.questions.exclude(kind=QuestionKind.TEXT).order_by("position")


# --- evaluation levels 1 and 3 ------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyLevel:
    """A level the surveys measure (reaction, behaviour), for one group: who was asked, who
    answered, and the mean of their Likert answers (1 to 5)."""

    invited: int
    answered: int
    mean: float | None

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def survey_levels(
    *, surveys: QuerySet[Survey], invitation_key: Any, answer_key: Any
) -> dict[Any, SurveyLevel]:
    """The surveys' response and mean Likert answer per group: ``invitation_key`` groups the
    invitations and ``answer_key`` the answers (the same grouping, as an expression from each).
    A group with answers but no key (an anonymous response grouped by person) is left out.
    Two queries."""
    asked = (
        Invitation.objects.filter(survey__in=surveys)
        .annotate(key=invitation_key)
        .values("key")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(responded_at__isnull=False)))
        .order_by()
    )
    means = dict(
        Answer.objects.filter(
            response__survey__in=surveys, question__kind=QuestionKind.LIKERT, number__isnull=False
        )
        .annotate(key=answer_key)
        .values("key")
        .annotate(mean=Avg("number"))
        .order_by()
        .values_list("key", "mean")
    )
    return {
        row["key"]: SurveyLevel(
            row["invited"],
            row["answered"],
            float(means[row["key"]]) if means.get(row["key"]) is not None else None,
        )
        for row in asked
        if row["key"] is not None
    }
