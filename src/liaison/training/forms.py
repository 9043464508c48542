"""Forms of the delivery pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from liaison.core.forms import UswdsFormMixin
from liaison.people.models import Staff, StaffKind
from liaison.training.models import (
    AfterActionReport,
    AttendanceMark,
    CostCategory,
    CostKind,
    Delivery,
    InstructorRole,
)
from liaison.training.services import DELIVERY_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})


class DeliveryForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = Delivery
        fields = list(DELIVERY_FIELDS)
        widgets = {"starts_on": DATE, "ends_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"starts_on": "First day", "ends_on": "Last day"}

    def _post_clean(self) -> None:
        """Skip model validation here: the service runs it with the domain rules."""


class CancelForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class AssignForm(UswdsFormMixin, forms.Form):
    staff = forms.ModelChoiceField(queryset=Staff.objects.none(), label="Instructor")
    role = forms.ChoiceField(choices=InstructorRole.choices, initial=InstructorRole.CO)

    def __init__(self, *args: Any, delivery: Delivery, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every active instructor: the service names why an unqualified one is refused.
        self.fields["staff"].queryset = Staff.objects.filter(  # type: ignore[attr-defined]
            kind__in=(StaffKind.INSTRUCTOR, StaffKind.ADVISOR), active=True
        ).exclude(assignments__delivery=delivery)


class WithdrawForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(label="Reason for withdrawal", max_length=200)


class AttendanceForm(forms.Form):
    day = forms.DateField()
    mark = forms.ChoiceField(choices=AttendanceMark.choices)


class CostLineForm(UswdsFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=CostKind.choices)
    category = forms.ChoiceField(choices=CostCategory.choices)
    amount = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, label="Amount (USD)")
    description = forms.CharField(max_length=200, required=False)


class ReportForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = AfterActionReport
        fields = ["summary", "issues", "recommendations"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}
