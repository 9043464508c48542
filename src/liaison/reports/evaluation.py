"""Training evaluated at every level, per delivery, course, country or fiscal year:
reaction (level 1) and behaviour (level 3) from the surveys, learning (level 2) from the pre-
and post-tests, results (level 4) as the change in the SAFE scores of the standards the course
builds. Each level comes from its own program's reads, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from statistics import mean
from typing import Any

from django.urls import reverse

from liaison.capacity.selectors import StandardChange, standard_changes_after
from liaison.core.access import require_perm
from liaison.core.fiscal import fiscal_year_of
from liaison.partners.models import Country
from liaison.training.models import Delivery, DeliveryStatus, Enrollment
from liaison.training.selectors import Learning, delivery_list, learning_by

GROUPS = {
    "delivery": "Delivery",
    "course": "Course",
    "country": "Participants' country",
    "fiscal_year": "Fiscal year",
}


@dataclass(frozen=True)
class Results:
    """Level 4 for a group: the standards measured either side of its deliveries."""

    measured: int
    improved: int
    mean_change: float


@dataclass(frozen=True)
class EvaluationRow:
    key: Any
    label: str
    url: str
    deliveries: int
    learning: Learning | None
    results: Results | None


def _results(changes: list[StandardChange]) -> Results | None:
    if not changes:
        return None
    return Results(
        len(changes), sum(c.change > 0 for c in changes), mean(c.change for c in changes)
    )


@dataclass(frozen=True)
class _Grouping:
    keys: Callable[[Delivery], list[Any]]  # the groups a delivery counts in
    key_of_change: Callable[[StandardChange], Any]
    label: Callable[[Any], tuple[str, str]]  # what the row says, and where it links


def _by_country(deliveries: Any) -> _Grouping:
    """A delivery counts for every country its participants came from; a SAFE change for the
    country of the administration it was measured in."""
    countries: dict[int, list[int]] = defaultdict(list)
    for delivery_id, country_id in (
        Enrollment.objects.filter(delivery__in=deliveries, person__nationality__isnull=False)
        .values_list("delivery_id", "person__nationality_id")
        .distinct()
        .order_by("person__nationality_id")
    ):
        countries[delivery_id].append(country_id)
    names = {
        pk: (name, reverse("partners:country_detail", args=[code]))
        for pk, name, code in Country.objects.filter(
            pk__in={c for found in countries.values() for c in found}
        ).values_list("pk", "name", "code")
    }
    return _Grouping(lambda d: countries[d.pk], lambda c: c.country_id, lambda k: names[k])


def _by_delivery_field(group: str, held: list[Delivery]) -> _Grouping:
    by_pk = {d.pk: d for d in held}
    courses = {d.course_id: d.course for d in held}

    def key(delivery: Delivery) -> Any:
        if group == "delivery":
            return delivery.pk
        if group == "course":
            return delivery.course_id
        return fiscal_year_of(delivery.starts_on).year

    def label(k: Any) -> tuple[str, str]:
        if group == "delivery":
            d = by_pk[k]
            where = f"{d.course.code} at {d.venue.name}, {d.starts_on:%-d %b %Y}"
            return where, reverse("training:delivery_detail", args=[k])
        if group == "course":
            course = courses[k]
            return f"{course.code} {course.title}", reverse("catalog:course_detail", args=[k])
        return f"FY{k}", ""

    return _Grouping(lambda d: [key(d)], lambda c: key(by_pk[c.delivery_id]), label)


def training_evaluation(
    *, user: Any, fiscal_year: int | None = None, group: str = "course", search: str = ""
) -> list[EvaluationRow]:
    """One row per group (``GROUPS``) of the deliveries the user may see (cancelled ones left
    out), most deliveries first: how many, and each level measured for them."""
    require_perm(user, "reports.view_evaluation")
    deliveries = delivery_list(user=user, fiscal_year=fiscal_year, search=search).exclude(
        status=DeliveryStatus.CANCELLED
    )
    held = list(deliveries.select_related("course", "venue").order_by("starts_on", "pk"))
    grouping = _by_country(deliveries) if group == "country" else _by_delivery_field(group, held)
    counts: dict[Any, int] = defaultdict(int)
    for delivery in held:
        for key in grouping.keys(delivery):
            counts[key] += 1
    changes: dict[Any, list[StandardChange]] = defaultdict(list)
    for change in standard_changes_after(deliveries=held):
        changes[grouping.key_of_change(change)].append(change)
    learning = learning_by(deliveries=deliveries, group=group)
    rows = [
        EvaluationRow(key, *grouping.label(key), count, learning.get(key), _results(changes[key]))
        for key, count in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.deliveries, r.label))
