from __future__ import annotations

from typing import Any

from django import forms

from liaison.catalog.models import Course, FundingSource, Venue
from liaison.core.forms import UswdsFormMixin
from liaison.people.models import Staff, StaffKind


class CourseForm(UswdsFormMixin, forms.ModelForm):
    qualified_instructors = forms.ModelMultipleChoiceField(
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Only these instructors can be assigned to a delivery of this course.",
    )

    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "area",
            "topics",
            "environment",
            "level",
            "length_days",
            "pass_mark",
            "co_delivered_with",
            "active",
        ]
        widgets = {"topics": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["qualified_instructors"].queryset = Staff.objects.filter(  # type: ignore[attr-defined]
            kind=StaffKind.INSTRUCTOR, active=True
        )
        if self.instance.pk:
            self.fields["qualified_instructors"].initial = list(
                self.instance.qualified_instructors.values_list("pk", flat=True)
            )

    def validate_unique(self) -> None:
        """The service runs full_clean, uniqueness included."""


class VenueForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["code", "name", "kind", "city", "country", "capacity", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self) -> None:
        """The service runs full_clean, uniqueness included."""


class FundingSourceForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = FundingSource
        fields = ["code", "name", "kind", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self) -> None:
        """The service runs full_clean, uniqueness included."""
