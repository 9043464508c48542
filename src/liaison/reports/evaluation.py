"""Training evaluated at every level, per delivery, course, participants' country or fiscal
year: reaction (level 1) from the end-of-course surveys, learning (level 2) from the pre- and
post-tests, behaviour (level 3) from the follow-up surveys of graduates and their supervisors,
results (level 4) as the change in the SAFE scores of the standards the course builds. Visits
are evaluated at level 1, from the end-of-visit surveys, per visit, country or fiscal year.
Each level comes from its own program's reads, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from statistics import mean
from typing import Any

from django.db.models import F
from django.urls import reverse

from liaison.capacity.selectors import StandardChange, standard_changes_after
from liaison.core.access import require_perm
from liaison.core.fiscal import FiscalYear, fiscal_year_of, fiscal_year_of_field
from liaison.partners.models import Country
from liaison.surveys.models import Purpose, Survey
from liaison.surveys.selectors import SurveyLevel, survey_levels
from liaison.training.models import Delivery, DeliveryStatus, Enrollment
from liaison.training.selectors import Learning, delivery_list, learning_by
from liaison.visits.selectors import visit_list

GROUPS = {
    "delivery": "Delivery",
    "course": "Course",
    "visit": "Visit",
    "country": "Participants' country",
    "fiscal_year": "Fiscal year",
}
# Which groupings each program's table answers (a visit has no course; a delivery is no visit).
TRAINING_GROUPS = ("delivery", "course", "country", "fiscal_year")
VISIT_GROUPS = ("visit", "country", "fiscal_year")
FOLLOW_UPS = (Purpose.GRADUATE_FOLLOW_UP, Purpose.SUPERVISOR_FOLLOW_UP)


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
    reaction: SurveyLevel | None
    learning: Learning | None
    behaviour: SurveyLevel | None
    results: Results | None


@dataclass(frozen=True)
class VisitRow:
    key: Any
    label: str
    url: str
    reaction: SurveyLevel


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


def _survey_key(group: str, subject: str, via: str) -> Any:
    """The grouping of survey invitations (``via`` "") or answers (``via`` "response__") of a
    delivery's or a visit's surveys (``subject``), as a database expression."""
    if group == "country":
        # Training: the participant's own country (unknown for an anonymous answer); a visit:
        # the delegation's.
        if subject == "delivery":
            return F(f"{via}person__nationality_id")
        return F(f"{via}survey__visit__country_id")
    if group == "fiscal_year":
        return fiscal_year_of_field(f"{via}survey__{subject}__starts_on")
    if group == "course":
        return F(f"{via}survey__delivery__course_id")
    return F(f"{via}survey__{subject}_id")


def _levels(surveys: Any, group: str, subject: str) -> dict[Any, SurveyLevel]:
    return survey_levels(
        surveys=surveys,
        invitation_key=_survey_key(group, subject, ""),
        answer_key=_survey_key(group, subject, "response__"),
    )


def training_evaluation(
    *, user: Any, fiscal_year: int | None = None, group: str = "course", search: str = ""
) -> list[EvaluationRow]:
    """One row per group (``TRAINING_GROUPS``) of the deliveries the user may see (cancelled
    ones left out), most deliveries first: how many, and each level measured for them."""
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
    surveys = Survey.objects.filter(delivery__in=deliveries)
    reaction = _levels(surveys.filter(purpose=Purpose.END_OF_COURSE), group, "delivery")
    behaviour = _levels(surveys.filter(purpose__in=FOLLOW_UPS), group, "delivery")
    rows = [
        EvaluationRow(
            key,
            *grouping.label(key),
            count,
            reaction.get(key),
            learning.get(key),
            behaviour.get(key),
            _results(changes[key]),
        )
        for key, count in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.deliveries, r.label))


def visit_evaluation(
    *, user: Any, fiscal_year: int | None = None, group: str = "visit", search: str = ""
) -> list[VisitRow]:
    """Level 1 of the visits the user may see, per group (``VISIT_GROUPS``): one row for each
    group whose delegates were asked, the most asked first."""
    require_perm(user, "reports.view_evaluation")
    visits = visit_list(user=user, search=search)
    if fiscal_year:
        visits = visits.filter(
            starts_on__gte=FiscalYear(fiscal_year).start, starts_on__lte=FiscalYear(fiscal_year).end
        )
    reaction = _levels(
        Survey.objects.filter(visit__in=visits, purpose=Purpose.END_OF_VISIT), group, "visit"
    )
    labels: dict[Any, tuple[str, str]]
    if group == "visit":
        labels = {
            v.pk: (
                f"#{v.pk} {v.country.name}: {v.purpose[:60]}",
                reverse("visits:visit_detail", args=[v.pk]),
            )
            for v in visits.filter(pk__in=reaction).select_related("country")
        }
    elif group == "country":
        labels = {
            pk: (name, reverse("partners:country_detail", args=[code]))
            for pk, name, code in Country.objects.filter(pk__in=reaction).values_list(
                "pk", "name", "code"
            )
        }
    else:
        labels = {year: (f"FY{year}", "") for year in reaction}
    rows = [VisitRow(key, *labels[key], level) for key, level in reaction.items() if key in labels]
    return sorted(rows, key=lambda r: (-r.reaction.invited, r.label))


@dataclass(frozen=True)
class Evaluation:
    """The page's two tables; None where the grouping does not apply or the reader does not
    follow that program."""

    training: list[EvaluationRow] | None
    visits: list[VisitRow] | None


def evaluation(
    *, user: Any, fiscal_year: int | None = None, group: str = "course", search: str = ""
) -> Evaluation:
    require_perm(user, "reports.view_evaluation")
    training = group in TRAINING_GROUPS and user.has_perm("training.browse")
    visits = group in VISIT_GROUPS and user.has_perm("visits.browse")
    return Evaluation(
        training_evaluation(user=user, fiscal_year=fiscal_year, group=group, search=search)
        if training
        else None,
        visit_evaluation(user=user, fiscal_year=fiscal_year, group=group, search=search)
        if visits
        else None,
    )
