"""Who may see and run training. Object permissions take the delivery.

Headquarters plans and approves; a training advisor runs the deliveries they teach; an
attaché files requests for, and follows, their region; a vetting officer sees who is blocked.
"""

from __future__ import annotations

from typing import Any

import rules

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters

is_advisor = has_role(Role.TRAINING_ADVISOR)
is_vetting_officer = has_role(Role.VETTING_OFFICER)


@rules.predicate
def teaches_it(user: Any, delivery: Any) -> bool:
    """The user is an instructor assigned to the delivery."""
    if delivery is None:
        return False
    return delivery.assignments.filter(staff__user=user).exists()


@rules.predicate
def in_users_region(user: Any, delivery: Any) -> bool:
    """An attaché's scope: the delivery's host country, or its request's, is in their region."""
    if delivery is None or user.region_id is None:
        return False
    if delivery.country.region_id == user.region_id:
        return True
    request = delivery.request
    return request is not None and request.country.region_id == user.region_id


@rules.predicate
def request_in_users_region(user: Any, request: Any) -> bool:
    if request is None:
        return True
    return user.region_id is not None and request.country.region_id == user.region_id


browses = is_headquarters | is_advisor | is_attache | is_vetting_officer

rules.add_perm("training.browse", browses)
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
