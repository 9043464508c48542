"""Training: requests become deliveries; officials enroll, attend, complete and are certified."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

MAX_DELIVERY_DAYS = 14


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved into a delivery"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class TrainingRequest(models.Model):
    """What a post or partner asks for; a program manager approves it into a delivery."""

    country = models.ForeignKey(
        "partners.Country", on_delete=models.PROTECT, related_name="training_requests"
    )
    agency = models.ForeignKey(
        "partners.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_requests",
    )
    course = models.ForeignKey(
        "catalog.Course",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text="Leave blank and describe the need when no course fits.",
    )
    need = models.TextField(blank=True, help_text="The need, in the partner's words.")
    preferred_start = models.DateField(null=True, blank=True)
    preferred_end = models.DateField(null=True, blank=True)
    participants_expected = models.PositiveSmallIntegerField(null=True, blank=True)
    funding_source = models.ForeignKey(
        "catalog.FundingSource",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    justification = models.TextField()
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    decision_note = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_requests",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        subject = self.course.title if self.course_id and self.course else self.need[:60]
        return f"Request {self.pk}: {subject} for {self.country}"


class DeliveryStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    APPROVED = "approved", "Approved"
    CONFIRMED = "confirmed", "Confirmed"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


# The delivery workflow's moves are declared in training.workflows (DELIVERY).

# States in which the roster and instructors may still change.
OPEN_STATES = {
    DeliveryStatus.PLANNED,
    DeliveryStatus.APPROVED,
    DeliveryStatus.CONFIRMED,
    DeliveryStatus.IN_PROGRESS,
}


class Delivery(models.Model):
    """One session of a course at a venue on dates, funded by a source."""

    course = models.ForeignKey(
        "catalog.Course", on_delete=models.PROTECT, related_name="deliveries"
    )
    venue = models.ForeignKey("catalog.Venue", on_delete=models.PROTECT, related_name="deliveries")
    # The host country is the venue's; kept on the delivery so figures need no join.
    country = models.ForeignKey(
        "partners.Country", on_delete=models.PROTECT, related_name="deliveries", editable=False
    )
    request = models.ForeignKey(
        TrainingRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    starts_on = models.DateField(db_index=True)
    ends_on = models.DateField()
    funding_source = models.ForeignKey(
        "catalog.FundingSource", on_delete=models.PROTECT, related_name="deliveries"
    )
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PLANNED
    )
    cancel_reason = models.TextField(blank=True)
    min_attendance_percent = models.PositiveSmallIntegerField(
        default=80,
        validators=[MaxValueValidator(100)],
        help_text="Share of days a participant must attend (present or late) to complete.",
    )
    pass_mark = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Post-test score needed to complete; blank uses the course's pass mark.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="delivery_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.code} at {self.venue.name}, {self.starts_on:%d %b %Y}"

    @property
    def days(self) -> list[date]:
        """The training days: every date from the first to the last."""
        return [
            self.starts_on + timedelta(days=n)
            for n in range((self.ends_on - self.starts_on).days + 1)
        ]

    @property
    def effective_pass_mark(self) -> int:
        return self.pass_mark if self.pass_mark is not None else self.course.pass_mark

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class InstructorRole(models.TextChoices):
    LEAD = "lead", "Lead instructor"
    CO = "co", "Co-instructor"


class Assignment(models.Model):
    """A staff member teaching a delivery."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey("people.Staff", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=4, choices=InstructorRole.choices)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "staff__family_name"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "staff"], name="assignment_once"),
            models.UniqueConstraint(
                fields=["delivery"],
                condition=models.Q(role="lead"),
                name="assignment_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} ({self.get_role_display().lower()})"


class CalendarFeed(models.Model):
    """A secret iCal address: one staff member's deliveries, or (no staff) all deliveries."""

    staff = models.OneToOneField(
        "people.Staff", null=True, blank=True, on_delete=models.CASCADE, related_name="feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar of {self.staff}" if self.staff_id else "Calendar of all deliveries"


class EnrollmentStatus(models.TextChoices):
    NOMINATED = "nominated", "Nominated"
    WAITLISTED = "waitlisted", "Waiting list"
    CONFIRMED = "confirmed", "Confirmed"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "No-show"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Enrollments that hold one of the delivery's seats.
SEATED = (
    EnrollmentStatus.NOMINATED,
    EnrollmentStatus.CONFIRMED,
    EnrollmentStatus.ATTENDED,
    EnrollmentStatus.NO_SHOW,
)


class Enrollment(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="enrollments")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(
        max_length=12, choices=EnrollmentStatus.choices, default=EnrollmentStatus.NOMINATED
    )
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    nominated_by = models.CharField(max_length=150, blank=True, help_text="Agency or post.")
    supervisor = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_enrollments",
        help_text="The participant's supervisor, asked about them in follow-up surveys.",
    )
    pre_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    post_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    withdrawn_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["person__family_name", "person__given_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "person"], name="enrollment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.delivery}"


class AttendanceMark(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    ABSENT = "absent", "Absent"


# Marks that count as attending the day.
ATTENDING = (AttendanceMark.PRESENT, AttendanceMark.LATE)


class Attendance(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField()
    mark = models.CharField(max_length=8, choices=AttendanceMark.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "day"], name="attendance_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.person} {self.day:%Y-%m-%d}: {self.mark}"


class Certificate(models.Model):
    """Proof of completion, checkable by anyone holding its code."""

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(max_length=16, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Certificate {self.code}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class CostCategory(models.TextChoices):
    TRAVEL = "travel", "Travel"
    PER_DIEM = "per_diem", "Per diem"
    LODGING = "lodging", "Lodging"
    INTERPRETATION = "interpretation", "Interpretation"
    VENUE = "venue", "Venue"
    MATERIALS = "materials", "Materials"
    OTHER = "other", "Other"


class CostKind(models.TextChoices):
    BUDGET = "budget", "Budget"
    ACTUAL = "actual", "Actual"


class CostLine(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="cost_lines")
    kind = models.CharField(max_length=6, choices=CostKind.choices)
    category = models.CharField(max_length=16, choices=CostCategory.choices)
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_category_display()}: {self.amount}"


class AfterActionReport(models.Model):
    delivery = models.OneToOneField(
        Delivery, on_delete=models.CASCADE, related_name="after_action_report"
    )
    summary = models.TextField()
    issues = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"After-action report for {self.delivery}"


class FollowUpKind(models.TextChoices):
    REFRESHER = "refresher", "Refresher"
    MENTORING = "mentoring", "Mentoring"


class FollowUp(models.Model):
    """A refresher or mentoring engagement for the graduates of earlier deliveries."""

    kind = models.CharField(max_length=10, choices=FollowUpKind.choices)
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    source_deliveries = models.ManyToManyField(Delivery, related_name="follow_ups")
    graduates = models.ManyToManyField("people.Person", related_name="follow_ups")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[source_deliveries, graduates])

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
