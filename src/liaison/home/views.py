"""The pages where the programs meet: home (what needs doing, in figures), a country's page
(every program's work with it) and a person's page (their record, vetting and training)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from liaison.agreements import selectors as agreement_selectors
from liaison.capacity import selectors as capacity_selectors
from liaison.core.navigation import side_nav
from liaison.home.country import country_training, country_visits
from liaison.home.coverage import coverage_gaps, posting_handover
from liaison.home.selectors import home_figures
from liaison.home.work import work_for
from liaison.partners import selectors as partner_selectors
from liaison.partners.views import NAV as PARTNERS_NAV
from liaison.partners.views import crumbs as partners_crumbs
from liaison.people import selectors as people_selectors
from liaison.people.views import NAV as PEOPLE_NAV
from liaison.people.views import crumbs as people_crumbs
from liaison.postings import selectors as posting_selectors
from liaison.postings.views import NAV as POSTINGS_NAV
from liaison.training.selectors import enrollments_of_person
from liaison.vetting.models import Purpose
from liaison.vetting.selectors import vetting_record_of, vetting_records_of_person
from liaison.vetting.workflows import VETTING
from liaison.visits import selectors as visit_selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    work = work_for(user=request.user)
    return render(
        request,
        "home/home.html",
        {
            "work": [w for w in work if w.total],
            "work_checked": bool(work),
            "figures": home_figures(user=request.user),
            "breadcrumbs": [],
        },
    )


@require_GET
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    country = partner_selectors.country_get(user=request.user, code=code)
    safe = capacity_selectors.country_capacity_summary(user=request.user, country=country)
    return render(
        request,
        "home/country_detail.html",
        {
            "country": country,
            "profile": partner_selectors.country_profile(user=request.user, country=country),
            "training": country_training(user=request.user, country=country),
            "visits": country_visits(user=request.user, country=country),
            "agreement": agreement_selectors.country_agreements_summary(
                user=request.user, country=country
            ),
            "safe": safe,
            "safe_programs": [(p, safe.current.get(p.pk)) for p in safe.programs] if safe else [],
            "postings": posting_selectors.country_postings_summary(
                user=request.user, country=country
            ),
            "side_nav": side_nav(request, PARTNERS_NAV),
            "breadcrumbs": partners_crumbs(
                ("Countries", reverse("partners:country_list")), (country.name, "")
            ),
        },
    )


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = people_selectors.person_get(user=request.user, pk=pk)
    leahy = vetting_record_of(person=person, purpose=Purpose.LEAHY)
    leahy_submit = next(iter(VETTING.available(request.user, leahy, only={"submitted"})), None)
    duplicates = []
    if not person.is_merged:
        duplicates = people_selectors.person_possible_duplicates(user=request.user, person=person)
    return render(
        request,
        "home/person_detail.html",
        {
            "person": person,
            "duplicates": duplicates,
            "history": people_selectors.person_history(person=person)[:100],
            "record_id": str(person.pk),
            "can_change": not person.is_merged
            and request.user.has_perm("people.change_person", person),
            "can_merge": request.user.has_perm("people.merge_person", person),
            "vetting_records": vetting_records_of_person(user=request.user, person=person),
            "leahy_record": leahy,
            "leahy_submit": None if person.is_merged else leahy_submit,
            "can_see_personal_data": request.user.has_perm("people.view_personal_data", person),
            "enrollments": enrollments_of_person(user=request.user, person=person),
            "can_browse_training": request.user.has_perm("training.browse"),
            "delegations": visit_selectors.delegations_of_person(user=request.user, person=person),
            "agreements": agreement_selectors.person_agreements_summary(
                user=request.user, person=person
            ),
            "can_browse_visits": request.user.has_perm("visits.browse"),
            "safe_assessments": capacity_selectors.person_assessments(
                user=request.user, person=person
            ),
            "side_nav": side_nav(request, PEOPLE_NAV),
            "breadcrumbs": people_crumbs(
                ("Foreign officials", reverse("people:person_list")), (str(person), "")
            ),
        },
    )


@require_GET
def coverage_gap_list(request: HttpRequest) -> HttpResponse:
    """Countries where work is open and nobody covers them, or their cover leaves first."""
    return render(
        request,
        "home/coverage_gaps.html",
        {
            "gaps": coverage_gaps(user=request.user),
            "side_nav": side_nav(request, POSTINGS_NAV),
            "breadcrumbs": [
                ("Home", reverse("home")),
                ("Postings", reverse("postings:posting_list")),
                ("Coverage gaps", ""),
            ],
        },
    )


@require_GET
def posting_handover_page(request: HttpRequest, pk: int) -> HttpResponse:
    handover = posting_handover(user=request.user, pk=pk)
    return render(
        request,
        "home/posting_handover.html",
        {
            "handover": handover,
            "side_nav": side_nav(request, POSTINGS_NAV),
            "breadcrumbs": [
                ("Home", reverse("home")),
                ("Postings", reverse("postings:posting_list")),
                (str(handover.posting), reverse("postings:posting_detail", args=[pk])),
                ("Handover", ""),
            ],
        },
    )
