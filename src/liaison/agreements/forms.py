"""Forms of the agreement pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from liaison.agreements.models import (
    Agreement,
    AssistanceRequest,
    CompanyRole,
    Direction,
    DocumentKind,
    PersonRole,
    RequestKind,
)
from liaison.core.attachments import ACCEPTED_LABEL, MAX_ATTACHMENT_BYTES
from liaison.core.forms import UswdsFormMixin
from liaison.partners.models import Agency, AgencyKind, Country

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILE_HELP = (
    f"{ACCEPTED_LABEL}, up to {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB. The file is checked "
    "by its content and kept encrypted."
)


def _check_size(upload: UploadedFile | None) -> UploadedFile | None:
    if upload is not None and upload.size and upload.size > MAX_ATTACHMENT_BYTES:
        raise forms.ValidationError(
            f"The file is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB."
        )
    return upload


class AgreementForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["country", "counterpart", "title", "binding", "notes"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"counterpart": "Counterpart administration"}
        help_texts = {
            "title": "Leave blank for the usual title of a CMAA with the country.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["country"].queryset = Country.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["counterpart"].queryset = (  # type: ignore[attr-defined]
            Agency.objects.filter(kind=AgencyKind.CUSTOMS)
            .select_related("country")
            .order_by("country__name", "name")
        )

    def _post_clean(self) -> None:
        """The service validates the agreement with its rules."""


class AgreementEditForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["counterpart", "title", "binding", "signed_on", "in_force_on", "notes"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "signed_on": DATE,
            "in_force_on": DATE,
        }
        labels = {"counterpart": "Counterpart administration"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agreement: Agreement = self.instance
        self.fields["counterpart"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            country_id=agreement.country_id
        ).order_by("name")

    def _post_clean(self) -> None:
        """The service validates the changes with its rules."""

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AgreementMoveForm(UswdsFormMixin, forms.Form):
    """A move of the agreement: its date and, for some, the reason."""

    on = forms.DateField(label="Date", required=False, widget=DATE)
    reason = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, move: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.move = move
        labels = {
            "signed": "Date of signature",
            "in_force": "Date of entry into force",
            "suspended": "Suspended from",
            "terminated": "Ended on",
        }
        if move in labels:
            self.fields["on"].label = labels[move]
            self.fields["on"].required = True
        else:
            del self.fields["on"]
        if move in ("suspended", "terminated"):
            self.fields["reason"].required = True
            self.fields["reason"].label = "Why"
        elif move == "resumed":
            self.fields["reason"].label = "Note (optional)"
        else:
            del self.fields["reason"]


class ContactForm(forms.Form):
    """One designated contact: a staff member (ours) or a person (theirs)."""

    staff = forms.IntegerField(min_value=1, required=False)
    person = forms.IntegerField(min_value=1, required=False)


class DocumentForm(UswdsFormMixin, forms.Form):
    kind = forms.ChoiceField(label="What is it")
    file = forms.FileField(label="File", help_text=FILE_HELP)

    def __init__(self, *args: Any, kinds: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, DocumentKind(k).label) for k in kinds]  # type: ignore[attr-defined]

    def clean_file(self) -> UploadedFile | None:
        return _check_size(self.cleaned_data.get("file"))


class RequestForm(UswdsFormMixin, forms.ModelForm):
    """Filing a request: an incoming one as received (with its letter, if at hand), or an
    outgoing one as a draft."""

    letter = forms.FileField(
        label="The request letter (optional)",
        required=False,
        help_text=FILE_HELP,
    )

    class Meta:
        model = AssistanceRequest
        fields = [
            "agreement",
            "direction",
            "partner_reference",
            "subject",
            "kind",
            "legal_basis",
            "details",
            "received_on",
            "due_on",
            "owner",
        ]
        widgets = {
            "direction": forms.RadioSelect,
            "details": forms.Textarea(attrs={"rows": 4}),
            "received_on": DATE,
            "due_on": DATE,
        }
        labels = {
            "agreement": "Under the agreement with",
            "received_on": "Received on (incoming)",
            "due_on": "Due on",
        }
        help_texts = {
            "received_on": "The day the partner's request reached us. Not asked for an outgoing "
            "request: it counts from the day it is sent.",
            "due_on": "Incoming: when our answer is due (45 days after receipt if left blank). "
            "Outgoing: when the partner's answer is due.",
        }

    def __init__(
        self,
        *args: Any,
        agreements: Any,
        owners: Any,
        initial_agreement: int | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["agreement"].queryset = agreements  # type: ignore[attr-defined]
        self.fields["agreement"].label_from_instance = lambda a: (  # type: ignore[attr-defined]
            f"{a.country.name} ({a.counterpart.acronym or a.counterpart.name})"
        )
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].required = False
        self.fields["owner"].help_text = "Who works the request; you, if left blank."
        self.fields["direction"].choices = Direction.choices  # type: ignore[attr-defined]
        self.fields["direction"].widget.attrs["class"] = "usa-radio__input"
        if initial_agreement and not self.is_bound:
            self.initial["agreement"] = initial_agreement

    def _post_clean(self) -> None:
        """The service validates the request with its rules."""

    def clean_letter(self) -> UploadedFile | None:
        return _check_size(self.cleaned_data.get("letter"))

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data[name] for name in self.Meta.fields}
        values["partner_reference"] = values["partner_reference"] or ""
        values["legal_basis"] = values["legal_basis"] or ""
        values["details"] = values["details"] or ""
        return values


class RequestEditForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = AssistanceRequest
        fields = [
            "partner_reference",
            "subject",
            "kind",
            "legal_basis",
            "details",
            "received_on",
            "due_on",
        ]
        widgets = {
            "details": forms.Textarea(attrs={"rows": 4}),
            "received_on": DATE,
            "due_on": DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.is_incoming:
            del self.fields["received_on"]
        self.fields["kind"].choices = RequestKind.choices  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """The service validates the changes with its rules."""

    def changes(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.fields}
        for text in ("partner_reference", "legal_basis", "details"):
            values[text] = values[text] or ""
        return values


class RequestMoveForm(UswdsFormMixin, forms.Form):
    """What a move of a request asks for: the answer and its date, a reason, the day sent."""

    answer_summary = forms.CharField(
        label="What the answer said",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    answered_on = forms.DateField(label="Answered on", required=False, widget=DATE)
    reason = forms.CharField(
        label="Why it is refused",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    sent_on = forms.DateField(label="Sent on", required=False, widget=DATE)

    FIELDS = {
        "answered": ("answer_summary", "answered_on"),
        "refused": ("reason",),
        "sent": ("sent_on",),
    }

    def __init__(self, *args: Any, move: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = self.FIELDS.get(move, ())
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "answer_summary" in self.fields:
            self.fields["answer_summary"].required = True
            self.fields["answered_on"].help_text = "Today, if left blank."
        if "reason" in self.fields:
            self.fields["reason"].required = True
        if "sent_on" in self.fields:
            self.fields["sent_on"].help_text = "Today, if left blank."

    def service_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class AssignForm(forms.Form):
    owner = forms.IntegerField(min_value=1, error_messages={"required": "Choose the owner."})


class RequestPersonForm(forms.Form):
    person = forms.IntegerField(min_value=1, error_messages={"required": "Choose the person."})
    role = forms.ChoiceField(choices=PersonRole.choices)


class RequestCompanyForm(UswdsFormMixin, forms.Form):
    name = forms.CharField(label="Company name", max_length=200)
    role = forms.ChoiceField(label="Its part", choices=CompanyRole.choices)
    country = forms.ModelChoiceField(
        label="Country (optional)", queryset=Country.objects.none(), required=False
    )
    identifier = forms.CharField(
        label="Tax or trader number (optional)", max_length=80, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by("name")  # type: ignore[attr-defined]
