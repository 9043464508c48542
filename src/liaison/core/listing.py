"""One view, page or fragment: list pages render whole, or only their results for htmx."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PER_PAGE = 25


def paginate(request: HttpRequest, items: QuerySet[Any], per_page: int = PER_PAGE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def render_list(
    request: HttpRequest,
    template: str,
    results_template: str,
    items: QuerySet[Any],
    context: dict[str, Any],
) -> HttpResponse:
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **context,
        "page_obj": paginate(request, items),
        "querystring_without_page": (query.urlencode() + "&") if query else "",
        "querystring": query.urlencode(),
    }
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        return render(request, results_template, context)
    return render(request, template, context)
