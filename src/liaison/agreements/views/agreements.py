"""Agreement pages: the list, the record form, and one agreement's page with its contacts on
both sides, its documents, the requests under it, its health and the moves its workflow
offers the user (``workflows.AGREEMENT``)."""

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
    AgreementEditForm,
    AgreementForm,
    AgreementMoveForm,
    ContactForm,
)
from liaison.agreements.models import Agreement, AgreementStatus
from liaison.agreements.views.documents import document_form
from liaison.agreements.views.nav import crumbs, side_nav
from liaison.agreements.workflows import AGREEMENT
from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import add_service_errors
from liaison.core.listing import render_list
from liaison.partners.selectors import regions_for_choice
from liaison.people.selectors import person_get, staff_get

CSV_HEADER = [
    "country",
    "iso code",
    "counterpart",
    "status",
    "binding",
    "signed",
    "in force from",
    "suspended from",
    "ended",
    "generated data",
    "source",
]
MOVE_MESSAGES = {
    "signed": "Signature recorded.",
    "in_force": "Entry into force recorded.",
    "suspended": "Agreement suspended.",
    "resumed": "Agreement resumed: it is in force again.",
    "terminated": "Agreement ended.",
}


def _csv_row(a: Agreement) -> list[Any]:
    return [
        a.country.name,
        str(a.country.code),
        a.counterpart.name,
        a.get_status_display(),
        "yes" if a.binding else "no",
        a.signed_on,
        a.in_force_on,
        a.suspended_on,
        a.terminated_on,
        "yes" if a.generated else "no",
        a.source,
    ]


@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "search": request.GET.get("q", "").strip(),
        "status": request.GET.get("status", ""),
        "region": request.GET.get("region", ""),
        "generated": request.GET.get("generated", ""),
    }
    agreements = selectors.agreement_list(user=request.user, **filters)
    if fmt := export_format(request):
        return table_response(fmt, "agreements", CSV_HEADER, agreements, _csv_row)
    return render_list(
        request,
        "agreements/agreement_list.html",
        "agreements/_agreement_results.html",
        agreements,
        {
            **filters,
            "q": filters["search"],
            "statuses": AgreementStatus.choices,
            "regions": regions_for_choice(),
            "can_manage": request.user.has_perm("agreements.manage_agreement"),
            "sees_requests": request.user.has_perm("agreements.browse_requests"),
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(),
        },
    )


@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "agreements.manage_agreement")
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                actor=request.user,
                country=form.cleaned_data["country"],
                counterpart=form.cleaned_data["counterpart"],
                title=form.cleaned_data["title"] or "",
                binding=form.cleaned_data["binding"],
                notes=form.cleaned_data["notes"] or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{agreement} recorded, under negotiation.")
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Record an agreement",
            "cancel_url": reverse("agreements:agreement_list"),
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(("Record an agreement", "")),
        },
    )


def _detail(
    request: HttpRequest,
    agreement: Agreement,
    *,
    move_forms: dict[str, AgreementMoveForm] | None = None,
    upload: Any = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    moves = AGREEMENT.available(user, agreement)
    forms = {m.name: AgreementMoveForm(move=m.name, prefix=m.name) for m in moves}
    forms.update(move_forms or {})
    ours, theirs = selectors.agreement_contacts(agreement=agreement)
    can_manage = user.has_perm("agreements.manage_agreement", agreement)
    find = request.GET.get("find", "").strip()
    found = []
    if find and can_manage and user.has_perm("people.browse"):
        found = selectors.contact_candidates(user=user, agreement=agreement, search=find)
    sees_requests = user.has_perm("agreements.browse_requests")
    health = None
    if sees_requests and agreement.in_force_on is not None:
        health = next(iter(selectors.agreement_health(user=user, agreement=agreement)), None)
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "moves": [(m, forms[m.name]) for m in moves],
            "our_contacts": ours,
            "their_contacts": theirs,
            "staff_choices": selectors.contact_staff_choices() if can_manage else [],
            "find": find,
            "found": found,
            "can_manage": can_manage,
            "can_manage_contacts": can_manage and agreement.status != AgreementStatus.TERMINATED,
            "documents": selectors.agreement_documents(agreement=agreement),
            "document_form": upload or (document_form(agreement=agreement) if can_manage else None),
            "sees_requests": sees_requests,
            "requests": selectors.agreement_requests(user=user, agreement=agreement)[:25]
            if sees_requests
            else [],
            "can_file": agreement.status in (AgreementStatus.IN_FORCE, AgreementStatus.SUSPENDED)
            and user.has_perm("agreements.file_request", agreement),
            "health": health,
            "history": selectors.agreement_history(agreement=agreement)[:50],
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs((str(agreement), "")),
        },
        status=status,
    )


