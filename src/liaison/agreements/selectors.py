"""Reads of agreements and assistance requests, scoped to the user by ``permissions``.

Besides the lists and one record's page: the overdue list, time to answer per country and
fiscal year, each agreement's health, and what the pages where programs meet need
(``country_agreements_summary``, ``person_agreements_summary``, ``work_for``), each in a fixed
number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from liaison.agreements.models import (
    OPEN,
    Agreement,
    AgreementStatus,
    AssistanceRequest,
    Direction,
    Document,
    RequestCompany,
    RequestPerson,
    RequestStatus,
)
from liaison.agreements.permissions import (
    handler_accounts,
    scope_agreements,
    scope_requests,
)
from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.capacity.selectors import maturity_by_country
from liaison.core.access import get_for_user, require_perm
from liaison.core.fiscal import fiscal_year_of
from liaison.core.work import WorkItem, WorkList
from liaison.partners.models import Country
from liaison.people.models import Person, Staff
from liaison.training.models import Enrollment, EnrollmentStatus

# The documents' list never loads their bytes.
DOCUMENT_FIELDS = (
    "id",
    "agreement_id",
    "request_id",
    "kind",
    "filename",
    "content_type",
    "size",
    "uploaded_at",
    "uploaded_by",
)
DUE_SOON_DAYS = 7


def today() -> date:
    """The agency's date: deadlines fall due at midnight in its time zone."""
    return timezone.localdate()


# --- agreements -------------------------------------------------------------------------------


def _agreements() -> QuerySet[Agreement]:
    return Agreement.objects.select_related("country", "country__region", "counterpart")


def agreement_list(
    *, user: Any, search: str = "", status: str = "", region: str = "", generated: str = ""
) -> QuerySet[Agreement]:
    require_perm(user, "agreements.browse")
    agreements = scope_agreements(user, _agreements())
    if user.has_perm("agreements.browse_requests"):
        agreements = agreements.annotate(
            open_requests=Count("requests", filter=Q(requests__status__in=OPEN))
        )
    if search:
        agreements = agreements.filter(
            Q(country__name__icontains=search)
            | Q(counterpart__name__icontains=search)
            | Q(counterpart__acronym__iexact=search)
            | Q(country__code__iexact=search)
        )
    if status:
        agreements = agreements.filter(status=status)
    if region:
        agreements = agreements.filter(country__region__code=region)
    if generated in ("yes", "no"):
        agreements = agreements.filter(generated=generated == "yes")
    return agreements.order_by("country__name", "-pk")


def agreement_get(*, user: Any, pk: int, perm: str = "agreements.view_agreement") -> Agreement:
    """The agreement, or 404; 403 when it lies outside the user's scope."""
    return get_for_user(_agreements(), user, perm, pk=pk)


def agreements_for_filing(*, user: Any) -> QuerySet[Agreement]:
    """The agreements a user may file a request under: in force (an incoming request may come
    under one suspended since), in the user's scope."""
    return scope_agreements(user, _agreements()).filter(
        status__in=(AgreementStatus.IN_FORCE, AgreementStatus.SUSPENDED)
    )


def agreement_contacts(*, agreement: Agreement) -> tuple[list[Staff], list[Any]]:
    """Our designated contacts and the partner's, the latter with whether each completed a
    course (attended a delivery) in Liaison."""
    ours = list(agreement.our_contacts.select_related("post_country").order_by("family_name"))
    theirs = list(
        agreement.their_contacts.select_related("nationality", "agency")
        .annotate(
            courses=Count(
                "enrollments",
                filter=Q(enrollments__status=EnrollmentStatus.ATTENDED),
                distinct=True,
            )
        )
        .order_by("family_name", "given_name")
    )
    return ours, theirs


def agreement_documents(*, agreement: Agreement) -> QuerySet[Document]:
    """The agreement's own documents (its text), without their bytes."""
    return (
        agreement.documents.filter(request__isnull=True)
        .only(*DOCUMENT_FIELDS)
        .select_related("uploaded_by")
    )


def agreement_requests(*, user: Any, agreement: Agreement) -> QuerySet[AssistanceRequest]:
    """The requests under the agreement the user may see (none for those who read agreements
    only)."""
    return scope_requests(user, agreement.requests.select_related("owner")).order_by(
        "-received_on", "-pk"
    )


