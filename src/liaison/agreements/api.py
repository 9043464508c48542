"""The agreements API: agreements and their moves, assistance requests (filed, changed, moved,
assigned, the persons and companies they concern), documents (attached and downloaded, every
download recorded), the overdue list and each agreement's health.

Each endpoint fetches and authorizes its record through the selectors, then calls the same
service the pages call, so the rules and the permissions are the pages' own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from liaison.agreements import selectors, services
from liaison.agreements.models import Agreement, AssistanceRequest, Document
from liaison.agreements.schemas import (
    AgreementDetailOut,
    AgreementIn,
    AgreementMoveIn,
    AgreementOut,
    AgreementPatch,
    AssignIn,
    DocumentOut,
    HealthOut,
    RequestCompanyIn,
    RequestCompanyOut,
    RequestDetailOut,
    RequestIn,
    RequestMoveIn,
    RequestOut,
    RequestPatch,
    RequestPersonIn,
    RequestPersonOut,
)
from liaison.agreements.workflows import AGREEMENT, request_workflow
from liaison.core.access import require_perm
from liaison.core.api import actor
from liaison.core.attachments import download_response
from liaison.partners import selectors as partner_selectors
from liaison.people import selectors as people_selectors

router = Router(tags=["agreements"])


def _or_invalid(field: str, message: str, fetch: Callable[[], Any]) -> Any:
    """A record named in the body: unknown is a field error (400), out of scope stays 403."""
    try:
        return fetch()
    except Http404:
        raise ValidationError({field: message}) from None


def _country(user: Any, code: str, field: str = "country") -> Any:
    return _or_invalid(
        field,
        f"No country has the code “{code}”.",
        lambda: partner_selectors.country_get(user=user, code=code.strip().upper()),
    )


def _agency(user: Any, pk: int) -> Any:
    return _or_invalid(
        "counterpart_id",
        f"No agency has the id {pk}.",
        lambda: partner_selectors.agency_get(user=user, pk=pk),
    )


def _agreement_detail(user: Any, agreement: Agreement) -> Agreement:
    """The agreement with what its detail schema adds: its contacts and the user's moves."""
    ours, theirs = selectors.agreement_contacts(agreement=agreement)
    agreement.api_our_contacts = [  # type: ignore[attr-defined]
        {"id": s.pk, "name": str(s), "title": s.title, "email": s.email} for s in ours
    ]
    agreement.api_their_contacts = [  # type: ignore[attr-defined]
        {
            "id": p.pk,
            "name": str(p),
            "nationality": str(p.nationality.code) if p.nationality else None,
            "position": p.position,
            "trained": bool(p.courses),
        }
        for p in theirs
    ]
    agreement.api_moves = [m.name for m in AGREEMENT.available(user, agreement)]  # type: ignore[attr-defined]
    return agreement


def _document(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "kind": document.kind,
        "filename": document.filename,
        "content_type": document.content_type,
        "size": document.size,
        "uploaded_at": document.uploaded_at,
        "url": reverse("api-v1:download_document", kwargs={"document_id": document.pk}),
    }


# --- agreements -------------------------------------------------------------------------------


@router.get("", response=list[AgreementOut])
@paginate(PageNumberPagination, page_size=50)
def list_agreements(
    request: HttpRequest, q: str = "", status: str = "", region: str = "", generated: str = ""
) -> Any:
    return selectors.agreement_list(
        user=actor(request), search=q.strip(), status=status, region=region, generated=generated
    )


@router.get("/{int:agreement_id}", response=AgreementDetailOut)
def get_agreement(request: HttpRequest, agreement_id: int) -> Any:
    user = actor(request)
    return _agreement_detail(user, selectors.agreement_get(user=user, pk=agreement_id))


@router.post("", response={201: AgreementDetailOut})
def create_agreement(request: HttpRequest, payload: AgreementIn) -> Any:
    user = actor(request)
    require_perm(user, "agreements.manage_agreement")
    agreement = services.agreement_create(
        actor=user,
        country=_country(user, payload.country),
        counterpart=_agency(user, payload.counterpart_id),
        title=payload.title,
        binding=payload.binding,
        notes=payload.notes,
    )
    return Status(201, _agreement_detail(user, agreement))


@router.patch("/{int:agreement_id}", response=AgreementDetailOut)
def update_agreement(request: HttpRequest, agreement_id: int, payload: AgreementPatch) -> Any:
    user = actor(request)
    agreement = selectors.agreement_get(
        user=user, pk=agreement_id, perm="agreements.manage_agreement"
    )
    changes = payload.dict(exclude_unset=True)
    if "counterpart_id" in changes:
        changes["counterpart"] = _agency(user, changes.pop("counterpart_id"))
    services.agreement_update(actor=user, agreement=agreement, **changes)
    return _agreement_detail(user, agreement)


