"""Public pages, open without signing in: a certificate's check, and the secret iCal feeds.

The check shows only what proves the certificate (name, course, dates, status); a feed is
reached only through its unguessable token.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from liaison.core.formats import date_span
from liaison.training import documents, selectors
from liaison.training.models import Certificate, Delivery


def _page(
    request: HttpRequest, template: str, context: dict[str, object], status: int = 200
) -> HttpResponse:
    """A public page: search engines are asked not to list certificate holders."""
    response = render(request, template, {**context, "breadcrumbs": []}, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _clean_code(text: str) -> str:
    """Codes are read off paper: ignore spaces, dashes and case."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


@login_not_required
@require_GET
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """Type the code printed on a certificate."""
    typed = request.GET.get("code", "")
    code = _clean_code(typed)
    if code:
        return redirect("public:certificate_verify", code=code)
    error = (
        "Type the verification code printed on the certificate." if "code" in request.GET else ""
    )
    return _page(request, "training/public_lookup.html", {"error": error, "typed": typed})


def _public_facts(certificate: Certificate) -> dict[str, object]:
    """Everything the public page may show, and nothing more."""
    delivery = certificate.enrollment.delivery
    return {
        "code": certificate.code,
        "name": certificate.enrollment.person.full_name,
        "course": f"{delivery.course.title} ({delivery.course.code})",
        "dates": date_span(delivery.starts_on, delivery.ends_on),
        "issued_on": certificate.issued_at,
        "valid": certificate.is_valid,
        "revoked_on": certificate.revoked_at,
    }


@login_not_required
@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    certificate = selectors.certificate_by_code(code=_clean_code(code))
    if certificate is None:
        return _page(
            request, "training/public_missing.html", {"code": code, "typed": code}, status=404
        )
    return _page(request, "training/public_verify.html", {"facts": _public_facts(certificate)})


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed behind a secret address; resetting the address makes the old one 404."""
    feed = selectors.calendar_feed_by_token(token=token)
    if feed is None:
        raise Http404("No calendar has this address.")
    name = f"Deliveries of {feed.staff}" if feed.staff else "All training deliveries"

    def link(delivery: Delivery) -> str:
        return request.build_absolute_uri(reverse("training:delivery_detail", args=[delivery.pk]))

    ics = documents.calendar_ics(
        selectors.deliveries_of_staff(staff_id=feed.staff_id), name=name, delivery_url=link
    )
    return HttpResponse(
        ics,
        content_type="text/calendar; charset=utf-8",
        headers={
            "X-Robots-Tag": "noindex, nofollow",
            "Content-Disposition": 'inline; filename="deliveries.ics"',
        },
    )
