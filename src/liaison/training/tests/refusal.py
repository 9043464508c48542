"""One assertion for every refused training service call: it raised, and nothing changed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import models

from liaison.audit.models import AuditEntry
from liaison.postings.models import Deployment
from liaison.training import models as training
from liaison.vetting.models import VettingRecord

# Every table a training service may write to, plus the audit trail.
WATCHED: tuple[type[models.Model], ...] = (
    AuditEntry,
    training.TrainingRequest,
    training.Delivery,
    training.Assignment,
    Deployment,
    training.Enrollment,
    training.Attendance,
    training.Certificate,
    training.CostLine,
    training.AfterActionReport,
    training.FollowUp,
    VettingRecord,
)


def _state(objects: tuple[models.Model, ...]) -> tuple[list[int], list[Any]]:
    counts = [model._default_manager.count() for model in WATCHED]
    rows = [type(obj)._default_manager.filter(pk=obj.pk).values().first() for obj in objects]
    return counts, rows


@contextmanager
def refused(
    error: type[Exception], says: str, *objects: models.Model
) -> Iterator[pytest.ExceptionInfo[Any]]:
    """The block raises ``error`` whose message contains ``says``; afterwards no watched table
    gained or lost a row, no audit entry was written, and each of ``objects`` is unchanged in
    the database."""
    before = _state(objects)
    with pytest.raises(error, match=re.escape(says)) as caught:
        yield caught
    assert _state(objects) == before
