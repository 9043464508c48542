"""Forms of the visit pages: they parse input; the services and the planner decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from liaison.catalog.models import FundingSource
from liaison.core.forms import UswdsFormMixin
from liaison.partners.models import Agency
from liaison.partners.selectors import countries_for_choice
from liaison.visits.models import DelegateRole, FocusArea, Site, Visit

DATE = forms.DateInput(attrs={"type": "date"})

# The request's fields the service takes as they are; focus and sites are passed apart.
VISIT_FIELDS = (
    "country",
    "agency",
    "sponsor",
    "purpose",
    "earliest_start",
    "latest_end",
    "length_days",
    "delegation_size",
    "wants_hq_briefing",
)
PRIORITIES = [
    ("", "Not wanted"),
    ("1", "1 — nice to see"),
    ("2", "2 — wanted"),
    ("3", "3 — what they came for"),
]
SITES_HELP = "Hold Ctrl (⌘ on a Mac) to choose several."


def error_messages(form: forms.BaseForm) -> list[str]:
    """Every error of an invalid form, field by field, for a page that lists them as reasons."""
    return [str(message) for errors in form.errors.values() for message in errors]


class VisitForm(UswdsFormMixin, forms.ModelForm):
    """The request: one priority select per focus area, besides the model's fields."""

    class Meta:
        model = Visit
        fields = [*VISIT_FIELDS, "must_see", "must_avoid"]
        widgets = {
            "earliest_start": DATE,
            "latest_end": DATE,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "must_see": forms.SelectMultiple(attrs={"size": 8}),
            "must_avoid": forms.SelectMultiple(attrs={"size": 8}),
        }
        labels = {
            "agency": "Agency (optional)",
            "sponsor": "Sponsor",
            "earliest_start": "Earliest start",
            "latest_end": "Latest end",
            "length_days": "Length of the visit (days)",
            "delegation_size": "Delegation size (people)",
            "wants_hq_briefing": "Headquarters briefing on the first working day",
            "must_see": "Sites they must see (optional)",
            "must_avoid": "Sites to avoid (optional)",
        }
        help_texts = {
            "agency": "An agency of the chosen country.",
            "purpose": "Who they are and what they want to learn.",
            "earliest_start": "The first day the delegation could arrive.",
            "latest_end": "The last day they could stay.",
            "length_days": "1 to 14 days, inside the window.",
            "must_see": SITES_HELP,
            "must_avoid": SITES_HELP,
        }

    def __init__(self, *args: Any, user: Any, country: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = countries_for_choice(user=user)
        # Only the countries the user may file for: another region's is not a valid choice.
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        # Choosing a country reloads the agency list with that country's agencies.
        self.fields["country"].widget.attrs.update(
            {
                "hx-get": reverse("visits:visit_create"),
                "hx-trigger": "change",
                "hx-include": "this",
                "hx-target": "#id_agency-group",
                "hx-select": "#id_agency-group",
                "hx-swap": "outerHTML",
            }
        )
        agencies = Agency.objects.filter(country__in=countries).select_related("country")
        if country.isdigit() and not self.is_bound:
            # The country was just chosen: offer its agencies only.
            self.initial["country"] = int(country)
            agencies = agencies.filter(country_id=int(country))
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["sponsor"].queryset = FundingSource.objects.all()  # type: ignore[attr-defined]
        active = Site.objects.filter(active=True).order_by("name")
        self.fields["must_see"].queryset = active  # type: ignore[attr-defined]
        self.fields["must_avoid"].queryset = active  # type: ignore[attr-defined]
        self.focus_areas = list(FocusArea.objects.order_by("name"))
        for area in self.focus_areas:
            self.fields[f"focus_{area.pk}"] = forms.ChoiceField(
                label=area.name, choices=PRIORITIES, required=False
            )
            self.fields[f"focus_{area.pk}"].widget.attrs["class"] = "usa-select"

    def _post_clean(self) -> None:
        """Skip model validation here: the service runs it with the domain rules."""

    def focus_fields(self) -> list[forms.BoundField]:
        return [self[f"focus_{area.pk}"] for area in self.focus_areas]

    def request_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in VISIT_FIELDS]

    def site_fields(self) -> list[forms.BoundField]:
        return [self["must_see"], self["must_avoid"]]

    def service_values(self) -> dict[str, Any]:
        """The arguments of ``services.visit_request_file``."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in VISIT_FIELDS},
            "focus": {
                area: int(data[f"focus_{area.pk}"])
                for area in self.focus_areas
                if data.get(f"focus_{area.pk}")
            },
            "must_see": list(data["must_see"]),
            "must_avoid": list(data["must_avoid"]),
        }


class DelegateForm(forms.Form):
    """A person found in the registry, and their role in the delegation."""

    person = forms.IntegerField(min_value=1, error_messages={"required": "Choose the person."})
    role = forms.ChoiceField(choices=DelegateRole.choices)


class ReasonForm(UswdsFormMixin, forms.Form):
    """Declining or cancelling a visit: the reason is required and kept on the visit."""

    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give the reason."},
    )

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label


class StopRemoveForm(forms.Form):
    """Take a stop out: the planner then keeps the site off that day, or off the visit."""

    scope = forms.ChoiceField(
        choices=[("day", "This day only"), ("visit", "The whole visit")], initial="day"
    )
    reason = forms.CharField(max_length=300, required=False)
