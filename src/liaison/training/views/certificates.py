"""Certificates (issue, download, revoke) and the calendar feed addresses, for signed-in staff.

The public side of both (the code check and the feeds themselves) is in ``views.public``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import require_perm
from liaison.core.forms import UswdsFormMixin, add_service_errors
from liaison.people.models import Staff
from liaison.people.selectors import staff_get
from liaison.training import documents, selectors, services
from liaison.training.models import CalendarFeed, Certificate
from liaison.training.views.deliveries import crumbs, side_nav


class RevokeForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it revoked?",
        max_length=200,
        help_text="Kept in the record; the public check shows only the date of revocation.",
    )


def _verify_url(request: HttpRequest, certificate: Certificate) -> str:
    return request.build_absolute_uri(reverse("public:certificate_verify", args=[certificate.code]))


@require_GET
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get(user=request.user, pk=pk)
    pdf = documents.certificate_pdf(certificate, verify_url=_verify_url(request, certificate))
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="certificate-{certificate.code}.pdf"'
        },
    )


@require_http_methods(["GET", "POST"])
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask why, then revoke: the public check says "Revoked" from then on."""
    certificate = selectors.certificate_get(
        user=request.user, pk=pk, perm="training.revoke_certificate"
    )
    delivery = certificate.enrollment.delivery
    results_url = reverse("training:delivery_results", args=[delivery.pk])
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Certificate {certificate.code} revoked.")
            return redirect(results_url)
    return render(
        request,
        "training/certificate_revoke.html",
        {
            "certificate": certificate,
            "person": certificate.enrollment.person,
            "delivery": delivery,
            "form": form,
            "results_url": results_url,
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(
                (str(delivery), reverse("training:delivery_detail", args=[delivery.pk])),
                ("Results", results_url),
                (f"Revoke {certificate.code}", ""),
            ),
        },
    )


@require_POST
def certificates_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """A certificate for every completer who has none yet; back to the results."""
    delivery = selectors.delivery_get(user=request.user, pk=pk, perm="training.issue_certificate")
    try:
        issued = services.certificates_issue_all(actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if issued:
            messages.success(request, f"{len(issued)} certificate(s) issued.")
        else:
            messages.info(request, "Every participant who completed already has a certificate.")
    return redirect("training:delivery_results", pk=pk)


# --- calendar feeds ------------------------------------------------------------------------------


def _feed_row(
    request: HttpRequest, feed: CalendarFeed | None, label: str, staff: Staff | None
) -> dict[str, Any]:
    """A calendar the user may have: its address once made, else the button that makes it."""
    row: dict[str, Any] = {
        "feed": feed,
        "label": label,
        "staff": staff,
        "key": f"staff-{staff.pk}" if staff is not None else "all",
    }
    if feed is not None:
        url = request.build_absolute_uri(reverse("public:calendar_feed", args=[feed.token]))
        row |= {"url": url, "webcal": "webcal://" + url.split("://", 1)[1]}
    return row


def _feeds_page(user: Any, staff: Staff | None) -> str:
    """Where the calendar page shows the feed of ``staff``: another's under ``?staff=``."""
    target = reverse("training:calendar_feeds")
    if staff is not None and staff.user_id != user.pk:
        target += f"?staff={staff.pk}"
    return target


@require_GET
def calendar_feeds(request: HttpRequest) -> HttpResponse:
    """Secret calendar addresses: an advisor's own; headquarters', all and any instructor's.

    Reading the page writes nothing: an address not made yet is offered as a button, which
    posts to :func:`calendar_feed_create`."""
    require_perm(request.user, "training.view_instructor_feed")
    user = request.user
    rows = []
    own: Staff | None = getattr(user, "staff_profile", None)
    if own is not None:
        feed = selectors.calendar_feed_of(user=user, staff=own)
        rows.append(_feed_row(request, feed, "Your deliveries", own))
    is_hq = user.has_perm("training.manage_delivery")
    if is_hq:
        feed = selectors.calendar_feed_of(user=user, staff=None)
        rows.append(_feed_row(request, feed, "All deliveries", None))
    chosen: Staff | None = None
    wanted = request.GET.get("staff", "")
    if wanted.isdigit():
        chosen = staff_get(user=user, pk=int(wanted))
        if chosen != own:
            feed = selectors.calendar_feed_of(user=user, staff=chosen)
            rows.append(_feed_row(request, feed, f"Deliveries of {chosen}", chosen))
    return render(
        request,
        "training/calendar_feeds.html",
        {
            "rows": rows,
            "has_own": own is not None,
            "is_hq": is_hq,
            "instructors": selectors.feed_instructors(user=user) if is_hq else [],
            "chosen": chosen,
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(("Calendars", "")),
        },
    )


@require_POST
def calendar_feed_create(request: HttpRequest) -> HttpResponse:
    """Make the secret address of one instructor's deliveries (``staff``), or of all (none)."""
    require_perm(request.user, "training.view_instructor_feed")
    wanted = request.POST.get("staff", "")
    staff = staff_get(user=request.user, pk=int(wanted)) if wanted.isdigit() else None
    feed = services.calendar_feed_create(actor=request.user, staff=staff)
    messages.success(request, f"{feed} has its address: subscribe to it from your calendar.")
    return redirect(_feeds_page(request.user, staff))


@require_POST
def calendar_feed_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A new secret address; the old one answers 404 from now on."""
    feed = selectors.calendar_feed_get(user=request.user, pk=pk)
    if feed is None:
        messages.error(request, "That calendar address no longer exists.")
        return redirect("training:calendar_feeds")
    services.calendar_feed_reset(actor=request.user, feed=feed)
    messages.success(
        request,
        f"{feed} has a new address. The old one has stopped working: "
        "subscribe again with the new one.",
    )
    return redirect(_feeds_page(request.user, feed.staff))


urlpatterns = [
    path("certificates/<int:pk>/pdf/", certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", certificate_revoke, name="certificate_revoke"),
    path("deliveries/<int:pk>/certificates/issue/", certificates_issue, name="certificates_issue"),
    path("calendars/", calendar_feeds, name="calendar_feeds"),
    path("calendars/new/", calendar_feed_create, name="calendar_feed_create"),
    path("calendars/<int:pk>/reset/", calendar_feed_reset, name="calendar_feed_reset"),
]
