from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.audit.exports import export_recorder
from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import add_service_errors
from liaison.core.listing import render_list
from liaison.core.navigation import NavItem, side_nav
from liaison.core.views import form_page
from liaison.partners.selectors import regions_for_choice
from liaison.people import selectors, services
from liaison.people.filters import PersonFilters
from liaison.people.forms import MergeForm, PersonForm, StaffForm
from liaison.people.indexing import find_matches
from liaison.people.matching import NameRecord
from liaison.people.models import StaffKind

NAV = (
    NavItem("Foreign officials", "people:person_list"),
    NavItem("Add an official", "people:person_create", "people.add_person"),
    NavItem("Staff", "people:staff_list", "people.browse_staff"),
)


def crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("home")), ("People", reverse("people:person_list")), *trail]


@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    filters = PersonFilters.from_request(request)
    people = selectors.person_list(user=request.user, **filters.selector_kwargs())
    if fmt := export_format(request):
        # Exports never carry the encrypted personal data; each person's history records it.
        return table_response(
            fmt,
            "people",
            [
                "id",
                "given name",
                "family name",
                "native name",
                "nationality",
                "agency",
                "position",
                "email",
                "phone",
            ],
            people.iterator(chunk_size=2000),
            lambda p: [
                p.pk,
                p.given_name,
                p.family_name,
                p.native_name,
                p.nationality.code if p.nationality else "",
                p.agency.name if p.agency else "",
                p.position,
                p.email,
                p.phone,
            ],
            on_export=export_recorder(actor=request.user, action="person.exported"),
        )
    return render_list(
        request,
        "people/person_list.html",
        "people/_person_results.html",
        people,
        {
            **filters.page_context(),
            "agency": str(filters.agency or ""),
            "regions": regions_for_choice(),
            "can_add": request.user.has_perm("people.add_person"),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": crumbs(("Foreign officials", "")),
        },
    )


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "people.add_person")
    form = PersonForm(
        request.POST or None, user=request.user, with_personal_data=True, creating=True
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=request.user,
                allow_duplicates=form.cleaned_data["allow_duplicates"],
                **form.service_values(),
            )
        except services.PossibleDuplicates as error:
            duplicates = selectors.matches_with_people(user=request.user, matches=error.matches)
            form.add_error(None, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person} added.")
            return redirect("people:person_detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "creating": True,
            "duplicates": duplicates,
            "title": "Add a foreign official",
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": crumbs(("Add", "")),
        },
    )


@require_POST
def person_duplicate_check(request: HttpRequest) -> HttpResponse:
    """As the form is typed: who already registered looks like this person (htmx fragment)."""
    require_perm(request.user, "people.add_person")
    try:
        birth_date = date.fromisoformat(request.POST.get("birth_date", ""))
    except ValueError:
        birth_date = None
    record = NameRecord(
        id=None,
        given_name=request.POST.get("given_name", ""),
        family_name=request.POST.get("family_name", ""),
        native_name=request.POST.get("native_name", ""),
        birth_date=birth_date,
        nationality="",
    )
    duplicates = []
    if record.family_name.strip() or record.native_name.strip():
        matches = find_matches([record])[0]
        duplicates = selectors.matches_with_people(user=request.user, matches=matches)
    return render(request, "people/_duplicates.html", {"duplicates": duplicates, "live": True})


