"""Who builds surveys, sends their invitations and reads their results.

Headquarters builds and sends every survey; a training advisor those of the deliveries they
teach (training's own scope), an IVP coordinator those of visits. The same people read the
results, and a sponsor reads the results of the deliveries and visits their funding source
paid for (they fund the work and ask what it achieved), but never who answered: they see the
counts, distributions and free text only. Participants need no account: their pages are
guarded by the invitation's signed link.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from liaison.accounts.roles import Role, has_role, is_headquarters
from liaison.core.access import matches
from liaison.training.models import Delivery
from liaison.training.permissions import scope_deliveries, teaches_it

is_training_advisor = has_role(Role.TRAINING_ADVISOR)
is_ivp_coordinator = has_role(Role.IVP_COORDINATOR)
is_sponsor = has_role(Role.SPONSOR)
builders = is_headquarters | is_training_advisor | is_ivp_coordinator


@rules.predicate
def about_a_delivery(user: Any, survey: Any) -> bool:
    return survey is not None and survey.delivery_id is not None


@rules.predicate
def about_a_visit(user: Any, survey: Any) -> bool:
    return survey is not None and survey.visit_id is not None


@rules.predicate
def teaches_its_delivery(user: Any, survey: Any) -> bool:
    return about_a_delivery(user, survey) and teaches_it(user, survey.delivery)


def _funded_by(user: Any) -> Q | None:
    source = getattr(user, "funding_source_id", None)
    if source is None:
        return None
    return Q(delivery__funding_source_id=source) | Q(visit__sponsor_id=source)


@rules.predicate
def funds_it(user: Any, survey: Any) -> bool:
    condition = _funded_by(user)
    return survey is not None and condition is not None and matches(survey, condition)


def _scope(user: Any) -> Q | None:
    if is_headquarters(user):
        return Q()
    if is_training_advisor(user):
        return Q(delivery__in=scope_deliveries(user, Delivery.objects.all()))
    if is_ivp_coordinator(user):
        return Q(visit__isnull=False)
    if is_sponsor(user):
        return _funded_by(user)
    return None


def scope_surveys(user: Any, surveys: QuerySet[Any]) -> QuerySet[Any]:
    """The surveys ``surveys.view_survey`` lets the user see, as a filter."""
    condition = _scope(user)
    return surveys.none() if condition is None else surveys.filter(condition)


def scope_survey_deliveries(user: Any, deliveries: QuerySet[Any]) -> QuerySet[Any]:
    """The deliveries the user may build a survey of."""
    if is_headquarters(user):
        return deliveries
    if is_training_advisor(user):
        return scope_deliveries(user, deliveries)
    return deliveries.none()


def scope_survey_visits(user: Any, visits: QuerySet[Any]) -> QuerySet[Any]:
    """The visits the user may build a survey of."""
    return visits if is_headquarters(user) or is_ivp_coordinator(user) else visits.none()


changes_survey = (
    is_headquarters
    | (is_training_advisor & teaches_its_delivery)
    | (is_ivp_coordinator & about_a_visit)
)
reads_results = changes_survey | (is_sponsor & funds_it)

rules.add_perm("surveys.browse", builders | is_sponsor)
rules.add_perm("surveys.create", builders)
rules.add_perm("surveys.view_survey", reads_results)
rules.add_perm("surveys.change_survey", changes_survey)
rules.add_perm("surveys.invite", changes_survey)
rules.add_perm("surveys.view_results", reads_results)
