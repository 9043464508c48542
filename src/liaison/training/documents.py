"""Documents training hands out: the completion certificate (PDF) and the iCal feed.

Both are built from plain data here, so views only fetch, authorize and send the bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import timezone
from icalendar import Calendar, Event

from liaison.core.formats import date_span
from liaison.core.pdf import html_pdf
from liaison.training.models import Certificate, Delivery, DeliveryStatus

ISSUER = "Office of International Affairs"


# --- the certificate ---------------------------------------------------------------------------


def qr_data_uri(url: str) -> str:
    """The verification address as a QR code, an SVG data URI the PDF embeds."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def certificate_context(certificate: Certificate, *, verify_url: str) -> dict[str, Any]:
    enrollment = certificate.enrollment
    delivery = enrollment.delivery
    return {
        "issuer": ISSUER,
        "certificate": certificate,
        "person": enrollment.person,
        "course": delivery.course,
        "venue": delivery.venue,
        "country": delivery.country,
        "dates": date_span(delivery.starts_on, delivery.ends_on),
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url),
    }


def certificate_html(certificate: Certificate, *, verify_url: str) -> str:
    """The HTML WeasyPrint lays out; ``verify_url`` is the absolute public check address."""
    return render_to_string(
        "training/certificate_pdf.html", certificate_context(certificate, verify_url=verify_url)
    )


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """An A4 landscape certificate of completion, with its code and a QR code to check it."""
    html = certificate_html(certificate, verify_url=verify_url)
    return html_pdf(html)


# --- the calendar ------------------------------------------------------------------------------

PRODID = "-//Office of International Affairs//Liaison training//EN"


def delivery_uid(delivery: Delivery) -> str:
    """Stable per delivery, so a calendar updates the event rather than adding another."""
    return f"delivery-{delivery.pk}@liaison.training"


def _delivery_event(delivery: Delivery, stamp: Any, url: str | None) -> Event:
    event = Event()
    event.add("uid", delivery_uid(delivery))
    event.add("dtstamp", stamp)
    event.add("dtstart", delivery.starts_on)
    # All-day events end the day after the last (DTEND is exclusive).
    event.add("dtend", delivery.ends_on + timedelta(days=1))
    event.add("summary", f"{delivery.course.code} {delivery.course.title}")
    event.add("location", f"{delivery.venue.name}, {delivery.venue.city}, {delivery.country.name}")
    instructors = [
        f"{assignment.staff} ({assignment.get_role_display().lower()})"
        for assignment in delivery.assignments.all()
    ]
    lines = [f"Status: {delivery.get_status_display()}"]
    lines.append("Instructors: " + (", ".join(instructors) if instructors else "none assigned"))
    if url:
        lines.append(url)
        event.add("url", url)
    event.add("description", "\n".join(lines))
    settled = delivery.status not in (DeliveryStatus.PLANNED, DeliveryStatus.APPROVED)
    event.add("status", "CONFIRMED" if settled else "TENTATIVE")
    event.add("transp", "OPAQUE")
    return event


def calendar_ics(
    deliveries: Iterable[Delivery],
    *,
    name: str,
    delivery_url: Callable[[Delivery], str] | None = None,
) -> bytes:
    """One all-day event per delivery; cancelled deliveries are left out."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for delivery in deliveries:
        if delivery.status == DeliveryStatus.CANCELLED:
            continue
        url = delivery_url(delivery) if delivery_url else None
        calendar.add_component(_delivery_event(delivery, stamp, url))
    ics: bytes = calendar.to_ical()
    return ics
