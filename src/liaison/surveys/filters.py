"""What the survey list can be filtered by, for its page and its API alike."""

from __future__ import annotations

from typing import Annotated

from liaison.core.filters import ListFilters, choice_of
from liaison.surveys.models import Purpose

STATUSES = {"open": "Published", "draft": "Not yet published"}


class SurveyFilters(ListFilters):
    purpose: Annotated[str, choice_of(Purpose)] = ""
    status: Annotated[str, choice_of(STATUSES)] = ""
