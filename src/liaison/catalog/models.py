"""The training catalog: program areas, courses, venues and funding sources."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

MIN_COURSE_DAYS = 3
MAX_COURSE_DAYS = 10


class ProgramArea(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Environment(models.TextChoices):
    """The border environments, one vocabulary for what a course teaches (technique differs
    by environment) and what a visit site shows."""

    LAND = "land", "Land border"
    SEAPORT = "seaport", "Seaport"
    RAIL = "rail", "Rail"
    AIRPORT = "airport", "Airport"
    GREEN_BORDER = "green_border", "Green border (between ports)"
    ANY = "any", "Any environment"


# A site is at one border environment; only a course can be for any.
SITE_ENVIRONMENTS = [(value, label) for value, label in Environment.choices if value != "any"]


class Level(models.TextChoices):
    BASIC = "basic", "Basic"
    ADVANCED = "advanced", "Advanced"
    REFRESHER = "refresher", "Refresher"
    TRAIN_THE_TRAINER = "train_the_trainer", "Train-the-trainer"


class Course(models.Model):
    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    area = models.ForeignKey(ProgramArea, on_delete=models.PROTECT, related_name="courses")
    topics = models.TextField(blank=True, help_text="What the course covers.")
    environment = models.CharField(
        max_length=20, choices=Environment.choices, default=Environment.ANY
    )
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BASIC)
    length_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_COURSE_DAYS), MaxValueValidator(MAX_COURSE_DAYS)],
        help_text=f"{MIN_COURSE_DAYS} to {MAX_COURSE_DAYS} days.",
    )
    pass_mark = models.PositiveSmallIntegerField(
        default=70,
        validators=[MaxValueValidator(100)],
        help_text="Post-test score (0 to 100) a participant needs to complete the course.",
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_for"
    )
    co_delivered_with = models.CharField(
        max_length=100, blank=True, help_text="Agencies that co-deliver it, e.g. DEA or ICE."
    )
    qualified_instructors = models.ManyToManyField(
        "people.Staff", blank=True, related_name="qualified_courses"
    )
    standards: models.ManyToManyField[SafeStandard, Any] = models.ManyToManyField(
        "SafeStandard",
        blank=True,
        related_name="courses",
        verbose_name="SAFE standards",
        help_text="The WCO SAFE Framework standards the course builds: capacity-building plans "
        "choose courses by these.",
    )
    estimated_cost = models.DecimalField(
        "estimated cost per delivery (USD)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="What one delivery usually costs: capacity-building plans fit courses into "
        "a program's budget with it.",
    )
    active = models.BooleanField(default=True)
    history = HistoricalRecords(m2m_fields=[qualified_instructors, standards])

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class VenueKind(models.TextChoices):
    ILEA = "ilea", "International Law Enforcement Academy"
    REGIONAL_TRAINING_CENTER = "regional_training_center", "ILEA regional training center"
    US_PORT = "us_port", "U.S. port of entry"
    FOREIGN_SITE = "foreign_site", "Foreign site"


# The academies a regional course is held at (an ILEA or one of its regional centers).
ACADEMY_KINDS = (VenueKind.ILEA, VenueKind.REGIONAL_TRAINING_CENTER)


class Venue(models.Model):
    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=VenueKind.choices)
    city = models.CharField(max_length=100)
    country = models.ForeignKey("partners.Country", on_delete=models.PROTECT, related_name="venues")
    capacity = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1)], help_text="Seats in its classroom."
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ilea(self) -> bool:
        return self.kind in ACADEMY_KINDS


class FundingSource(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


# --- the WCO SAFE Framework: reference vocabulary for capacity building ---------------------


class SafeEdition(models.Model):
    """One edition of the WCO SAFE Framework of Standards; an assessment says which it scored."""

    code = models.CharField(max_length=10, unique=True)  # "2015"
    title = models.CharField(max_length=200)
    published_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class SafePillar(models.Model):
    edition = models.ForeignKey(SafeEdition, on_delete=models.CASCADE, related_name="pillars")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["edition__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="safe_pillar_once")
        ]

    def __str__(self) -> str:
        return f"Pillar {self.number}: {self.title}"


class StandardKind(models.TextChoices):
    STANDARD = "standard", "Standard"
    COOPERATION_AREA = "cooperation_area", "Cooperation area"


class SafeStandard(models.Model):
    """A standard of one edition, numbered within its pillar ("1.4"). The same code in two
    editions is the same standard when the titles agree (see ``comparable_with``)."""

    edition = models.ForeignKey(SafeEdition, on_delete=models.CASCADE, related_name="standards")
    pillar = models.ForeignKey(SafePillar, on_delete=models.CASCADE, related_name="standards")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=StandardKind.choices)
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["edition__code", "pillar__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pillar", "number"], name="safe_standard_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"{self.pillar.number}.{self.number}"

    def comparable_with(self, other: SafeStandard) -> bool:
        """Scores of the two may be compared: the same standard, or the same code and title
        in another edition."""
        return self.pk == other.pk or (self.code == other.code and self.title == other.title)
