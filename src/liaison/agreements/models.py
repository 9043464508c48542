"""Customs Mutual Assistance Agreements (CMAAs), the assistance requests exchanged under them,
and their documents (kept encrypted, read only through the services)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class AgreementStatus(models.TextChoices):
    NEGOTIATING = "negotiating", "Negotiating"
    SIGNED = "signed", "Signed"
    IN_FORCE = "in_force", "In force"
    SUSPENDED = "suspended", "Suspended"
    TERMINATED = "terminated", "Terminated"


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def in_force_on(self, day: date) -> AgreementQuerySet:
        """The agreements in force on ``day``: entered into force by then, neither terminated
        nor suspended by then. A suspension later lifted is not remembered here (its dates
        are in the history): the figure of a past day counts such an agreement in force."""
        return (
            self.filter(in_force_on__lte=day)
            .exclude(terminated_on__lte=day)
            .exclude(suspended_on__lte=day)
        )


class Agreement(models.Model):
    """A CMAA with one country's customs administration (its counterpart)."""

    country = models.ForeignKey(
        "partners.Country", on_delete=models.PROTECT, related_name="agreements"
    )
    counterpart = models.ForeignKey(
        "partners.Agency",
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text="The partner's administration that answers requests under the agreement.",
    )
    title = models.CharField(max_length=300)
    status = models.CharField(
        max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.NEGOTIATING
    )
    status_reason = models.TextField(blank=True)
    binding = models.BooleanField(
        "legally binding",
        default=True,
        help_text="An agreement binding under international law, not a memorandum or arrangement.",
    )
    signed_on = models.DateField(null=True, blank=True)
    in_force_on = models.DateField("in force from", null=True, blank=True)
    suspended_on = models.DateField(null=True, blank=True)
    terminated_on = models.DateField("terminated or ended on", null=True, blank=True)
    our_contacts = models.ManyToManyField(
        "people.Staff", blank=True, related_name="agreements_as_contact"
    )
    their_contacts = models.ManyToManyField(
        "people.Person", blank=True, related_name="agreements_as_contact"
    )
    notes = models.TextField(blank=True)
    generated = models.BooleanField(
        "generated data",
        default=False,
        help_text="Made up for the demo: not a real agreement's facts.",
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the facts recorded here come from."
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[our_contacts, their_contacts])

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["country__name", "-id"]
        constraints = [
            # A country has one agreement at a time; an ended one may be followed by another.
            models.UniqueConstraint(
                fields=["country"],
                condition=~models.Q(status="terminated"),
                name="agreement_one_current_per_country",
            ),
            models.CheckConstraint(
                condition=models.Q(in_force_on__isnull=True)
                | models.Q(in_force_on__gte=models.F("signed_on")),
                name="agreement_in_force_after_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"CMAA with {self.country}" if self.country_id else "CMAA"

    @property
    def is_in_force(self) -> bool:
        return self.status == AgreementStatus.IN_FORCE


class Direction(models.TextChoices):
    INCOMING = "incoming", "Incoming"
    OUTGOING = "outgoing", "Outgoing"


class RequestKind(models.TextChoices):
    INFORMATION = "information", "Information"
    DOCUMENTS = "documents", "Documents"
    VERIFICATION = "verification", "Verification"
    ENFORCEMENT = "enforcement", "Enforcement"
    SURVEILLANCE = "surveillance", "Surveillance"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RECEIVED = "received", "Received"
    IN_PROGRESS = "in_progress", "In progress"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed"
    REFUSED = "refused", "Refused"


# Waiting for an answer: the deadline runs (ours for an incoming request, the partner's for an
# outgoing one).
OPEN = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)
# Settled: nothing changes any more but the documents read.
SETTLED = (RequestStatus.CLOSED, RequestStatus.REFUSED)


class AssistanceRequest(models.Model):
    """A request for assistance under an agreement, from the partner (incoming) or to it
    (outgoing). ``received_on`` is the day it reached its addressee: the day we received an
    incoming one, the day an outgoing one was sent."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="requests")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    reference = models.CharField(max_length=40, unique=True, editable=False)
    partner_reference = models.CharField(
        "partner's reference", max_length=80, blank=True, help_text="The number on their letter."
    )
    subject = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=RequestKind.choices)
    legal_basis = models.CharField(
        "legal basis (article)",
        max_length=120,
        blank=True,
        help_text="The agreement's article the request is made under, e.g. “Article 4(1)”.",
    )
    details = models.TextField(
        blank=True, help_text="The facts, and what is asked (or was asked of us)."
    )
    persons = models.ManyToManyField(
        "people.Person", through="RequestPerson", related_name="assistance_requests"
    )
    received_on = models.DateField(null=True, blank=True, db_index=True)
    due_on = models.DateField(null=True, blank=True, db_index=True)
    answered_on = models.DateField(null=True, blank=True)
    answer_summary = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assistance_requests",
        help_text="Who works the request and is reminded of its deadline.",
    )
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    status_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__isnull=True)
                | models.Q(received_on__isnull=True)
                | models.Q(due_on__gte=models.F("received_on")),
                name="request_due_after_received",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_on__isnull=True)
                | models.Q(answered_on__gte=models.F("received_on")),
                name="request_answered_after_received",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or "New assistance request"

    @property
    def is_incoming(self) -> bool:
        return self.direction == Direction.INCOMING

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def is_overdue(self, today: date) -> bool:
        """Still waiting for its answer after the day it was due (``today`` is the agency's
        local date: a request due on the 4th is overdue from midnight starting the 5th)."""
        return self.is_open and self.due_on is not None and self.due_on < today

    @property
    def days_to_answer(self) -> int | None:
        if self.received_on and self.answered_on:
            return (self.answered_on - self.received_on).days
        return None

    @property
    def status_label(self) -> str:
        """The status in the direction's words: an outgoing request "received" is sent."""
        if not self.is_incoming and self.status == RequestStatus.RECEIVED:
            return "Sent"
        if not self.is_incoming and self.status == RequestStatus.IN_PROGRESS:
            return "Being worked by the partner"
        return str(self.get_status_display())


class PersonRole(models.TextChoices):
    SUBJECT = "subject", "Subject of the inquiry"
    ASSOCIATE = "associate", "Associate"
    WITNESS = "witness", "Witness"
    OFFICIAL = "official", "Official involved"


class RequestPerson(models.Model):
    request = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="person_links"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="assistance_request_links"
    )
    role = models.CharField(max_length=12, choices=PersonRole.choices, default=PersonRole.SUBJECT)

    class Meta:
        ordering = ["person__family_name", "person__given_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="request_person_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display().lower()})"


