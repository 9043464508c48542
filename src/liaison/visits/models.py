"""The International Visitors Program: sites, visit requests, delegations and itineraries."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from liaison.catalog.models import SITE_ENVIRONMENTS

MAX_VISIT_DAYS = 14
# Monday is 0, as in ``date.weekday()``.
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class FocusArea(models.Model):
    """What a delegation comes to see: targeting, trade facilitation, a laboratory…"""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SiteKind(models.TextChoices):
    HEADQUARTERS = "headquarters", "Headquarters office"
    PORT_OF_ENTRY = "port_of_entry", "Port of entry"
    BORDER_PATROL_STATION = "border_patrol_station", "Border Patrol station"
    CHECKPOINT = "checkpoint", "Checkpoint"
    LABORATORY = "laboratory", "Laboratory"
    TARGETING_CENTER = "targeting_center", "Targeting center"
    TRAINING_CENTER = "training_center", "Training center"
    FIELD_OFFICE = "field_office", "Field office"
    AIR_AND_MARINE = "air_and_marine", "Air and Marine operations"


class Site(models.Model):
    """A place a delegation can visit, with what it can show and how many it can host."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=SiteKind.choices)
    environment = models.CharField(max_length=20, choices=SITE_ENVIRONMENTS, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2)
    address = models.CharField(
        max_length=250, blank=True, help_text="Street address for the itinerary, where public."
    )
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    daily_capacity = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Delegations it can host on one day.",
    )
    # The weekdays it hosts, as digits (Monday 0): "01234" is Monday to Friday.
    open_weekdays = models.CharField(max_length=7, default="01234")
    note = models.TextField(blank=True)
    hosts = models.ManyToManyField("people.Staff", blank=True, related_name="hosted_sites")
    active = models.BooleanField(default=True)
    history = HistoricalRecords(m2m_fields=[hosts])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.state})"

    @property
    def is_headquarters(self) -> bool:
        return self.kind == SiteKind.HEADQUARTERS

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(int(d) for d in self.open_weekdays)

    @property
    def weekdays_label(self) -> str:
        return ", ".join(WEEKDAY_NAMES[d] for d in sorted(self.weekdays)) or "never"


class SiteFocus(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="focus")
    focus_area = models.ForeignKey(FocusArea, on_delete=models.PROTECT, related_name="sites")
    strength = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="1 shows a little of it, 3 is among the best places to see it.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "focus_area"], name="site_focus_once"),
        ]

    def __str__(self) -> str:
        return f"{self.site.code}: {self.focus_area.code} ({self.strength})"


class SiteBlackout(models.Model):
    """Dates a site hosts nobody: an exercise, a holiday rush, a renovation."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="blackouts")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="blackout_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site.code} closed {self.starts_on:%Y-%m-%d} to {self.ends_on:%Y-%m-%d}"

    @property
    def days(self) -> list[date]:
        span = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + timedelta(days=n) for n in range(span)]


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    PLANNING = "planning", "Planning"
    SITES_REQUESTED = "sites_requested", "Sites requested"
    CONFIRMED = "confirmed", "Confirmed"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


class Visit(models.Model):
    """A visit request and, once planned, the visit itself."""

    country = models.ForeignKey("partners.Country", on_delete=models.PROTECT, related_name="visits")
    agency = models.ForeignKey(
        "partners.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    sponsor = models.ForeignKey(
        "catalog.FundingSource", on_delete=models.PROTECT, related_name="visits"
    )
    purpose = models.TextField()
    earliest_start = models.DateField()
    latest_end = models.DateField()
    length_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VISIT_DAYS)]
    )
    delegation_size = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    wants_hq_briefing = models.BooleanField(
        "headquarters briefing on the first working day", default=True
    )
    must_see = models.ManyToManyField(Site, blank=True, related_name="wanted_by")
    must_avoid = models.ManyToManyField(Site, blank=True, related_name="avoided_by")
    status = models.CharField(
        max_length=16, choices=VisitStatus.choices, default=VisitStatus.REQUESTED
    )
    status_reason = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True, db_index=True)
    ends_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    history = HistoricalRecords(m2m_fields=[must_see, must_avoid])

    class Meta:
        ordering = ["-earliest_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latest_end__gte=models.F("earliest_start")),
                name="visit_window_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Visit {self.pk} from {self.country}"


class VisitFocus(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="focus")
    focus_area = models.ForeignKey(FocusArea, on_delete=models.PROTECT, related_name="visits")
    priority = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="3 is what they came for; 1 is nice to see.",
    )

    class Meta:
        ordering = ["-priority", "focus_area__name"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "focus_area"], name="visit_focus_once"),
        ]

    def __str__(self) -> str:
        return f"{self.focus_area} ({self.priority})"


class DelegateRole(models.TextChoices):
    HEAD = "head", "Head of delegation"
    MEMBER = "member", "Member"
    INTERPRETER = "interpreter", "Interpreter"


class Delegate(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="delegates")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="visits")
    role = models.CharField(
        max_length=12, choices=DelegateRole.choices, default=DelegateRole.MEMBER
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "person__family_name"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "person"], name="delegate_once"),
            models.UniqueConstraint(
                fields=["visit"], condition=models.Q(role="head"), name="delegation_one_head"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display().lower()})"


class HostAnswer(models.TextChoices):
    PLANNED = "planned", "Planned, not yet asked"
    ASKED = "asked", "Asked, awaiting the host"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Stop(models.Model):
    """One site on one day of a visit, and the host's answer."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="stops")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="stops")
    day = models.DateField(db_index=True)
    order = models.PositiveSmallIntegerField(default=1)
    starts_at = models.TimeField(null=True, blank=True, help_text="When the delegation arrives.")
    why = models.CharField(max_length=300, blank=True, help_text="Why the planner chose it.")
    pinned = models.BooleanField(default=False, help_text="Kept when the visit is re-planned.")
    answer = models.CharField(max_length=10, choices=HostAnswer.choices, default=HostAnswer.PLANNED)
    answer_reason = models.CharField(max_length=300, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["day", "order"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "site", "day"], name="stop_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.site.name}, {self.day:%a %d %b %Y}"


class Exclusion(models.Model):
    """A site the coordinator removed from a visit: on one day, or (no day) altogether."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="exclusions")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        when = f" on {self.day:%Y-%m-%d}" if self.day else ""
        return f"Without {self.site.code}{when}"


class HostFeed(models.Model):
    """A site host's secret iCal address: the visits their sites accepted."""

    staff = models.OneToOneField(
        "people.Staff", on_delete=models.CASCADE, related_name="visit_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Visits calendar of {self.staff}"


class YearPlanStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class YearPlan(models.Model):
    """One run of the year scheduler over the pending requests, kept so the coordinator can
    read what it placed, what it left out and why, and how close to optimal it proved."""

    status = models.CharField(
        max_length=10, choices=YearPlanStatus.choices, default=YearPlanStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    time_limit_seconds = models.PositiveSmallIntegerField(default=50)
    requests = models.PositiveIntegerField(default=0)
    placed = models.PositiveIntegerField(default=0)
    objective = models.PositiveIntegerField(default=0)
    bound = models.FloatField(default=0)
    gap = models.FloatField(default=0)
    solve_seconds = models.FloatField(default=0)
    # One entry per request: {"visit": id, "placed": bool, "start": "YYYY-MM-DD" | None,
    # "end": ..., "score": int, "reason": str}.
    outcome = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Year plan of {self.created_at:%Y-%m-%d %H:%M}"
