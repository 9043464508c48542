"""Forms of the surveys' staff pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify

from liaison.core.forms import UswdsFormMixin
from liaison.surveys.languages import ENGLISH_NAMES
from liaison.surveys.models import CHOICE_KINDS, Question, QuestionKind, Survey
from liaison.surveys.services import OptionInput

DATE = forms.DateInput(attrs={"type": "date"})
OTHER_LANGUAGES = ("es", "fr", "ar", "ru", "pt")


class SurveyForm(UswdsFormMixin, forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "title",
            "purpose",
            "delivery",
            "visit",
            "months_after",
            "anonymous",
            "sample_rate",
            "max_reminders",
            "reminder_gap_days",
            "closes_on",
        ]
        widgets = {"closes_on": DATE}
        help_texts = {
            "delivery": "For end-of-course and follow-up surveys.",
            "visit": "For end-of-visit surveys.",
        }

    def __init__(self, *args: Any, deliveries: Any, visits: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delivery"].queryset = deliveries  # type: ignore[attr-defined]
        self.fields["visit"].queryset = visits  # type: ignore[attr-defined]


class QuestionForm(UswdsFormMixin, forms.Form):
    """A question, its translations, its options (one per line, in English, then the same
    lines in each language) and the earlier answer that shows it."""

    kind = forms.ChoiceField(choices=QuestionKind.choices)
    text = forms.CharField(max_length=500, label="Question (English)")
    required = forms.BooleanField(required=False, initial=True)
    options = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Options (English), one per line",
        help_text="For choice questions only.",
    )
    shown_if = forms.ModelChoiceField(
        queryset=Question.objects.none(),
        required=False,
        label="Show only when this earlier question…",
    )
    shown_value = forms.CharField(
        max_length=50,
        required=False,
        label="…has this answer",
        help_text="An option's value (shown beside it), or a number for agreement and ratings.",
    )

    def __init__(self, *args: Any, earlier: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shown_if"].queryset = earlier  # type: ignore[attr-defined]
        for code in OTHER_LANGUAGES:
            name = ENGLISH_NAMES[code]
            self.fields[f"text_{code}"] = forms.CharField(
                max_length=500, required=False, label=f"Question ({name})"
            )
            self.fields[f"options_{code}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 4, "lang": code}),
                label=f"Options ({name}), one per line in the same order",
            )
            self.fields[f"text_{code}"].widget.attrs["lang"] = code
            if code == "ar":
                self.fields[f"text_{code}"].widget.attrs["dir"] = "rtl"
                self.fields[f"options_{code}"].widget.attrs["dir"] = "rtl"
        for field in self.fields.values():
            widget = field.widget
            if "class" not in widget.attrs:
                kind = widget.__class__.__name__.lower()
                widget.attrs["class"] = "usa-textarea" if kind == "textarea" else "usa-input"

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        english = self._lines(data.get("options", ""))
        options: list[OptionInput] = []
        if data.get("kind") in CHOICE_KINDS:
            translated = {
                code: self._lines(data.get(f"options_{code}", "")) for code in OTHER_LANGUAGES
            }
            for code, lines in translated.items():
                if lines and len(lines) != len(english):
                    self.add_error(
                        f"options_{code}",
                        f"Give {len(english)} lines, one per English option, or none.",
                    )
            for index, text in enumerate(english):
                value = slugify(text)[:50] or f"option-{index + 1}"
                translations = {
                    code: lines[index]
                    for code, lines in translated.items()
                    if len(lines) == len(english)
                }
                options.append(OptionInput(value=value, text=text, translations=translations))
        elif english:
            self.add_error("options", "Only choice questions have options.")
        data["option_inputs"] = options
        return data

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": data["text"],
            "required": data["required"],
            "translations": {code: data.get(f"text_{code}", "") for code in OTHER_LANGUAGES},
            "options": data["option_inputs"],
            "shown_if": data.get("shown_if"),
            "shown_value": data.get("shown_value", "").strip(),
        }
