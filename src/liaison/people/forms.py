from __future__ import annotations

from typing import Any

from django import forms

from liaison.core.forms import UswdsFormMixin
from liaison.partners.models import Agency
from liaison.partners.selectors import countries_for_choice
from liaison.people.models import Person, Staff
from liaison.people.services import PERSONAL_DATA_FIELDS


class PersonForm(UswdsFormMixin, forms.ModelForm):
    allow_duplicates = forms.BooleanField(
        required=False,
        label="I have checked the possible duplicates: this is a different person",
    )

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "native_name",
            "gender",
            "birth_date",
            "nationality",
            "agency",
            "position",
            "left_post_on",
            "email",
            "phone",
            "preferred_language",
            "passport_number",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
            "left_post_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "passport_number": "Encrypted at rest; shown only to roles that need it.",
            "birth_date": "Encrypted at rest; used to tell namesakes apart.",
        }

    def __init__(
        self, *args: Any, user: Any, with_personal_data: bool, creating: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].queryset = countries_for_choice(user=user)  # type: ignore[attr-defined]
        self.fields["agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            country__in=countries_for_choice(user=user)
        ).select_related("country")
        if not with_personal_data:
            for name in PERSONAL_DATA_FIELDS:
                del self.fields[name]
        if not creating:
            del self.fields["allow_duplicates"]

    def service_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "allow_duplicates"}


class MergeForm(forms.Form):
    survivor = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        label="Which record should remain?",
        help_text="The other record's programs, links and history move to it; its empty "
        "fields are filled from the other.",
    )
    confirm = forms.BooleanField(label="I confirm these two records are the same person")

    def __init__(self, *args: Any, first: Person, second: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [  # type: ignore[attr-defined]
            (first.pk, f"#{first.pk} {first}"),
            (second.pk, f"#{second.pk} {second}"),
        ]


class StaffForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = Staff
        fields = [
            "kind",
            "given_name",
            "family_name",
            "title",
            "office",
            "email",
            "phone",
            "post_country",
            "active",
        ]
