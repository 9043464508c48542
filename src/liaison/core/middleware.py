"""Responses nobody keeps a copy of: every page and API answer carries personal data or may.

Liaison's pages show names, passport numbers, birth dates and rosters; a shared computer's
browser cache or a proxy must hold none of them. So every response that has not said how it
may be cached (static files and feeds set their own) is sent ``no-store``, ``private``: one
rule for every view, including the ones not written yet.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from liaison.core.export import patch_no_store


class PrivateResponsesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_no_store(response)
        return response
