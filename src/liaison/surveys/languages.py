"""The languages participants answer in. Staff pages stay English; a participant's page and
e-mail are in the invitation's language, chosen from the person's preferred language."""

from __future__ import annotations

from django.db import models


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"
    FRENCH = "fr", "Français"
    ARABIC = "ar", "العربية"
    RUSSIAN = "ru", "Русский"
    PORTUGUESE = "pt", "Português"


CODES: tuple[str, ...] = tuple(Language.values)
RIGHT_TO_LEFT = {"ar"}
ENGLISH_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ar": "Arabic",
    "ru": "Russian",
    "pt": "Portuguese",
}


def direction(code: str) -> str:
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"


def supported(code: str | None) -> str:
    """``code`` when participants can answer in it, English otherwise."""
    return code if code in CODES else Language.ENGLISH
