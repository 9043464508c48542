"""Surveys for the demo: end-of-course surveys of the latest deliveries, an anonymous
follow-up of graduates six months on, and an end-of-visit survey, each in six languages; the
invitations drawn through the surveys services (so the sample and the no-repeat window apply)
and about four in five answered, in the invitee's language.

The officials' preferred language is set from their nationality where it is one of the
participants' languages (Spanish, French, Arabic, Russian, Portuguese), as staff would record
it. Nothing here changes a figure the other demo tests read (deliveries, visits, people)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from liaison.accounts.models import User
from liaison.core.locales import faker_locale_for_country
from liaison.people.models import Person
from liaison.surveys import selectors, services
from liaison.surveys.models import Purpose, QuestionKind, Survey
from liaison.surveys.services import OptionInput
from liaison.training.models import Delivery, DeliveryStatus, Enrollment, EnrollmentStatus
from liaison.visits.models import Visit, VisitStatus

LANGUAGES = ("es", "fr", "ar", "ru", "pt")

OBJECTIVES = {
    "text": "The course met its objectives.",
    "es": "El curso cumplió sus objetivos.",
    "fr": "Le cours a atteint ses objectifs.",
    "ar": "حققت الدورة أهدافها.",
    "ru": "Курс достиг своих целей.",  # noqa: RUF001 (Russian)
    "pt": "O curso atingiu os seus objetivos.",
}
USE = {
    "text": "Will you use what you learned in your work?",
    "es": "¿Utilizará lo aprendido en su trabajo?",
    "fr": "Utiliserez-vous ce que vous avez appris dans votre travail ?",
    "ar": "هل ستستخدم ما تعلمته في عملك؟",
    "ru": "Будете ли вы использовать полученные знания в работе?",
    "pt": "Vai usar o que aprendeu no seu trabalho?",
}
YES = {"text": "Yes", "es": "Sí", "fr": "Oui", "ar": "نعم", "ru": "Да", "pt": "Sim"}
NO = {"text": "No", "es": "No", "fr": "Non", "ar": "لا", "ru": "Нет", "pt": "Não"}
WHY_NOT = {
    "text": "What would help you use it?",
    "es": "¿Qué le ayudaría a utilizarlo?",
    "fr": "Qu'est-ce qui vous aiderait à l'utiliser ?",
    "ar": "ما الذي سيساعدك على استخدامه؟",
    "ru": "Что помогло бы вам применять эти знания?",
    "pt": "O que o ajudaria a usá-lo?",
}
RECOMMEND = {
    "text": "How likely are you to recommend this program to a colleague?",
    "es": "¿Qué probabilidad hay de que recomiende este programa a un colega?",
    "fr": "Quelle est la probabilité que vous recommandiez ce programme à un collègue ?",
    "ar": "ما مدى احتمال أن توصي زميلًا بهذا البرنامج؟",
    "ru": "Насколько вероятно, что вы порекомендуете эту программу коллеге?",
    "pt": "Qual a probabilidade de recomendar este programa a um colega?",
}
TOPICS = {
    "text": "Which topics were most useful?",
    "es": "¿Qué temas fueron más útiles?",
    "fr": "Quels thèmes ont été les plus utiles ?",
    "ar": "ما هي الموضوعات الأكثر فائدة؟",
    "ru": "Какие темы были наиболее полезными?",
    "pt": "Quais temas foram mais úteis?",
}
TOPIC_OPTIONS = [
    (
        "risk",
        {
            "text": "Risk management",
            "es": "Gestión de riesgos",
            "fr": "Gestion des risques",
            "ar": "إدارة المخاطر",
            "ru": "Управление рисками",
            "pt": "Gestão de riscos",
        },
    ),
    (
        "practice",
        {
            "text": "Practical exercises",
            "es": "Ejercicios prácticos",
            "fr": "Exercices pratiques",
            "ar": "تمارين عملية",
            "ru": "Практические упражнения",
            "pt": "Exercícios práticos",
        },
    ),
    (
        "law",
        {
            "text": "Legal framework",
            "es": "Marco legal",
            "fr": "Cadre juridique",
            "ar": "الإطار القانوني",
            "ru": "Правовая база",
            "pt": "Quadro jurídico",
        },
    ),
]
COMMENTS = {
    "es": ["Excelente instructor.", "Más tiempo para los ejercicios."],
    "fr": ["Très bonne formation.", "Plus de cas pratiques, s'il vous plaît."],
    "ar": ["دورة ممتازة.", "نحتاج إلى مزيد من التدريب العملي."],
    "ru": ["Очень полезный курс.", "Больше практики."],
    "pt": ["Curso muito útil.", "Mais exercícios práticos."],
    "en": ["Very useful.", "More hands-on time, please."],
}


@dataclass(frozen=True)
class SurveysDemo:
    surveys: int
    invitations: int
    responses: int


def _split(texts: dict[str, str]) -> tuple[str, dict[str, str]]:
    return texts["text"], {code: texts[code] for code in LANGUAGES}


def _questions(actor: User, survey: Survey, *, topics: bool) -> None:
    def add(kind: str, texts: dict[str, str], **extra: Any) -> Any:
        text, translations = _split(texts)
        return services.question_add(
            actor=actor, survey=survey, kind=kind, text=text, translations=translations, **extra
        )

    add(QuestionKind.LIKERT, OBJECTIVES)
    use = add(
        QuestionKind.SINGLE,
        USE,
        options=[OptionInput("yes", *_split(YES)), OptionInput("no", *_split(NO))],
    )
    add(QuestionKind.TEXT, WHY_NOT, shown_if=use, shown_value="no", required=False)
    if topics:
        add(
            QuestionKind.MULTIPLE,
            TOPICS,
            options=[OptionInput(value, *_split(texts)) for value, texts in TOPIC_OPTIONS],
            required=False,
        )
    add(QuestionKind.RATING, RECOMMEND)


def _set_languages(people: list[Person]) -> None:
    for person in people:
        if person.preferred_language or person.nationality is None:
            continue
        language = faker_locale_for_country(str(person.nationality.code))[:2]
        if language in LANGUAGES:
            Person.objects.filter(pk=person.pk).update(preferred_language=language)


def _answer(rng: random.Random, survey: Survey) -> int:
    """About four in five invitees answer (one visitor declines); returns the responses."""
    questions = selectors.questions_of(version=selectors.version_published(survey=survey))
    given = 0
    for index, invitation in enumerate(survey.invitations.select_related("survey").order_by("pk")):
        if index == 1 and survey.purpose == Purpose.END_OF_VISIT:
            services.invitation_opt_out(invitation=invitation, everywhere=False)
            continue
        if rng.random() > 0.8:
            continue
        answers: dict[str, Any] = {}
        for question in questions:
            key = f"q{question.pk}"
            if question.kind == QuestionKind.LIKERT:
                answers[key] = str(rng.choice([3, 4, 4, 5, 5]))
            elif question.kind == QuestionKind.RATING:
                answers[key] = str(rng.choice([6, 7, 8, 9, 9, 10]))
            elif question.kind == QuestionKind.SINGLE:
                answers[key] = "yes" if rng.random() < 0.8 else "no"
            elif question.kind == QuestionKind.MULTIPLE:
                answers[key] = rng.sample(["risk", "practice", "law"], rng.randint(1, 2))
            elif rng.random() < 0.7:
                answers[key] = rng.choice(COMMENTS[invitation.language])
        services.response_submit(invitation=invitation, answers=answers)
        given += 1
    return given


def build_surveys_demo(*, seed: int) -> SurveysDemo:
    rng = random.Random(seed)
    manager = User.objects.get(username="manager")
    today = timezone.localdate()
    held = (
        Delivery.objects.filter(
            status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED),
            enrollments__status=EnrollmentStatus.ATTENDED,
        )
        .distinct()
        .select_related("course", "venue")
        .order_by("-ends_on", "-pk")
    )
    # Of the latest fifteen, the four with the most graduates (and so the most languages).
    latest = list(held.filter(ends_on__lte=today)[:15])
    graduates = Counter(
        Enrollment.objects.filter(
            delivery__in=latest, status=EnrollmentStatus.ATTENDED
        ).values_list("delivery_id", flat=True)
    )
    recent = sorted(latest, key=lambda d: (-graduates[d.pk], -d.pk))[:4]
    # The follow-up asks the graduates of a course that ended at least six months ago.
    earlier = (
        held.filter(ends_on__lte=today - timedelta(days=183))
        .exclude(pk__in=[d.pk for d in recent])
        .first()
    )
    visit = (
        Visit.objects.filter(status=VisitStatus.COMPLETED)
        .filter(delegates__isnull=False)
        .distinct()
        .select_related("country")
        .order_by("-starts_on", "-pk")
        .first()
    )
    courses = [*recent, earlier] if earlier else recent
    audience = list(
        Person.objects.filter(enrollments__delivery__in=courses).select_related("nationality")
    )
    if visit is not None:
        audience += list(Person.objects.filter(visits__visit=visit).select_related("nationality"))
    _set_languages(audience)
    closes_on = today + timedelta(days=30)
    plans: list[dict[str, Any]] = []
    for index, delivery in enumerate(recent):
        plans.append(
            {
                "title": f"{delivery.course.code}: end of course",
                "purpose": Purpose.END_OF_COURSE,
                "delivery": delivery,
                "sample_rate": 1 if index < 2 else 0.8,
                "topics": True,
            }
        )
    if earlier is not None:
        plans.append(
            {
                "title": f"{earlier.course.code}: graduates six months on",
                "purpose": Purpose.GRADUATE_FOLLOW_UP,
                "delivery": earlier,
                "months_after": 6,
                "anonymous": True,
                "topics": False,
            }
        )
    if visit is not None:
        plans.append(
            {
                "title": f"Visit from {visit.country.name}: end of visit",
                "purpose": Purpose.END_OF_VISIT,
                "visit": visit,
                "topics": False,
            }
        )
    invitations = responses = 0
    for number, plan in enumerate(plans):
        topics = plan.pop("topics")
        survey = services.survey_create(actor=manager, closes_on=closes_on, **plan)
        _questions(manager, survey, topics=topics)
        services.survey_publish(actor=manager, survey=survey)
        draw = services.survey_invite(actor=manager, survey=survey, seed=seed + number)
        invitations += len(draw.invitations)
        responses += _answer(rng, survey)
    return SurveysDemo(surveys=len(plans), invitations=invitations, responses=responses)