def agreement_history(*, agreement: Agreement) -> AuditEntryQuerySet:
    return audit_history(object_type="agreements.agreement", object_ids=[str(agreement.pk)])


def contact_staff_choices() -> QuerySet[Staff]:
    """Our officials who may be designated contacts: the active attachés and advisors first."""
    return Staff.objects.filter(active=True).order_by("kind", "family_name", "given_name")


def contact_candidates(*, user: Any, agreement: Agreement, search: str) -> list[Person]:
    """The partner's officials matching ``search`` whom the user may see, not yet contacts."""
    from liaison.people.selectors import person_list

    if not search:
        return []
    taken = set(agreement.their_contacts.values_list("pk", flat=True))
    found = person_list(user=user, search=search, nationality=str(agreement.country.code))
    return [p for p in found[:20] if p.pk not in taken][:10]


# --- assistance requests ----------------------------------------------------------------------


def _requests() -> QuerySet[AssistanceRequest]:
    return AssistanceRequest.objects.select_related(
        "agreement", "agreement__country", "agreement__country__region", "owner"
    )


def request_list(
    *,
    user: Any,
    search: str = "",
    direction: str = "",
    status: str = "",
    country: str = "",
    kind: str = "",
    overdue: bool = False,
    mine: bool = False,
) -> QuerySet[AssistanceRequest]:
    require_perm(user, "agreements.browse_requests")
    requests = scope_requests(user, _requests())
    if search:
        requests = requests.filter(
            Q(reference__icontains=search)
            | Q(partner_reference__icontains=search)
            | Q(subject__icontains=search)
            | Q(companies__name__icontains=search)
        ).distinct()
    if direction:
        requests = requests.filter(direction=direction)
    if status:
        requests = requests.filter(status=status)
    if country:
        requests = requests.filter(agreement__country__code=country)
    if kind:
        requests = requests.filter(kind=kind)
    if overdue:
        requests = requests.filter(status__in=OPEN, due_on__lt=today())
    if mine:
        requests = requests.filter(owner=user)
    return requests.order_by("-received_on", "-pk")


def request_get(*, user: Any, pk: int, perm: str = "agreements.view_request") -> AssistanceRequest:
    """The request, or 404; 403 when it lies outside the user's scope."""
    return get_for_user(_requests(), user, perm, pk=pk)


def request_for_reminder(*, pk: int) -> AssistanceRequest | None:
    """The request a queued reminder is about (the worker acts for nobody: no scope)."""
    return _requests().filter(pk=pk).first()


def request_persons(*, request: AssistanceRequest) -> QuerySet[RequestPerson]:
    return request.person_links.select_related(
        "person", "person__nationality", "person__nationality__region", "person__agency"
    )


def request_companies(*, request: AssistanceRequest) -> QuerySet[RequestCompany]:
    return request.companies.select_related("country")


def request_documents(*, request: AssistanceRequest) -> QuerySet[Document]:
    return request.documents.only(*DOCUMENT_FIELDS).select_related("uploaded_by")


def request_history(*, request: AssistanceRequest) -> AuditEntryQuerySet:
    return audit_history(object_type="agreements.assistancerequest", object_ids=[str(request.pk)])


def request_person_get(*, user: Any, pk: int) -> RequestPerson:
    """A person named in a request, for whoever works the request; 404 or 403."""
    link: RequestPerson = _link_for(user, RequestPerson.objects.select_related("person"), pk)
    return link


def _link_for(user: Any, links: QuerySet[Any], pk: int) -> Any:
    link = get_object_or_404(
        links.select_related("request", "request__agreement", "request__agreement__country"),
        pk=pk,
    )
    require_perm(user, "agreements.work_request", link.request)
    return link


def request_company_get(*, user: Any, pk: int) -> RequestCompany:
    company: RequestCompany = _link_for(user, RequestCompany.objects.all(), pk)
    return company


def owner_choices(*, agreement: Agreement | None) -> QuerySet[Any]:
    """The accounts that may own a request under ``agreement`` (under any, when none is
    chosen yet)."""
    return handler_accounts(get_user_model().objects.all(), agreement).order_by(
        "last_name", "first_name", "username"
    )


