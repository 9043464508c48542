"""Postings' writes: posts, a tour's proposal and every move of its workflow, deployment
programs and deployments. Each checks the permission and the rule here, in a transaction, and
writes the audit entry; pages, the API and the demo call the same functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from liaison.audit.services import apply_changes, audit_log
from liaison.audit.transitions import transition
from liaison.catalog.models import FundingSource
from liaison.core.access import require_perm
from liaison.core.formats import date_span
from liaison.partners.models import Agency, Country
from liaison.people.models import Staff, StaffKind
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
    PostingRole,
    PostingStatus,
    PostKind,
    lasting_until,
)
from liaison.postings.workflows import DEPLOYMENT, POSTING

# Who may hold a posting in each role (a site host is never posted abroad).
ROLE_KINDS: dict[str, tuple[str, ...]] = {
    PostingRole.ATTACHE: (StaffKind.ATTACHE,),
    PostingRole.REPRESENTATIVE: (StaffKind.ATTACHE, StaffKind.ADVISOR),
    PostingRole.ADVISOR: (StaffKind.ADVISOR, StaffKind.INSTRUCTOR),
    PostingRole.ILEA_INSTRUCTOR: (StaffKind.INSTRUCTOR, StaffKind.ADVISOR),
}
POST_FIELDS = ("name", "kind", "city", "country")
POSTING_FIELDS = ("staff", "role", "post", "starts_on", "ends_on", "notes")
PROGRAM_FIELDS = ("name", "country", "agency", "sponsor", "starts_on", "ends_on", "objective")


def _article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


# --- posts ---------------------------------------------------------------------------------------


def _validate_post(post: Post) -> None:
    post.full_clean()


@transaction.atomic
def post_create(*, actor: Any, name: str, kind: str, city: str, country: Country) -> Post:
    require_perm(actor, "postings.manage_posts")
    post = Post(name=name.strip(), kind=kind, city=city.strip(), country=country)
    _validate_post(post)
    post.save()
    audit_log(actor=actor, action="post.created", obj=post)
    return post


@transaction.atomic
def post_update(*, actor: Any, post: Post, **changes: Any) -> Post:
    require_perm(actor, "postings.manage_posts")

    def validate(changed: Post) -> None:
        if changed.country_id != Post.objects.get(pk=changed.pk).country_id and (
            changed.postings.filter(status__in=HOLDING).exists()
        ):
            raise ValidationError(
                {"country": "Tours have been served at this post: it cannot move country."}
            )
        _validate_post(changed)

    apply_changes(
        actor=actor,
        obj=post,
        changes=changes,
        fields=POST_FIELDS,
        action="post.updated",
        validate=validate,
    )
    return post


# --- postings: the proposal ----------------------------------------------------------------------


def _holding_overlap(posting: Posting, starts_on: date, last_day: date) -> Posting | None:
    """Another tour of the same staff member that holds them on some of these dates."""
    return (
        Posting.objects.filter(
            lasting_until(starts_on),
            staff_id=posting.staff_id,
            status__in=HOLDING,
            starts_on__lte=last_day,
        )
        .exclude(pk=posting.pk)
        .select_related("post")
        .order_by("starts_on", "pk")
        .first()
    )


def _overlap_refusal(posting: Posting, starts_on: date, last_day: date) -> str | None:
    other = _holding_overlap(posting, starts_on, last_day)
    if other is None:
        return None
    return (
        f"{posting.staff} already holds a posting on these dates: "
        f"{other.get_role_display().lower()} at {other.post}, "
        f"{date_span(other.starts_on, other.last_day)}."
    )


def _refuse_overlap(posting: Posting, starts_on: date, last_day: date, field: str) -> None:
    refusal = _overlap_refusal(posting, starts_on, last_day)
    if refusal:
        raise ValidationError({field: refusal})


def coverage_refusals(primary: Sequence[Country], secondary: Sequence[Country]) -> dict[str, str]:
    """What is wrong with the countries a tour is to cover: one at least covered first, and
    none both first and also."""
    if not primary:
        return {"primary": "Name at least one country the posting covers first."}
    both = {c.pk for c in primary} & {c.pk for c in secondary}
    if both:
        twice = next(c for c in secondary if c.pk in both)
        return {"secondary": f"{twice} is already covered first (primary)."}
    return {}


def posting_refusals(posting: Posting, *, coverage: bool = True) -> dict[str, str]:
    """What in the tour breaks the rules, field by field (empty when nothing does): a role its
    staff member may hold, the post its role needs (an academy for an ILEA instructor, and
    only then), an end after its start, its countries (read from the database, unless
    ``coverage`` is False), and, once it holds its officer (approved, on post or over), no other
    such tour of theirs on its dates. The checks proposing, approving and recording it make
    besides the model's own, so existing tours can be held to them."""
    errors: dict[str, str] = {}
    staff, role = posting.staff, posting.role
    if role not in PostingRole.values:
        return {"role": f"“{role}” is not a posting role."}
    if staff.kind not in ROLE_KINDS[role]:
        errors["staff"] = (
            f"{staff} is {_article(staff.get_kind_display().lower())}, who is not "
            f"posted as {_article(PostingRole(role).label.lower())}."
        )
    academy = posting.post.kind == PostKind.ACADEMY
    if academy != (role == PostingRole.ILEA_INSTRUCTOR):
        errors["post"] = (
            "An ILEA instructor is posted to an academy, and only an ILEA instructor is."
        )
    if posting.ends_on <= posting.starts_on:
        errors["ends_on"] = "The tour must end after it starts."
    elif posting.status in HOLDING:
        overlap = _overlap_refusal(posting, posting.starts_on, posting.last_day)
        if overlap:
            errors["starts_on"] = overlap
    if coverage and posting.pk is not None:
        rows = list(posting.coverage.select_related("country"))
        errors.update(
            coverage_refusals(
                [c.country for c in rows if c.kind == CoverageKind.PRIMARY],
                [c.country for c in rows if c.kind == CoverageKind.SECONDARY],
            )
        )
    return errors


