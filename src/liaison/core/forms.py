from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


_WIDGET_CLASSES = {
    "checkbox": "usa-checkbox__input",
    "select": "usa-select",
    "textarea": "usa-textarea",
}


class UswdsFormMixin:
    """Give every widget its USWDS class, so templates stay plain."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            kind = getattr(widget, "input_type", None) or widget.__class__.__name__.lower()
            css = _WIDGET_CLASSES.get(kind, "usa-input")
            if isinstance(widget, forms.RadioSelect):
                continue
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
