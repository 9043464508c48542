"""Participants' interface text is translated in every language they may answer in, and the
committed .mo files are the .po files compiled (no GNU gettext needed on a fresh machine)."""

from __future__ import annotations

import pytest
from django.utils import translation

from liaison.core.translations import catalogs, translated_entries
from liaison.surveys.languages import CODES


def test_every_participant_language_has_a_catalog():
    languages = {path.parent.parent.name for path in catalogs()}
    assert languages == set(CODES) - {"en"}


@pytest.mark.parametrize("po_path", catalogs(), ids=lambda p: p.parent.parent.name)
def test_the_committed_mo_matches_its_po(po_path):
    po = translated_entries(po_path)
    assert po, "an empty catalog"
    assert translated_entries(po_path.with_suffix(".mo")) == po


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", "Enviar mis respuestas"),
        ("fr", "Envoyer mes réponses"),
        ("ar", "إرسال إجاباتي"),
        ("ru", "Отправить ответы"),
        ("pt", "Enviar minhas respostas"),
    ],
)
def test_django_reads_the_compiled_catalogs(language, expected):
    with translation.override(language):
        assert translation.gettext("Send my answers") == expected
