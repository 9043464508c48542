"""The instructor deployments recorded in training move here, under the same ids, with their
history rows; training.0002 then drops its tables. Their audit entries stay as written
(object type "training.deployment", the same id): the trail is append-only.

Backwards, the deployments go back to training's table (their program, country and status,
which training never had, are lost) and leave this one empty again."""

from django.core.management.color import no_style
from django.db import migrations
from django.utils import timezone

MOVED = ("id", "staff_id", "starts_on", "ends_on", "description")
HISTORY = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _reset_sequences(schema_editor, models):
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        schema_editor.execute(sql)


def _first_seen(history):
    """Each deployment's first history date: when it was created (training kept no date)."""
    first = {}
    for row in history.objects.order_by("history_date", "history_id").values("id", "history_date"):
        first.setdefault(row["id"], row["history_date"])
    return first


def forwards(apps, schema_editor):
    Old = apps.get_model("training", "Deployment")
    OldHistory = apps.get_model("training", "HistoricalDeployment")
    New = apps.get_model("postings", "Deployment")
    NewHistory = apps.get_model("postings", "HistoricalDeployment")
    now = timezone.now()
    created = _first_seen(OldHistory)
    New.objects.bulk_create(
        [
            New(**row, status="scheduled", created_at=created.get(row["id"], now))
            for row in Old.objects.order_by("id").values(*MOVED)
        ],
        batch_size=1000,
    )
    NewHistory.objects.bulk_create(
        [
            NewHistory(
                **row,
                status="scheduled",
                cancel_reason="",
                created_at=created.get(row["id"], now),
            )
            for row in OldHistory.objects.order_by("history_id").values(
                "history_id", *MOVED, *HISTORY
            )
        ],
        batch_size=1000,
    )
    _reset_sequences(schema_editor, [New, NewHistory])


def backwards(apps, schema_editor):
    Old = apps.get_model("training", "Deployment")
    OldHistory = apps.get_model("training", "HistoricalDeployment")
    New = apps.get_model("postings", "Deployment")
    NewHistory = apps.get_model("postings", "HistoricalDeployment")
    Old.objects.bulk_create(
        [Old(**row) for row in New.objects.order_by("id").values(*MOVED)], batch_size=1000
    )
    OldHistory.objects.bulk_create(
        [
            OldHistory(**row)
            for row in NewHistory.objects.order_by("history_id").values(
                "history_id", *MOVED, *HISTORY
            )
        ],
        batch_size=1000,
    )
    NewHistory.objects.all().delete()
    New.objects.all().delete()
    _reset_sequences(schema_editor, [Old, OldHistory])


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0001_initial"),
        ("training", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
