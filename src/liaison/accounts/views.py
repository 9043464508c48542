from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from liaison.accounts import selectors, services
from liaison.accounts.forms import ApiTokenForm, UserForm
from liaison.core.access import require_perm
from liaison.core.forms import add_service_errors
from liaison.core.listing import render_list


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_token = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": selectors.api_tokens_of(user=request.user),
            "breadcrumbs": [("Home", reverse("home")), ("Account", "")],
        },
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get_own(user=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:profile")


@require_http_methods(["GET"])
def user_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    users = selectors.user_list(actor=request.user, search=search)
    return render_list(
        request,
        "accounts/user_list.html",
        "accounts/_user_results.html",
        users,
        {"q": search, "breadcrumbs": [("Home", reverse("home")), ("Users", "")]},
    )


@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_perm(request.user, "accounts.manage_users")
    user = selectors.user_get(actor=request.user, pk=pk) if pk else None
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "password"}
        try:
            if user is None:
                user = services.user_create(
                    actor=request.user, password=form.cleaned_data["password"] or None, **values
                )
            else:
                user = services.user_update(
                    actor=request.user,
                    user=selectors.user_get(actor=request.user, pk=user.pk),
                    **values,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"User {user.username} saved.")
            return redirect("accounts:user_list")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "cancel_url": reverse("accounts:user_list"),
            "title": f"Edit {user.username}" if user else "Add a user",
            "breadcrumbs": [
                ("Home", reverse("home")),
                ("Users", reverse("accounts:user_list")),
                ("Edit" if user else "Add", ""),
            ],
        },
    )
