"""The postings API: tours and their moves, who covers a country, tours ending, posts,
deployment programs and deployments.

Each write fetches and authorizes its record through the selectors, then calls the same
service the pages call, so the rules and the permissions are the pages' own.
"""

# No `from __future__ import annotations`: django-ninja reads the list endpoints' filter
# schemas from the annotations, through @paginate's wrapper, which cannot resolve a string.

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from liaison.catalog import selectors as catalog_selectors
from liaison.core.access import require_perm
from liaison.core.api import actor
from liaison.partners import selectors as partner_selectors
from liaison.people import selectors as people_selectors
from liaison.postings import selectors, services
from liaison.postings.filters import DeploymentFilters, PostingFilters, ProgramFilters
from liaison.postings.schemas import (
    ChangeEndIn,
    CoverOut,
    DeploymentIn,
    DeploymentOut,
    MoveIn,
    PostIn,
    PostingIn,
    PostingOut,
    PostingPatch,
    PostOut,
    ProgramIn,
    ProgramOut,
    ReasonIn,
)
from liaison.postings.workflows import DEPLOYMENT, POSTING

router = Router(tags=["postings"])


def _or_invalid(field: str, message: str, fetch: Callable[[], Any]) -> Any:
    """A record named in the body: unknown is a field error (400), out of scope stays 403."""
    try:
        return fetch()
    except Http404:
        raise ValidationError({field: message}) from None


def _country(user: Any, field: str, code: str) -> Any:
    return _or_invalid(
        field,
        f"No country has the code “{code}”.",
        lambda: partner_selectors.country_get(user=user, code=code),
    )


def _staff(user: Any, staff_id: int) -> Any:
    return _or_invalid(
        "staff_id",
        f"No staff member has the id {staff_id}.",
        lambda: people_selectors.staff_get(user=user, pk=staff_id),
    )


