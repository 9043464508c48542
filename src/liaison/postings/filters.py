"""What the postings lists can be filtered by, for their pages and their API alike."""

from __future__ import annotations

from typing import Annotated

from liaison.core.filters import Code, ListFilters, choice_of
from liaison.postings.models import DeploymentStatus, PostingRole, PostingStatus
from liaison.postings.selectors import DEPLOYMENT_WHEN, DUE


class PostingFilters(ListFilters):
    status: Annotated[str, choice_of(PostingStatus)] = ""
    role: Annotated[str, choice_of(PostingRole)] = ""
    country: Code = ""  # posted in, or covering
    due: Annotated[str, choice_of(DUE)] = ""  # what waits on the user (home's lists)


class ProgramFilters(ListFilters):
    country: Code = ""


class DeploymentFilters(ListFilters):
    when: Annotated[str, choice_of(DEPLOYMENT_WHEN)] = ""
    status: Annotated[str, choice_of(DeploymentStatus)] = ""
