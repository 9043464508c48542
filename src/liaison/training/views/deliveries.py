"""Delivery pages: the list, one delivery's overview, its roster, attendance sheet, results,
costs and after-action report. Each action posts to a service and comes back with its result."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.catalog.models import VenueKind
from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import add_service_errors
from liaison.core.listing import render_list
from liaison.core.navigation import NavItem
from liaison.core.navigation import side_nav as core_side_nav
from liaison.core.views import form_page
from liaison.people.selectors import person_get, person_list
from liaison.training import rules, selectors, services
from liaison.training.forms import (
    AssignForm,
    AttendanceForm,
    CancelForm,
    CostLineForm,
    DeliveryForm,
    ReportForm,
    WithdrawForm,
)
from liaison.training.models import AttendanceMark, Delivery, DeliveryStatus, EnrollmentStatus
from liaison.training.workflows import RUN

NAV = (
    NavItem("Deliveries", "training:delivery_list"),
    NavItem("Requests", "training:request_list", "training.browse_requests"),
    NavItem("Blocked by vetting", "training:blocked"),
    NavItem("Follow-ups", "training:follow_up_list"),
    NavItem("Calendars", "training:calendar_feeds", "training.view_instructor_feed"),
)


def side_nav(request: HttpRequest) -> list[dict[str, object]]:
    return core_side_nav(request, NAV)


def crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("home")), ("Training", reverse("training:delivery_list")), *trail]


def _delivery_crumbs(delivery: Delivery, *trail: tuple[str, str]) -> list[tuple[str, str]]:
    return crumbs((str(delivery), reverse("training:delivery_detail", args=[delivery.pk])), *trail)


def _tabs(request: HttpRequest, delivery: Delivery) -> list[dict[str, object]]:
    names = [
        ("Overview", "delivery_detail"),
        ("Roster", "delivery_roster"),
        ("Attendance", "delivery_attendance"),
        ("Results", "delivery_results"),
    ]
    if request.user.has_perm("training.view_costs", delivery):
        names.append(("Costs", "delivery_costs"))
    names.append(("After-action report", "delivery_report"))
    tabs = []
    for label, name in names:
        url = reverse(f"training:{name}", args=[delivery.pk])
        tabs.append({"label": label, "url": url, "current": request.path == url})
    return tabs


def _page(
    request: HttpRequest, template: str, delivery: Delivery, title: str, **context: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "delivery": delivery,
            "tabs": _tabs(request, delivery),
            "side_nav": side_nav(request),
            "breadcrumbs": _delivery_crumbs(delivery, (title, "")),
            **context,
        },
    )


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- the list and the overview ---------------------------------------------------------------


@require_GET
def delivery_list(request: HttpRequest) -> HttpResponse:
    fiscal_year = request.GET.get("fy", "")
    filters = {
        "search": request.GET.get("q", "").strip(),
        "status": request.GET.get("status", ""),
        "country": request.GET.get("country", "").upper(),
        "venue_kind": request.GET.get("venue_kind", ""),
    }
    deliveries = selectors.delivery_list(
        user=request.user,
        fiscal_year=int(fiscal_year) if fiscal_year.isdigit() else None,
        **filters,
    )
    if fmt := export_format(request):
        return table_response(
            fmt,
            "deliveries",
            [
                "id",
                "course",
                "title",
                "venue",
                "country",
                "first day",
                "last day",
                "status",
                "capacity",
                "seated",
                "funding",
            ],
            deliveries,
            lambda d: [
                d.pk,
                d.course.code,
                d.course.title,
                d.venue.name,
                str(d.country.code),
                d.starts_on.isoformat(),
                d.ends_on.isoformat(),
                d.status,
                d.capacity,
                d.seated,
                d.funding_source.code,
            ],
        )
    return render_list(
        request,
        "training/delivery_list.html",
        "training/_delivery_results.html",
        deliveries,
        {
            **filters,
            "q": filters["search"],
            "fy": fiscal_year,
            "statuses": DeliveryStatus.choices,
            "venue_kinds": VenueKind.choices,
            "can_create": request.user.has_perm("training.manage_delivery"),
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(("Deliveries", "")),
        },
    )


@require_http_methods(["GET", "POST"])
def delivery_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "training.manage_delivery")
    return form_page(
        request,
        form=DeliveryForm(request.POST or None),
        save=lambda data: services.delivery_create(actor=request.user, **data),
        title="New delivery",
        cancel_url=reverse("training:delivery_list"),
        done=lambda delivery: reverse("training:delivery_detail", args=[delivery.pk]),
        breadcrumbs=crumbs(("New delivery", "")),
        side_nav=side_nav(request),
    )


@require_http_methods(["GET", "POST"])
def delivery_update(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk, perm="training.manage_delivery")
    return form_page(
        request,
        form=DeliveryForm(request.POST or None, instance=delivery),
        save=lambda data: services.delivery_update(actor=request.user, delivery=delivery, **data),
        title=f"Edit {delivery}",
        cancel_url=reverse("training:delivery_detail", args=[pk]),
        done=lambda d: reverse("training:delivery_detail", args=[d.pk]),
        breadcrumbs=_delivery_crumbs(delivery, ("Edit", "")),
        side_nav=side_nav(request),
    )


@require_GET
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    can_manage = request.user.has_perm("training.manage_delivery", delivery)
    # The moves come from the DELIVERY workflow; cancelling asks for a reason, so has a form.
    offers = selectors.delivery_offers(user=request.user, delivery=delivery)
    return _page(
        request,
        "training/delivery_detail.html",
        delivery,
        "Overview",
        assignments=selectors.delivery_assignments(delivery=delivery),
        clashes=selectors.assignment_clashes(delivery=delivery),
        counts=selectors.roster_counts(delivery=delivery),
        offers=[o for o in offers if o.move.name != "cancelled"],
        cancel=next((o.move for o in offers if o.move.name == "cancelled"), None),
        cancel_form=CancelForm(),
        can_manage=can_manage,
        assign_form=AssignForm(delivery=delivery) if can_manage and delivery.is_open else None,
        history=selectors.delivery_history(delivery=delivery)[:50],
    )


@require_POST
def delivery_transition(request: HttpRequest, pk: int) -> HttpResponse:
    # Running a delivery is the least any of its moves needs (see DELIVERY); the move's
    # service checks the move's own permission.
    delivery = selectors.delivery_get(user=request.user, pk=pk, perm=RUN)
    try:
        services.delivery_move(
            actor=request.user,
            delivery=delivery,
            to=request.POST.get("to", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"The delivery is now {delivery.get_status_display().lower()}.")
    return redirect("training:delivery_detail", pk=pk)


@require_POST
def instructor_assign(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk, perm="training.manage_delivery")
    form = AssignForm(request.POST, delivery=delivery)
    if not form.is_valid():
        messages.error(request, "Choose an instructor and a role.")
        return redirect("training:delivery_detail", pk=pk)
    try:
        assignment = services.instructor_assign(
            actor=request.user,
            delivery=delivery,
            staff=form.cleaned_data["staff"],
            role=form.cleaned_data["role"],
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{assignment} assigned.")
    return redirect("training:delivery_detail", pk=pk)


@require_POST
def instructor_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    assignment = selectors.assignment_find(user=request.user, delivery_pk=pk, pk=assignment_pk)
    if assignment is None:
        messages.error(request, "That instructor is no longer assigned.")
        return redirect("training:delivery_detail", pk=pk)
    try:
        services.instructor_remove(actor=request.user, assignment=assignment)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{assignment.staff} removed.")
    return redirect("training:delivery_detail", pk=pk)


# --- the roster ------------------------------------------------------------------------------


@require_GET
def delivery_roster(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    enrollments = list(selectors.roster_enrollments(delivery=delivery))
    nominated = [e for e in enrollments if e.status == EnrollmentStatus.NOMINATED]
    can_edit = request.user.has_perm("training.manage_roster", delivery)
    find = request.GET.get("find", "").strip()
    found = []
    if find and can_edit and request.user.has_perm("people.browse"):
        on_roster = {e.person_id for e in enrollments}
        found = [
            p for p in person_list(user=request.user, search=find)[:10] if p.pk not in on_roster
        ]
    refusals = selectors.gate_refusals(enrollments=nominated)
    # Each participant's buttons: the ENROLLMENT workflow's roster moves their services accept.
    offers = selectors.roster_offers(
        user=request.user, delivery=delivery, enrollments=enrollments, gate_refusals=refusals
    )
    return _page(
        request,
        "training/delivery_roster.html",
        delivery,
        "Roster",
        rows=list(zip(enrollments, offers, strict=True)),
        row_actions=any(offers),
        refusals=refusals,
        counts=selectors.roster_counts(delivery=delivery),
        can_edit=can_edit and delivery.status in rules.NOMINATION_STATES,
        find=find,
        found=found,
        withdraw_form=WithdrawForm(),
    )


@require_POST
def enrollment_nominate(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk, perm="training.manage_roster")
    person_id = request.POST.get("person", "")
    if not person_id.isdigit():
        messages.error(request, "Choose the person to add.")
        return redirect("training:delivery_roster", pk=pk)
    person = person_get(user=request.user, pk=int(person_id))
    try:
        enrollment = services.enrollment_nominate(
            actor=request.user, delivery=delivery, person=person
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, f"{enrollment.person} added: {enrollment.get_status_display().lower()}."
        )
    return redirect("training:delivery_roster", pk=pk)


@require_POST
def enrollment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = selectors.enrollment_get(user=request.user, pk=pk, perm="training.manage_roster")
    try:
        services.enrollment_confirm(actor=request.user, enrollment=enrollment)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{enrollment.person} confirmed.")
    return redirect("training:delivery_roster", pk=enrollment.delivery_id)


@require_POST
def roster_confirm_all(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk, perm="training.manage_roster")
    result = services.enrollment_confirm_all(actor=request.user, delivery=delivery)
    if result.confirmed:
        messages.success(request, f"{len(result.confirmed)} participant(s) confirmed.")
    if result.blocked:
        messages.warning(
            request,
            f"The vetting gate stopped {len(result.blocked)}: "
            + " ".join(reason for _, reason in result.blocked),
        )
    if not result.confirmed and not result.blocked:
        messages.info(request, "Nobody is waiting for confirmation.")
    return redirect("training:delivery_roster", pk=pk)


@require_POST
def roster_submit_for_vetting(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk, perm="training.manage_roster")
    try:
        submitted = services.roster_submit_for_vetting(actor=request.user, delivery=delivery)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            f"{len(submitted)} nominee(s) submitted for Leahy vetting."
            if submitted
            else "Every nominee has already been submitted for vetting.",
        )
    return redirect("training:delivery_roster", pk=pk)


@require_POST
def enrollment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = selectors.enrollment_get(user=request.user, pk=pk, perm="training.manage_roster")
    try:
        services.enrollment_withdraw(
            actor=request.user, enrollment=enrollment, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{enrollment.person} withdrawn.")
    return redirect("training:delivery_roster", pk=enrollment.delivery_id)


# --- attendance, scores, results -------------------------------------------------------------


def _chosen_day(request: HttpRequest, delivery: Delivery) -> date:
    days = delivery.days
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = min(max(date.today(), days[0]), days[-1])
    return day if day in days else days[0]


@require_GET
def delivery_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The check-in sheet: one day, one big button per mark, saved as it is tapped."""
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    day = _chosen_day(request, delivery)
    sheet = selectors.attendance_sheet(delivery=delivery, day=day)
    return _page(
        request,
        "training/delivery_attendance.html",
        delivery,
        "Attendance",
        day=day,
        sheet=sheet,
        marks=AttendanceMark.choices,
        taken=sum(1 for _, mark in sheet if mark),
        can_take=request.user.has_perm("training.take_attendance", delivery)
        and delivery.status in rules.ATTENDANCE_STATES,
    )


@require_POST
def attendance_mark(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = selectors.enrollment_get(user=request.user, pk=pk, perm="training.take_attendance")
    form = AttendanceForm(request.POST)
    error = ""
    mark = None
    if form.is_valid():
        day = form.cleaned_data["day"]
        try:
            mark = services.attendance_record(
                actor=request.user, enrollment=enrollment, day=day, mark=form.cleaned_data["mark"]
            ).mark
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    else:
        day = date.fromisoformat(request.POST.get("day", "")) if request.POST.get("day") else None
        error = "Choose present, late or absent for a day of the delivery."
    if request.htmx:  # type: ignore[attr-defined]
        if mark is None and day is not None:
            mark = selectors.attendance_mark_of(enrollment=enrollment, day=day)
        return render(
            request,
            "training/_attendance_row.html",
            {
                "enrollment": enrollment,
                "mark": mark,
                "day": day,
                "marks": AttendanceMark.choices,
                "can_take": True,
                "error": error,
            },
        )
    if error:
        messages.error(request, error)
    query = f"?day={day:%Y-%m-%d}" if day else ""
    return redirect(reverse("training:delivery_attendance", args=[enrollment.delivery_id]) + query)


@require_POST
def attendance_mark_rest(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk, perm="training.take_attendance")
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a day of the delivery and a mark.")
        return redirect("training:delivery_attendance", pk=pk)
    day = form.cleaned_data["day"]
    try:
        result = services.attendance_mark_unmarked(
            actor=request.user, delivery=delivery, day=day, mark=form.cleaned_data["mark"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{result.marked} participant(s) marked.")
        if result.blocked:
            messages.warning(
                request, "Not marked: " + " ".join(reason for _, reason in result.blocked)
            )
    return redirect(reverse("training:delivery_attendance", args=[pk]) + f"?day={day:%Y-%m-%d}")


@require_http_methods(["GET", "POST"])
def delivery_results(request: HttpRequest, pk: int) -> HttpResponse:
    """Scores in, completion out: one form for the whole roster."""
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    can_score = (
        request.user.has_perm("training.take_attendance", delivery)
        and delivery.status in rules.SCORE_STATES
    )
    errors: dict[int, str] = {}
    if request.method == "POST":
        require_perm(request.user, "training.take_attendance", delivery)
        saved = 0
        for result in selectors.delivery_results(delivery=delivery):
            enrollment = result.enrollment
            try:
                pre = _score(request.POST.get(f"pre-{enrollment.pk}", ""))
                post = _score(request.POST.get(f"post-{enrollment.pk}", ""))
                if (pre, post) != (enrollment.pre_score, enrollment.post_score):
                    services.scores_record(
                        actor=request.user, enrollment=enrollment, pre_score=pre, post_score=post
                    )
                    saved += 1
            except ValidationError as error:
                errors[enrollment.pk] = " ".join(error.messages)
        if not errors:
            messages.success(request, f"Scores saved for {saved} participant(s).")
            return redirect("training:delivery_results", pk=pk)
        messages.error(request, "Some scores were not saved; see the marked rows.")
    results = selectors.delivery_results(delivery=delivery)
    return _page(
        request,
        "training/delivery_results.html",
        delivery,
        "Results",
        results=results,
        errors=errors,
        posted=request.POST if errors else {},
        can_score=can_score,
        can_issue=request.user.has_perm("training.issue_certificate", delivery)
        and delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED),
        can_revoke=request.user.has_perm("training.revoke_certificate", delivery),
        completers=sum(1 for r in results if r.completion.completed),
    )


def _score(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError(f"“{text}” is not a score from 0 to 100.")
    return int(text)


# --- costs and the after-action report -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def delivery_costs(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk, perm="training.view_costs")
    form = CostLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cost_line_add(actor=request.user, delivery=delivery, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Cost line added.")
            return redirect("training:delivery_costs", pk=pk)
    return _page(
        request,
        "training/delivery_costs.html",
        delivery,
        "Costs",
        summary=selectors.cost_summary(delivery=delivery),
        form=form,
        can_edit=request.user.has_perm("training.manage_costs", delivery)
        and delivery.status != DeliveryStatus.CLOSED,
    )


@require_POST
def cost_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    line = selectors.cost_line_find(user=request.user, delivery_pk=pk, pk=line_pk)
    if line is not None:
        try:
            services.cost_line_remove(actor=request.user, line=line)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, "Cost line removed.")
    return redirect("training:delivery_costs", pk=pk)


@require_http_methods(["GET", "POST"])
def delivery_report(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    report = getattr(delivery, "after_action_report", None)
    can_write = (
        request.user.has_perm("training.write_report", delivery)
        and delivery.status in rules.REPORT_STATES
    )
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST":
        require_perm(request.user, "training.write_report", delivery)
        if form.is_valid():
            try:
                services.after_action_report_save(
                    actor=request.user, delivery=delivery, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "After-action report saved.")
                return redirect("training:delivery_report", pk=pk)
    return _page(
        request,
        "training/delivery_report.html",
        delivery,
        "After-action report",
        report=report,
        form=form,
        can_write=can_write,
    )


# --- the vetting gate, across deliveries -----------------------------------------------------


@require_GET
def blocked(request: HttpRequest) -> HttpResponse:
    """Who is blocking each delivery: nominees without an approval through its last day."""
    groups = selectors.blocked_deliveries(user=request.user)
    return render(
        request,
        "training/blocked.html",
        {
            "groups": groups,
            "total": sum(len(group.blockers) for group in groups),
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(("Blocked by vetting", "")),
        },
    )


urlpatterns = [
    path("", delivery_list, name="delivery_list"),
    path("deliveries/new/", delivery_create, name="delivery_create"),
    path("deliveries/<int:pk>/", delivery_detail, name="delivery_detail"),
    path("deliveries/<int:pk>/edit/", delivery_update, name="delivery_update"),
    path("deliveries/<int:pk>/transition/", delivery_transition, name="delivery_transition"),
    path("deliveries/<int:pk>/instructors/", instructor_assign, name="instructor_assign"),
    path(
        "deliveries/<int:pk>/instructors/<int:assignment_pk>/remove/",
        instructor_remove,
        name="instructor_remove",
    ),
    path("deliveries/<int:pk>/roster/", delivery_roster, name="delivery_roster"),
    path("deliveries/<int:pk>/roster/add/", enrollment_nominate, name="enrollment_nominate"),
    path("deliveries/<int:pk>/roster/confirm/", roster_confirm_all, name="roster_confirm_all"),
    path(
        "deliveries/<int:pk>/roster/vetting/",
        roster_submit_for_vetting,
        name="roster_submit_for_vetting",
    ),
    path("deliveries/<int:pk>/attendance/", delivery_attendance, name="delivery_attendance"),
    path("deliveries/<int:pk>/attendance/rest/", attendance_mark_rest, name="attendance_mark_rest"),
    path("deliveries/<int:pk>/results/", delivery_results, name="delivery_results"),
    path("deliveries/<int:pk>/costs/", delivery_costs, name="delivery_costs"),
    path("deliveries/<int:pk>/costs/<int:line_pk>/remove/", cost_remove, name="cost_remove"),
    path("deliveries/<int:pk>/report/", delivery_report, name="delivery_report"),
    path("enrollments/<int:pk>/confirm/", enrollment_confirm, name="enrollment_confirm"),
    path("enrollments/<int:pk>/withdraw/", enrollment_withdraw, name="enrollment_withdraw"),
    path("enrollments/<int:pk>/attendance/", attendance_mark, name="attendance_mark"),
    path("blocked/", blocked, name="blocked"),
]
