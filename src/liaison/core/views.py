from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from liaison.core.selectors import home_figures


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "core/home.html", {"figures": home_figures(user=request.user), "breadcrumbs": []}
    )


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
