"""Postings' reads, each scoped with permissions.py: lists and records for the pages and the
API; who covers a country on a day and whose tour ends before a day (for the country page, the
coverage gaps and the handover page); what needs a user now; and, for training's rule, whether
a staff member is away."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.core.access import get_for_user, require_perm
from liaison.core.formats import date_span
from liaison.core.work import WorkItem, WorkList
from liaison.partners.models import Country
from liaison.people.models import Staff
from liaison.postings.models import (
    HOLDING,
    OPEN,
    Coverage,
    CoverageKind,
    Deployment,
    DeploymentProgram,
    DeploymentStatus,
    Post,
    Posting,
    PostingStatus,
    lasting_until,
)
from liaison.postings.permissions import (
    scope_coverage,
    scope_deployments,
    scope_postings,
    scope_posts,
    scope_presence,
    scope_programs,
)

# "Postings ending soon": within this many months of today.
ENDING_MONTHS = 6
# What needs doing now lists this many of each kind of thing, the most pressing first (as home).
WORK_LIMIT = 5
# A tour ending within this many days wants its handover (and its successor) in hand.
HANDOVER_DAYS = 90


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _coverage_prefetch() -> Prefetch[Any]:
    return Prefetch("coverage", queryset=Coverage.objects.select_related("country"))


# --- whether a staff member is away: training's rule reads this ----------------------------------


def staff_away(
    *, staff: Staff, starts_on: date, ends_on: date, country_id: int | None = None
) -> str | None:
    """Why ``staff`` cannot teach from ``starts_on`` to ``ends_on`` (in ``country_id``), in a
    sentence naming the deployment or the posting; or None.

    A scheduled deployment on any of those days holds them. So does a posting approved, on
    post or over, on any of those days, unless it covers the delivery's country (or is posted
    in it): an ILEA instructor teaches at their academy, an attaché in the countries they
    cover."""
    deployment = (
        Deployment.objects.filter(
            staff=staff,
            status=DeploymentStatus.SCHEDULED,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        )
        .order_by("starts_on", "pk")
        .first()
    )
    if deployment is not None:
        return (
            f"{staff} is deployed ({deployment.description}), "
            f"{date_span(deployment.starts_on, deployment.ends_on)}."
        )
    postings = Posting.objects.filter(
        lasting_until(starts_on), staff=staff, status__in=HOLDING, starts_on__lte=ends_on
    )
    if country_id is not None:
        postings = postings.exclude(post__country_id=country_id).exclude(
            coverage__country_id=country_id
        )
    posting = postings.select_related("post").order_by("starts_on", "pk").first()
    if posting is not None:
        return (
            f"{staff} is posted to {posting.post} ({posting.get_role_display().lower()}), "
            f"{date_span(posting.starts_on, posting.last_day)}."
        )
    return None


# --- postings ------------------------------------------------------------------------------------


def _postings(user: Any) -> QuerySet[Posting]:
    return scope_postings(
        user,
        Posting.objects.select_related("staff", "post", "post__country", "post__country__region"),
    )


def posting_list(
    *,
    user: Any,
    search: str = "",
    status: str = "",
    role: str = "",
    country: str = "",
    due: str = "",
    post: int | None = None,
) -> QuerySet[Posting]:
    """Tours the user may see, newest first; ``country`` (ISO code) where posted or covered;
    ``due`` one of DUE: what waits on the user (the lists home links to)."""
    require_perm(user, "postings.browse")
    postings = _postings(user).prefetch_related(_coverage_prefetch())
    if due:
        postings = postings.filter(pk__in=DUE[due](user).values("pk"))
    for token in search.split():
        postings = postings.filter(
            Q(staff__given_name__icontains=token)
            | Q(staff__family_name__icontains=token)
            | Q(post__name__icontains=token)
            | Q(post__city__icontains=token)
        )
    if status:
        postings = postings.filter(status=status)
    if role:
        postings = postings.filter(role=role)
    if country:
        code = country.upper()
        postings = postings.filter(
            Q(post__country__code=code)
            | Q(pk__in=Coverage.objects.filter(country__code=code).values("posting_id"))
        )
    if post is not None:
        postings = postings.filter(post_id=post)
    return postings.order_by("-starts_on", "pk")


def posting_get(*, user: Any, pk: int, perm: str = "postings.view_posting") -> Posting:
    require_perm(user, "postings.browse")  # 403 for roles without postings; else 404 out of scope
    return get_for_user(
        _postings(user).select_related("proposed_by").prefetch_related(_coverage_prefetch()),
        user,
        perm,
        pk=pk,
    )


def posting_history(*, posting: Posting) -> AuditEntryQuerySet:
    return audit_history(object_type="postings.posting", object_ids=[str(posting.pk)])


@dataclass(frozen=True)
class Cover:
    """One posting covering one country: who, where from, how, until when."""

    coverage: Coverage

    @property
    def posting(self) -> Posting:
        return self.coverage.posting

    @property
    def country(self) -> Country:
        return self.coverage.country

    @property
    def primary(self) -> bool:
        return self.coverage.kind == CoverageKind.PRIMARY


def _covering(user: Any, on: date) -> QuerySet[Coverage]:
    """Coverage rows of the tours that hold on ``on`` (approved, on post, or over by then)."""
    return (
        scope_coverage(user, Coverage.objects.all())
        .filter(
            lasting_until(on, "posting__"),
            posting__status__in=HOLDING,
            posting__starts_on__lte=on,
        )
        .select_related(
            "country",
            "posting",
            "posting__staff",
            "posting__post",
            "posting__post__country",
        )
        .order_by("country__name", "kind", "posting__starts_on", "posting_id")
    )


def coverage_on(
    *, user: Any, on: date | None = None, countries: Iterable[Country] | None = None
) -> dict[int, list[Cover]]:
    """Who covers each country on ``on`` (today unless said), by country id, primary first:
    one query however many countries (the coverage gaps read every partner's at once). A
    country nobody covers has no key."""
    require_perm(user, "postings.browse")
    rows = _covering(user, on or timezone.localdate())
    if countries is not None:
        rows = rows.filter(country__in=[c.pk for c in countries])
    found: dict[int, list[Cover]] = defaultdict(list)
    for row in rows:
        found[row.country_id].append(Cover(row))
    return dict(found)


def postings_covering(*, user: Any, country: Country, on: date | None = None) -> list[Cover]:
    """Who covers ``country`` on ``on`` (today unless said): the country page's "who covers
    this country", primary coverage first."""
    return coverage_on(user=user, on=on, countries=[country]).get(country.pk, [])


def postings_ending_before(
    *,
    user: Any,
    before: date,
    after: date | None = None,
    countries: Iterable[Country] | None = None,
) -> QuerySet[Posting]:
    """Tours still to run or running (approved or on post) whose planned end falls on or after
    ``after`` (today unless said) and before ``before``; with ``countries``, those covering one
    of them. Soonest first, their coverage prefetched: whose tour ends before the work does."""
    require_perm(user, "postings.browse")
    postings = _postings(user).filter(
        status__in=OPEN, ends_on__gte=after or timezone.localdate(), ends_on__lt=before
    )
    if countries is not None:
        ids = [c.pk for c in countries]
        postings = postings.filter(
            pk__in=Coverage.objects.filter(country__in=ids).values("posting_id")
        )
    return postings.prefetch_related(_coverage_prefetch()).order_by("ends_on", "pk")


def postings_ending(*, user: Any, months: int = ENDING_MONTHS) -> QuerySet[Posting]:
    """Tours whose planned end falls within the next ``months`` months, from today."""
    today = timezone.localdate()
    return postings_ending_before(
        user=user, before=months_after(today, months) + timedelta(days=1), after=today
    )


def postings_of_staff(*, user: Any, staff: Staff) -> list[Posting]:
    require_perm(user, "postings.browse")
    return list(
        _postings(user)
        .filter(staff=staff)
        .prefetch_related(_coverage_prefetch())
        .order_by("-starts_on", "pk")
    )


# --- the map: posts and coverage on a day --------------------------------------------------------


@dataclass
class CountryCoverage:
    """One country on the coverage map: the posts in it and who covers it on the day."""

    country: Country
    posts: list[Post] = field(default_factory=list)
    on_post: list[Posting] = field(default_factory=list)  # tours held at its posts that day
    covers: list[Cover] = field(default_factory=list)

    @property
    def primary(self) -> list[Cover]:
        return [c for c in self.covers if c.primary]

    @property
    def secondary(self) -> list[Cover]:
        return [c for c in self.covers if not c.primary]


def coverage_map(*, user: Any, on: date | None = None) -> list[CountryCoverage]:
    """Every country with a post or covered on ``on`` (today unless said), by name: three
    queries whatever the number of posts, tours and countries."""
    require_perm(user, "postings.browse")
    day = on or timezone.localdate()
    by_country: dict[int, CountryCoverage] = {}

    def entry(country: Country) -> CountryCoverage:
        if country.pk not in by_country:
            by_country[country.pk] = CountryCoverage(country)
        return by_country[country.pk]

    for post in scope_posts(user, Post.objects.select_related("country")):
        entry(post.country).posts.append(post)
    held = _postings(user).filter(lasting_until(day), status__in=HOLDING, starts_on__lte=day)
    for posting in held.order_by("post__name", "starts_on", "pk"):
        entry(posting.post.country).on_post.append(posting)
    for row in _covering(user, day):
        entry(row.country).covers.append(Cover(row))
    return sorted(by_country.values(), key=lambda c: c.country.name)


# --- posts ---------------------------------------------------------------------------------------


def post_list(*, user: Any) -> QuerySet[Post]:
    require_perm(user, "postings.browse")
    day = timezone.localdate()
    return (
        scope_posts(user, Post.objects.select_related("country", "country__region"))
        .annotate(
            on_post=Count(
                "postings",
                filter=Q(postings__status__in=HOLDING, postings__starts_on__lte=day)
                & lasting_until(day, "postings__"),
            )
        )
        .order_by("country__name", "city", "name")
    )


def post_get(*, user: Any, pk: int, perm: str = "postings.view_post") -> Post:
    require_perm(user, "postings.browse")
    return get_for_user(Post.objects.select_related("country"), user, perm, pk=pk)


def posts_for_choice(*, user: Any) -> QuerySet[Post]:
    return scope_posts(user, Post.objects.select_related("country")).order_by("name")


# --- deployment programs and deployments ---------------------------------------------------------


def _programs(user: Any) -> QuerySet[DeploymentProgram]:
    return scope_programs(
        user, DeploymentProgram.objects.select_related("country", "agency", "sponsor")
    )


def program_list(*, user: Any, search: str = "", country: str = "") -> QuerySet[DeploymentProgram]:
    require_perm(user, "postings.browse")
    programs = _programs(user).annotate(
        deployment_count=Count(
            "deployments", filter=Q(deployments__status=DeploymentStatus.SCHEDULED)
        )
    )
    if search:
        programs = programs.filter(Q(name__icontains=search) | Q(objective__icontains=search))
    if country:
        programs = programs.filter(country__code=country.upper())
    return programs.order_by("-starts_on", "name")


def program_get(*, user: Any, pk: int, perm: str = "postings.view_program") -> DeploymentProgram:
    require_perm(user, "postings.browse")
    return get_for_user(_programs(user), user, perm, pk=pk)


def program_history(*, program: DeploymentProgram) -> AuditEntryQuerySet:
    return audit_history(object_type="postings.deploymentprogram", object_ids=[str(program.pk)])


def programs_for_choice(*, user: Any) -> QuerySet[DeploymentProgram]:
    return _programs(user).order_by("name")


DEPLOYMENT_WHEN = {"current": "Under way", "upcoming": "Coming up", "past": "Over"}


def deployment_list(
    *,
    user: Any,
    when: str = "",
    status: str = "",
    program: DeploymentProgram | None = None,
    staff: Staff | None = None,
    search: str = "",
) -> QuerySet[Deployment]:
    require_perm(user, "postings.browse")
    deployments = scope_deployments(
        user, Deployment.objects.select_related("staff", "program", "country")
    )
    today = timezone.localdate()
    if when == "current":
        deployments = deployments.filter(starts_on__lte=today, ends_on__gte=today)
    elif when == "upcoming":
        deployments = deployments.filter(starts_on__gt=today)
    elif when == "past":
        deployments = deployments.filter(ends_on__lt=today)
    if status:
        deployments = deployments.filter(status=status)
    if program is not None:
        deployments = deployments.filter(program=program)
    if staff is not None:
        deployments = deployments.filter(staff=staff)
    for token in search.split():
        deployments = deployments.filter(
            Q(staff__given_name__icontains=token)
            | Q(staff__family_name__icontains=token)
            | Q(description__icontains=token)
        )
    return deployments.order_by("-starts_on", "pk")


def deployment_get(*, user: Any, pk: int, perm: str = "postings.view_deployment") -> Deployment:
    require_perm(user, "postings.browse")
    return get_for_user(
        Deployment.objects.select_related("staff", "program", "country"), user, perm, pk=pk
    )


# --- where the programs meet: the country page, a staff member's page, home ----------------------


@dataclass(frozen=True)
class CountryPostings:
    """What the country page shows of postings: who covers it now (and whose tour ends within
    six months), who is coming, its posts, and the deployment programs working there."""

    covers: list[Cover]
    ending_soon: list[Cover]
    coming: list[Cover]
    posts: list[Post]
    programs: list[DeploymentProgram]
    deployments: list[Deployment]
    list_url: str


def country_postings_summary(*, user: Any, country: Country) -> CountryPostings | None:
    """Postings for the country page; None for a role that does not see postings. Five
    queries, whatever the country's history."""
    if not user.has_perm("postings.browse"):
        return None
    today = timezone.localdate()
    covers = postings_covering(user=user, country=country, on=today)
    soon = months_after(today, ENDING_MONTHS)
    coming = (
        scope_coverage(user, Coverage.objects.filter(country=country))
        .filter(posting__status=PostingStatus.APPROVED, posting__starts_on__gt=today)
        .select_related("country", "posting", "posting__staff", "posting__post")
        .order_by("posting__starts_on", "posting_id")
    )
    programs = _programs(user).filter(country=country, ends_on__gte=today).order_by("starts_on")
    deployments = (
        scope_deployments(user, Deployment.objects.select_related("staff", "program"))
        .filter(country=country, status=DeploymentStatus.SCHEDULED, ends_on__gte=today)
        .order_by("starts_on", "pk")
    )
    return CountryPostings(
        covers=covers,
        ending_soon=[c for c in covers if c.posting.last_day <= soon],
        coming=[Cover(row) for row in coming],
        posts=list(scope_posts(user, Post.objects.filter(country=country)).order_by("name")),
        programs=list(programs),
        deployments=list(deployments[:WORK_LIMIT]),
        list_url=f"{reverse('postings:posting_list')}?country={country.code}",
    )


@dataclass(frozen=True)
class StaffPostings:
    postings: list[Posting]
    deployments: list[Deployment]


def staff_postings_summary(*, user: Any, staff: Staff) -> StaffPostings | None:
    """A staff member's tours and deployments, newest first; None for a role without postings."""
    if not user.has_perm("postings.browse"):
        return None
    return StaffPostings(
        postings=postings_of_staff(user=user, staff=staff),
        deployments=list(deployment_list(user=user, staff=staff)[:50]),
    )


# --- what waits on a user: the lists home shows, first few and how many -------------------------


def postings_to_decide(*, user: Any) -> QuerySet[Posting]:
    """Proposals waiting for headquarters' decision, the soonest start first."""
    if not user.has_perm("postings.approve"):
        return Posting.objects.none()
    return _postings(user).filter(status=PostingStatus.PROPOSED).order_by("starts_on", "pk")


def arrivals_to_record(*, user: Any) -> QuerySet[Posting]:
    """Approved tours whose start has come, the officer's arrival not recorded yet; only those
    the user records (headquarters, the attaché of the post's region)."""
    return (
        scope_presence(user, _postings(user))
        .filter(status=PostingStatus.APPROVED, starts_on__lte=timezone.localdate())
        .order_by("starts_on", "pk")
    )


def ends_to_record(*, user: Any) -> QuerySet[Posting]:
    """Tours on post past their planned end: record the end, or extend the tour."""
    return (
        scope_presence(user, _postings(user))
        .filter(status=PostingStatus.ACTIVE, ends_on__lt=timezone.localdate())
        .order_by("ends_on", "pk")
    )


def handovers_due(*, user: Any, days: int = HANDOVER_DAYS) -> QuerySet[Posting]:
    """Tours (approved or on post) ending within ``days``: their handover, and a successor."""
    today = timezone.localdate()
    return (
        scope_presence(user, _postings(user))
        .filter(status__in=OPEN, ends_on__gte=today, ends_on__lte=today + timedelta(days=days))
        .order_by("ends_on", "pk")
    )


# The ``due`` filter of the postings list: the addresses home's work lists link to.
DUE: dict[str, Any] = {
    "decision": lambda user: postings_to_decide(user=user),
    "arrival": lambda user: arrivals_to_record(user=user),
    "end": lambda user: ends_to_record(user=user),
    "handover": lambda user: handovers_due(user=user),
}
DUE_LABELS = {
    "decision": "Proposals to decide",
    "arrival": "Arrivals to record",
    "end": "Past their planned end",
    "handover": f"Handovers within {HANDOVER_DAYS} days",
}


def _item(posting: Posting, detail: str) -> WorkItem:
    return WorkItem(
        f"{posting.staff}, {posting.get_role_display().lower()} at {posting.post}",
        reverse("postings:posting_detail", args=[posting.pk]),
        detail,
    )


def work_for(*, user: Any) -> list[WorkList]:
    """What postings ask of ``user`` now, in the order their day would take it: proposals to
    decide (headquarters); arrivals and ends to record, tours past their planned end and
    handovers within 90 days (headquarters, and the attaché of the post's region). Each list
    holds its first WORK_LIMIT records and its true total; two queries a list at most, none
    for a role with nothing to do."""
    if not user.has_perm("postings.browse"):
        return []
    kinds = [
        (
            "decision",
            "Decide whether to approve the tour, with its approval's reference, or withdraw it.",
            lambda p: f"from {p.starts_on:%-d %b %Y}",
        ),
        (
            "arrival",
            "The tour has begun: record the officer's arrival on post.",
            lambda p: f"due {p.starts_on:%-d %b %Y}",
        ),
        (
            "end",
            "Record the end of the tour, or extend it.",
            lambda p: f"planned end {p.ends_on:%-d %b %Y}",
        ),
        (
            "handover",
            "Plan the handover, and the successor.",
            lambda p: f"ends {p.ends_on:%-d %b %Y}",
        ),
    ]
    lists = []
    for key, why, detail in kinds:
        if key == "decision" and not user.has_perm("postings.approve"):
            continue
        records = DUE[key](user)
        first = [_item(p, detail(p)) for p in records[:WORK_LIMIT]]
        if not first:
            continue
        total = len(first) if len(first) < WORK_LIMIT else records.count()
        more_url = f"{reverse('postings:posting_list')}?due={key}"
        lists.append(WorkList(key, DUE_LABELS[key], why, first, total, more_url))
    return lists
