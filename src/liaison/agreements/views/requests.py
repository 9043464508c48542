"""Assistance request pages: the list, filing one, and one request's page with the persons and
companies it concerns, its documents, its owner, the completeness checklist of an outgoing
draft, and the moves its direction's workflow offers the user."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.agreements import selectors, services
from liaison.agreements.forms import (
    AssignForm,
    RequestCompanyForm,
    RequestEditForm,
    RequestForm,
    RequestMoveForm,
    RequestPersonForm,
)
from liaison.agreements.models import (
    SETTLED,
    AssistanceRequest,
    Direction,
    PersonRole,
    RequestKind,
    RequestStatus,
)
from liaison.agreements.views.documents import document_form
from liaison.agreements.views.nav import form_reasons, request_crumbs, side_nav
from liaison.agreements.workflows import request_workflow
from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import add_service_errors
from liaison.core.listing import render_list
from liaison.partners.selectors import countries_for_choice
from liaison.people.selectors import person_get, person_list

CSV_HEADER = [
    "reference",
    "direction",
    "country",
    "partner's reference",
    "subject",
    "kind",
    "legal basis",
    "received or sent",
    "due",
    "answered",
    "days to answer",
    "status",
    "owner",
]
MOVE_MESSAGES = {
    "sent": "Request sent: the partner's deadline runs.",
    "started": "Work on the request started.",
    "answered": "Answer recorded.",
    "closed": "Case closed.",
    "refused": "Refusal recorded.",
}


def _csv_row(r: AssistanceRequest) -> list[Any]:
    return [
        r.reference,
        r.get_direction_display(),
        r.agreement.country.name,
        r.partner_reference,
        r.subject,
        r.get_kind_display(),
        r.legal_basis,
        r.received_on,
        r.due_on,
        r.answered_on,
        r.days_to_answer,
        r.status_label,
        str(r.owner) if r.owner else "",
    ]


def _filters(request: HttpRequest) -> dict[str, Any]:
    return {
        "search": request.GET.get("q", "").strip(),
        "direction": request.GET.get("direction", ""),
        "status": request.GET.get("status", ""),
        "country": request.GET.get("country", "").upper(),
        "kind": request.GET.get("kind", ""),
        "overdue": request.GET.get("overdue") == "1",
        "mine": request.GET.get("mine") == "1",
    }


def _list_page(
    request: HttpRequest,
    requests: Any,
    filters: dict[str, Any],
    *,
    title: str,
    filename: str,
    overdue_page: bool = False,
) -> HttpResponse:
    if fmt := export_format(request):
        return table_response(fmt, filename, CSV_HEADER, requests, _csv_row)
    return render_list(
        request,
        "agreements/request_list.html",
        "agreements/_request_results.html",
        requests,
        {
            **filters,
            "q": filters["search"],
            "title": title,
            "overdue_page": overdue_page,
            "today": selectors.today(),
            "directions": Direction.choices,
            "statuses": RequestStatus.choices,
            "kinds": RequestKind.choices,
            "countries": countries_for_choice(user=request.user),
            "can_file": request.user.has_perm("agreements.file_request"),
            "side_nav": side_nav(request),
            "breadcrumbs": request_crumbs((title, "")) if overdue_page else request_crumbs(),
        },
    )


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    requests = selectors.request_list(user=request.user, **filters)
    return _list_page(request, requests, filters, title="Assistance requests", filename="requests")


@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """Past their deadline and still waiting for the answer: ours and the partners'."""
    filters = {**_filters(request), "overdue": True}
    requests = selectors.overdue_requests(
        user=request.user, direction=filters["direction"], country=filters["country"]
    )
    return _list_page(
        request,
        requests,
        filters,
        title="Overdue requests",
        filename="overdue-requests",
        overdue_page=True,
    )


