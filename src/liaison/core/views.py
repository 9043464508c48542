from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from liaison.core.forms import add_service_errors


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def form_page(
    request: HttpRequest,
    *,
    form: BaseForm,
    save: Callable[[dict[str, Any]], Any],
    title: str,
    cancel_url: str,
    done: Callable[[Any], str],
    breadcrumbs: list[tuple[str, str]],
    side_nav: list[dict[str, object]] | None = None,
) -> HttpResponse:
    """The shared create/edit page: the form parses, the service (``save``) decides."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{obj}” saved.")
            return redirect(done(obj))
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "side_nav": side_nav,
            "breadcrumbs": breadcrumbs,
        },
    )
