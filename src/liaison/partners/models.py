"""Partners: the State Department's regional bureaus, countries (ISO 3166) and foreign agencies."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords


class Region(models.Model):
    """A State Department regional bureau (AF, EAP, EUR, NEA, SCA, WHA)."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Country(models.Model):
    code = CountryField(unique=True, help_text="ISO 3166 alpha-2")
    name = models.CharField(max_length=120)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="countries"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    CUSTOMS = "customs", "Customs"
    BORDER_POLICE = "border_police", "Border police / guard"
    IMMIGRATION = "immigration", "Immigration"
    POLICE = "police", "National police"
    MINISTRY = "ministry", "Ministry"
    OTHER = "other", "Other"


class Agency(models.Model):
    """A foreign government agency we work with: ``name`` in English (as the agency or its
    government writes it), ``national_name`` in the national language."""

    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=20, blank=True)
    national_name = models.CharField(
        max_length=200, blank=True, help_text="The name in the national language, if not English"
    )
    national_acronym = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="agencies")
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"], name="agency_unique_name_per_country"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})" if self.country_id else self.name
