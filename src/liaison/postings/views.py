"""Postings pages: the tours (list, one tour with its moves, the proposal form), the coverage
map, the tours ending soon, the posts, and the deployment programs and deployments. Each
action posts to a service and comes back with its result or the service's reasons."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import add_service_errors
from liaison.core.listing import paginate, render_list
from liaison.core.navigation import NavItem, side_nav
from liaison.core.views import form_page
from liaison.postings import selectors, services
from liaison.postings.filters import DeploymentFilters, PostingFilters, ProgramFilters
from liaison.postings.forms import (
    ChangeEndForm,
    DeploymentForm,
    MoveForm,
    PostForm,
    PostingForm,
    ProgramForm,
    ReasonForm,
)
from liaison.postings.maps import coverage_map_chart, posts_map
from liaison.postings.models import (
    DeploymentStatus,
    Posting,
    PostingRole,
    PostingStatus,
    PostKind,
)
from liaison.postings.workflows import DEPLOYMENT, POSTING

NAV = (
    NavItem("Postings", "postings:posting_list"),
    NavItem("Coverage map", "postings:coverage"),
    NavItem("Tours ending", "postings:ending"),
    NavItem("Coverage gaps", "postings:coverage_gaps"),
    NavItem("Posts", "postings:post_list"),
    NavItem("Deployment programs", "postings:program_list"),
    NavItem("Deployments", "postings:deployment_list"),
)
CSV_HEADER = [
    "id",
    "staff",
    "role",
    "post",
    "post country",
    "primary",
    "secondary",
    "start",
    "planned end",
    "ended",
    "status",
    "approval reference",
]
MOVE_MESSAGES = {
    "approved": "Posting approved.",
    "arrived": "Arrival on post recorded: the tour is under way.",
    "ended": "The tour's end is recorded.",
    "withdrawn": "Proposal withdrawn.",
    "cancelled": "Posting cancelled.",
}


def _crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("home")), ("Postings", reverse("postings:posting_list")), *trail]


def _context(request: HttpRequest, *trail: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {"side_nav": side_nav(request, NAV), "breadcrumbs": _crumbs(*trail), **extra}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _codes(coverage: list[Any]) -> str:
    return ", ".join(str(c.country.code) for c in coverage)


def _csv_row(p: Posting) -> list[Any]:
    return [
        p.pk,
        str(p.staff),
        p.get_role_display(),
        p.post.name,
        str(p.post.country.code),
        _codes(p.primary_coverage),
        _codes(p.secondary_coverage),
        p.starts_on,
        p.ends_on,
        p.ended_on,
        p.get_status_display(),
        p.approval_reference,
    ]


# --- postings ------------------------------------------------------------------------------------


@require_GET
def posting_list(request: HttpRequest) -> HttpResponse:
    filters = PostingFilters.from_request(request)
    postings = selectors.posting_list(user=request.user, **filters.selector_kwargs())
    if fmt := export_format(request):
        return table_response(fmt, "postings", CSV_HEADER, postings, _csv_row)
    return render_list(
        request,
        "postings/posting_list.html",
        "postings/_posting_results.html",
        postings,
        _context(
            request,
            ("Tours", ""),
            **filters.page_context(),
            statuses=PostingStatus.choices,
            roles=PostingRole.choices,
            dues=list(selectors.DUE_LABELS.items()),
            can_propose=request.user.has_perm("postings.propose"),
        ),
    )


@require_http_methods(["GET", "POST"])
def posting_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "postings.propose")
    form = PostingForm(request.POST or None, posts=selectors.posts_for_choice(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            posting = services.posting_propose(actor=request.user, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Posting proposed: {posting}.")
            return redirect("postings:posting_detail", pk=posting.pk)
    return render(
        request,
        "core/form_page.html",
        _context(
            request,
            ("Propose a posting", ""),
            form=form,
            title="Propose a posting",
            cancel_url=reverse("postings:posting_list"),
        ),
    )


@require_http_methods(["GET", "POST"])
def posting_update(request: HttpRequest, pk: int) -> HttpResponse:
    posting = selectors.posting_get(user=request.user, pk=pk, perm="postings.propose")
    form = PostingForm(
        request.POST or None,
        instance=posting,
        posts=selectors.posts_for_choice(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            services.posting_update(actor=request.user, posting=posting, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Proposal changed.")
            return redirect("postings:posting_detail", pk=pk)
    return render(
        request,
        "core/form_page.html",
        _context(
            request,
            (str(posting), reverse("postings:posting_detail", args=[pk])),
            ("Change the proposal", ""),
            form=form,
            title="Change the proposal",
            cancel_url=reverse("postings:posting_detail", args=[pk]),
        ),
    )


def _detail(
    request: HttpRequest,
    posting: Posting,
    *,
    forms: dict[str, MoveForm] | None = None,
    end_form: ChangeEndForm | None = None,
) -> HttpResponse:
    user = request.user
    moves = POSTING.available(user, posting)
    move_forms = {m.name: MoveForm(move=m.name) for m in moves}
    move_forms.update(forms or {})
    can_change_end = posting.status in services.OPEN and user.has_perm("postings.approve", posting)
    return render(
        request,
        "postings/posting_detail.html",
        _context(
            request,
            ("Tours", reverse("postings:posting_list")),
            (str(posting.staff), ""),
            posting=posting,
            moves=[(m, move_forms[m.name]) for m in moves],
            can_update=posting.status == PostingStatus.PROPOSED
            and user.has_perm("postings.propose", posting),
            end_form=end_form or (ChangeEndForm() if can_change_end else None),
            history=selectors.posting_history(posting=posting)[:50],
        ),
    )


@require_GET
def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.posting_get(user=request.user, pk=pk))


@require_POST
def posting_move(request: HttpRequest, pk: int) -> HttpResponse:
    """One move of the tour's workflow, named in the form, with what the move asks for."""
    name = request.POST.get("move", "")
    if name not in services.MOVE_INPUTS:
        messages.error(request, "That is not a move of a posting.")
        return redirect("postings:posting_detail", pk=pk)
    posting = selectors.posting_get(user=request.user, pk=pk, perm=POSTING.named(name).perm)
    form = MoveForm(request.POST, move=name)
    if form.is_valid():
        try:
            services.posting_move(
                actor=request.user, posting=posting, move=name, **form.cleaned_data
            )
        except ValidationError as error:
            posting.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, MOVE_MESSAGES[name])
            return redirect("postings:posting_detail", pk=pk)
    return _detail(request, posting, forms={name: form})