def _validate_posting(posting: Posting) -> None:
    """The rules of a tour's own fields, for a proposal or a move (its coverage is checked
    apart, when it is given): its staff member still with us, and :func:`posting_refusals`."""
    if posting.role in PostingRole.values and not posting.staff.active:
        raise ValidationError({"staff": f"{posting.staff} is no longer active."})
    errors = posting_refusals(posting, coverage=False)
    if errors:
        raise ValidationError(errors)
    # The fields' own checks; the relations were just read, the constraints are checked above
    # (and by the database).
    posting.full_clean(exclude=["staff", "post", "proposed_by"], validate_constraints=False)


def _coverage_rows(
    primary: Sequence[Country], secondary: Sequence[Country]
) -> list[tuple[Country, str]]:
    errors = coverage_refusals(primary, secondary)
    if errors:
        raise ValidationError(errors)
    rows: list[tuple[Country, str]] = [(c, CoverageKind.PRIMARY) for c in primary]
    rows += [(c, CoverageKind.SECONDARY) for c in secondary]
    return rows


def _coverage_text(rows: Sequence[tuple[Country, str]]) -> str:
    return ", ".join(f"{country} ({kind})" for country, kind in rows)


def _set_coverage(posting: Posting, rows: Sequence[tuple[Country, str]]) -> None:
    posting.coverage.all().delete()
    Coverage.objects.bulk_create(
        [Coverage(posting=posting, country=country, kind=kind) for country, kind in rows]
    )


def posting_coverage_text(posting: Posting) -> str:
    return _coverage_text([(c.country, c.kind) for c in posting.coverage.select_related("country")])


@transaction.atomic
def posting_propose(
    *,
    actor: Any,
    staff: Staff,
    role: str,
    post: Post,
    starts_on: date,
    ends_on: date,
    primary: Sequence[Country],
    secondary: Sequence[Country] = (),
    notes: str = "",
) -> Posting:
    """A tour proposed: who, in which role, at which post, when, covering which countries."""
    posting = Posting(
        staff=staff,
        role=role,
        post=post,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=notes.strip(),
        proposed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    require_perm(actor, "postings.propose", posting)
    _validate_posting(posting)
    rows = _coverage_rows(primary, secondary)
    # A tour that would clash with one already approved is refused now, not at approval.
    _refuse_overlap(posting, starts_on, ends_on, "starts_on")
    posting.save()
    _set_coverage(posting, rows)
    audit_log(
        actor=actor,
        action="posting.proposed",
        obj=posting,
        changes={
            "post": [None, str(post)],
            "role": [None, posting.get_role_display()],
            "dates": [None, date_span(starts_on, ends_on)],
            "coverage": [None, _coverage_text(rows)],
        },
    )
    return posting


@transaction.atomic
def posting_update(
    *,
    actor: Any,
    posting: Posting,
    primary: Sequence[Country] | None = None,
    secondary: Sequence[Country] | None = None,
    **changes: Any,
) -> Posting:
    """Change a proposal (who, where, when, which countries) before it is decided."""
    require_perm(actor, "postings.propose", posting)
    if posting.status != PostingStatus.PROPOSED:
        raise ValidationError(
            f"This posting is {posting.get_status_display().lower()}; only a proposal changes. "
            "Headquarters may still change its planned end."
        )

    def validate(changed: Posting) -> None:
        _validate_posting(changed)
        _refuse_overlap(changed, changed.starts_on, changed.ends_on, "starts_on")

    before = posting_coverage_text(posting)
    apply_changes(
        actor=actor,
        obj=posting,
        changes=changes,
        fields=POSTING_FIELDS,
        action="posting.updated",
        validate=validate,
    )
    if primary is not None or secondary is not None:
        current = list(posting.coverage.select_related("country"))
        rows = _coverage_rows(
            primary
            if primary is not None
            else [c.country for c in current if c.kind == CoverageKind.PRIMARY],
            secondary
            if secondary is not None
            else [c.country for c in current if c.kind == CoverageKind.SECONDARY],
        )
        after = _coverage_text(rows)
        if after != before:
            _set_coverage(posting, rows)
            audit_log(
                actor=actor,
                action="posting.updated",
                obj=posting,
                changes={"coverage": [before, after]},
            )
    return posting


# --- postings: the workflow's moves --------------------------------------------------------------


def _move(
    posting: Posting,
    name: str,
    *,
    actor: Any,
    why: str = "",
    check: Callable[[], None] | None = None,
    **fields: Any,
) -> Posting:
    transition(
        actor=actor,
        obj=posting,
        workflow=POSTING,
        move=name,
        why=why,
        fields=fields,
        audited=tuple(k for k in fields if k in ("approval_reference", "starts_on", "ended_on")),
        check=check,
    )
    return posting


def _reason_required(reason: str, what: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": f"Say why the {what}."})


@transaction.atomic
def posting_approve(*, actor: Any, posting: Posting, reference: str) -> Posting:
    """Approved, with the reference of the approval (a cable or memo number)."""

    def check() -> None:
        if not reference.strip():
            raise ValidationError({"reference": "Give the approval's reference."})
        _validate_posting(posting)
        _refuse_overlap(posting, posting.starts_on, posting.ends_on, "starts_on")

    return _move(
        posting,
        "approved",
        actor=actor,
        check=check,
        approval_reference=reference.strip(),
        approved_at=timezone.now(),
    )


@transaction.atomic
def posting_arrive(*, actor: Any, posting: Posting, on: date | None = None) -> Posting:
    """The officer is on post from ``on`` (today unless said): the tour starts that day."""
    today = timezone.localdate()
    arrived = on or today

    def check() -> None:
        if arrived > today:
            raise ValidationError({"on": "An arrival is recorded once it has happened."})
        if arrived >= posting.ends_on:
            raise ValidationError(
                {"on": f"The tour was planned to end on {posting.ends_on:%Y-%m-%d}."}
            )
        if not posting.staff.active:
            raise ValidationError({"on": f"{posting.staff} is no longer active."})
        _refuse_overlap(posting, arrived, posting.ends_on, "on")

    _move(posting, "arrived", actor=actor, check=check, starts_on=arrived)
    _post_country_set(actor, posting.staff, posting.post.country)
    return posting


@transaction.atomic
def posting_end(
    *, actor: Any, posting: Posting, on: date | None = None, reason: str = ""
) -> Posting:
    """The tour ended on ``on`` (today unless said); before its planned end, say why."""
    today = timezone.localdate()
    ended = on or today

    def check() -> None:
        if ended > today:
            raise ValidationError({"on": "A tour's end is recorded once it has come."})
        if ended < posting.starts_on:
            raise ValidationError(
                {"on": f"The tour started on {posting.starts_on:%Y-%m-%d}, after that day."}
            )
        if ended < posting.ends_on and not reason.strip():
            raise ValidationError(
                {"reason": "The tour ends before its planned end: say why (curtailed, recalled)."}
            )
        if ended > posting.ends_on:  # stayed on past the plan: not into another tour
            _refuse_overlap(posting, posting.starts_on, ended, "on")

    _move(
        posting,
        "ended",
        actor=actor,
        why=reason.strip(),
        check=check,
        ended_on=ended,
        status_reason=reason.strip(),
    )
    others = Posting.objects.filter(
        staff_id=posting.staff_id, status=PostingStatus.ACTIVE, post__country=posting.post.country
    )
    if posting.staff.post_country_id == posting.post.country_id and not others.exists():
        _post_country_set(actor, posting.staff, None)
    return posting


@transaction.atomic
def posting_withdraw(*, actor: Any, posting: Posting, reason: str) -> Posting:
    return _move(
        posting,
        "withdrawn",
        actor=actor,
        why=reason.strip(),
        check=lambda: _reason_required(reason, "proposal is withdrawn"),
        status_reason=reason.strip(),
    )


@transaction.atomic
def posting_cancel(*, actor: Any, posting: Posting, reason: str) -> Posting:
    return _move(
        posting,
        "cancelled",
        actor=actor,
        why=reason.strip(),
        check=lambda: _reason_required(reason, "posting is cancelled"),
        status_reason=reason.strip(),
    )


# The moves as the page's forms and the API send them: what each takes from the request.
MOVE_INPUTS: dict[str, tuple[str, ...]] = {
    "approved": ("reference",),
    "arrived": ("on",),
    "ended": ("on", "reason"),
    "withdrawn": ("reason",),
    "cancelled": ("reason",),
}


@transaction.atomic
def posting_move(
    *,
    actor: Any,
    posting: Posting,
    move: str,
    reference: str = "",
    on: date | None = None,
    reason: str = "",
) -> Posting:
    """One move of the posting's workflow by name, made by its own service."""
    if move not in MOVE_INPUTS:
        raise ValidationError({"move": f"“{move}” is not a move of a posting."})
    given = {"reference": reference, "on": on, "reason": reason}
    service = POSTING.service(POSTING.named(move))
    result: Posting = service(
        actor=actor, posting=posting, **{k: given[k] for k in MOVE_INPUTS[move]}
    )
    return result


@transaction.atomic
def posting_change_end(*, actor: Any, posting: Posting, ends_on: date, reason: str) -> Posting:
    """Extend or shorten an approved or running tour's planned end (headquarters)."""
    require_perm(actor, "postings.approve", posting)
    if posting.status not in OPEN:
        raise ValidationError(
            f"This posting is {posting.get_status_display().lower()}; its dates are settled."
        )
    _reason_required(reason, "planned end changes")
    if ends_on <= posting.starts_on:
        raise ValidationError({"ends_on": "The tour must end after it starts."})
    if posting.status == PostingStatus.ACTIVE and ends_on < timezone.localdate():
        raise ValidationError(
            {"ends_on": "That day has passed: record the end of the tour instead."}
        )
    _refuse_overlap(posting, posting.starts_on, ends_on, "ends_on")
    before = posting.ends_on
    posting.ends_on = ends_on
    posting.full_clean()
    posting._change_reason = reason.strip()  # type: ignore[attr-defined]
    if getattr(actor, "is_authenticated", False):
        posting._history_user = actor  # type: ignore[attr-defined]
    posting.save(update_fields=["ends_on"])
    audit_log(
        actor=actor,
        action="posting.end_changed",
        obj=posting,
        changes={"ends_on": [before.isoformat(), ends_on.isoformat()], "reason": [None, reason]},
    )
    return posting


def _post_country_set(actor: Any, staff: Staff, country: Country | None) -> None:
    """The staff record's "posted to" follows the tour they are on."""
    if staff.post_country_id == (country.pk if country else None):
        return
    before = staff.post_country
    staff.post_country = country
    staff.save(update_fields=["post_country"])
    audit_log(
        actor=actor,
        action="staff.updated",
        obj=staff,
        changes={"post_country": [str(before) if before else None, str(country or "") or None]},
    )


# --- deployment programs and deployments ---------------------------------------------------------


def _validate_program(program: DeploymentProgram) -> None:
    if program.ends_on < program.starts_on:
        raise ValidationError({"ends_on": "The program ends before it starts."})
    agency = program.agency if program.agency_id else None
    if agency is not None and agency.country_id != program.country_id:
        raise ValidationError(
            {"agency": f"{program.agency} is not an agency of {program.country}."}
        )
    program.full_clean()


@transaction.atomic
def program_create(
    *,
    actor: Any,
    name: str,
    country: Country,
    starts_on: date,
    ends_on: date,
    agency: Agency | None = None,
    sponsor: FundingSource | None = None,
    objective: str = "",
) -> DeploymentProgram:
    require_perm(actor, "postings.manage_deployments")
    program = DeploymentProgram(
        name=name.strip(),
        country=country,
        agency=agency,
        sponsor=sponsor,
        starts_on=starts_on,
        ends_on=ends_on,
        objective=objective.strip(),
    )
    _validate_program(program)
    program.save()
    audit_log(actor=actor, action="deployment_program.created", obj=program)
    return program


@transaction.atomic
def program_update(*, actor: Any, program: DeploymentProgram, **changes: Any) -> DeploymentProgram:
    require_perm(actor, "postings.manage_deployments", program)

    def validate(changed: DeploymentProgram) -> None:
        _validate_program(changed)
        scheduled = changed.deployments.filter(status=DeploymentStatus.SCHEDULED)
        if scheduled.exclude(country_id=changed.country_id).exists():
            raise ValidationError(
                {"country": "Staff are deployed under this program: its country stays."}
            )
        outside = (
            scheduled.filter(Q(starts_on__lt=changed.starts_on) | Q(ends_on__gt=changed.ends_on))
            .order_by("starts_on")
            .first()
        )
        if outside is not None:
            raise ValidationError(
                {
                    "starts_on": f"The deployment “{outside.description}” "
                    f"({date_span(outside.starts_on, outside.ends_on)}) would fall outside "
                    "the program's dates."
                }
            )

    apply_changes(
        actor=actor,
        obj=program,
        changes=changes,
        fields=PROGRAM_FIELDS,
        action="deployment_program.updated",
        validate=validate,
    )
    return program


@transaction.atomic
def deployment_create(
    *,
    actor: Any,
    staff: Staff,
    starts_on: date,
    ends_on: date,
    description: str,
    program: DeploymentProgram | None = None,
    country: Country | None = None,
) -> Deployment:
    """Time ``staff`` is away on other duty: under a program (in its country, within its
    dates) or alone. Training refuses them as an instructor on these dates."""
    require_perm(actor, "postings.manage_deployments")
    if program is not None:
        if country is not None and country.pk != program.country_id:
            raise ValidationError({"country": f"{program} works in {program.country}."})
        country = program.country
    deployment = Deployment(
        staff=staff,
        program=program,
        country=country,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description.strip(),
    )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The deployment ends before it starts."})
    if not staff.active:
        raise ValidationError({"staff": f"{staff} is no longer active."})
    if program is not None and (starts_on < program.starts_on or ends_on > program.ends_on):
        raise ValidationError(
            {
                "starts_on": f"{program} runs {date_span(program.starts_on, program.ends_on)}; "
                "its deployments fall within it."
            }
        )
    other = (
        Deployment.objects.filter(
            staff=staff,
            status=DeploymentStatus.SCHEDULED,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        )
        .order_by("starts_on")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "starts_on": f"{staff} is already deployed ({other.description}), "
                f"{date_span(other.starts_on, other.ends_on)}."
            }
        )
    deployment.full_clean()
    deployment.save()
    audit_log(actor=actor, action="deployment.created", obj=deployment)
    return deployment


@transaction.atomic
def deployment_cancel(*, actor: Any, deployment: Deployment, reason: str) -> Deployment:
    transition(
        actor=actor,
        obj=deployment,
        workflow=DEPLOYMENT,
        move="cancelled",
        why=reason.strip(),
        fields={"cancel_reason": reason.strip()},
        check=lambda: _reason_required(reason, "deployment is cancelled"),
    )
    return deployment
