"""Postings: our staff posted abroad (attachés, representatives, advisors, ILEA instructors),
the posts they serve at and the countries each tour covers; deployment programs and the
deployments (temporary duty) made under them or alone.

A posting's dates are its tour: ``starts_on`` (the arrival, once recorded) to ``ends_on`` (the
planned end) or ``ended_on`` (the real end, once recorded). While a posting is approved, on
post or over, its staff member is held by it for those dates: training refuses them as an
instructor anywhere the tour does not cover (``selectors.staff_away``).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class PostKind(models.TextChoices):
    EMBASSY = "embassy", "Embassy"
    CONSULATE = "consulate", "Consulate"
    MISSION = "mission", "Mission"
    ACADEMY = "academy", "International Law Enforcement Academy"


class Post(models.Model):
    """Where staff serve abroad: an embassy, consulate or mission in a city, or an ILEA."""

    name = models.CharField(max_length=200, unique=True, help_text="U.S. Embassy Mexico City")
    kind = models.CharField(max_length=12, choices=PostKind.choices, default=PostKind.EMBASSY)
    city = models.CharField(max_length=100)
    country = models.ForeignKey("partners.Country", on_delete=models.PROTECT, related_name="posts")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country__name", "city", "name"]

    def __str__(self) -> str:
        return self.name


class PostingRole(models.TextChoices):
    ATTACHE = "attache", "Attaché"
    REPRESENTATIVE = "representative", "Representative"
    ADVISOR = "advisor", "Advisor"
    ILEA_INSTRUCTOR = "ilea_instructor", "ILEA instructor"


class PostingStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    ACTIVE = "active", "On post"
    ENDED = "ended", "Ended"
    CANCELLED = "cancelled", "Cancelled"


# The postings that hold their staff member for their dates (and cover their countries).
HOLDING = (PostingStatus.APPROVED, PostingStatus.ACTIVE, PostingStatus.ENDED)
# The postings still to run or running: their planned end is still ahead of them.
OPEN = (PostingStatus.APPROVED, PostingStatus.ACTIVE)


def lasting_until(day: date, path: str = "") -> Q:
    """Tours whose last day (the real end once recorded, else the planned one) is ``day`` or
    later; ``path`` leads to the posting from another model ("posting__"). An officer still on
    post past their planned end (the end not recorded yet) is there until today."""
    condition = Q(**{f"{path}ended_on__gte": day}) | Q(
        **{f"{path}ended_on__isnull": True, f"{path}ends_on__gte": day}
    )
    if day <= timezone.localdate():
        condition |= Q(**{f"{path}status": PostingStatus.ACTIVE})
    return condition


class Posting(models.Model):
    """One tour of one staff member at a post, in a role, covering countries."""

    staff = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="postings")
    role = models.CharField(max_length=20, choices=PostingRole.choices)
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="postings")
    starts_on = models.DateField("start", help_text="The first day on post.")
    ends_on = models.DateField("planned end", help_text="The last day of the tour as planned.")
    ended_on = models.DateField(
        "ended", null=True, blank=True, help_text="The tour's real last day, once it has ended."
    )
    status = models.CharField(
        max_length=12, choices=PostingStatus.choices, default=PostingStatus.PROPOSED
    )
    approval_reference = models.CharField(
        max_length=60, blank=True, help_text="The approval's reference (cable or memo number)."
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(
        blank=True, help_text="Why it was withdrawn, cancelled or ended early."
    )
    notes = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="postings_proposed",
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "pk"]
        indexes = [
            models.Index(fields=["staff", "starts_on"]),
            models.Index(fields=["status", "ends_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="posting_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("starts_on")),
                name="posting_ended_after_it_started",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | Q(ended_on__isnull=False),
                name="posting_ended_has_its_day",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "cancelled"]) | ~Q(approval_reference=""),
                name="posting_approved_has_a_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff}, {self.get_role_display().lower()} at {self.post}"

    @property
    def last_day(self) -> date:
        """The tour's last day: the real one once it has ended, else the planned one."""
        return self.ended_on or self.ends_on

    @property
    def ended_early(self) -> bool:
        return self.ended_on is not None and self.ended_on < self.ends_on

    @property
    def primary_coverage(self) -> list[Coverage]:
        """The countries it covers first (read off a prefetched ``coverage``)."""
        return [c for c in self.coverage.all() if c.kind == CoverageKind.PRIMARY]

    @property
    def secondary_coverage(self) -> list[Coverage]:
        return [c for c in self.coverage.all() if c.kind == CoverageKind.SECONDARY]


class CoverageKind(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"


class Coverage(models.Model):
    """A country a posting covers, as its primary responsibility or a secondary one."""

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="coverage")
    country = models.ForeignKey(
        "partners.Country", on_delete=models.PROTECT, related_name="covered_by"
    )
    kind = models.CharField(
        max_length=10, choices=CoverageKind.choices, default=CoverageKind.PRIMARY
    )

    class Meta:
        ordering = ["kind", "country__name"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "country"], name="coverage_country_once")
        ]

    def __str__(self) -> str:
        return f"{self.country} ({self.get_kind_display().lower()})"


class DeploymentProgram(models.Model):
    """A program under which staff are deployed to one partner country, for example an
    advisory program for its interior ministry."""

    name = models.CharField(max_length=200)
    country = models.ForeignKey(
        "partners.Country", on_delete=models.PROTECT, related_name="deployment_programs"
    )
    agency = models.ForeignKey(
        "partners.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deployment_programs",
        help_text="The partner administration the program supports.",
    )
    sponsor = models.ForeignKey(
        "catalog.FundingSource",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deployment_programs",
    )
    starts_on = models.DateField("start")
    ends_on = models.DateField("planned end")
    objective = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="program_name_once_a_country"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="program_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DeploymentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Deployment(models.Model):
    """Time a staff member is away on other duty (temporary duty, a program's mission), so
    cannot teach."""

    staff = models.ForeignKey("people.Staff", on_delete=models.CASCADE, related_name="deployments")
    program = models.ForeignKey(
        DeploymentProgram,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deployments",
    )
    country = models.ForeignKey(
        "partners.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deployments",
        help_text="Where the deployment goes (a program's country).",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    description = models.CharField(max_length=200)
    status = models.CharField(
        max_length=12, choices=DeploymentStatus.choices, default=DeploymentStatus.SCHEDULED
    )
    cancel_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["staff", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="postings_deployment_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.starts_on:%Y-%m-%d} to {self.ends_on:%Y-%m-%d})"