class CompanyRole(models.TextChoices):
    IMPORTER = "importer", "Importer"
    EXPORTER = "exporter", "Exporter"
    CONSIGNEE = "consignee", "Consignee"
    CARRIER = "carrier", "Carrier"
    BROKER = "broker", "Customs broker"
    MANUFACTURER = "manufacturer", "Manufacturer"
    OTHER = "other", "Other"


class RequestCompany(models.Model):
    """A company a request concerns, as the request names it (companies are no registry of
    their own in Liaison)."""

    request = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="companies"
    )
    name = models.CharField(max_length=200)
    country = models.ForeignKey(
        "partners.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    identifier = models.CharField(
        max_length=80, blank=True, help_text="Tax or trader number (EORI, RUC, EIN…)."
    )
    role = models.CharField(max_length=12, choices=CompanyRole.choices, default=CompanyRole.OTHER)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "request companies"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display().lower()})"


class DocumentKind(models.TextChoices):
    AGREEMENT_TEXT = "agreement_text", "Agreement text"
    REQUEST_LETTER = "request_letter", "Request letter"
    RESPONSE = "response", "Response"
    SUPPORTING = "supporting", "Supporting document"


class Document(models.Model):
    """A file of an agreement (its text) or of one of its requests (the letter, the answer).

    The bytes are encrypted (``core.attachments.seal``) and never read but by the download
    service, which checks the permission and records the download."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="documents")
    request = models.ForeignKey(
        AssistanceRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    payload = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename
