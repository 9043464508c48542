"""Year plan pages: the year scheduler's runs, queuing one over every pending request, one run's
result (placed or left out, and why; how close to optimal), and applying it to the visits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import UswdsFormMixin, add_service_errors
from liaison.core.listing import render_list
from liaison.visits import selectors, services
from liaison.visits.models import YearPlan, YearPlanStatus
from liaison.visits.views.nav import crumbs, side_nav

# How often a page watching a run asks how it is doing, in seconds.
POLL_SECONDS = 3
OUTCOMES_PER_PAGE = 50
SHOWN = {"placed": True, "left_out": False}

RUNS_CSV_HEADER = [
    "run",
    "queued",
    "queued by",
    "status",
    "time limit (s)",
    "requests",
    "placed",
    "objective",
    "bound",
    "gap",
    "solve seconds",
    "applied",
    "error",
]
OUTCOME_CSV_HEADER = ["visit", "country", "placed", "start", "end", "score", "reason", "applied"]


class StartForm(UswdsFormMixin, forms.Form):
    time_limit = forms.IntegerField(
        label="Time limit (seconds)",
        min_value=services.MIN_TIME_LIMIT,
        max_value=services.MAX_TIME_LIMIT,
        initial=services.DEFAULT_TIME_LIMIT,
        help_text="The planner returns the best plan found by then, and says how close to "
        "the best possible it proved to be.",
    )


def _run_csv_row(plan: YearPlan) -> list[Any]:
    return [
        plan.pk,
        plan.created_at.isoformat(timespec="seconds"),
        plan.requested_by.username if plan.requested_by else "scheduler",
        plan.status,
        plan.time_limit_seconds,
        plan.requests,
        plan.placed,
        plan.objective,
        plan.bound,
        round(plan.gap, 6),
        plan.solve_seconds,
        plan.applied_at.isoformat(timespec="seconds") if plan.applied_at else "",
        plan.error,
    ]


def _outcome_csv_row(entry: dict[str, Any]) -> list[Any]:
    applied = entry.get("applied")
    return [
        entry["visit"],
        entry["country"],
        "yes" if entry["placed"] else "no",
        entry["start"] or "",
        entry["end"] or "",
        entry["score"],
        entry["reason"] or entry.get("note", ""),
        "" if applied is None else ("yes" if applied else "no"),
    ]


def _list_page(request: HttpRequest, form: StartForm, *, status: int = 200) -> HttpResponse:
    wanted = request.GET.get("status", "")
    plans = selectors.year_plan_list(user=request.user, status=wanted)
    if fmt := export_format(request):
        return table_response(fmt, "year-plans", RUNS_CSV_HEADER, plans, _run_csv_row)
    response = render_list(
        request,
        "visits/year_plan_list.html",
        "visits/_year_plan_results.html",
        plans,
        {
            "form": form,
            "status": wanted,
            "statuses": YearPlanStatus.choices,
            "busy": selectors.year_plan_busy(user=request.user),
            "pending": selectors.pending_request_count(user=request.user),
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(request, ("Year plans", "")),
        },
    )
    response.status_code = status
    return response


@require_GET
def year_plan_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, StartForm())


@require_POST
def year_plan_start(request: HttpRequest) -> HttpResponse:
    """Queue a run over every pending request; its page then follows it."""
    require_perm(request.user, "visits.plan")
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            plan = services.year_plan_start(
                actor=request.user, time_limit=form.cleaned_data["time_limit"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Year plan queued: this page follows it.")
            return redirect("visits:year_plan_detail", pk=plan.pk)
    return _list_page(request, form)


def _progress(plan: YearPlan) -> dict[str, Any]:
    """How far a running plan is, in seconds of its time limit (the solver says no more)."""
    elapsed = 0
    if plan.started_at is not None:
        elapsed = int((timezone.now() - plan.started_at).total_seconds())
    return {
        "elapsed": min(elapsed, plan.time_limit_seconds),
        "percent": min(100, round(100 * elapsed / max(1, plan.time_limit_seconds))),
        "poll_seconds": POLL_SECONDS,
    }


@require_GET
def year_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.year_plan_get(user=request.user, pk=pk)
    busy = plan.status in selectors.BUSY
    if request.GET.get("progress"):
        # The page's poll: the progress while it runs; once it is over, reload the page.
        response = render(
            request, "visits/_year_plan_progress.html", {"plan": plan, **_progress(plan)}
        )
        if not busy:
            response["HX-Refresh"] = "true"
        return response
    show = request.GET.get("show", "")
    entries = [
        entry for entry in plan.outcome if show not in SHOWN or entry["placed"] == SHOWN[show]
    ]
    if fmt := export_format(request):
        return table_response(
            fmt, f"year-plan-{plan.pk}", OUTCOME_CSV_HEADER, entries, _outcome_csv_row
        )
    placed = sum(1 for entry in plan.outcome if entry["placed"])
    applied = [entry for entry in plan.outcome if "applied" in entry]
    return render(
        request,
        "visits/year_plan_detail.html",
        {
            "plan": plan,
            "busy": busy,
            **_progress(plan),
            "page_obj": Paginator(entries, OUTCOMES_PER_PAGE).get_page(request.GET.get("page")),
            "querystring_without_page": f"show={show}&" if show else "",
            "show": show,
            "placed_count": placed,
            "left_out_count": len(plan.outcome) - placed,
            "gap_percent": plan.gap * 100,
            "applied_count": sum(1 for entry in applied if entry["applied"]),
            "skipped_count": sum(1 for entry in applied if not entry["applied"]),
            "can_apply": plan.status == YearPlanStatus.DONE
            and plan.applied_at is None
            and placed > 0,
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(
                request,
                ("Year plans", reverse("visits:year_plan_list")),
                (f"Run {plan.pk}", ""),
            ),
        },
    )


@require_POST
def year_plan_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the run's itineraries into the visits it placed (after the page's confirmation)."""
    plan = selectors.year_plan_get(user=request.user, pk=pk)
    try:
        report = services.year_plan_apply(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = f"{len(report.applied)} visit(s) planned from run {plan.pk}."
        if report.skipped:
            messages.warning(
                request,
                f"{text} {len(report.skipped)} skipped because they changed since the run: "
                "see the table below.",
            )
        else:
            messages.success(request, text)
    return redirect("visits:year_plan_detail", pk=pk)


urlpatterns = [
    path("year-plans/", year_plan_list, name="year_plan_list"),
    path("year-plans/start/", year_plan_start, name="year_plan_start"),
    path("year-plans/<int:pk>/", year_plan_detail, name="year_plan_detail"),
    path("year-plans/<int:pk>/apply/", year_plan_apply, name="year_plan_apply"),
]
