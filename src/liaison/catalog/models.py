"""The training catalog: program areas, courses, venues and funding sources."""

from __future__ import annotations

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
    active = models.BooleanField(default=True)
    history = HistoricalRecords(m2m_fields=[qualified_instructors])

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class VenueKind(models.TextChoices):
    ILEA = "ilea", "International Law Enforcement Academy"
    REGIONAL_TRAINING_CENTER = "regional_training_center", "ILEA regional training center"
    US_PORT = "us_port", "U.S. port of entry"
    FOREIGN_SITE = "foreign_site", "Foreign site"


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
        return self.kind in (VenueKind.ILEA, VenueKind.REGIONAL_TRAINING_CENTER)


class FundingSource(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"
