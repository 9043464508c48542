"""Who may see and run training. Object permissions take the delivery.

Headquarters plans and approves; a training advisor runs the deliveries they teach; an
attaché files requests for, and follows, their region; a vetting officer sees who is blocked.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters
from liaison.core.access import matches, within_region
from liaison.training.models import Delivery, FollowUp

is_advisor = has_role(Role.TRAINING_ADVISOR)
is_vetting_officer = has_role(Role.VETTING_OFFICER)


def _taught_by(user: Any) -> Q:
    """The deliveries the user is assigned to as an instructor."""
    return Q(assignments__staff__user=user)


def _attache_deliveries(user: Any) -> Q:
    """An attaché's scope: the delivery's host country, or its request's, is in their region."""
    return within_region(user, "country__region_id", "request__country__region_id")


@rules.predicate
def teaches_it(user: Any, delivery: Any) -> bool:
    return delivery is not None and matches(delivery, _taught_by(user))


@rules.predicate
def in_users_region(user: Any, delivery: Any) -> bool:
    return delivery is not None and matches(delivery, _attache_deliveries(user))


@rules.predicate
def request_in_users_region(user: Any, request: Any) -> bool:
    """Without a request: may the user open the form at all (it asks for the country)."""
    return request is None or matches(request, within_region(user, "country__region_id"))


browses = is_headquarters | is_advisor | is_attache | is_vetting_officer

rules.add_perm("training.browse", browses)


def scope_deliveries(user: Any, deliveries: QuerySet[Any]) -> QuerySet[Any]:
    """The deliveries ``training.view_delivery`` lets the user see, as a filter."""
    if is_headquarters(user) or is_vetting_officer(user):
        return deliveries
    if is_advisor(user):
        return deliveries.filter(_taught_by(user)).distinct()
    if is_attache(user):
        return deliveries.filter(_attache_deliveries(user))
    return deliveries.none()


def scope_follow_ups(user: Any, follow_ups: QuerySet[Any]) -> QuerySet[Any]:
    """Follow-ups the user may see: all where every delivery is in scope, else those of a
    delivery in scope (graduates' names stay in the user's scope)."""
    if is_headquarters(user) or is_vetting_officer(user):
        return follow_ups
    deliveries = scope_deliveries(user, Delivery.objects.all())
    return follow_ups.filter(
        pk__in=FollowUp.objects.filter(source_deliveries__in=deliveries).values("pk")
    )


def scope_requests(user: Any, requests: QuerySet[Any]) -> QuerySet[Any]:
    """The training requests ``training.view_request`` lets the user see, as a filter."""
    if is_headquarters(user):
        return requests
    if is_attache(user):
        return requests.filter(within_region(user, "country__region_id"))
    return requests.none()


rules.add_perm(
    "training.view_delivery",
    is_headquarters
    | is_vetting_officer
    | (is_advisor & teaches_it)
    | (is_attache & in_users_region),
)
rules.add_perm("training.manage_delivery", is_headquarters)
# The roster: headquarters, and the instructors of the delivery.
rules.add_perm("training.manage_roster", is_headquarters | (is_advisor & teaches_it))
rules.add_perm("training.take_attendance", is_headquarters | (is_advisor & teaches_it))
rules.add_perm("training.issue_certificate", is_headquarters | (is_advisor & teaches_it))
rules.add_perm("training.revoke_certificate", is_headquarters)
rules.add_perm("training.write_report", is_headquarters | (is_advisor & teaches_it))
rules.add_perm("training.manage_costs", is_headquarters)
rules.add_perm("training.view_costs", is_headquarters | (is_advisor & teaches_it))

rules.add_perm("training.browse_requests", is_headquarters | is_attache)
rules.add_perm("training.view_request", is_headquarters | (is_attache & request_in_users_region))
rules.add_perm("training.file_request", is_headquarters | (is_attache & request_in_users_region))
rules.add_perm("training.decide_request", is_headquarters)
rules.add_perm("training.manage_follow_ups", is_headquarters)
rules.add_perm("training.view_instructor_feed", is_headquarters | is_advisor)
