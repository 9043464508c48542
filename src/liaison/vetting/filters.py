"""What the vetting list can be filtered by, for its page and its API alike."""

from __future__ import annotations

from typing import Annotated

from liaison.core.filters import ListFilters, choice_of
from liaison.vetting.models import Purpose, VettingStatus


class VettingFilters(ListFilters):
    status: Annotated[str, choice_of(VettingStatus)] = ""
    purpose: Annotated[str, choice_of(Purpose)] = ""
