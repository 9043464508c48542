"""A partner's file between its preview and its apply: stored encrypted, run inline or queued.

Rosters and vetting results carry passport numbers and birth dates, so the uploaded bytes and
the preview built from them are Fernet tokens made with the personal-data keys (the same keys
as the encrypted model fields), stored in :class:`ImportFile`, never in the session or a temp
file. Only the user who uploaded a file can read it; it is deleted on apply, on cancel, or
after :data:`KEEP_FOR` by :func:`purge_import_files`, which each upload schedules.

Small files are previewed and applied in the request. A file of more than :data:`INLINE_ROWS`
rows runs in the task worker (``liaison db_worker``) and reports its progress on the row, which
the page polls. A domain app registers the two steps of its kind with
:func:`register_import_kind`; the worker calls them with the file's owner as the actor.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from cryptography.fernet import MultiFernet
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_tasks import task
from encrypted_fields.fields import EncryptedTextField

from liaison.core.models import ImportFile, ImportState

logger = logging.getLogger(__name__)

KEEP_FOR = timedelta(hours=24)
# Files with more rows than this are previewed and applied by the task worker.
INLINE_ROWS = 300
# A partner's roster or results file is far smaller; 10 MB holds well over 10,000 rows.
MAX_FILE_BYTES = 15 * 1024 * 1024
# Progress is written at most this often (rows), so reporting never costs more than the work.
PROGRESS_EVERY = 250

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ImportKind:
    """The two steps of one kind of import, as the domain app that owns it defines them."""

    preview: Callable[[ImportFile, Progress], None]
    apply: Callable[[ImportFile, Progress], str]


_KINDS: dict[str, ImportKind] = {}


def register_import_kind(
    kind: str,
    *,
    preview: Callable[[ImportFile, Progress], None],
    apply: Callable[[ImportFile, Progress], str],
) -> None:
    """Called from a domain app's ``ready()``: core knows no domain app by name."""
    _KINDS[kind] = ImportKind(preview=preview, apply=apply)


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    """The personal-data keys of the encrypted fields (first encrypts, all decrypt)."""
    field = EncryptedTextField()
    keys = field.f
    return keys if isinstance(keys, MultiFernet) else MultiFernet([keys])


