"""The duplicate matcher's stored keys, rebuilt for KEYS_VERSION 3: near-date lookups, the new
two-letter keys and particles, and the BLAKE2b keyed hash (decision 4). Keys are derived data,
rebuilt from the names with the matcher of this release; nothing is lost."""

from typing import Any

from django.db import migrations


def rebuild(apps: Any, schema_editor: Any) -> None:
    from liaison.people.indexing import rebuild_match_keys

    rebuild_match_keys()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
