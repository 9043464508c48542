from __future__ import annotations

from typing import Any

from django import forms

from liaison.core.forms import UswdsFormMixin
from liaison.partners.models import Agency
from liaison.partners.selectors import countries_for_choice
from liaison.partners.services import AGENCY_FIELDS


class AgencyForm(UswdsFormMixin, forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = Agency
        fields = list(AGENCY_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries_for_choice(user=user)  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        """Uniqueness is the service's rule (it runs full_clean)."""
