"""The instructor deployments recorded in training move to postings with their history, under
the same ids, and go back if the migrations are undone: no row is lost either way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from liaison.audit.models import AuditEntry

BEFORE: list[tuple[str, str]] = [("training", "0001_initial"), ("postings", "0001_initial")]


def _migrate(targets: Sequence[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_training_deployments_move_to_postings_and_back():
    old = _migrate(BEFORE)
    try:
        Staff = old.get_model("people", "Staff")
        Deployment = old.get_model("training", "Deployment")
        History = old.get_model("training", "HistoricalDeployment")
        staff = Staff.objects.create(kind="instructor", given_name="Ada", family_name="Vise")
        rows = [
            Deployment.objects.create(
                staff=staff,
                starts_on=date(2025, 5, d),
                ends_on=date(2025, 5, d + 4),
                description=f"TDY {d}",
            )
            for d in (1, 10, 20)
        ]
        Deployment.objects.filter(pk=rows[0].pk).delete()  # gone, but its history stays
        created = datetime(2025, 4, 1, 12, tzinfo=UTC)
        for row in rows:
            History.objects.create(
                id=row.pk,
                staff_id=staff.pk,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                description=row.description,
                history_date=created,
                history_type="+",
            )
        AuditEntry.objects.create(
            action="deployment.created",
            object_type="training.deployment",
            object_id=str(rows[1].pk),
        )
        kept = sorted(
            Deployment.objects.values_list("id", "staff_id", "starts_on", "ends_on", "description")
        )
        history = sorted(
            History.objects.values_list("history_id", "id", "description", "history_type")
        )

        new = _migrate(_latest())
        Moved = new.get_model("postings", "Deployment")
        MovedHistory = new.get_model("postings", "HistoricalDeployment")
        assert (
            sorted(
                Moved.objects.values_list("id", "staff_id", "starts_on", "ends_on", "description")
            )
            == kept
        )
        assert set(Moved.objects.values_list("status", flat=True)) == {"scheduled"}
        assert set(Moved.objects.values_list("created_at", flat=True)) == {created}
        assert (
            sorted(
                MovedHistory.objects.values_list("history_id", "id", "description", "history_type")
            )
            == history
        )
        # The audit trail is append-only: the entry stays under the name it was written with.
        assert AuditEntry.objects.filter(object_type="training.deployment").count() == 1
        # New deployments take new ids, after the moved ones.
        fresh = Moved.objects.create(
            staff_id=staff.pk,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 1, 2),
            description="New",
        )
        assert fresh.pk > max(pk for pk, *_ in kept)
        Moved.objects.filter(pk=fresh.pk).delete()

        back = _migrate(BEFORE)
        Restored = back.get_model("training", "Deployment")
        RestoredHistory = back.get_model("training", "HistoricalDeployment")
        assert (
            sorted(
                Restored.objects.values_list(
                    "id", "staff_id", "starts_on", "ends_on", "description"
                )
            )
            == kept
        )
        assert (
            sorted(
                RestoredHistory.objects.values_list(
                    "history_id", "id", "description", "history_type"
                )
            )
            == history
        )
        assert not back.get_model("postings", "Deployment").objects.exists()
    finally:
        _migrate(_latest())
