"""Benchmark the roster import on a partner's 10,000-row file against the demo registry.

Builds the demo once in the chosen database (``DATABASE_URL``), writes a semicolon-separated
roster the way a Spanish-locale Excel saves it (title row, Spanish headers, day-first dates,
agencies as partners write them, a tenth of the rows registered people typed another way, a
few people twice), then times the two steps the task worker runs: the preview and the apply.
The user's answers are checked again (as the page's "Check again" does) before the apply. The
apply runs in a transaction that is rolled back, so the registry stays as built and runs
repeat. The last line printed is one JSON object.
"""

from __future__ import annotations

import csv
import io
import json
import random
import resource
import time
from datetime import date
from typing import Any

from anyascii import anyascii
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from faker import Faker

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.core.imports import import_file_decide, import_file_preview, import_file_store
from liaison.core.locales import faker_locale_for_country
from liaison.demo.build import build_demo
from liaison.partners.models import Agency
from liaison.people.matching import is_native_script
from liaison.people.models import Person
from liaison.training import roster_file
from liaison.training.models import Delivery, DeliveryStatus
from liaison.training.services import roster_import_check, roster_import_write

HEADER = [
    "Apellidos",
    "Nombres",
    "Sexo",
    "Fecha de nacimiento",
    "Nacionalidad",
    "N° de pasaporte",
    "Institución",
    "Cargo",
    "Correo electrónico",
    "Teléfono",
    "Hotel",
]


def _faker(locale: str, seed: int) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(seed)
    return fake


def _roster(rows: int, seed: int) -> bytes:
    """A roster as partners send it; ``rows`` participants under a title row."""
    rng = random.Random(seed)
    registered = list(
        Person.objects.active()
        .select_related("nationality", "agency")
        .order_by("pk")[: max(rows // 10, 1)]
    )
    agencies = list(Agency.objects.select_related("country").order_by("pk"))
    fakers: dict[str, Faker] = {}
    buffer = io.StringIO()
    lines = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    lines.writerow(["Lista de participantes"] + [""] * (len(HEADER) - 1))
    lines.writerow(HEADER)
    for index in range(rows):
        if index % 10 == 0 and registered:
            person = registered[(index // 10) % len(registered)]
            family = person.family_name.upper()
            given = person.given_name
            born = person.birth_date
            country = person.nationality.name if person.nationality else ""
            agency = person.agency.acronym if person.agency and person.agency.acronym else ""
        else:
            agency_row = rng.choice(agencies)
            fake = fakers.setdefault(
                str(agency_row.country.code),
                _faker(faker_locale_for_country(str(agency_row.country.code)), seed),
            )
            family, given = fake.last_name(), fake.first_name()
            if is_native_script(family + given):
                family, given = anyascii(family).title(), anyascii(given).title()
            born = None
            country = str(agency_row.country.code)
            agency = (
                agency_row.name if rng.random() < 0.8 else f"{agency_row.name} (Dirección Regional)"
            )
        day = born or date(1960 + rng.randrange(40), 1 + rng.randrange(12), 13 + rng.randrange(15))
        passport = f"P{index:08d}" if index % 500 else f"P{index - 1:08d}"  # a few people twice
        lines.writerow(
            [
                family,
                given,
                rng.choice(["F", "M", "Femenino", "Masculino", ""]),
                f"{day.day:02d}/{day.month:02d}/{day.year}",
                country,
                passport,
                agency,
                "Oficial de aduanas",
                f"p{index}@example.org",
                f"+51 9{index:08d}",
                "Sheraton",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


class Command(BaseCommand):
    help = "Time the preview and the apply of a 10,000-row roster against the demo registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2015)

    def handle(self, *args: Any, **options: Any) -> None:
        built = build_demo()
        # Earlier runs' rolled-back rows leave dead tuples (PostgreSQL) or a long write-ahead
        # log (SQLite) behind: each run measures clean tables.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.stdout.write(
            f"Demo registry: {built.people} people ({'built' if built.created else 'reused'})"
        )
        manager = User.objects.filter(role=Role.PROGRAM_MANAGER).order_by("pk").first()
        assert manager is not None, "The demo has a program manager."
        delivery = (
            Delivery.objects.filter(status=DeliveryStatus.PLANNED).order_by("-starts_on").first()
        )
        assert delivery is not None, "The demo has a planned delivery."
        data = _roster(options["rows"], options["seed"])
        upload = import_file_store(
            owner=manager,
            kind=roster_file.KIND,
            target_id=delivery.pk,
            filename="roster.csv",
            data=data,
        )
        import_file_decide(upload, {"date_order": "dmy"})
        started = time.perf_counter()
        roster_import_check(actor=manager, delivery=delivery, upload=upload)
        preview_seconds = time.perf_counter() - started
        preview = import_file_preview(upload) or {}
        answers = {str(d["second"]): roster_file.KEEP_FIRST for d in preview.get("duplicates", [])}
        import_file_decide(upload, {"duplicates": answers})
        started = time.perf_counter()
        roster_import_check(actor=manager, delivery=delivery, upload=upload)
        self.stdout.write(
            f"Preview: {preview.get('counts')}; {len(answers)} duplicate pairs answered, "
            f"checked again in {time.perf_counter() - started:.2f} s"
        )
        with transaction.atomic():
            started = time.perf_counter()
            result = roster_import_write(actor=manager, delivery=delivery, upload=upload)
            apply_seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        upload.delete()
        self.stdout.write(f"Apply: {result}")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            json.dumps(
                {
                    "rows": options["rows"],
                    "preview_seconds": round(preview_seconds, 2),
                    "apply_seconds": round(apply_seconds, 2),
                    "peak_mb": round(peak_mb, 1),
                    "database": connection.vendor,
                }
            )
        )
