from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from liaison.core.forms import UswdsFormMixin
from liaison.core.imports import MAX_FILE_BYTES
from liaison.core.workflows import Move


class DecisionForm(UswdsFormMixin, forms.Form):
    """Offers the decisions the record's workflow allows this user now."""

    decision = forms.ChoiceField(choices=[], widget=forms.Select)
    valid_until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Required to approve: the last day the approval covers.",
    )
    reference = forms.CharField(required=False, max_length=60, label="Case number")
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Required to suspend."
    )

    def __init__(self, *args: Any, moves: Sequence[Move], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.choices = [(m.target, m.label) for m in moves]


class ResultsUploadForm(UswdsFormMixin, forms.Form):
    file = forms.FileField(
        label="Results file (CSV or XLSX)",
        help_text="Columns: record_id, decision (approved / denied / suspended), valid_until, "
        "reference, notes (other names such as “Record ID”, “Result” or “Expires” are read "
        "too). The pending-names export has the record_id column.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."
            )
        return upload