def owner_get(*, agreement: Agreement, pk: int) -> Any:
    """One of :func:`owner_choices`, or 404."""
    return get_object_or_404(owner_choices(agreement=agreement), pk=pk)


def document_get(*, user: Any, pk: int) -> Document:
    """A document's record (not its bytes), or 404; 403 unless the user may read it."""
    return get_for_user(
        Document.objects.only(*DOCUMENT_FIELDS).select_related(
            "agreement__country", "request__agreement__country"
        ),
        user,
        "agreements.download_document",
        pk=pk,
    )


def overdue_requests(
    *, user: Any, direction: str = "", country: str = ""
) -> QuerySet[AssistanceRequest]:
    """The requests past their deadline and still waiting for the answer, oldest deadline
    first: ours to give (incoming) and the partners' (outgoing)."""
    requests = request_list(user=user, overdue=True, direction=direction, country=country)
    return requests.order_by("due_on", "pk")


# --- time to answer and health ----------------------------------------------------------------


def _answer_days(rows: list[tuple[Any, ...]]) -> dict[Any, list[int]]:
    days: dict[Any, list[int]] = defaultdict(list)
    for key, received_on, answered_on in rows:
        days[key].append((answered_on - received_on).days)
    return days


@dataclass
class AnswerTimes:
    """One country, fiscal year (of receipt) and direction: how many requests, how many were
    answered and how fast, refused, still open."""

    country: str
    code: str
    fiscal_year: int
    direction: str
    received: int = 0
    answered: int = 0
    refused: int = 0
    open: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return median(self.days) if self.days else None


def answer_times(*, user: Any, direction: str = "", country: str = "") -> list[AnswerTimes]:
    """Time to answer per country and fiscal year (of the day each request was received), in
    one query: drafts are not counted; an answer closed since still counts as answered."""
    requests = request_list(user=user, direction=direction, country=country).exclude(
        status=RequestStatus.DRAFT
    )
    rows = requests.order_by().values_list(
        "agreement__country__name",
        "agreement__country__code",
        "direction",
        "status",
        "received_on",
        "answered_on",
    )
    table: dict[tuple[str, int, str], AnswerTimes] = {}
    for name, code, way, status, received_on, answered_on in rows:
        if received_on is None:
            continue  # not sent yet
        fy = fiscal_year_of(received_on).year
        row = table.setdefault(
            (name, fy, way),
            AnswerTimes(country=name, code=str(code), fiscal_year=fy, direction=way),
        )
        row.received += 1
        if answered_on is not None:
            row.answered += 1
            row.days.append((answered_on - received_on).days)
        elif status == RequestStatus.REFUSED:
            row.refused += 1
        elif status in OPEN:
            row.open += 1
    return sorted(table.values(), key=lambda r: (r.country, -r.fiscal_year, r.direction))


def answer_times_by_year(rows: list[AnswerTimes]) -> list[tuple[int, str, int, float | None]]:
    """All countries together: per fiscal year and direction, requests answered and the median
    days to answer."""
    days: dict[tuple[int, str], list[int]] = defaultdict(list)
    answered: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        key = (row.fiscal_year, row.direction)
        days[key].extend(row.days)
        answered[key] += row.answered
    return [
        (year, way, answered[(year, way)], median(days[(year, way)]) if days[(year, way)] else None)
        for year, way in sorted(days)
    ]


@dataclass
class Health:
    """One agreement's health: requests in and out, how fast they were answered (ours and
    theirs), refusals, what is overdue now, and whether the partner's designated contacts
    were trained."""

    agreement: Agreement
    requests_in: int = 0
    requests_out: int = 0
    refused_in: int = 0
    refused_out: int = 0
    overdue_in: int = 0
    overdue_out: int = 0
    open_in: int = 0
    open_out: int = 0
    days_in: list[int] = field(default_factory=list)
    days_out: list[int] = field(default_factory=list)
    contacts: int = 0
    contacts_trained: int = 0
    # The partner's SAFE maturity (mean level, 0 to 4, in its latest approved assessment), when the
    # user sees capacity building and the partner has one.
    safe_maturity: float | None = None

    @property
    def median_in(self) -> float | None:
        return median(self.days_in) if self.days_in else None

    @property
    def median_out(self) -> float | None:
        return median(self.days_out) if self.days_out else None

    @property
    def overdue(self) -> int:
        return self.overdue_in + self.overdue_out