@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "agreements.file_request")
    agreements = selectors.agreements_for_filing(user=request.user)
    chosen = request.POST.get("agreement") or request.GET.get("agreement", "")
    agreement = None
    if chosen.isdigit():
        agreement = selectors.agreement_get(user=request.user, pk=int(chosen))
    owners = selectors.owner_choices(agreement=agreement)
    form = RequestForm(
        request.POST or None,
        request.FILES or None,
        agreements=agreements,
        owners=owners,
        initial_agreement=agreement.pk if agreement else None,
    )
    if not form.is_bound:
        form.initial["direction"] = request.GET.get("direction", Direction.INCOMING)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        letter = form.cleaned_data.get("letter")
        try:
            filed = services.assistance_request_file_with_letter(
                actor=request.user,
                letter=(letter.name or "", letter.read()) if letter else None,
                **values,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Request {filed.reference} filed.")
            return redirect("agreements:request_detail", pk=filed.pk)
    return render(
        request,
        "agreements/request_form.html",
        {
            "form": form,
            "title": "File an assistance request",
            "side_nav": side_nav(request),
            "breadcrumbs": request_crumbs(("File a request", "")),
        },
    )


def _detail(
    request: HttpRequest,
    assistance: AssistanceRequest,
    *,
    move_forms: dict[str, RequestMoveForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    workflow = request_workflow(assistance)
    moves = workflow.available(user, assistance)
    buttons = [
        m for m in moves if not services.request_move_refusals(request=assistance, move=m.name)
    ]
    forms = {m.name: RequestMoveForm(move=m.name, prefix=m.name) for m in buttons}
    forms.update(move_forms or {})
    can_work = user.has_perm("agreements.work_request", assistance)
    open_to_change = can_work and assistance.status not in SETTLED
    find = request.GET.get("find", "").strip()
    found = []
    if find and open_to_change and user.has_perm("people.browse"):
        named = {link.person_id for link in selectors.request_persons(request=assistance)}
        found = [p for p in person_list(user=user, search=find)[:10] if p.pk not in named]
    checklist = []
    if assistance.status == RequestStatus.DRAFT:
        checklist = services.send_checklist(assistance)
    persons = list(selectors.request_persons(request=assistance))
    return render(
        request,
        "agreements/request_detail.html",
        {
            "assistance": assistance,
            "today": selectors.today(),
            "overdue": assistance.is_overdue(selectors.today()),
            "moves": [(m, forms[m.name]) for m in buttons],
            "checklist": checklist,
            "checklist_done": all(item.done for item in checklist),
            "can_work": can_work,
            "open_to_change": open_to_change,
            "owners": selectors.owner_choices(agreement=assistance.agreement)
            if open_to_change
            else [],
            "persons": [
                (link, user.has_perm("people.view_person", link.person)) for link in persons
            ],
            "person_roles": PersonRole.choices,
            "find": find,
            "found": found,
            "companies": selectors.request_companies(request=assistance),
            "company_form": RequestCompanyForm(prefix="company") if open_to_change else None,
            "documents": selectors.request_documents(request=assistance),
            "document_form": document_form(request=assistance) if can_work else None,
            "history": selectors.request_history(request=assistance)[:50],
            "side_nav": side_nav(request),
            "breadcrumbs": request_crumbs((assistance.reference, "")),
        },
        status=status,
    )


@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.request_get(user=request.user, pk=pk))


@require_http_methods(["GET", "POST"])
def request_update(request: HttpRequest, pk: int) -> HttpResponse:
    assistance = selectors.request_get(user=request.user, pk=pk, perm="agreements.work_request")
    form = RequestEditForm(request.POST or None, instance=assistance)
    if request.method == "POST" and form.is_valid():
        try:
            services.assistance_request_update(
                actor=request.user, request=assistance, **form.changes()
            )
        except ValidationError as error:
            assistance.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, "Request updated.")
            return redirect("agreements:request_detail", pk=pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Edit request {assistance.reference}",
            "cancel_url": reverse("agreements:request_detail", args=[pk]),
            "side_nav": side_nav(request),
            "breadcrumbs": request_crumbs(
                (assistance.reference, reverse("agreements:request_detail", args=[pk])),
                ("Edit", ""),
            ),
        },
    )