@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.agreement_get(user=request.user, pk=pk))


@require_http_methods(["GET", "POST"])
def agreement_update(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(
        user=request.user, pk=pk, perm="agreements.manage_agreement"
    )
    form = AgreementEditForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(actor=request.user, agreement=agreement, **form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Agreement updated.")
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Edit the {agreement}",
            "cancel_url": reverse("agreements:agreement_detail", args=[agreement.pk]),
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(
                (str(agreement), reverse("agreements:agreement_detail", args=[agreement.pk])),
                ("Edit", ""),
            ),
        },
    )


@require_POST
def agreement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """One move of the agreement's workflow, named by the form's ``move``."""
    name = request.POST.get("move", "")
    if name not in services.AGREEMENT_MOVE_ARGUMENTS:
        messages.error(request, "Choose a move the agreement has.")
        return redirect("agreements:agreement_detail", pk=pk)
    agreement = selectors.agreement_get(user=request.user, pk=pk, perm=AGREEMENT.named(name).perm)
    form = AgreementMoveForm(request.POST, move=name, prefix=name)
    if form.is_valid():
        try:
            services.agreement_move(
                actor=request.user,
                agreement=agreement,
                move=name,
                on=form.cleaned_data.get("on"),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:
            agreement.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, MOVE_MESSAGES[name])
            return redirect("agreements:agreement_detail", pk=pk)
    return _detail(request, agreement, move_forms={name: form}, status=400)


@require_POST
def agreement_contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(
        user=request.user, pk=pk, perm="agreements.manage_agreement"
    )
    form = ContactForm(request.POST)
    if not form.is_valid() or not (form.cleaned_data["staff"] or form.cleaned_data["person"]):
        messages.error(request, "Choose the contact to add.")
        return redirect("agreements:agreement_detail", pk=pk)
    staff = person = None
    if form.cleaned_data["staff"]:
        staff = staff_get(user=request.user, pk=form.cleaned_data["staff"])
    else:
        person = person_get(user=request.user, pk=form.cleaned_data["person"])
    try:
        services.agreement_contact_add(
            actor=request.user, agreement=agreement, staff=staff, person=person
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{staff or person} is now a designated contact.")
    return redirect("agreements:agreement_detail", pk=pk)


@require_POST
def agreement_contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(
        user=request.user, pk=pk, perm="agreements.manage_agreement"
    )
    form = ContactForm(request.POST)
    staff = person = None
    if form.is_valid() and form.cleaned_data["staff"]:
        staff = staff_get(user=request.user, pk=form.cleaned_data["staff"])
    elif form.is_valid() and form.cleaned_data["person"]:
        person = person_get(user=request.user, pk=form.cleaned_data["person"])
    try:
        services.agreement_contact_remove(
            actor=request.user, agreement=agreement, staff=staff, person=person
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{staff or person} is no longer a designated contact.")
    return redirect("agreements:agreement_detail", pk=pk)


urlpatterns = [
    path("", agreement_list, name="agreement_list"),
    path("new/", agreement_create, name="agreement_create"),
    path("<int:pk>/", agreement_detail, name="agreement_detail"),
    path("<int:pk>/edit/", agreement_update, name="agreement_update"),
    path("<int:pk>/transition/", agreement_transition, name="agreement_transition"),
    path("<int:pk>/contacts/add/", agreement_contact_add, name="agreement_contact_add"),
    path("<int:pk>/contacts/remove/", agreement_contact_remove, name="agreement_contact_remove"),
]
