"""Who may see and run SAFE capacity building. Object permissions take the program (or the
assessment, for its scores, moves and attachments).

Headquarters (administrators and program managers) runs the programs: creates them, sets
targets, plans, reviews and approves assessments. A training advisor named as an assessor
scores and submits that assessment, and sees the programs they assess or mentor in. An
attaché follows the programs of their region, read-only, without the evidence files (the
partner's internal documents stay with headquarters and the assessors).
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters
from liaison.capacity.models import Program
from liaison.core.access import NOTHING, matches, within_region

is_advisor = has_role(Role.TRAINING_ADVISOR)


def _works_on(user: Any) -> Q:
    """The programs a staff member assesses or mentors in (through their staff record)."""
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    return Q(assessments__assessors__user=user) | Q(mentoring__advisor__user=user)


def _in_region(user: Any) -> Q:
    return within_region(user, "country__region_id")


def _named_assessor(user: Any) -> Q:
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    return Q(assessors__user=user)


@rules.predicate
def works_on_program(user: Any, program: Any) -> bool:
    return program is not None and matches(program, _works_on(user))


@rules.predicate
def program_in_region(user: Any, program: Any) -> bool:
    return program is not None and matches(program, _in_region(user))


@rules.predicate
def assesses_it(user: Any, assessment: Any) -> bool:
    return assessment is not None and matches(assessment, _named_assessor(user))


@rules.predicate
def may_view_its_program(user: Any, assessment: Any) -> bool:
    return assessment is not None and can_view_program(user, assessment.program)


can_browse = is_headquarters | is_advisor | is_attache
can_view_program = (
    is_headquarters | (is_advisor & works_on_program) | (is_attache & program_in_region)
)
can_manage_program = is_headquarters
can_view_assessment = may_view_its_program
# Scores, dates and evidence of a draft: headquarters, or an advisor named as its assessor.
can_edit_assessment = is_headquarters | (is_advisor & assesses_it)
can_review_assessment = is_headquarters
can_approve_assessment = is_headquarters
can_view_attachments = is_headquarters | (is_advisor & assesses_it)

rules.add_perm("capacity.browse", can_browse)
rules.add_perm("capacity.view_program", can_view_program)
rules.add_perm("capacity.manage_program", can_manage_program)
rules.add_perm("capacity.view_assessment", can_view_assessment)
rules.add_perm("capacity.edit_assessment", can_edit_assessment)
rules.add_perm("capacity.review_assessment", can_review_assessment)
rules.add_perm("capacity.approve_assessment", can_approve_assessment)
rules.add_perm("capacity.view_attachments", can_view_attachments)


def scope_programs(user: Any, programs: QuerySet[Any]) -> QuerySet[Any]:
    """The programs ``capacity.view_program`` lets the user see, as a filter."""
    if is_headquarters(user):
        return programs
    if is_advisor(user):
        return programs.filter(_works_on(user)).distinct()
    if is_attache(user):
        return programs.filter(_in_region(user))
    return programs.none()


def scope_assessments(user: Any, assessments: QuerySet[Any]) -> QuerySet[Any]:
    """The assessments of the programs the user may see."""
    if is_headquarters(user):
        return assessments
    return assessments.filter(program__in=scope_programs(user, Program.objects.all()))


def scope_editable_assessments(user: Any, assessments: QuerySet[Any]) -> QuerySet[Any]:
    """The assessments whose scores ``capacity.edit_assessment`` lets the user change, as a
    filter (headquarters: all; an advisor: those naming them as assessor)."""
    if is_headquarters(user):
        return assessments
    if is_advisor(user):
        return assessments.filter(_named_assessor(user)).distinct()
    return assessments.none()


def scope_program_managers(users: QuerySet[Any]) -> QuerySet[Any]:
    """Who may be named a program's manager: active headquarters users."""
    return users.filter(
        is_active=True, role__in=(Role.ADMINISTRATOR, Role.PROGRAM_MANAGER)
    ).order_by("last_name", "username")
