"""Sign-in is required everywhere but the sign-in pages, public checks and the token API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect

from liaison.accounts.roles import Role

# The API answers 401 in JSON itself; the health check is for load balancers.
PUBLIC_PREFIXES = ("/api/", "/healthz")


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.path.startswith(PUBLIC_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/api/", "/healthz")


class AdministratorMfaMiddleware:
    """With LIAISON_REQUIRE_MFA on, an administrator must set up TOTP before doing anything."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.LIAISON_REQUIRE_MFA
            and user is not None
            and user.is_authenticated
            and user.role == Role.ADMINISTRATOR
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                return redirect("mfa_activate_totp")
        return self.get_response(request)
