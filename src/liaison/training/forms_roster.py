"""The roster import's forms: the upload, and the per-row choices read back from the preview."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict

from liaison.core.forms import UswdsFormMixin

DECISION_PREFIX = "decision-"
NEW_PERSON = "new"
# The file waits in the session between preview and apply; a roster is far smaller.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class RosterUploadForm(UswdsFormMixin, forms.Form):
    file = forms.FileField(
        label="Roster file (XLSX or CSV)",
        help_text="One participant a row. Columns: family_name, given_name, native_name, "
        "gender, birth_date (YYYY-MM-DD or DD/MM/YYYY), nationality (ISO code or country "
        "name), passport_number, agency, position, email, phone.",
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB: is it really a roster?")
        return upload


def parse_decisions(data: QueryDict) -> dict[int, int | None]:
    """``decision-<row>`` fields: an existing person's id, or "new" for a new person.

    Malformed values are left out (the row then takes its best match); the service checks
    that a chosen id is one of the row's candidates.
    """
    decisions: dict[int, int | None] = {}
    for key in data:
        if not key.startswith(DECISION_PREFIX):
            continue
        value = data.get(key, "")
        row = key.removeprefix(DECISION_PREFIX)
        if not row.isdigit():
            continue
        if value == NEW_PERSON:
            decisions[int(row)] = None
        elif value.isdigit():
            decisions[int(row)] = int(value)
    return decisions