def _seal(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def _open(token: bytes | memoryview) -> bytes:
    return _fernet().decrypt(bytes(token))


def estimate_rows(data: bytes) -> int:
    """About how many rows a file holds, without reading it as a table: line breaks in a
    text file, the size of the sheets in a workbook (a roster row is ~150 bytes of XML)."""
    if data[:4] != b"PK\x03\x04":
        return data.count(b"\n")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
            return sum(i.file_size for i in sheets) // 150
    except zipfile.BadZipFile:
        return 0


def import_file_store(
    *, owner: Any, kind: str, filename: str, data: bytes, target_id: int | None = None
) -> ImportFile:
    """Keep an upload, encrypted, for its owner; its deletion is scheduled at once."""
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    now = timezone.now()
    stored = ImportFile.objects.create(
        owner=owner,
        kind=kind,
        target_id=target_id,
        filename=filename[:255],
        size=len(data),
        payload=_seal(data),
        created_at=now,
        expires_at=now + KEEP_FOR,
    )
    transaction.on_commit(lambda: _schedule_purge(stored.expires_at))
    return stored


def _schedule_purge(when: Any) -> None:
    try:
        purge_import_files.using(run_after=when + timedelta(minutes=1)).enqueue()
    except Exception:  # the queue being down must not lose the upload; the next purge runs it
        logger.exception("Could not schedule the purge of uploaded files")


def import_file_get(*, user: Any, pk: int, kind: str, target_id: int | None = None) -> ImportFile:
    """The user's own upload of this kind (and target), or 404: nobody reads another's file."""
    found = ImportFile.objects.filter(
        pk=pk, kind=kind, owner_id=getattr(user, "pk", None), expires_at__gt=timezone.now()
    )
    if target_id is not None:
        found = found.filter(target_id=target_id)
    stored = found.first()
    if stored is None:
        raise Http404("This upload is gone: it was applied, cancelled or has expired.")
    return stored


def import_file_data(stored: ImportFile) -> bytes:
    if not stored.payload:
        raise ValueError("The file was deleted when it was applied.")
    return _open(stored.payload)


def import_file_preview(stored: ImportFile) -> dict[str, Any] | None:
    """The stored preview (plain JSON data), or None before the first one."""
    if not stored.preview:
        return None
    loaded: dict[str, Any] = json.loads(_open(stored.preview))
    return loaded


def import_file_save_preview(
    stored: ImportFile, preview: dict[str, Any], *, rows: int | None = None
) -> None:
    stored.preview = _seal(json.dumps(preview, separators=(",", ":")).encode())
    stored.state = ImportState.PREVIEWED
    stored.message = ""
    if rows is not None:
        stored.rows = rows
    stored.save(update_fields=["preview", "state", "message", "rows"])


def import_file_decide(stored: ImportFile, decisions: dict[str, Any]) -> None:
    """Merge the user's answers into the stored ones (a page may show only some rows)."""
    merged = dict(stored.decisions)
    for key, value in decisions.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    stored.decisions = merged
    stored.save(update_fields=["decisions"])


def import_file_applied(stored: ImportFile, message: str) -> None:
    """The file is deleted on apply; the row keeps the outcome for the page until it expires."""
    stored.payload = b""
    stored.preview = b""
    stored.state = ImportState.APPLIED
    stored.message = message
    stored.save(update_fields=["payload", "preview", "state", "message"])


def import_file_discard(*, user: Any, stored: ImportFile) -> None:
    """Cancel: the file and its preview are deleted now."""
    if stored.owner_id != getattr(user, "pk", None):
        raise Http404("This upload is not yours.")
    stored.delete()


def progress_reporter(stored: ImportFile) -> Progress:
    """Write progress onto the row (outside any transaction the work may hold open)."""

    def report(done: int, total: int, label: str) -> None:
        ImportFile.objects.filter(pk=stored.pk).update(
            progress_done=done, progress_total=total, progress_label=label[:120]
        )

    return report


def no_progress(done: int, total: int, label: str) -> None:
    """The progress of work done inline, in the request: nobody polls it."""


def import_step_queue(stored: ImportFile, step: str) -> None:
    """Hand a step to the task worker once the caller's transaction commits."""
    stored.state = ImportState.QUEUED
    stored.step = step
    stored.progress_done = 0
    stored.progress_total = 0
    stored.progress_label = "Waiting for the worker"
    stored.message = ""
    stored.save(
        update_fields=[
            "state",
            "step",
            "progress_done",
            "progress_total",
            "progress_label",
            "message",
        ]
    )
    transaction.on_commit(lambda: run_import_step.enqueue(stored.pk, step))


def import_step_run(stored: ImportFile, step: str) -> None:
    """Run a queued step now (the worker's body): a failure is kept on the row, with why."""
    kind = _KINDS.get(stored.kind)
    if kind is None:
        raise LookupError(f"No import kind {stored.kind!r} is registered.")
    ImportFile.objects.filter(pk=stored.pk).update(state=ImportState.RUNNING)
    stored.state = ImportState.RUNNING
    report = progress_reporter(stored)
    try:
        if step == "apply":
            kind.apply(stored, report)
        else:
            kind.preview(stored, report)
    except Exception as error:
        logger.exception("Import %s (%s) failed", stored.pk, step)
        message = " ".join(getattr(error, "messages", None) or [str(error)])
        ImportFile.objects.filter(pk=stored.pk).update(
            state=ImportState.FAILED, message=f"Nothing was written. {message}"[:2000]
        )


@task()
def run_import_step(import_id: int, step: str) -> None:
    """The worker's side of a large import; a file deleted meanwhile is simply skipped."""
    stored = ImportFile.objects.filter(pk=import_id, expires_at__gt=timezone.now()).first()
    if stored is None or stored.state == ImportState.APPLIED:
        return
    import_step_run(stored, step)


def import_files_purge() -> int:
    """Delete every upload past its time; returns how many."""
    deleted, _ = ImportFile.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


@task()
def purge_import_files() -> int:
    return import_files_purge()
