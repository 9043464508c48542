"""Forms of the postings pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from liaison.catalog.models import FundingSource
from liaison.core.forms import UswdsFormMixin
from liaison.partners.models import Agency, Country
from liaison.people.models import Staff, StaffKind
from liaison.postings.models import Deployment, DeploymentProgram, Post, Posting
from liaison.postings.services import MOVE_INPUTS, POST_FIELDS, PROGRAM_FIELDS

DATE = forms.DateInput(attrs={"type": "date"})
SEVERAL = "Hold Ctrl (⌘ on a Mac) to choose several."


def _postable_staff() -> Any:
    return Staff.objects.filter(
        active=True, kind__in=(StaffKind.ATTACHE, StaffKind.ADVISOR, StaffKind.INSTRUCTOR)
    ).order_by("family_name", "given_name")


class PostingForm(UswdsFormMixin, forms.ModelForm):
    """A tour: who, in which role, at which post, when, and the countries it covers."""

    primary = forms.ModelMultipleChoiceField(
        queryset=Country.objects.none(),
        label="Countries covered first (primary)",
        help_text=SEVERAL,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    secondary = forms.ModelMultipleChoiceField(
        queryset=Country.objects.none(),
        required=False,
        label="Countries also covered (secondary)",
        help_text=SEVERAL,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Posting
        fields = ["staff", "role", "post", "starts_on", "ends_on", "notes"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = _postable_staff()  # type: ignore[attr-defined]
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]
        countries = Country.objects.order_by("name")
        self.fields["primary"].queryset = countries  # type: ignore[attr-defined]
        self.fields["secondary"].queryset = countries  # type: ignore[attr-defined]
        if self.instance.pk and not self.is_bound:
            rows = list(self.instance.coverage.all())
            self.initial["primary"] = [c.country_id for c in rows if c.kind == "primary"]
            self.initial["secondary"] = [c.country_id for c in rows if c.kind == "secondary"]

    def _post_clean(self) -> None:
        """Skip model validation here: the service runs it with the domain rules."""

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["primary"] = list(data["primary"])
        data["secondary"] = list(data.get("secondary") or [])
        return data


class MoveForm(UswdsFormMixin, forms.Form):
    """What one move of a posting asks for: the approval's reference, a day, a reason."""

    reference = forms.CharField(
        max_length=60, label="Approval reference", help_text="The cable or memo number."
    )
    on = forms.DateField(
        required=False, widget=DATE, label="On", help_text="Leave empty for today."
    )
    reason = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), label="Why"
    )

    def __init__(self, *args: Any, move: str, **kwargs: Any) -> None:
        super().__init__(*args, prefix=move, **kwargs)
        wanted = MOVE_INPUTS[move]
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if "on" in self.fields:
            self.fields["on"].label = "Arrived on" if move == "arrived" else "Last day on post"
        if "reason" in self.fields:
            self.fields["reason"].required = move != "ended"
            if move == "ended":
                self.fields["reason"].help_text = "Required when the tour ends before its plan."


class ChangeEndForm(UswdsFormMixin, forms.Form):
    ends_on = forms.DateField(widget=DATE, label="New planned end")
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class PostForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = Post
        fields = list(POST_FIELDS)

    def _post_clean(self) -> None:
        """The service validates."""


class ProgramForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = DeploymentProgram
        fields = list(PROGRAM_FIELDS)
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "objective": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.select_related(  # type: ignore[attr-defined]
            "country"
        ).order_by("country__name", "name")
        self.fields["sponsor"].queryset = FundingSource.objects.order_by("name")  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """The service validates."""


class DeploymentForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = Deployment
        fields = ["staff", "program", "country", "starts_on", "ends_on", "description"]
        widgets = {"starts_on": DATE, "ends_on": DATE}
        labels = {"program": "Program (optional)", "country": "Country (optional)"}
        help_texts = {"country": "A program's deployments go to its country."}

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(  # type: ignore[attr-defined]
            active=True
        ).order_by("family_name", "given_name")
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """The service validates."""


class ReasonForm(UswdsFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
