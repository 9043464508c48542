"""Documents: attaching one to an agreement or a request, and downloading it.

The upload goes to ``services.document_attach`` (checked by content, named safely, encrypted);
the download comes from ``services.document_download``, which checks the permission and
records the download, and is sent by ``core.attachments.download_response`` as an
attachment, never shown inline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from liaison.agreements import selectors, services
from liaison.agreements.forms import DocumentForm
from liaison.agreements.models import Agreement, AssistanceRequest
from liaison.agreements.views.nav import form_reasons
from liaison.core.attachments import download_response


def document_form(
    *,
    agreement: Agreement | None = None,
    request: AssistanceRequest | None = None,
    data=None,
    files=None,
) -> DocumentForm:
    kinds = (
        services.REQUEST_DOCUMENT_KINDS
        if request is not None
        else services.AGREEMENT_DOCUMENT_KINDS
    )
    return DocumentForm(data, files, kinds=tuple(kinds), prefix="document")


def _attach(
    http: HttpRequest,
    *,
    agreement: Agreement | None = None,
    request: AssistanceRequest | None = None,
) -> bool:
    form = document_form(agreement=agreement, request=request, data=http.POST, files=http.FILES)
    if not form.is_valid():
        reasons = form_reasons(form)
        messages.error(http, "The document was not attached: " + " ".join(reasons))
        return False
    upload = form.cleaned_data["file"]
    try:
        document = services.document_attach(
            actor=http.user,
            agreement=agreement,
            request=request,
            kind=form.cleaned_data["kind"],
            filename=upload.name or "",
            data=upload.read(),
        )
    except ValidationError as error:
        messages.error(http, "The document was not attached: " + " ".join(error.messages))
        return False
    messages.success(http, f"{document.get_kind_display()} “{document.filename}” attached.")
    return True


@require_POST
def agreement_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get(
        user=request.user, pk=pk, perm="agreements.manage_agreement"
    )
    _attach(request, agreement=agreement)
    return redirect("agreements:agreement_detail", pk=pk)


@require_POST
def request_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    assistance = selectors.request_get(user=request.user, pk=pk, perm="agreements.work_request")
    _attach(request, request=assistance)
    return redirect("agreements:request_detail", pk=pk)


@require_GET
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_get(user=request.user, pk=pk)
    data = services.document_download(actor=request.user, document=document)
    return download_response(
        filename=document.filename, content_type=document.content_type, data=data
    )


urlpatterns = [
    path("<int:pk>/documents/add/", agreement_document_add, name="agreement_document_add"),
    path("requests/<int:pk>/documents/add/", request_document_add, name="request_document_add"),
    path("documents/<int:pk>/download/", document_download, name="document_download"),
]