def agreement_health(
    *, user: Any, region: str = "", agreement: Agreement | None = None
) -> list[Health]:
    """The health of each agreement in force, suspended or once in force, in the user's scope,
    the most overdue first; four queries however many agreements and requests there are."""
    require_perm(user, "agreements.view_health")
    agreements = scope_agreements(user, _agreements()).filter(in_force_on__isnull=False)
    if agreement is not None:
        agreements = agreements.filter(pk=agreement.pk)
    if region:
        agreements = agreements.filter(country__region__code=region)
    rows = {a.pk: Health(agreement=a) for a in agreements}
    if not rows:
        return []
    current = today()
    requests = (
        scope_requests(user, AssistanceRequest.objects.filter(agreement_id__in=list(rows)))
        .exclude(status=RequestStatus.DRAFT)
        .order_by()
        .values_list("agreement_id", "direction", "status", "received_on", "due_on", "answered_on")
    )
    for agreement_id, way, status, received_on, due_on, answered_on in requests:
        health = rows[agreement_id]
        incoming = way == Direction.INCOMING
        if incoming:
            health.requests_in += 1
        else:
            health.requests_out += 1
        if answered_on is not None:
            (health.days_in if incoming else health.days_out).append(
                (answered_on - received_on).days
            )
        if status == RequestStatus.REFUSED:
            if incoming:
                health.refused_in += 1
            else:
                health.refused_out += 1
        if status in OPEN:
            if incoming:
                health.open_in += 1
            else:
                health.open_out += 1
            if due_on is not None and due_on < current:
                if incoming:
                    health.overdue_in += 1
                else:
                    health.overdue_out += 1
    contacts = Agreement.their_contacts.through.objects.filter(agreement_id__in=list(rows))
    trained = set(
        Enrollment.objects.filter(
            person__in=contacts.values("person_id"), status=EnrollmentStatus.ATTENDED
        ).values_list("person_id", flat=True)
    )
    for agreement_id, person_id in contacts.values_list("agreement_id", "person_id"):
        rows[agreement_id].contacts += 1
        rows[agreement_id].contacts_trained += person_id in trained
    maturity = maturity_by_country(
        user=user, countries={h.agreement.country_id for h in rows.values()}
    )
    for health in rows.values():
        health.safe_maturity = maturity.get(health.agreement.country_id)
    return sorted(
        rows.values(),
        key=lambda h: (-h.overdue, -(h.open_in + h.open_out), str(h.agreement.country)),
    )


# --- where the programs meet ------------------------------------------------------------------


@dataclass(frozen=True)
class CountrySummary:
    """A country's CMAA for its page: the agreement (or none), and the requests under it the
    user may see."""

    agreement: Agreement | None
    url: str
    open_requests: list[AssistanceRequest]
    open_count: int
    overdue_count: int
    requests_url: str
    health: Health | None


def country_agreements_summary(*, user: Any, country: Country) -> CountrySummary | None:
    """The country's current agreement (or its latest ended one), its open requests (the five
    due first) and its health, for the country page; None when the user may not read
    agreements. A fixed number of queries."""
    if not user.has_perm("agreements.browse"):
        return None
    theirs = scope_agreements(user, _agreements()).filter(country=country)
    agreement = (
        theirs.exclude(status=AgreementStatus.TERMINATED).first()
        or theirs.order_by("-terminated_on", "-pk").first()
    )
    if agreement is None:
        return CountrySummary(None, "", [], 0, 0, "", None)
    open_requests: list[AssistanceRequest] = []
    open_count = overdue_count = 0
    requests_url = ""
    health = None
    if user.has_perm("agreements.browse_requests"):
        waiting = agreement_requests(user=user, agreement=agreement).filter(status__in=OPEN)
        counts = waiting.aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today()))
        )
        open_count, overdue_count = counts["open"], counts["overdue"]
        open_requests = list(waiting.order_by("due_on", "pk")[:5])
        requests_url = reverse("agreements:request_list") + f"?country={country.code}"
        if agreement.in_force_on is not None:
            health = next(iter(agreement_health(user=user, agreement=agreement)), None)
    return CountrySummary(
        agreement=agreement,
        url=reverse("agreements:agreement_detail", args=[agreement.pk]),
        open_requests=open_requests,
        open_count=open_count,
        overdue_count=overdue_count,
        requests_url=requests_url,
        health=health,
    )