@require_POST
def person_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal the passport number and birth date; the service logs the read."""
    person = selectors.person_get(user=request.user, pk=pk, perm="people.view_personal_data")
    data = services.person_personal_data(actor=request.user, person=person)
    return render(request, "people/_personal_data.html", {"data": data, "person": person})


@require_http_methods(["GET", "POST"])
def person_update(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk, perm="people.change_person")
    with_personal = request.user.has_perm("people.view_personal_data", person)
    if with_personal and request.method == "GET":
        # Filling the form shows the encrypted fields: that is a read, and it is logged.
        services.person_personal_data(actor=request.user, person=person)
    form = PersonForm(
        request.POST or None,
        instance=person,
        user=request.user,
        with_personal_data=with_personal,
        creating=False,
    )
    if request.method == "POST" and form.is_valid():
        fresh = selectors.person_get(user=request.user, pk=pk, perm="people.change_person")
        try:
            services.person_update(actor=request.user, person=fresh, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("people:person_detail", pk=pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "creating": False,
            "title": f"Edit {person}",
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": crumbs(
                ("Foreign officials", reverse("people:person_list")),
                (str(person), reverse("people:person_detail", args=[pk])),
                ("Edit", ""),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def person_merge(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    first = selectors.person_get(user=request.user, pk=pk, perm="people.merge_person")
    second = selectors.person_get(user=request.user, pk=other, perm="people.merge_person")
    form = MergeForm(
        request.POST or None, first=first, second=second, initial={"survivor": first.pk}
    )
    if request.method == "POST" and form.is_valid():
        survivor, duplicate = (
            (first, second) if form.cleaned_data["survivor"] == first.pk else (second, first)
        )
        try:
            services.person_merge(actor=request.user, survivor=survivor, duplicate=duplicate)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Merged #{duplicate.pk} into #{survivor.pk} {survivor}.")
            return redirect("people:person_detail", pk=survivor.pk)
    return render(
        request,
        "people/person_merge.html",
        {
            "form": form,
            "first": first,
            "second": second,
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": crumbs(
                ("Foreign officials", reverse("people:person_list")),
                (str(first), reverse("people:person_detail", args=[pk])),
                ("Merge", ""),
            ),
        },
    )


@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    staff = selectors.staff_list(user=request.user, search=search, kind=kind)
    if fmt := export_format(request):
        return table_response(
            fmt,
            "staff",
            ["id", "kind", "given name", "family name", "title", "office", "email", "posted to"],
            staff,
            lambda s: [
                s.pk,
                s.get_kind_display(),
                s.given_name,
                s.family_name,
                s.title,
                s.office,
                s.email,
                s.post_country.name if s.post_country else "",
            ],
            on_export=export_recorder(actor=request.user, action="staff.exported"),
        )
    return render_list(
        request,
        "people/staff_list.html",
        "people/_staff_results.html",
        staff,
        {
            "q": search,
            "kind": kind,
            "kinds": StaffKind.choices,
            "can_add": request.user.has_perm("people.change_staff"),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": [("Home", reverse("home")), ("Staff", "")],
        },
    )


@require_GET
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = selectors.staff_get(user=request.user, pk=pk)
    return render(
        request,
        "people/staff_detail.html",
        {
            "staff": staff,
            "history": selectors.staff_history(staff=staff)[:50],
            "can_change": request.user.has_perm("people.change_staff", staff),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": [
                ("Home", reverse("home")),
                ("Staff", reverse("people:staff_list")),
                (str(staff), ""),
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "people.change_staff")
    return form_page(
        request,
        form=StaffForm(request.POST or None),
        save=lambda data: services.staff_create(actor=request.user, **data),
        title="Add a staff member",
        cancel_url=reverse("people:staff_list"),
        done=lambda staff: reverse("people:staff_detail", args=[staff.pk]),
        side_nav=side_nav(request, NAV),
        breadcrumbs=[
            ("Home", reverse("home")),
            ("Staff", reverse("people:staff_list")),
            ("Add", ""),
        ],
    )


@require_http_methods(["GET", "POST"])
def staff_update(request: HttpRequest, pk: int) -> HttpResponse:
    staff = selectors.staff_get(user=request.user, pk=pk, perm="people.change_staff")

    def save(data: dict[str, Any]) -> Any:
        fresh = selectors.staff_get(user=request.user, pk=pk, perm="people.change_staff")
        return services.staff_update(actor=request.user, staff=fresh, **data)

    return form_page(
        request,
        form=StaffForm(request.POST or None, instance=staff),
        save=save,
        title=f"Edit {staff}",
        cancel_url=reverse("people:staff_detail", args=[pk]),
        done=lambda saved: reverse("people:staff_detail", args=[saved.pk]),
        side_nav=side_nav(request, NAV),
        breadcrumbs=[
            ("Home", reverse("home")),
            ("Staff", reverse("people:staff_list")),
            (str(staff), reverse("people:staff_detail", args=[pk])),
            ("Edit", ""),
        ],
    )