@router.post("/{int:agreement_id}/transition", response=AgreementDetailOut)
def transition_agreement(request: HttpRequest, agreement_id: int, payload: AgreementMoveIn) -> Any:
    """One move of ``workflows.AGREEMENT`` by name (signed, in_force, suspended, resumed,
    terminated), with its date and reason."""
    user = actor(request)
    if payload.move not in services.AGREEMENT_MOVE_ARGUMENTS:
        raise ValidationError({"move": f"An agreement has no move “{payload.move}”."})
    agreement = selectors.agreement_get(
        user=user, pk=agreement_id, perm=AGREEMENT.named(payload.move).perm
    )
    services.agreement_move(
        actor=user, agreement=agreement, move=payload.move, on=payload.on, reason=payload.reason
    )
    return _agreement_detail(user, agreement)


@router.get("/{int:agreement_id}/documents", response=list[DocumentOut])
def list_agreement_documents(request: HttpRequest, agreement_id: int) -> Any:
    agreement = selectors.agreement_get(user=actor(request), pk=agreement_id)
    return [_document(d) for d in selectors.agreement_documents(agreement=agreement)]


@router.get("/health", response=list[HealthOut])
def get_agreement_health(request: HttpRequest, region: str = "") -> Any:
    """Per agreement once in force: requests in and out, median days to answer (ours, theirs),
    refusals, open and overdue now, the partner's designated contacts and how many trained."""
    return [
        {
            "agreement_id": h.agreement.pk,
            "country": str(h.agreement.country.code),
            "status": h.agreement.status,
            "generated": h.agreement.generated,
            "requests_in": h.requests_in,
            "requests_out": h.requests_out,
            "median_days_in": h.median_in,
            "median_days_out": h.median_out,
            "refused_in": h.refused_in,
            "refused_out": h.refused_out,
            "open_in": h.open_in,
            "open_out": h.open_out,
            "overdue_in": h.overdue_in,
            "overdue_out": h.overdue_out,
            "contacts": h.contacts,
            "contacts_trained": h.contacts_trained,
        }
        for h in selectors.agreement_health(user=actor(request), region=region)
    ]


# --- assistance requests ----------------------------------------------------------------------


def _request_detail(user: Any, assistance: AssistanceRequest) -> AssistanceRequest:
    """The request with what its detail schema adds: persons, companies, the checklist of a
    draft and the user's moves."""
    checklist = []
    if assistance.status == "draft":
        checklist = [
            {"key": i.key, "label": i.label, "done": i.done}
            for i in services.send_checklist(assistance)
        ]
    extra = {
        "api_persons": list(selectors.request_persons(request=assistance)),
        "api_companies": list(selectors.request_companies(request=assistance)),
        "api_checklist": checklist,
        "api_moves": [m.name for m in request_workflow(assistance).available(user, assistance)],
    }
    for name, value in extra.items():
        setattr(assistance, name, value)
    return assistance


@router.get("/requests", response=list[RequestOut])
@paginate(PageNumberPagination, page_size=50)
def list_assistance_requests(
    request: HttpRequest,
    q: str = "",
    direction: str = "",
    status: str = "",
    country: str = "",
    kind: str = "",
    overdue: bool = False,
    mine: bool = False,
) -> Any:
    return selectors.request_list(
        user=actor(request),
        search=q.strip(),
        direction=direction,
        status=status,
        country=country.strip().upper(),
        kind=kind,
        overdue=overdue,
        mine=mine,
    )


@router.get("/requests/overdue", response=list[RequestOut])
@paginate(PageNumberPagination, page_size=50)
def list_overdue_requests(request: HttpRequest, direction: str = "", country: str = "") -> Any:
    """Past their deadline (the day after the due date, in the agency's time zone) and still
    waiting for the answer, the oldest deadline first."""
    return selectors.overdue_requests(
        user=actor(request), direction=direction, country=country.strip().upper()
    )


@router.get("/requests/{int:request_id}", response=RequestDetailOut)
def get_assistance_request(request: HttpRequest, request_id: int) -> Any:
    user = actor(request)
    return _request_detail(user, selectors.request_get(user=user, pk=request_id))


@router.post("/requests", response={201: RequestDetailOut})
def file_assistance_request(request: HttpRequest, payload: RequestIn) -> Any:
    """File an incoming request (received) or draft an outgoing one."""
    user = actor(request)
    require_perm(user, "agreements.file_request")
    values = payload.dict()
    agreement = _or_invalid(
        "agreement_id",
        f"No agreement has the id {payload.agreement_id}.",
        lambda: selectors.agreement_get(user=user, pk=values.pop("agreement_id")),
    )
    owner_id = values.pop("owner_id")
    owner = None
    if owner_id is not None:
        owner = _or_invalid(
            "owner_id",
            f"User {owner_id} may not own requests under this agreement.",
            lambda: selectors.owner_get(agreement=agreement, pk=owner_id),
        )
    filed = services.assistance_request_file(actor=user, agreement=agreement, owner=owner, **values)
    return Status(201, _request_detail(user, filed))


@router.patch("/requests/{int:request_id}", response=RequestDetailOut)
def update_assistance_request(request: HttpRequest, request_id: int, payload: RequestPatch) -> Any:
    user = actor(request)
    assistance = selectors.request_get(user=user, pk=request_id, perm="agreements.work_request")
    services.assistance_request_update(
        actor=user, request=assistance, **payload.dict(exclude_unset=True)
    )
    return _request_detail(user, assistance)


