"""The roster import's forms: the upload, and the answers read back from the preview."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict

from liaison.core.forms import UswdsFormMixin
from liaison.core.imports import MAX_FILE_BYTES

AGENCY_PREFIX = "agency:"
DUPLICATE_PREFIX = "duplicate-"
PERSON_PREFIX = "person-"


class RosterUploadForm(UswdsFormMixin, forms.Form):
    file = forms.FileField(
        label="Roster file (XLSX or CSV)",
        help_text="One participant a row, as the partner sent it: any column names in English, "
        "Spanish, French or Portuguese (Surname, Apellidos, Nom…), any encoding and separator, "
        "title rows above the header and extra columns are fine. The family name column is "
        "needed: vetting needs the family name in Latin letters.",
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: is it really "
                "a roster?"
            )
        return upload


def parse_decisions(data: QueryDict) -> dict[str, Any]:
    """The preview's answers, as the stored upload keeps them; only those on the page posted.

    ``date_order`` and ``sheet``; ``agency:<key>`` (an agency id or "new"), ``duplicate-<row>``
    (keep the first or second row, merge, or both) and ``person-<row>`` (an id or "new").
    The service checks every value against what the file offers.
    """
    decisions: dict[str, Any] = {}
    if data.get("date_order") in ("dmy", "mdy"):
        decisions["date_order"] = data["date_order"]
    if "sheet" in data:
        decisions["sheet"] = data.get("sheet", "")[:100]
    groups: dict[str, dict[str, str]] = {"agencies": {}, "duplicates": {}, "people": {}}
    for key in data:
        value = data.get(key, "")[:40]
        if key.startswith(AGENCY_PREFIX):
            groups["agencies"][key.removeprefix(AGENCY_PREFIX)[:300]] = value
        elif key.startswith(DUPLICATE_PREFIX) and key.removeprefix(DUPLICATE_PREFIX).isdigit():
            groups["duplicates"][key.removeprefix(DUPLICATE_PREFIX)] = value
        elif key.startswith(PERSON_PREFIX) and key.removeprefix(PERSON_PREFIX).isdigit():
            groups["people"][key.removeprefix(PERSON_PREFIX)] = value
    decisions.update({name: answers for name, answers in groups.items() if answers})
    return decisions
