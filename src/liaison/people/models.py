"""People: foreign officials (one record however many programs they attend) and our staff."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from encrypted_fields.fields import EncryptedCharField, EncryptedDateField
from simple_history.models import HistoricalRecords


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNSPECIFIED = "unspecified", "Not specified"


class PreferredLanguage(models.TextChoices):
    """The languages a participant can be written to in (surveys' invitations and pages)."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    FRENCH = "fr", "French"
    ARABIC = "ar", "Arabic"
    RUSSIAN = "ru", "Russian"
    PORTUGUESE = "pt", "Portuguese"


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        """People not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    """A foreign official. Passport number and birth date are encrypted at rest."""

    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    native_name = models.CharField(
        max_length=200, blank=True, help_text="The name in its native script, e.g. محمد الراشد"
    )
    gender = models.CharField(max_length=12, choices=Gender.choices, default=Gender.UNSPECIFIED)
    birth_date = EncryptedDateField(null=True, blank=True)
    passport_number = EncryptedCharField(max_length=40, null=True, blank=True)
    nationality = models.ForeignKey(
        "partners.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    agency = models.ForeignKey(
        "partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    position = models.CharField("position / rank", max_length=150, blank=True)
    left_post_on = models.DateField(
        "left the post on",
        null=True,
        blank=True,
        help_text="The day the official left the agency or the position, when their agency "
        "reports it; blank while in post as far as we know.",
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    preferred_language = models.CharField(
        max_length=2,
        choices=PreferredLanguage.choices,
        blank=True,
        help_text="The language survey invitations are written in (English when empty).",
    )
    # Transliterated, lower-case names for search; derived from the name fields on save.
    search_name = models.CharField(max_length=400, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["search_name"])

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        permissions = [("view_personal_data", "Can see passport number and birth date")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        latin = " ".join(part for part in (self.given_name, self.family_name) if part)
        return latin or self.native_name

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class PersonMatchKey(models.Model):
    """A keyed hash of one blocking key of a person's names, so matching reads few candidates."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    key = models.BigIntegerField()

    class Meta:
        # Its index (key first) serves every lookup by key: no second index to keep up.
        constraints = [
            models.UniqueConstraint(fields=["key", "person"], name="match_key_unique_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.key}"


class StaffKind(models.TextChoices):
    INSTRUCTOR = "instructor", "Instructor"
    ATTACHE = "attache", "Attaché"
    ADVISOR = "advisor", "Advisor"
    SITE_HOST = "site_host", "Site host"


class Staff(models.Model):
    """One of our own: instructors, attachés, advisors and site hosts."""

    kind = models.CharField(max_length=20, choices=StaffKind.choices)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    title = models.CharField(max_length=150, blank=True)
    office = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    post_country = models.ForeignKey(
        "partners.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_posted",
        help_text="Where an attaché or advisor is posted.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_profile",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "staff"

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"