@require_POST
def posting_change_end(request: HttpRequest, pk: int) -> HttpResponse:
    posting = selectors.posting_get(user=request.user, pk=pk, perm="postings.approve")
    form = ChangeEndForm(request.POST)
    if form.is_valid():
        try:
            services.posting_change_end(actor=request.user, posting=posting, **form.cleaned_data)
        except ValidationError as error:
            posting.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, f"The tour now ends on {posting.ends_on:%Y-%m-%d}.")
            return redirect("postings:posting_detail", pk=pk)
    return _detail(request, posting, end_form=form)


# --- coverage: the map, and the tours ending -----------------------------------------------------


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Where our staff are on post and which countries they cover, on a day (today unless
    ``on`` says), as two maps and their tables."""
    day = _day(request.GET.get("on", "")) or timezone.localdate()
    entries = selectors.coverage_map(user=request.user, on=day)
    return render(
        request,
        "postings/coverage.html",
        _context(
            request,
            ("Coverage map", ""),
            day=day,
            posts_chart=posts_map(entries, day),
            coverage_chart=coverage_map_chart(entries, day),
        ),
    )


@require_GET
def ending(request: HttpRequest) -> HttpResponse:
    """Tours whose planned end falls within the next six months."""
    postings = selectors.postings_ending(user=request.user)
    return render_list(
        request,
        "postings/ending.html",
        "postings/_posting_results.html",
        postings,
        _context(request, ("Tours ending", ""), months=selectors.ENDING_MONTHS),
    )


# --- posts ---------------------------------------------------------------------------------------


@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    return render_list(
        request,
        "postings/post_list.html",
        "postings/_post_results.html",
        selectors.post_list(user=request.user),
        _context(request, ("Posts", ""), can_manage=request.user.has_perm("postings.manage_posts")),
    )


@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "postings.manage_posts")
    return form_page(
        request,
        form=PostForm(request.POST or None, initial={"kind": PostKind.EMBASSY}),
        save=lambda data: services.post_create(actor=request.user, **data),
        title="Add a post",
        cancel_url=reverse("postings:post_list"),
        done=lambda post: reverse("postings:post_list"),
        breadcrumbs=_crumbs(("Posts", reverse("postings:post_list")), ("Add a post", "")),
        side_nav=side_nav(request, NAV),
    )


@require_http_methods(["GET", "POST"])
def post_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "postings.manage_posts")
    post = selectors.post_get(user=request.user, pk=pk)
    return form_page(
        request,
        form=PostForm(request.POST or None, instance=post),
        save=lambda data: services.post_update(actor=request.user, post=post, **data),
        title=f"Change {post}",
        cancel_url=reverse("postings:post_list"),
        done=lambda post: reverse("postings:post_list"),
        breadcrumbs=_crumbs(("Posts", reverse("postings:post_list")), (str(post), "")),
        side_nav=side_nav(request, NAV),
    )


# --- deployment programs and deployments ---------------------------------------------------------


@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    filters = ProgramFilters.from_request(request)
    return render_list(
        request,
        "postings/program_list.html",
        "postings/_program_results.html",
        selectors.program_list(user=request.user, **filters.selector_kwargs()),
        _context(
            request,
            ("Deployment programs", ""),
            **filters.page_context(),
            can_manage=request.user.has_perm("postings.manage_deployments"),
        ),
    )


@require_GET
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    deployments = list(selectors.deployment_list(user=request.user, program=program))
    return render(
        request,
        "postings/program_detail.html",
        _context(
            request,
            ("Deployment programs", reverse("postings:program_list")),
            (str(program), ""),
            program=program,
            deployments=deployments,
            cancellable=_cancellable(request, deployments),
            can_manage=request.user.has_perm("postings.manage_deployments", program),
            history=selectors.program_history(program=program)[:50],
        ),
    )


@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "postings.manage_deployments")
    return form_page(
        request,
        form=ProgramForm(request.POST or None),
        save=lambda data: services.program_create(actor=request.user, **data),
        title="Start a deployment program",
        cancel_url=reverse("postings:program_list"),
        done=lambda program: reverse("postings:program_detail", args=[program.pk]),
        breadcrumbs=_crumbs(
            ("Deployment programs", reverse("postings:program_list")), ("New program", "")
        ),
        side_nav=side_nav(request, NAV),
    )


@require_http_methods(["GET", "POST"])
def program_update(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk, perm="postings.manage_deployments")
    return form_page(
        request,
        form=ProgramForm(request.POST or None, instance=program),
        save=lambda data: services.program_update(actor=request.user, program=program, **data),
        title=f"Change {program}",
        cancel_url=reverse("postings:program_detail", args=[pk]),
        done=lambda program: reverse("postings:program_detail", args=[program.pk]),
        breadcrumbs=_crumbs(
            ("Deployment programs", reverse("postings:program_list")),
            (str(program), reverse("postings:program_detail", args=[pk])),
            ("Change", ""),
        ),
        side_nav=side_nav(request, NAV),
    )


@require_GET
def deployment_list(request: HttpRequest) -> HttpResponse:
    filters = DeploymentFilters.from_request(request)
    page = paginate(
        request, selectors.deployment_list(user=request.user, **filters.selector_kwargs())
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = _context(
        request,
        ("Deployments", ""),
        **filters.page_context(),
        whens=list(selectors.DEPLOYMENT_WHEN.items()),
        statuses=DeploymentStatus.choices,
        can_manage=request.user.has_perm("postings.manage_deployments"),
        page_obj=page,
        cancellable=_cancellable(request, list(page)),
        querystring_without_page=(query.urlencode() + "&") if query else "",
    )
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        return render(request, "postings/_deployment_results.html", context)
    return render(request, "postings/deployment_list.html", context)


def _cancellable(request: HttpRequest, deployments: list[Any]) -> set[int]:
    """The deployments whose workflow offers the user their cancellation."""
    offered = DEPLOYMENT.available_many(request.user, deployments)
    return {d.pk for d, moves in zip(deployments, offered, strict=True) if moves}


@require_http_methods(["GET", "POST"])
def deployment_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "postings.manage_deployments")
    program = request.GET.get("program", "")
    initial = {"program": int(program)} if program.isdigit() else {}
    return form_page(
        request,
        form=DeploymentForm(
            request.POST or None,
            initial=initial,
            programs=selectors.programs_for_choice(user=request.user),
        ),
        save=lambda data: services.deployment_create(actor=request.user, **data),
        title="Record a deployment",
        cancel_url=reverse("postings:deployment_list"),
        done=lambda deployment: reverse("postings:deployment_list"),
        breadcrumbs=_crumbs(
            ("Deployments", reverse("postings:deployment_list")), ("Record a deployment", "")
        ),
        side_nav=side_nav(request, NAV),
    )


@require_POST
def deployment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = selectors.deployment_get(
        user=request.user, pk=pk, perm=DEPLOYMENT.named("cancelled").perm
    )
    form = ReasonForm(request.POST)
    back = request.POST.get("next", "")
    if not back.startswith("/postings/"):
        back = reverse("postings:deployment_list")
    if not form.is_valid():
        messages.error(request, "Say why the deployment is cancelled.")
        return redirect(back)
    try:
        services.deployment_cancel(
            actor=request.user, deployment=deployment, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Deployment cancelled: {deployment.description}.")
    return redirect(back)
