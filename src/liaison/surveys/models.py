"""Surveys: what participants of a delivery, delegates of a visit and supervisors of graduates
are asked, in their language, and what they answered.

A survey's questions live in versions: publishing freezes a version, editing a published survey
starts a new draft version, and every answer points at the question of the version it was given
to, so changing a survey never rewrites an answer. An invitation is one person asked once, by a
signed expiring link; an anonymous survey's response keeps no link to the person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from liaison.surveys.languages import CODES, Language


class Purpose(models.TextChoices):
    """Why a survey is sent; it fixes who is asked and the evaluation level it feeds."""

    END_OF_COURSE = "end_of_course", "End of course (reaction)"
    END_OF_VISIT = "end_of_visit", "End of visit (reaction)"
    GRADUATE_FOLLOW_UP = "graduate_follow_up", "Follow-up of graduates (behaviour)"
    SUPERVISOR_FOLLOW_UP = "supervisor_follow_up", "Follow-up of graduates' supervisors (behaviour)"


# Kirkpatrick level each purpose measures: reaction (1) and behaviour (3).
LEVELS = {
    Purpose.END_OF_COURSE: 1,
    Purpose.END_OF_VISIT: 1,
    Purpose.GRADUATE_FOLLOW_UP: 3,
    Purpose.SUPERVISOR_FOLLOW_UP: 3,
}
# Purposes whose invitees come from a delivery's roster; the others from a visit's delegates.
DELIVERY_PURPOSES = {
    Purpose.END_OF_COURSE,
    Purpose.GRADUATE_FOLLOW_UP,
    Purpose.SUPERVISOR_FOLLOW_UP,
}


class Survey(models.Model):
    title = models.CharField(max_length=200)
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    delivery = models.ForeignKey(
        "training.Delivery",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    visit = models.ForeignKey(
        "visits.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="surveys"
    )
    months_after = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="For a follow-up: how many months after the course it is sent (e.g. 6, 12).",
    )
    anonymous = models.BooleanField(
        default=False, help_text="Responses keep no link to the person who gave them."
    )
    sample_rate = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=1,
        help_text="The share of those eligible who are invited (1 = everyone, 0.3 = 30%).",
    )
    max_reminders = models.PositiveSmallIntegerField(default=2)
    reminder_gap_days = models.PositiveSmallIntegerField(
        default=7, help_text="The fewest days between two messages to the same person."
    )
    closes_on = models.DateField(help_text="The last day answers are taken.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sample_rate__gt=0) & Q(sample_rate__lte=1), name="survey_rate_share"
            ),
            models.CheckConstraint(
                condition=(Q(delivery__isnull=False) & Q(visit__isnull=True))
                | (Q(delivery__isnull=True) & Q(visit__isnull=False)),
                name="survey_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def level(self) -> int:
        return LEVELS[Purpose(self.purpose)]

    @property
    def subject(self) -> object:
        return self.delivery if self.delivery_id else self.visit


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Replaced by a later version"


class SurveyVersion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_once"),
            models.UniqueConstraint(
                fields=["survey"],
                condition=Q(status="draft"),
                name="survey_one_draft",
            ),
            models.UniqueConstraint(
                fields=["survey"],
                condition=Q(status="published"),
                name="survey_one_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


class QuestionKind(models.TextChoices):
    LIKERT = "likert", "Agreement, 1 to 5"
    SINGLE = "single", "One choice"
    MULTIPLE = "multiple", "Several choices"
    RATING = "rating", "Rating, 0 to 10"
    TEXT = "text", "Free text"


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE}


def _translations_default() -> dict[str, str]:
    return {}


class Question(models.Model):
    """One question of one version. ``text`` is English; ``translations`` maps a language code
    to the text staff entered for it. ``shown_if`` names an earlier question of the same
    version and ``shown_value`` the answer that shows this one."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=500)
    translations = models.JSONField(default=_translations_default, blank=True)
    required = models.BooleanField(default=True)
    shown_if = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="dependents"
    )
    shown_value = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="question_position"),
        ]

    def __str__(self) -> str:
        return self.text

    def text_in(self, language: str) -> str:
        return self.translations.get(language) or self.text

    def options_in(self, language: str) -> list[tuple[str, str]]:
        """(value, text) of each option, in ``language`` where staff translated it."""
        return [(o.value, o.text_in(language)) for o in self.options.all()]


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    value = models.SlugField(max_length=50)
    text = models.CharField(max_length=200)
    translations = models.JSONField(default=_translations_default, blank=True)

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="option_value_once"),
        ]

    def __str__(self) -> str:
        return self.text

    def text_in(self, language: str) -> str:
        return self.translations.get(language) or self.text


class Invitation(models.Model):
    """One person asked to answer one survey, after being drawn in its sample."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="survey_invitations"
    )
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_mailed_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    opted_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="invitation_once"),
            models.CheckConstraint(
                condition=Q(language__in=CODES), name="invitation_language_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} to {self.survey}"


class OptOut(models.Model):
    """A person who asked not to be surveyed: for one survey, or (``survey`` empty) any."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(
        Survey, null=True, blank=True, on_delete=models.CASCADE, related_name="opt_outs"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "survey"], name="opt_out_once_per_survey"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(survey__isnull=True), name="opt_out_once_global"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} opted out of {self.survey or 'every survey'}"


class Response(models.Model):
    """One submitted questionnaire. ``invitation`` and ``person`` stay empty when the survey is
    anonymous (the invitation only records that it was answered)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    language = models.CharField(max_length=2, choices=Language.choices)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "id"]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.survey}"


class Answer(models.Model):
    """One answer: ``number`` for Likert and ratings, ``choices`` (option values) for choice
    questions, ``text`` for free text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question}"
