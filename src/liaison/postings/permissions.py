"""Who may see and change postings, posts, deployment programs and deployments.

Those who see every staff member (headquarters, training advisors, IVP coordinators) see every
posting and deployment. An attaché sees the postings of their region (posted there, or covering
one of its countries) and the posts, programs and deployments in it, and records an officer's
arrival on, and departure from, a post in their region. Headquarters proposes, approves,
withdraws, cancels and changes tours, keeps the posts, and runs deployment programs and
deployments (as it recorded instructor deployments in training).
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters
from liaison.core.access import matches, within_region
from liaison.postings.models import Posting

# The roles that see every staff member (people.browse_staff) see every posting.
sees_all = has_role(
    Role.ADMINISTRATOR, Role.PROGRAM_MANAGER, Role.TRAINING_ADVISOR, Role.IVP_COORDINATOR
)


def _attache_postings(user: Any) -> Q:
    """An attaché's postings: posted in their region, or covering a country of it."""
    return within_region(user, "post__country__region_id", "coverage__country__region_id")


def _attache_posted_here(user: Any) -> Q:
    """The postings an attaché acts on: those whose post is in their region."""
    return within_region(user, "post__country__region_id")


def _attache_country_records(user: Any) -> Q:
    """Posts, programs and deployments in the attaché's region."""
    return within_region(user, "country__region_id")


@rules.predicate
def posting_in_users_region(user: Any, posting: Any) -> bool:
    return posting is not None and matches(posting, _attache_postings(user))


@rules.predicate
def posted_in_users_region(user: Any, posting: Any) -> bool:
    return posting is not None and matches(posting, _attache_posted_here(user))


@rules.predicate
def in_users_region(user: Any, record: Any) -> bool:
    """A post, program or deployment in the attaché's region."""
    return record is not None and matches(record, _attache_country_records(user))


def _scoped(user: Any, records: QuerySet[Any], attache: Q) -> QuerySet[Any]:
    if sees_all(user):
        return records
    if is_attache(user):
        # By primary key: a to-many condition would repeat a record once per match.
        return records.filter(pk__in=records.model.objects.filter(attache).values("pk"))
    return records.none()


def scope_postings(user: Any, postings: QuerySet[Any]) -> QuerySet[Any]:
    """The postings ``postings.view_posting`` lets the user see, as a filter."""
    return _scoped(user, postings, _attache_postings(user))


def scope_presence(user: Any, postings: QuerySet[Any]) -> QuerySet[Any]:
    """The postings whose arrival and end ``postings.record_presence`` lets the user record."""
    if is_headquarters(user):
        return postings
    if is_attache(user):
        return postings.filter(_attache_posted_here(user))
    return postings.none()


def scope_coverage(user: Any, coverage: QuerySet[Any]) -> QuerySet[Any]:
    """The coverage rows of the postings the user may see."""
    if sees_all(user):
        return coverage
    return coverage.filter(posting__in=scope_postings(user, Posting.objects.all()))


def scope_posts(user: Any, posts: QuerySet[Any]) -> QuerySet[Any]:
    """The posts ``postings.view_post`` lets the user see, as a filter."""
    return _scoped(user, posts, _attache_country_records(user))


def scope_programs(user: Any, programs: QuerySet[Any]) -> QuerySet[Any]:
    """The deployment programs ``postings.view_program`` lets the user see, as a filter."""
    return _scoped(user, programs, _attache_country_records(user))


def scope_deployments(user: Any, deployments: QuerySet[Any]) -> QuerySet[Any]:
    """The deployments ``postings.view_deployment`` lets the user see, as a filter."""
    return _scoped(user, deployments, _attache_country_records(user))


readers = sees_all | is_attache

rules.add_perm("postings.browse", readers)
rules.add_perm("postings.view_posting", sees_all | (is_attache & posting_in_users_region))
rules.add_perm("postings.view_post", sees_all | (is_attache & in_users_region))
rules.add_perm("postings.view_program", sees_all | (is_attache & in_users_region))
rules.add_perm("postings.view_deployment", sees_all | (is_attache & in_users_region))

# Proposing a tour (changing or withdrawing the proposal), approving it, cancelling it and
# changing its planned end: headquarters, which names the officer (the staff directory is
# headquarters', advisors' and coordinators', not an attaché's).
rules.add_perm("postings.propose", is_headquarters)
rules.add_perm("postings.approve", is_headquarters)
# Arrival on post and the tour's end are recorded by headquarters or the region's attaché.
rules.add_perm("postings.record_presence", is_headquarters | (is_attache & posted_in_users_region))
rules.add_perm("postings.manage_posts", is_headquarters)
rules.add_perm("postings.manage_deployments", is_headquarters)
