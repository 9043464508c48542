from __future__ import annotations

from typing import Any

from django import forms

from liaison.catalog.models import Course, FundingSource, SafeStandard, Venue
from liaison.core.forms import UswdsFormMixin
from liaison.people.models import Staff, StaffKind


class CourseForm(UswdsFormMixin, forms.ModelForm):
    qualified_instructors = forms.ModelMultipleChoiceField(
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Only these instructors can be assigned to a delivery of this course.",
    )
    prerequisites = forms.ModelMultipleChoiceField(
        queryset=Course.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Courses taken before this one; plans never schedule it before them.",
    )
    standards = forms.ModelMultipleChoiceField(
        label="SAFE standards",
        queryset=SafeStandard.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="The WCO SAFE Framework standards the course builds (each edition's own): "
        "capacity-building plans choose courses by these.",
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
            "estimated_cost",
            "active",
        ]
        widgets = {"topics": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["qualified_instructors"].queryset = Staff.objects.filter(  # type: ignore[attr-defined]
            kind=StaffKind.INSTRUCTOR, active=True
        )
        others = Course.objects.filter(active=True)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["prerequisites"].queryset = others  # type: ignore[attr-defined]
        self.fields["standards"].queryset = SafeStandard.objects.select_related(  # type: ignore[attr-defined]
            "edition", "pillar"
        )
        self.fields["standards"].label_from_instance = (  # type: ignore[attr-defined]
            lambda s: f"SAFE {s.edition.code} · {s.code} {s.title}"
        )
        if self.instance.pk:
            self.fields["qualified_instructors"].initial = list(
                self.instance.qualified_instructors.values_list("pk", flat=True)
            )
            self.fields["prerequisites"].initial = list(
                self.instance.prerequisites.values_list("pk", flat=True)
            )
            self.fields["standards"].initial = list(
                self.instance.standards.values_list("pk", flat=True)
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
