from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from liaison.capacity.models import MATURITY_CHOICES, AssessmentKind, Mentoring, Priority, Program
from liaison.capacity.permissions import scope_program_managers
from liaison.catalog.models import SafeEdition, SafeStandard
from liaison.core.forms import UswdsFormMixin
from liaison.partners.models import Agency
from liaison.people.models import Person, Staff

DATE = forms.DateInput(attrs={"type": "date"})


class ProgramForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "country",
            "agency",
            "sponsor",
            "edition",
            "starts_on",
            "planned_end",
            "manager",
            "budget",
            "max_deliveries_per_quarter",
            "objectives",
        ]
        widgets = {
            "starts_on": DATE,
            "planned_end": DATE,
            "objectives": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.select_related("country")  # type: ignore[attr-defined]
        self.fields["manager"].queryset = scope_program_managers(get_user_model().objects.all())  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        """The service decides (one program per administration)."""


class TargetsForm(UswdsFormMixin, forms.Form):
    """A target level and a priority for each standard of the program's edition."""

    def __init__(
        self, *args: Any, standards: list[SafeStandard], targets: dict[int, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.standards = standards
        for standard in standards:
            target = targets.get(standard.pk)
            self.fields[f"level_{standard.pk}"] = forms.TypedChoiceField(
                label=f"{standard.code} {standard.title}: target",
                choices=[("", "No target"), *MATURITY_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
                initial=target.level if target else "",
            )
            self.fields[f"priority_{standard.pk}"] = forms.TypedChoiceField(
                label=f"{standard.code}: priority",
                choices=Priority.choices,
                coerce=int,
                initial=target.priority if target else Priority.MEDIUM,
            )

    def rows(self) -> list[tuple[SafeStandard, Any, Any]]:
        return [(s, self[f"level_{s.pk}"], self[f"priority_{s.pk}"]) for s in self.standards]

    def targets(self) -> dict[SafeStandard, tuple[int | None, int]]:
        return {
            s: (self.cleaned_data[f"level_{s.pk}"], self.cleaned_data[f"priority_{s.pk}"])
            for s in self.standards
        }


class AssessmentForm(UswdsFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=AssessmentKind.choices)
    edition = forms.ModelChoiceField(
        label="SAFE edition scored",
        queryset=SafeEdition.objects.all(),
        required=False,
        help_text="Blank: the program's edition.",
    )
    starts_on = forms.DateField(label="Mission starts on", widget=DATE)
    ends_on = forms.DateField(label="Mission ends on", widget=DATE)
    assessors = forms.ModelMultipleChoiceField(
        queryset=Staff.objects.filter(active=True), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    participants = forms.ModelMultipleChoiceField(
        label="The administration's officials who took part",
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Interviewed on the mission, or on the partner's self-assessment team.",
    )
    self_assessment_received_on = forms.DateField(
        label="Partner's self-assessment received on", widget=DATE, required=False
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(
        self,
        *args: Any,
        participants: QuerySet[Person],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = participants  # type: ignore[attr-defined]
        if editing:
            del self.fields["kind"]
            del self.fields["edition"]


class ScoresForm(forms.Form):
    """Our level, its evidence and the partner's own level for each standard."""

    def __init__(self, *args: Any, scores: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scores = scores
        for score in scores:
            code = score.standard.code
            self.fields[f"level_{score.standard_id}"] = forms.TypedChoiceField(
                label=f"{code} level",
                choices=[("", "Not scored"), *MATURITY_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
                initial=score.level if score.level is not None else "",
                widget=forms.Select(attrs={"class": "usa-select"}),
            )
            self.fields[f"evidence_{score.standard_id}"] = forms.CharField(
                label=f"{code} evidence",
                required=False,
                initial=score.evidence,
                widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
            )
            self.fields[f"self_{score.standard_id}"] = forms.TypedChoiceField(
                label=f"{code} self-assessed",
                choices=[("", "—"), *MATURITY_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
                initial=score.self_level if score.self_level is not None else "",
                widget=forms.Select(attrs={"class": "usa-select"}),
            )

    def rows(self) -> list[tuple[Any, Any, Any, Any]]:
        return [
            (
                s,
                self[f"level_{s.standard_id}"],
                self[f"evidence_{s.standard_id}"],
                self[f"self_{s.standard_id}"],
            )
            for s in self.scores
        ]

    def score_values(self) -> dict[int, tuple[int | None, str, int | None]]:
        return {
            s.standard_id: (
                self.cleaned_data[f"level_{s.standard_id}"],
                self.cleaned_data[f"evidence_{s.standard_id}"],
                self.cleaned_data[f"self_{s.standard_id}"],
            )
            for s in self.scores
        }


class AttachmentForm(UswdsFormMixin, forms.Form):
    file = forms.FileField(help_text="PDF, image, Word, Excel, text or CSV; 10 MB at most.")
    standard = forms.ModelChoiceField(
        queryset=SafeStandard.objects.none(), required=False, label="For the standard"
    )
    description = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, standards: list[SafeStandard], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["standard"]
        field.queryset = SafeStandard.objects.filter(pk__in=[s.pk for s in standards])  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: f"{s.code} {s.title}"  # type: ignore[attr-defined]


class MentoringForm(UswdsFormMixin, forms.ModelForm):
    standards = forms.ModelMultipleChoiceField(
        queryset=SafeStandard.objects.none(),
        required=False,
        label="Standards addressed",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Mentoring
        fields = ["advisor", "starts_on", "ends_on", "topics", "notes"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, edition_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = Staff.objects.filter(active=True)  # type: ignore[attr-defined]
        field = self.fields["standards"]
        field.queryset = SafeStandard.objects.filter(edition_id=edition_id).select_related("pillar")  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: f"{s.code} {s.title}"  # type: ignore[attr-defined]
        if self.instance.pk:
            field.initial = list(self.instance.standards.values_list("pk", flat=True))