@dataclass(frozen=True)
class PersonSummary:
    """Where a person appears in the agreements: the requests that name them (those the user
    may see) and the agreements they are a designated contact of."""

    request_links: list[RequestPerson]
    contact_of: list[Agreement]


def person_agreements_summary(*, user: Any, person: Person) -> PersonSummary | None:
    """For the person page; None when the user may not read agreements. Two queries."""
    if not user.has_perm("agreements.browse"):
        return None
    links: list[RequestPerson] = []
    if user.has_perm("agreements.browse_requests"):
        links = list(
            scope_requests(
                user,
                RequestPerson.objects.filter(person=person).select_related(
                    "request", "request__agreement__country"
                ),
                path="request__",
            ).order_by("-request__received_on", "-pk")
        )
    contact_of = list(
        scope_agreements(user, _agreements()).filter(their_contacts=person).order_by("-pk")
    )
    return PersonSummary(request_links=links, contact_of=contact_of)


# How many of each kind of waiting request home shows (the list holds the rest).
WORK_SHOWN = 5


def work_for(*, user: Any) -> list[WorkList]:
    """What needs this user now, most pressing first: their overdue requests (headquarters:
    every overdue request), their requests due within the week, incoming requests nobody has
    started, their drafts. Each kind holds its first WORK_SHOWN records and its true total,
    with the list filtered to all of them; two queries a kind at most."""
    if not user.has_perm("agreements.browse_requests"):
        return []
    current = today()
    soon = current + timedelta(days=DUE_SOON_DAYS)
    scoped = request_list(user=user)
    everyone = user.has_perm("agreements.refuse_request")  # headquarters follows every request
    mine = scoped if everyone else scoped.filter(owner=user)
    list_url = reverse("agreements:request_list")
    kinds = [
        (
            "requests-overdue",
            "Assistance requests overdue",
            "Answer them, or tell the partner when they will have the answer.",
            mine.filter(status__in=OPEN, due_on__lt=current).order_by("due_on", "pk"),
            reverse("agreements:overdue") + ("" if everyone else "?mine=1"),
        ),
        (
            "requests-due-soon",
            f"Your assistance requests due within {DUE_SOON_DAYS} days",
            "Answer them before their due date.",
            scoped.filter(
                owner=user,
                status__in=OPEN,
                due_on__gte=current,
                due_on__lte=soon,
            ).order_by("due_on", "pk"),
            f"{list_url}?mine=1",
        ),
        (
            "requests-to-start",
            "Incoming assistance requests not started",
            "Received from the partner: start work on them.",
            mine.filter(
                status=RequestStatus.RECEIVED, direction=Direction.INCOMING, due_on__gte=current
            )
            .exclude(owner=user, due_on__lte=soon)  # already on the list above
            .order_by("received_on", "pk"),
            f"{list_url}?status={RequestStatus.RECEIVED}&direction={Direction.INCOMING}"
            + ("" if everyone else "&mine=1"),
        ),
        (
            "requests-drafts",
            "Your outgoing requests still drafts",
            "Complete them and send them to the partner.",
            scoped.filter(owner=user, status=RequestStatus.DRAFT).order_by("created_at", "pk"),
            f"{list_url}?status={RequestStatus.DRAFT}&mine=1",
        ),
    ]
    lists = []
    for key, title, why, requests, more_url in kinds:
        first = [
            WorkItem(
                f"{r.reference} ({r.agreement.country.name}, {r.get_direction_display().lower()})",
                reverse("agreements:request_detail", args=[r.pk]),
                f"due {r.due_on:%-d %b %Y}" if r.due_on else "",
            )
            for r in requests[:WORK_SHOWN]
        ]
        if first:
            total = len(first) if len(first) < WORK_SHOWN else requests.count()
            lists.append(WorkList(key, title, why, first, total, more_url))
    return lists
