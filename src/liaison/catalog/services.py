"""Every change to the catalog: reference loading, courses, venues, funding sources."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from liaison.audit.services import apply_changes, audit_log, diff, snapshot
from liaison.catalog.models import (
    Course,
    FundingSource,
    Level,
    ProgramArea,
    SafeEdition,
    SafePillar,
    SafeStandard,
    Venue,
)
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
    "estimated_cost",
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


@transaction.atomic
def reference_safe_framework_load() -> dict[str, int]:
    """The SAFE Framework's editions, pillars and standards, then the courses' standards (on
    a course only while it has none of that edition, so a manager's edits stay); safe to run
    again."""
    editions: dict[str, SafeEdition] = {}
    pillars: dict[tuple[str, int], SafePillar] = {}
    for row in reference.rows("safe_editions"):
        edition, _ = SafeEdition.objects.update_or_create(
            code=row["code"],
            defaults={
                "title": row["title"],
                "published_on": row["published"] or None,
                "note": row["note"],
            },
        )
        editions[edition.code] = edition
        for number in (1, 2, 3):
            if title := row[f"pillar_{number}"]:
                pillars[edition.code, number], _ = SafePillar.objects.update_or_create(
                    edition=edition, number=number, defaults={"title": title}
                )
    standards: dict[tuple[str, str], SafeStandard] = {}
    for row in reference.rows("safe_framework"):
        for code in row["editions"].split():
            pillar = pillars[code, int(row["pillar"])]
            standard, _ = SafeStandard.objects.update_or_create(
                pillar=pillar,
                number=int(row["number"]),
                defaults={
                    "edition": editions[code],
                    "kind": row["kind"],
                    "title": row["title"],
                    "note": row["note"],
                },
            )
            standards[code, f"{row['pillar']}.{row['number']}"] = standard
    courses = {c.code: c for c in Course.objects.prefetch_related("standards")}
    mapped: dict[Course, list[SafeStandard]] = {}
    for row in reference.rows("course_safe_standards"):
        course = courses.get(row["course"])
        if course is None:
            continue
        for code in editions:
            found = standards.get((code, f"{row['pillar']}.{row['number']}"))
            if found is not None and not any(
                s.edition_id == editions[code].pk for s in course.standards.all()
            ):
                mapped.setdefault(course, []).append(found)
    for course, chosen in mapped.items():
        course.standards.add(*chosen)
    required: dict[Course, list[Course]] = {}
    for row in reference.rows("course_prerequisites"):
        course, prerequisite = courses.get(row["course"]), courses.get(row["prerequisite"])
        if course is not None and prerequisite is not None:
            required.setdefault(course, []).append(prerequisite)
    for course, prerequisites in required.items():
        if not course.prerequisites.exists():
            course.prerequisites.add(*prerequisites)
    return {"safe_editions": len(editions), "safe_standards": len(standards)}


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
def course_set_standards(
    *, actor: Any, course: Course, standards: Iterable[SafeStandard]
) -> Course:
    """The SAFE standards the course builds: capacity-building plans choose courses by them."""
    require_perm(actor, "catalog.change")
    before = sorted(str(s) for s in course.standards.select_related("pillar"))
    course.standards.set(list(standards))
    after = sorted(str(s) for s in course.standards.select_related("pillar"))
    if before != after:
        audit_log(
            actor=actor,
            action="course.standards_changed",
            obj=course,
            changes={"standards": ["; ".join(before), "; ".join(after)]},
        )
    return course


@transaction.atomic
def course_set_prerequisites(
    *, actor: Any, course: Course, prerequisites: Iterable[Course]
) -> Course:
    """The courses a participant (and a capacity-building plan) takes before this one; a
    course cannot require itself, directly or through others."""
    require_perm(actor, "catalog.change")
    chosen = list(prerequisites)
    if course.pk is not None and _requires(chosen, course):
        raise ValidationError(
            {"prerequisites": f"{course.code} cannot require itself, directly or through others."}
        )
    before = sorted(c.code for c in course.prerequisites.all())
    course.prerequisites.set(chosen)
    after = sorted(c.code for c in chosen)
    if before != after:
        audit_log(
            actor=actor,
            action="course.prerequisites_changed",
            obj=course,
            changes={"prerequisites": [", ".join(before), ", ".join(after)]},
        )
    return course


def _requires(start: list[Course], target: Course) -> bool:
    """Whether ``target`` is among ``start`` or their prerequisites, transitively (one query
    reads every prerequisite link)."""
    links: dict[int, set[int]] = {}
    for course_id, prerequisite_id in Course.prerequisites.through.objects.values_list(
        "from_course_id", "to_course_id"
    ):
        links.setdefault(course_id, set()).add(prerequisite_id)
    seen: set[int] = set()
    todo = [c.pk for c in start]
    while todo:
        current = todo.pop()
        if current == target.pk:
            return True
        if current not in seen:
            seen.add(current)
            todo.extend(links.get(current, ()))
    return False


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