def _links(user: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Ids and codes in a posting's body → the records the services take."""
    if values.get("staff_id") is not None:
        values["staff"] = _staff(user, values.pop("staff_id"))
    if values.get("post_id") is not None:
        post_id = values.pop("post_id")
        values["post"] = _or_invalid(
            "post_id",
            f"No post has the id {post_id}.",
            lambda: selectors.post_get(user=user, pk=post_id),
        )
    for kind in ("primary", "secondary"):
        if values.get(kind) is not None:
            values[kind] = [_country(user, kind, code) for code in values[kind]]
    return values


# --- postings ------------------------------------------------------------------------------------


@router.get("", response=list[PostingOut])
@paginate(PageNumberPagination, page_size=50)
def list_postings(request: HttpRequest, filters: Query[PostingFilters]) -> Any:
    return selectors.posting_list(user=actor(request), **filters.selector_kwargs())


@router.get("/covering", response=list[CoverOut])
def list_covering(request: HttpRequest, country: str, on: date | None = None) -> Any:
    """Who covers ``country`` (ISO code) on ``on`` (today unless said), primary first."""
    user = actor(request)
    require_perm(user, "postings.browse")
    found = partner_selectors.country_get(user=user, code=country)
    return selectors.postings_covering(user=user, country=found, on=on)


@router.get("/ending", response=list[PostingOut])
@paginate(PageNumberPagination, page_size=50)
def list_postings_ending(request: HttpRequest, months: int = selectors.ENDING_MONTHS) -> Any:
    return selectors.postings_ending(user=actor(request), months=months)


@router.get("/{int:posting_id}", response=PostingOut)
def get_posting(request: HttpRequest, posting_id: int) -> Any:
    return selectors.posting_get(user=actor(request), pk=posting_id)


@router.post("", response={201: PostingOut})
def propose_posting(request: HttpRequest, payload: PostingIn) -> Any:
    user = actor(request)
    require_perm(user, "postings.propose")
    posting = services.posting_propose(actor=user, **_links(user, payload.dict()))
    return Status(201, selectors.posting_get(user=user, pk=posting.pk))


@router.patch("/{int:posting_id}", response=PostingOut)
def update_posting(request: HttpRequest, posting_id: int, payload: PostingPatch) -> Any:
    user = actor(request)
    posting = selectors.posting_get(user=user, pk=posting_id, perm="postings.propose")
    services.posting_update(
        actor=user, posting=posting, **_links(user, payload.dict(exclude_unset=True))
    )
    return selectors.posting_get(user=user, pk=posting_id)


@router.post("/{int:posting_id}/moves", response=PostingOut)
def move_posting(request: HttpRequest, posting_id: int, payload: MoveIn) -> Any:
    """Make one move of the posting's workflow: the same service as the page's buttons."""
    user = actor(request)
    if payload.move not in services.MOVE_INPUTS:
        raise ValidationError({"move": f"“{payload.move}” is not a move of a posting."})
    posting = selectors.posting_get(user=user, pk=posting_id, perm=POSTING.named(payload.move).perm)
    services.posting_move(actor=user, posting=posting, **payload.dict())
    return selectors.posting_get(user=user, pk=posting_id)


@router.post("/{int:posting_id}/end-date", response=PostingOut)
def change_posting_end(request: HttpRequest, posting_id: int, payload: ChangeEndIn) -> Any:
    user = actor(request)
    posting = selectors.posting_get(user=user, pk=posting_id, perm="postings.approve")
    services.posting_change_end(actor=user, posting=posting, **payload.dict())
    return selectors.posting_get(user=user, pk=posting_id)


# --- posts ---------------------------------------------------------------------------------------


@router.get("/posts", response=list[PostOut])
@paginate(PageNumberPagination, page_size=50)
def list_posts(request: HttpRequest) -> Any:
    return selectors.post_list(user=actor(request))


@router.post("/posts", response={201: PostOut})
def create_post(request: HttpRequest, payload: PostIn) -> Any:
    user = actor(request)
    require_perm(user, "postings.manage_posts")
    values = payload.dict()
    values["country"] = _country(user, "country", values["country"])
    return Status(201, services.post_create(actor=user, **values))


# --- deployment programs and deployments ---------------------------------------------------------


@router.get("/programs", response=list[ProgramOut])
@paginate(PageNumberPagination, page_size=50)
def list_programs(request: HttpRequest, filters: Query[ProgramFilters]) -> Any:
    return selectors.program_list(user=actor(request), **filters.selector_kwargs())


@router.get("/programs/{int:program_id}", response=ProgramOut)
def get_program(request: HttpRequest, program_id: int) -> Any:
    return selectors.program_get(user=actor(request), pk=program_id)


@router.post("/programs", response={201: ProgramOut})
def create_program(request: HttpRequest, payload: ProgramIn) -> Any:
    user = actor(request)
    require_perm(user, "postings.manage_deployments")
    values = payload.dict()
    values["country"] = _country(user, "country", values["country"])
    agency_id = values.pop("agency_id")
    values["agency"] = (
        _or_invalid(
            "agency_id",
            f"No agency has the id {agency_id}.",
            lambda: partner_selectors.agency_get(user=user, pk=agency_id),
        )
        if agency_id
        else None
    )
    sponsor_id = values.pop("sponsor_id")
    values["sponsor"] = (
        _or_invalid(
            "sponsor_id",
            f"No funding source has the id {sponsor_id}.",
            lambda: catalog_selectors.funding_source_get(user=user, pk=sponsor_id),
        )
        if sponsor_id
        else None
    )
    return Status(201, services.program_create(actor=user, **values))


@router.get("/deployments", response=list[DeploymentOut])
@paginate(PageNumberPagination, page_size=50)
def list_deployments(request: HttpRequest, filters: Query[DeploymentFilters]) -> Any:
    return selectors.deployment_list(user=actor(request), **filters.selector_kwargs())


@router.post("/deployments", response={201: DeploymentOut})
def create_deployment(request: HttpRequest, payload: DeploymentIn) -> Any:
    user = actor(request)
    require_perm(user, "postings.manage_deployments")
    values = payload.dict()
    values["staff"] = _staff(user, values.pop("staff_id"))
    program_id = values.pop("program_id")
    values["program"] = (
        _or_invalid(
            "program_id",
            f"No program has the id {program_id}.",
            lambda: selectors.program_get(user=user, pk=program_id),
        )
        if program_id
        else None
    )
    code = values.pop("country")
    values["country"] = _country(user, "country", code) if code else None
    return Status(201, services.deployment_create(actor=user, **values))


@router.post("/deployments/{int:deployment_id}/cancel", response=DeploymentOut)
def cancel_deployment(request: HttpRequest, deployment_id: int, payload: ReasonIn) -> Any:
    user = actor(request)
    deployment = selectors.deployment_get(
        user=user, pk=deployment_id, perm=DEPLOYMENT.named("cancelled").perm
    )
    return services.deployment_cancel(actor=user, deployment=deployment, reason=payload.reason)
