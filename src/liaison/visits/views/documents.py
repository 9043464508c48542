"""Visit documents: a delegation's itinerary (page and PDF), and the day-by-day calendar of all
visits for the coordinators (page, CSV and XLSX)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import UswdsFormMixin
from liaison.visits import documents, selectors
from liaison.visits.models import Visit
from liaison.visits.views.nav import crumbs, side_nav

# The longest range the calendar shows at once: two months.
MAX_CALENDAR_DAYS = 62


def _itinerary_context(visit: Visit) -> dict[str, Any]:
    return documents.itinerary_context(
        visit,
        delegates=selectors.visit_delegates(visit=visit),
        stops=selectors.itinerary(visit=visit),
    )


@require_GET
def itinerary(request: HttpRequest, pk: int) -> HttpResponse:
    """The delegation's itinerary: who comes, and day by day where, when and with whom."""
    visit = selectors.visit_get(user=request.user, pk=pk)
    return render(
        request,
        "visits/itinerary.html",
        {
            **_itinerary_context(visit),
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(
                request,
                (f"Visit {visit.pk}", reverse("visits:visit_detail", args=[visit.pk])),
                ("Itinerary", ""),
            ),
        },
    )


@require_GET
def itinerary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, pk=pk)
    pdf = documents.itinerary_pdf(_itinerary_context(visit))
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="itinerary-{visit.pk}.pdf"'},
    )


class RangeForm(UswdsFormMixin, forms.Form):
    first = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", "The range ends before it starts.")
            elif (last - first).days + 1 > MAX_CALENDAR_DAYS:
                self.add_error("last", f"Show at most {MAX_CALENDAR_DAYS} days at once.")
        return data


def _this_week() -> tuple[date, date]:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


@require_GET
def day_calendar(request: HttpRequest) -> HttpResponse:
    """Every stop of every live visit, day by day and site by site: this week unless a range
    is chosen, with links to the range before and after."""
    require_perm(request.user, "visits.plan")
    first, last = _this_week()
    chosen = "first" in request.GET or "last" in request.GET
    form = RangeForm(request.GET if chosen else None, initial={"first": first, "last": last})
    if chosen and form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    stops = selectors.day_calendar(user=request.user, first=first, last=last)
    fmt = export_format(request)
    if fmt and (form.is_valid() or not chosen):
        return table_response(
            fmt,
            f"visits-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}",
            documents.CALENDAR_CSV_HEADER,
            stops,
            documents.calendar_csv_row,
        )
    span = timedelta(days=(last - first).days + 1)
    days = documents.calendar_days(stops, first, last)
    return render(
        request,
        "visits/calendar.html",
        {
            "form": form,
            "first": first,
            "last": last,
            "days": days,
            "stop_count": sum(day.stop_count for day in days),
            "previous": f"?first={first - span:%Y-%m-%d}&last={last - span:%Y-%m-%d}",
            "next": f"?first={first + span:%Y-%m-%d}&last={last + span:%Y-%m-%d}",
            "csv": f"?first={first:%Y-%m-%d}&last={last:%Y-%m-%d}&format=csv",
            "xlsx": f"?first={first:%Y-%m-%d}&last={last:%Y-%m-%d}&format=xlsx",
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(request, ("Day calendar", "")),
        },
    )


urlpatterns = [
    path("<int:pk>/itinerary/", itinerary, name="itinerary"),
    path("<int:pk>/itinerary/pdf/", itinerary_pdf, name="itinerary_pdf"),
    path("calendar/", day_calendar, name="day_calendar"),
]
