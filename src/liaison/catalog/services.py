"""Every change to the catalog: reference loading, courses, venues, funding sources."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from liaison.audit.services import apply_changes, audit_log, diff, snapshot
from liaison.catalog.models import Course, FundingSource, Level, ProgramArea, Venue
from liaison.core import reference
from liaison.core.access import require_perm
from liaison.partners.models import Country
from liaison.people.models import Staff

COURSE_FIELDS = (
    "code",
    "title",
    "area",
    "topics",
    "environment",
    "level",
    "length_days",
    "pass_mark",
    "co_delivered_with",
    "active",
)
VENUE_FIELDS = ("code", "name", "kind", "city", "country", "capacity", "note")
FUNDING_FIELDS = ("code", "name", "kind", "note")
ACADEMY_CAPACITY = 40


def _level_of(code: str, title: str) -> str:
    """The shipped catalog has no level column: course numbers and titles say it."""
    if "train-the-trainer" in title.lower():
        return Level.TRAIN_THE_TRAINER
    number = code.rsplit("-", 1)[-1]
    return Level.BASIC if number.startswith("1") else Level.ADVANCED


@transaction.atomic
def reference_catalog_load() -> dict[str, int]:
    """Load program areas, funding sources, courses and academies; safe to run again."""
    areas = {}
    for row in reference.rows("program_areas"):
        areas[row["code"]], _ = ProgramArea.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "description": row["description"]}
        )
    for row in reference.rows("funding_sources"):
        FundingSource.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "kind": row["kind"], "note": row["note"]},
        )
    courses = 0
    for row in reference.rows("course_topics"):
        Course.objects.get_or_create(
            code=row["code"],
            defaults={
                "title": row["title"],
                "area": areas[row["program_area"]],
                "environment": row["environment"],
                "level": _level_of(row["code"], row["title"]),
                "length_days": int(row["typical_days"]),
                "co_delivered_with": row["co_delivered_with"],
            },
        )
        courses += 1
    venues = 0
    for row in reference.rows("academies"):
        Venue.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "city": row["city"],
                "country": Country.objects.get(code=row["country_iso2"]),
                "capacity": ACADEMY_CAPACITY,
                "note": row["note"],
            },
        )
        venues += 1
    return {"areas": len(areas), "courses": courses, "venues": venues}


def _create(
    actor: Any,
    model: type[models.Model],
    fields: Iterable[str],
    action: str,
    values: dict[str, Any],
) -> Any:
    require_perm(actor, "catalog.change")
    obj = model(**{k: v.strip() if isinstance(v, str) else v for k, v in values.items()})
    obj.full_clean()
    obj.save()
    audit_log(actor=actor, action=action, obj=obj, changes=diff({}, snapshot(obj, fields)))
    return obj


def _full_clean(obj: models.Model) -> None:
    obj.full_clean()


@transaction.atomic
def course_create(*, actor: Any, **values: Any) -> Course:
    course: Course = _create(actor, Course, COURSE_FIELDS, "course.created", values)
    return course


@transaction.atomic
def course_update(*, actor: Any, course: Course, **changes: Any) -> Course:
    require_perm(actor, "catalog.change")
    apply_changes(
        actor=actor,
        obj=course,
        changes=changes,
        fields=COURSE_FIELDS,
        action="course.updated",
        validate=_full_clean,
    )
    return course


@transaction.atomic
def course_set_qualified_instructors(
    *, actor: Any, course: Course, instructors: Iterable[Staff]
) -> Course:
    """Who may teach the course: the instructor rule of deliveries reads this list."""
    require_perm(actor, "catalog.change")
    before = sorted(str(s) for s in course.qualified_instructors.all())
    course.qualified_instructors.set(list(instructors))
    after = sorted(str(s) for s in course.qualified_instructors.all())
    if before != after:
        audit_log(
            actor=actor,
            action="course.instructors_changed",
            obj=course,
            changes={"qualified_instructors": [", ".join(before), ", ".join(after)]},
        )
    return course


@transaction.atomic
def venue_create(*, actor: Any, **values: Any) -> Venue:
    venue: Venue = _create(actor, Venue, VENUE_FIELDS, "venue.created", values)
    return venue


@transaction.atomic
def venue_update(*, actor: Any, venue: Venue, **changes: Any) -> Venue:
    require_perm(actor, "catalog.change")
    apply_changes(
        actor=actor,
        obj=venue,
        changes=changes,
        fields=VENUE_FIELDS,
        action="venue.updated",
        validate=_full_clean,
    )
    return venue


@transaction.atomic
def funding_source_create(*, actor: Any, **values: Any) -> FundingSource:
    source: FundingSource = _create(
        actor, FundingSource, FUNDING_FIELDS, "funding_source.created", values
    )
    return source


@transaction.atomic
def funding_source_update(*, actor: Any, source: FundingSource, **changes: Any) -> FundingSource:
    require_perm(actor, "catalog.change")
    apply_changes(
        actor=actor,
        obj=source,
        changes=changes,
        fields=FUNDING_FIELDS,
        action="funding_source.updated",
        validate=_full_clean,
    )
    return source
