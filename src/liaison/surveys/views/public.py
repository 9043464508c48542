"""The participant's pages, open without signing in and guarded by the invitation's signed
link: the questionnaire (in the invitation's language, or the one chosen in the switcher), its
thank-you page, and the opt-out. A link that is altered, too old, already answered or opted out
gets a page that says so, in the participant's language when it is known: never an error 500."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from liaison.surveys import selectors, services
from liaison.surveys.languages import CODES, Language, direction, supported
from liaison.surveys.models import Invitation, QuestionKind
from liaison.surveys.tokens import LinkRefused

REFUSAL_STATUS = {"tampered": 400, "expired": 410, "answered": 409, "opted_out": 410}


def _language(request: HttpRequest, invitation: Invitation | None) -> str:
    chosen = request.POST.get("lang") or request.GET.get("lang")
    if chosen in CODES:
        return str(chosen)
    return supported(invitation.language if invitation else None)


def _page(
    request: HttpRequest, language: str, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    with translation.override(language):
        response = render(
            request,
            template,
            {
                **context,
                "lang": language,
                "dir": direction(language),
                "languages": Language.choices,
            },
            status=status,
        )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Content-Language"] = language
    return response


def _refusal(request: HttpRequest, reason: str, language: str) -> HttpResponse:
    with translation.override(language):
        messages = {
            "tampered": _(
                "This link is not valid. Please use the link exactly as it appears in your "
                "invitation e-mail."
            ),
            "expired": _("This survey link has expired. Thank you for your interest."),
            "answered": _("This survey has already been answered with this link. Thank you."),
            "opted_out": _("You declined this survey: you will not be asked again."),
        }
        message = messages[reason]
    return _page(
        request,
        language,
        "surveys/public/refused.html",
        {"message": message, "reason": reason},
        status=REFUSAL_STATUS[reason],
    )


def _invitation(request: HttpRequest, token: str) -> tuple[Invitation | None, HttpResponse | None]:
    try:
        invitation = selectors.invitation_by_token(token=token)
    except LinkRefused as refused:
        known = selectors.invitation_language(pk=refused.invitation_id)
        chosen = request.GET.get("lang") or request.POST.get("lang")
        language = chosen if chosen in CODES else supported(known)
        return None, _refusal(request, refused.reason, str(language))
    if reason := services.invitation_refusal(invitation, timezone.now()):
        return None, _refusal(request, reason, _language(request, invitation))
    return invitation, None


def _error_text(code: str) -> str:
    return {
        "required": _("Please answer this question."),
        "out_of_range": _("Please choose one of the values offered."),
        "unknown_choice": _("Please choose one of the options offered."),
    }.get(code, _("Please check this answer."))


@login_not_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refused = _invitation(request, token)
    if refused is not None or invitation is None:
        return refused or HttpResponse(status=400)
    language = _language(request, invitation)
    version = selectors.version_published(survey=invitation.survey)
    if version is None:
        return _refusal(request, "expired", language)
    questions = selectors.questions_of(version=version)
    given: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        given = {
            f"q{q.pk}": (
                request.POST.getlist(f"q{q.pk}")
                if q.kind == QuestionKind.MULTIPLE
                else request.POST.get(f"q{q.pk}", "")
            )
            for q in questions
        }
        try:
            services.response_submit(invitation=invitation, answers=given, language=language)
        except ValidationError as error:
            with translation.override(language):
                if hasattr(error, "error_dict"):
                    errors = {
                        key: _error_text(problems[0].code or "")
                        for key, problems in error.error_dict.items()
                    }
                else:
                    return _refusal(request, error.messages[0], language)
        else:
            return _page(
                request, language, "surveys/public/thanks.html", {"survey": invitation.survey}
            )
    return _page(
        request,
        language,
        "surveys/public/answer.html",
        {
            "invitation": invitation,
            "survey": invitation.survey,
            "items": [_item(q, language, given, errors) for q in questions],
            "errors": errors,
            "token": token,
        },
        status=400 if errors else 200,
    )


def _item(
    question: Any, language: str, given: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    key = f"q{question.pk}"
    value = given.get(key, [] if question.kind == QuestionKind.MULTIPLE else "")
    chosen = {str(v) for v in value} if isinstance(value, list) else {str(value)}
    if question.kind in {QuestionKind.SINGLE, QuestionKind.MULTIPLE}:
        choices = question.options_in(language)
    elif question.kind == QuestionKind.LIKERT:
        with translation.override(language):
            labels = [
                _("Strongly disagree"),
                _("Disagree"),
                _("Neither agree nor disagree"),
                _("Agree"),
                _("Strongly agree"),
            ]
        choices = [(str(n), label) for n, label in zip(range(1, 6), labels, strict=True)]
    elif question.kind == QuestionKind.RATING:
        choices = [(str(n), str(n)) for n in range(0, 11)]
    else:
        choices = []
    return {
        "question": question,
        "key": key,
        "text": question.text_in(language),
        "choices": choices,
        "chosen": chosen,
        "value": value if isinstance(value, str) else "",
        "error": errors.get(key, ""),
        "shown_if": f"q{question.shown_if_id}" if question.shown_if_id else "",
    }


@login_not_required
@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    invitation, refused = _invitation(request, token)
    if refused is not None or invitation is None:
        return refused or HttpResponse(status=400)
    language = _language(request, invitation)
    if request.method == "POST":
        everywhere = request.POST.get("scope") == "all"
        services.invitation_opt_out(invitation=invitation, everywhere=everywhere)
        with translation.override(language):
            message = (
                _("You will not be invited to any of our surveys again.")
                if everywhere
                else _("You will not receive further messages about this survey.")
            )
        return _page(
            request,
            language,
            "surveys/public/refused.html",
            {"message": message, "reason": "opted_out"},
        )
    return _page(
        request,
        language,
        "surveys/public/opt_out.html",
        {"survey": invitation.survey, "token": token},
    )
