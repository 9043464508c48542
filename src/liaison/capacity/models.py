"""SAFE Framework capacity building: a multi-year program per partner administration, its
assessments (a maturity score per standard), the training plan generated from the gaps, and
mentoring."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

# The maturity scale every score uses.
MATURITY = {
    0: "Absent",
    1: "Initial",
    2: "Developing",
    3: "Established",
    4: "Sustained",
}
MATURITY_CHOICES = [(level, f"{level} — {label}") for level, label in MATURITY.items()]
MAX_LEVEL = 4


class Priority(models.IntegerChoices):
    HIGH = 1, "High"
    MEDIUM = 2, "Medium"
    LOW = 3, "Low"


class Program(models.Model):
    """One multi-year capacity-building program for one partner administration."""

    country = models.ForeignKey(
        "partners.Country", on_delete=models.PROTECT, related_name="safe_programs"
    )
    agency = models.OneToOneField(
        "partners.Agency",
        on_delete=models.PROTECT,
        related_name="safe_program",
        verbose_name="partner administration",
        help_text="The customs administration the program builds; one program each.",
    )
    sponsor = models.ForeignKey(
        "catalog.FundingSource", on_delete=models.PROTECT, related_name="safe_programs"
    )
    edition = models.ForeignKey(
        "catalog.SafeEdition",
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name="SAFE edition",
        help_text="The edition the targets are set against and new assessments score.",
    )
    starts_on = models.DateField()
    planned_end = models.DateField()
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="safe_programs",
        verbose_name="program manager",
    )
    budget = models.DecimalField(
        "training budget (USD)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="What the training plan may spend over the program, at the courses' "
        "estimated costs.",
    )
    max_deliveries_per_quarter = models.PositiveSmallIntegerField(
        "deliveries per quarter, at most",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="How many courses the partner can release officials for in one quarter.",
    )
    objectives = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "agency__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gt=models.F("starts_on")),
                name="safe_program_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"SAFE program: {self.agency.name}" if self.agency_id else "SAFE program"


class Target(models.Model):
    """The level the program aims for on one standard, and how much it matters."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="targets")
    standard = models.ForeignKey(
        "catalog.SafeStandard", on_delete=models.PROTECT, related_name="targets"
    )
    level = models.PositiveSmallIntegerField(
        choices=MATURITY_CHOICES, validators=[MaxValueValidator(MAX_LEVEL)]
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    history = HistoricalRecords()

    class Meta:
        ordering = ["standard__pillar__number", "standard__number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "standard"], name="safe_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.standard}: {self.level}"


class AssessmentKind(models.TextChoices):
    INITIAL = "initial", "Initial"
    MONITORING = "monitoring", "Monitoring"
    FINAL = "final", "Final"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    REVIEWED = "reviewed", "Reviewed"
    APPROVED = "approved", "Approved"


# The assessment workflow's moves are declared in capacity.workflows (ASSESSMENT).


class Assessment(models.Model):
    """A mission that scores every standard of one edition, by named assessors on dates."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=12, choices=AssessmentKind.choices)
    edition = models.ForeignKey(
        "catalog.SafeEdition",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name="SAFE edition scored",
    )
    starts_on = models.DateField("mission starts on")
    ends_on = models.DateField("mission ends on")
    assessors = models.ManyToManyField(
        "people.Staff", related_name="safe_assessments", help_text="Who scored it."
    )
    participants = models.ManyToManyField(
        "people.Person",
        blank=True,
        related_name="safe_assessments",
        verbose_name="the administration's officials who took part",
        help_text="Interviewed on the mission, or on the partner's self-assessment team.",
    )
    summary = models.TextField(blank=True)
    self_assessment_received_on = models.DateField(
        "partner's self-assessment received on",
        null=True,
        blank=True,
        help_text="When the administration's own pre-mission scores arrived (shown beside ours).",
    )
    status = models.CharField(
        max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[assessors, participants])

    class Meta:
        ordering = ["program", "ends_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="safe_assessment_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} assessment, {self.ends_on:%b %Y}"


class Score(models.Model):
    """One standard's maturity in one assessment, with the evidence, and the partner's own
    score from its self-assessment when it sent one."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    standard = models.ForeignKey(
        "catalog.SafeStandard", on_delete=models.PROTECT, related_name="scores"
    )
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=MATURITY_CHOICES, validators=[MaxValueValidator(MAX_LEVEL)]
    )
    evidence = models.TextField(blank=True)
    self_level = models.PositiveSmallIntegerField(
        "self-assessed level",
        null=True,
        blank=True,
        choices=MATURITY_CHOICES,
        validators=[MaxValueValidator(MAX_LEVEL)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["standard__pillar__number", "standard__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "standard"], name="safe_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.standard.code}: {self.level if self.level is not None else '—'}"


class Attachment(models.Model):
    """Evidence for an assessment (or one of its standards): checked by content, encrypted in
    the database, served only to those who may read it, every download recorded."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="attachments")
    standard = models.ForeignKey(
        "catalog.SafeStandard",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(max_length=128)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    payload = models.BinaryField()
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class TrainingPlan(models.Model):
    """The sequenced training plan of a program: generated from the latest approved
    assessment's gaps, then edited by the manager."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="plan")
    based_on = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField(null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    solver_status = models.CharField(max_length=40, blank=True)
    notes = models.JSONField(default=list, blank=True)  # what the generator left out, and why
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Training plan of the {self.program}"


class PlanItem(models.Model):
    """One course in a fiscal quarter, for the standards whose gaps it closes; linked to the
    real delivery once one is scheduled."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="items")
    course = models.ForeignKey("catalog.Course", on_delete=models.PROTECT, related_name="+")
    standards = models.ManyToManyField("catalog.SafeStandard", blank=True, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    estimated_cost = models.DecimalField(max_digits=12, decimal_places=2)
    delivery = models.OneToOneField(
        "training.Delivery",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="safe_plan_item",
    )
    # Set when the manager placed or moved it: a new generation keeps it where it is.
    kept = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[standards])

    class Meta:
        ordering = ["fiscal_year", "quarter", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "course"], name="safe_plan_course_once")
        ]

    def __str__(self) -> str:
        return f"{self.course.code} in FY{self.fiscal_year} Q{self.quarter}"

    @property
    def slot(self) -> tuple[int, int]:
        return (self.fiscal_year, self.quarter)


class Mentoring(models.Model):
    """An advisor's mentoring engagement with the administration, on some standards."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentoring")
    advisor = models.ForeignKey(
        "people.Staff", on_delete=models.PROTECT, related_name="safe_mentoring"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    topics = models.CharField(max_length=300)
    standards = models.ManyToManyField(
        "catalog.SafeStandard", blank=True, related_name="+", verbose_name="standards addressed"
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[standards])

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = "mentoring engagement"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="safe_mentoring_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Mentoring by {self.advisor}: {self.topics}"
