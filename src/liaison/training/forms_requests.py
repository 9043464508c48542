"""Forms of the request and follow-up pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from liaison.catalog.models import Course, FundingSource, Venue
from liaison.core.forms import UswdsFormMixin
from liaison.partners.models import Agency
from liaison.people.models import Person
from liaison.training.models import Delivery, FollowUpKind, TrainingRequest
from liaison.training.selectors import request_countries
from liaison.training.services import REQUEST_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})


class RequestForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = TrainingRequest
        fields = list(REQUEST_FIELDS)
        widgets = {
            "preferred_start": DATE,
            "preferred_end": DATE,
            "need": forms.Textarea(attrs={"rows": 3}),
            "justification": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"agency": "Requesting agency", "funding_source": "Proposed funding"}
        help_texts = {"justification": "Why this training, why now, and what it will change."}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = request_countries(user=user)
        # Only the choices the user may file for: another region's country is not a valid choice.
        self.fields["country"].queryset = countries  # type: ignore[attr-defined]
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            country__in=countries
        ).select_related("country")
        self.fields["course"].queryset = Course.objects.filter(active=True)  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """Skip model validation here: the service runs it with the domain rules."""


class ApproveForm(UswdsFormMixin, forms.Form):
    """The delivery a request becomes: prefilled from what was asked."""

    course = forms.ModelChoiceField(queryset=Course.objects.filter(active=True))
    venue = forms.ModelChoiceField(queryset=Venue.objects.all())
    starts_on = forms.DateField(label="First day", widget=DATE)
    ends_on = forms.DateField(label="Last day", widget=DATE)
    funding_source = forms.ModelChoiceField(label="Funding", queryset=FundingSource.objects.all())
    capacity = forms.IntegerField(min_value=1, max_value=500)
    note = forms.CharField(
        label="Note to the filer (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @classmethod
    def for_request(cls, request: TrainingRequest) -> ApproveForm:
        return cls(
            initial={
                "course": request.course_id,
                "funding_source": request.funding_source_id,
                "starts_on": request.preferred_start,
                "ends_on": request.preferred_end,
                "capacity": request.participants_expected,
            }
        )


class DeclineForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it declined?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The filer sees this reason.",
    )


class FollowUpForm(UswdsFormMixin, forms.Form):
    """A follow-up of some delivered deliveries, for all or some of their graduates."""

    kind = forms.ChoiceField(choices=FollowUpKind.choices)
    title = forms.CharField(max_length=200)
    starts_on = forms.DateField(label="Starts on", widget=DATE)
    ends_on = forms.DateField(label="Ends on", widget=DATE, required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source_deliveries = forms.ModelMultipleChoiceField(
        queryset=Delivery.objects.none(),
        label="Deliveries it follows up",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the deliveries it follows up."},
    )
    graduates = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    # Set once the graduate list was shown: from then on, the ticks are the choice.
    choose_graduates = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        deliveries: QuerySet[Delivery],
        graduates: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_deliveries"].queryset = deliveries  # type: ignore[attr-defined]
        self.fields["graduates"].queryset = graduates  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("choose_graduates") and not data.get("graduates"):
            self.add_error("graduates", "Tick at least one graduate.")
        return data

    def service_values(self) -> dict[str, Any]:
        """The arguments of ``services.follow_up_create``: no graduates ticked means all."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "notes": data["notes"],
            "source_deliveries": list(data["source_deliveries"]),
            "graduates": list(data["graduates"]) if data["choose_graduates"] else None,
        }
