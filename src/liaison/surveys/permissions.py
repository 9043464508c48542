"""Who builds surveys, sends their invitations and reads their results.

Headquarters and the training advisors build and send the surveys of deliveries; headquarters
and the IVP coordinators those of visits. The same people read the results, and sponsors read
results too (they fund the work and ask what it achieved), but never who answered: they see
the counts, distributions and free text only. Participants need no account: their pages are
guarded by the invitation's signed link.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from liaison.accounts.roles import Role, has_role, is_headquarters

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


def _builder_scope(user: Any) -> Q | None:
    if is_headquarters(user):
        return Q()
    if is_training_advisor(user):
        return Q(delivery__isnull=False)
    if is_ivp_coordinator(user):
        return Q(visit__isnull=False)
    return None


def scope_surveys(user: Any, surveys: QuerySet[Any]) -> QuerySet[Any]:
    """The surveys ``surveys.view_survey`` lets the user see, as a filter."""
    if is_sponsor(user):
        return surveys
    condition = _builder_scope(user)
    return surveys.none() if condition is None else surveys.filter(condition)


changes_survey = (
    is_headquarters
    | (is_training_advisor & about_a_delivery)
    | (is_ivp_coordinator & about_a_visit)
)

rules.add_perm("surveys.browse", builders | is_sponsor)
rules.add_perm("surveys.create", builders)
rules.add_perm("surveys.view_survey", changes_survey | is_sponsor)
rules.add_perm("surveys.change_survey", changes_survey)
rules.add_perm("surveys.invite", changes_survey)
rules.add_perm("surveys.view_results", changes_survey | is_sponsor)
