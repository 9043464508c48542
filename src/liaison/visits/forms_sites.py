"""Forms of the site registry and the hosts' inbox: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from liaison.core.forms import UswdsFormMixin
from liaison.people.models import Staff
from liaison.visits.models import WEEKDAY_NAMES, Site

WEEKDAY_CHOICES = [(str(day), name) for day, name in enumerate(WEEKDAY_NAMES)]


class DateInput(forms.DateInput):
    input_type = "date"


class SiteForm(UswdsFormMixin, forms.Form):
    daily_capacity = forms.IntegerField(
        label="Delegations a day", help_text="How many delegations the site can host on one day."
    )
    open_weekdays = forms.MultipleChoiceField(
        label="Hosting days",
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    address = forms.CharField(
        label="Street address",
        required=False,
        help_text="As printed on the itinerary; leave it blank unless the address is public.",
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label="Open to new visits", required=False)

    @classmethod
    def for_site(cls, site: Site, data: Any = None) -> SiteForm:
        initial = {
            "daily_capacity": site.daily_capacity,
            "open_weekdays": list(site.open_weekdays),
            "address": site.address,
            "note": site.note,
            "active": site.active,
        }
        return cls(data, initial=initial)

    def service_values(self) -> dict[str, Any]:
        """The cleaned data as ``services.site_update`` takes it."""
        data = dict(self.cleaned_data)
        data["open_weekdays"] = "".join(data["open_weekdays"])
        return data


class BlackoutForm(UswdsFormMixin, forms.Form):
    starts_on = forms.DateField(label="First closed day", widget=DateInput)
    ends_on = forms.DateField(label="Last closed day", widget=DateInput)
    reason = forms.CharField(
        label="Why is the site closed?",
        max_length=200,
        error_messages={"required": "Say why the site is closed on those days."},
    )


class HostForm(UswdsFormMixin, forms.Form):
    staff = forms.ModelChoiceField(
        label="Staff member",
        queryset=Staff.objects.none(),
        empty_label="Choose a staff member",
        help_text="Only staff with a site host account can answer the site's requests.",
    )

    def __init__(self, *args: Any, candidates: QuerySet[Staff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = candidates  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
    reason = forms.CharField(max_length=300, required=False)