@router.post("/requests/{int:request_id}/transition", response=RequestDetailOut)
def transition_assistance_request(
    request: HttpRequest, request_id: int, payload: RequestMoveIn
) -> Any:
    """One move of the request's workflow by name: incoming (started, answered, closed,
    refused) or outgoing (sent, started, answered, closed, refused)."""
    user = actor(request)
    assistance = selectors.request_get(user=user, pk=request_id)
    workflow = request_workflow(assistance)
    if payload.move not in {m.name for m in workflow.moves}:
        raise ValidationError({"move": f"This request has no move “{payload.move}”."})
    require_perm(user, workflow.named(payload.move).perm, assistance)
    given = payload.dict(exclude={"move"})
    services.assistance_request_move(
        actor=user,
        request=assistance,
        move=payload.move,
        **{k: v for k, v in given.items() if v not in (None, "")},
    )
    return _request_detail(user, assistance)


@router.post("/requests/{int:request_id}/assign", response=RequestDetailOut)
def assign_assistance_request(request: HttpRequest, request_id: int, payload: AssignIn) -> Any:
    user = actor(request)
    assistance = selectors.request_get(user=user, pk=request_id, perm="agreements.work_request")
    owner = _or_invalid(
        "owner_id",
        f"User {payload.owner_id} may not own requests under this agreement.",
        lambda: selectors.owner_get(agreement=assistance.agreement, pk=payload.owner_id),
    )
    services.assistance_request_assign(actor=user, request=assistance, owner=owner)
    return _request_detail(user, assistance)


@router.post("/requests/{int:request_id}/persons", response={201: RequestPersonOut})
def add_request_person(request: HttpRequest, request_id: int, payload: RequestPersonIn) -> Any:
    user = actor(request)
    assistance = selectors.request_get(user=user, pk=request_id, perm="agreements.work_request")
    person = _or_invalid(
        "person_id",
        f"No person has the id {payload.person_id}.",
        lambda: people_selectors.person_get(user=user, pk=payload.person_id),
    )
    link = services.assistance_request_person_add(
        actor=user, request=assistance, person=person, role=payload.role
    )
    return Status(201, link)


@router.delete("/requests/{int:request_id}/persons/{int:link_id}", response={204: None})
def remove_request_person(request: HttpRequest, request_id: int, link_id: int) -> Any:
    user = actor(request)
    assistance = selectors.request_get(user=user, pk=request_id, perm="agreements.work_request")
    link = selectors.request_person_get(user=user, pk=link_id)
    if link.request_id != assistance.pk:
        raise Http404
    services.assistance_request_person_remove(actor=user, link=link)
    return Status(204, None)


@router.post("/requests/{int:request_id}/companies", response={201: RequestCompanyOut})
def add_request_company(request: HttpRequest, request_id: int, payload: RequestCompanyIn) -> Any:
    user = actor(request)
    assistance = selectors.request_get(user=user, pk=request_id, perm="agreements.work_request")
    country = _country(user, payload.country) if payload.country else None
    company = services.assistance_request_company_add(
        actor=user,
        request=assistance,
        name=payload.name,
        role=payload.role,
        country=country,
        identifier=payload.identifier,
    )
    return Status(201, company)


@router.delete("/requests/{int:request_id}/companies/{int:company_id}", response={204: None})
def remove_request_company(request: HttpRequest, request_id: int, company_id: int) -> Any:
    user = actor(request)
    assistance = selectors.request_get(user=user, pk=request_id, perm="agreements.work_request")
    company = selectors.request_company_get(user=user, pk=company_id)
    if company.request_id != assistance.pk:
        raise Http404
    services.assistance_request_company_remove(actor=user, company=company)
    return Status(204, None)


# --- documents --------------------------------------------------------------------------------


@router.get("/requests/{int:request_id}/documents", response=list[DocumentOut])
def list_request_documents(request: HttpRequest, request_id: int) -> Any:
    assistance = selectors.request_get(user=actor(request), pk=request_id)
    return [_document(d) for d in selectors.request_documents(request=assistance)]


@router.post("/requests/{int:request_id}/documents", response={201: DocumentOut})
def attach_request_document(
    request: HttpRequest,
    request_id: int,
    kind: Form[str],
    file: File[UploadedFile],
) -> Any:
    """Attach a file (multipart/form-data: ``kind`` and ``file``): checked by its content,
    named safely, kept encrypted."""
    user = actor(request)
    assistance = selectors.request_get(user=user, pk=request_id, perm="agreements.work_request")
    document = services.document_attach(
        actor=user, request=assistance, kind=kind, filename=file.name or "", data=file.read()
    )
    return Status(201, _document(document))


@router.get("/documents/{int:document_id}/content")
def download_document(request: HttpRequest, document_id: int) -> HttpResponse:
    """The document's bytes, as an attachment; the download is recorded in its trail."""
    user = actor(request)
    document = selectors.document_get(user=user, pk=document_id)
    data = services.document_download(actor=user, document=document)
    return download_response(
        filename=document.filename, content_type=document.content_type, data=data
    )
