from __future__ import annotations

from django import forms

from liaison.accounts.models import User
from liaison.accounts.services import USER_FIELDS
from liaison.core.forms import UswdsFormMixin


class ApiTokenForm(UswdsFormMixin, forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “reporting script”.")


class UserForm(UswdsFormMixin, forms.ModelForm):
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput,
        help_text="Leave empty to let the user set one through password reset.",
    )

    class Meta:
        model = User
        fields = list(USER_FIELDS)  # what the service takes, so the two never differ

    def validate_unique(self) -> None:
        """The service runs full_clean, uniqueness included."""