@require_POST
def request_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """One move of the request's workflow, named by the form's ``move``."""
    assistance = selectors.request_get(user=request.user, pk=pk)
    workflow = request_workflow(assistance)
    name = request.POST.get("move", "")
    if name not in {m.name for m in workflow.moves}:
        messages.error(request, "Choose a move the request has.")
        return redirect("agreements:request_detail", pk=pk)
    require_perm(request.user, workflow.named(name).perm, assistance)
    form = RequestMoveForm(request.POST, move=name, prefix=name)
    if form.is_valid():
        try:
            services.assistance_request_move(
                actor=request.user, request=assistance, move=name, **form.service_values()
            )
        except ValidationError as error:
            assistance.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, MOVE_MESSAGES[name])
            return redirect("agreements:request_detail", pk=pk)
    if not form.errors:
        form.add_error(None, "The request could not be moved.")
    return _detail(request, assistance, move_forms={name: form}, status=400)


@require_POST
def request_assign(request: HttpRequest, pk: int) -> HttpResponse:
    assistance = selectors.request_get(user=request.user, pk=pk, perm="agreements.work_request")
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the owner.")
        return redirect("agreements:request_detail", pk=pk)
    owner = selectors.owner_get(agreement=assistance.agreement, pk=form.cleaned_data["owner"])
    try:
        services.assistance_request_assign(actor=request.user, request=assistance, owner=owner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{owner} now owns the request.")
    return redirect("agreements:request_detail", pk=pk)


@require_POST
def request_person_add(request: HttpRequest, pk: int) -> HttpResponse:
    assistance = selectors.request_get(user=request.user, pk=pk, perm="agreements.work_request")
    form = RequestPersonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the person and their part.")
        return redirect("agreements:request_detail", pk=pk)
    person = person_get(user=request.user, pk=form.cleaned_data["person"])
    try:
        link = services.assistance_request_person_add(
            actor=request.user, request=assistance, person=person, role=form.cleaned_data["role"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{link} named in the request.")
    return redirect("agreements:request_detail", pk=pk)


@require_POST
def request_person_remove(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.request_person_get(user=request.user, pk=pk)
    try:
        services.assistance_request_person_remove(actor=request.user, link=link)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{link.person} is no longer named in the request.")
    return redirect("agreements:request_detail", pk=link.request_id)


@require_POST
def request_company_add(request: HttpRequest, pk: int) -> HttpResponse:
    assistance = selectors.request_get(user=request.user, pk=pk, perm="agreements.work_request")
    form = RequestCompanyForm(request.POST, prefix="company")
    if not form.is_valid():
        reasons = form_reasons(form)
        messages.error(request, "The company was not added: " + " ".join(reasons))
        return redirect("agreements:request_detail", pk=pk)
    try:
        company = services.assistance_request_company_add(
            actor=request.user,
            request=assistance,
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            country=form.cleaned_data["country"],
            identifier=form.cleaned_data["identifier"] or "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{company} named in the request.")
    return redirect("agreements:request_detail", pk=pk)


@require_POST
def request_company_remove(request: HttpRequest, pk: int) -> HttpResponse:
    company = selectors.request_company_get(user=request.user, pk=pk)
    try:
        services.assistance_request_company_remove(actor=request.user, company=company)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{company.name} is no longer named in the request.")
    return redirect("agreements:request_detail", pk=company.request_id)


urlpatterns = [
    path("requests/", request_list, name="request_list"),
    path("requests/overdue/", overdue, name="overdue"),
    path("requests/new/", request_create, name="request_create"),
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", request_update, name="request_update"),
    path("requests/<int:pk>/transition/", request_transition, name="request_transition"),
    path("requests/<int:pk>/assign/", request_assign, name="request_assign"),
    path("requests/<int:pk>/persons/add/", request_person_add, name="request_person_add"),
    path("request-persons/<int:pk>/remove/", request_person_remove, name="request_person_remove"),
    path("requests/<int:pk>/companies/add/", request_company_add, name="request_company_add"),
    path(
        "request-companies/<int:pk>/remove/", request_company_remove, name="request_company_remove"
    ),
]
