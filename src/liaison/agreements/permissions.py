"""Who may see and work agreements and assistance requests; the only module of the app that
knows the roles.

Headquarters (administrators and program managers) negotiates and records the agreements and
works every request. An attaché works the requests of their region's partners and follows
their agreements. Training advisors, IVP coordinators and vetting officers may read the
agreements (whether a partner has one, who its contacts are), not the requests: a request
names persons and companies under investigation, and its letters are evidence. Sponsors and
site hosts have no part in it.

Each object predicate (``can_<action>``) reads the same ``Q`` as the list scope
(``scope_<model>``), through ``core.access.matches``: a list and a detail page agree.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from liaison.accounts.roles import Role, has_role, is_attache, is_headquarters
from liaison.core.access import EVERYTHING, NOTHING, matches, within_region

# Read the agreements (not the requests): they work with the same partners.
reads_agreements = has_role(Role.TRAINING_ADVISOR, Role.IVP_COORDINATOR, Role.VETTING_OFFICER)


def _agreements_q(user: Any, path: str = "") -> Q:
    """The agreements ``user`` may see, as a filter reached by ``path`` ("agreement__")."""
    if is_headquarters(user) or reads_agreements(user):
        return EVERYTHING
    if is_attache(user):
        return within_region(user, f"{path}country__region_id")
    return NOTHING


def _requests_q(user: Any, path: str = "") -> Q:
    """The assistance requests ``user`` may see and work: headquarters all of them, an attaché
    those under their region's agreements."""
    if is_headquarters(user):
        return EVERYTHING
    if is_attache(user):
        return within_region(user, f"{path}agreement__country__region_id")
    return NOTHING


def scope_agreements(user: Any, agreements: QuerySet[Any]) -> QuerySet[Any]:
    """The agreements ``agreements.view_agreement`` opens, as a filter."""
    return agreements.filter(_agreements_q(user))


def scope_requests(user: Any, requests: QuerySet[Any], *, path: str = "") -> QuerySet[Any]:
    """The requests ``agreements.view_request`` opens, as a filter; ``path`` leads from another
    model to its request ("request__") to scope a request's persons the same way."""
    return requests.filter(_requests_q(user, path))


def scope_documents(user: Any, documents: QuerySet[Any]) -> QuerySet[Any]:
    """The documents ``agreements.download_document`` sends: an agreement's own text to whoever
    sees the agreement, a request's letters to whoever sees the request."""
    return documents.filter(_documents_q(user))


def _documents_q(user: Any) -> Q:
    return (Q(request__isnull=True) & _agreements_q(user, "agreement__")) | (
        Q(request__isnull=False) & _requests_q(user, "request__")
    )


def handler_accounts(users: QuerySet[Any], agreement: Any) -> QuerySet[Any]:
    """The accounts that may own a request under ``agreement``: headquarters, and the attachés
    of its country's region (of any region, when no agreement is chosen yet)."""
    handles = Q(role__in=(Role.ADMINISTRATOR, Role.PROGRAM_MANAGER))
    if agreement is None:
        handles |= Q(role=Role.ATTACHE, region__isnull=False)
    elif agreement.country.region_id is not None:
        handles |= Q(role=Role.ATTACHE, region_id=agreement.country.region_id)
    return users.filter(handles, is_active=True)


# --- object predicates --------------------------------------------------------------------


@rules.predicate
def agreement_in_scope(user: Any, agreement: Any) -> bool:
    return agreement is not None and matches(agreement, _agreements_q(user))


@rules.predicate
def agreement_unspecified_or_in_scope(user: Any, agreement: Any) -> bool:
    """Opening the request form needs no agreement; filing checks the one chosen."""
    return agreement is None or matches(agreement, _agreements_q(user))


@rules.predicate
def request_in_scope(user: Any, request: Any) -> bool:
    return request is not None and matches(request, _requests_q(user))


@rules.predicate
def document_in_scope(user: Any, document: Any) -> bool:
    return document is not None and matches(document, _documents_q(user))


@rules.predicate
def attaches_to_request(user: Any, document: Any) -> bool:
    """Attaching to a request (or the agreement's own text, for headquarters): the document
    not saved yet names where it goes."""
    if document is None:
        return False
    if document.request_id is not None:
        return bool(can_work_request.test(user, document.request))
    return bool(can_manage_agreement.test(user, document.agreement))


can_browse_agreements = is_headquarters | is_attache | reads_agreements
can_view_agreement = can_browse_agreements & agreement_in_scope
can_manage_agreement = is_headquarters
can_browse_requests = is_headquarters | is_attache
can_view_request = can_browse_requests & request_in_scope
# Filing is asked of the agreement it is made under (or of none, to open the form).
can_file_request = is_headquarters | (is_attache & agreement_unspecified_or_in_scope)
can_work_request = can_browse_requests & request_in_scope
# Refusing a partner's request is headquarters' decision; recording the partner's refusal of
# ours is working the request.
can_refuse_request = is_headquarters
can_download_document = document_in_scope
can_attach_document = attaches_to_request

rules.add_perm("agreements.browse", can_browse_agreements)
rules.add_perm("agreements.view_agreement", can_view_agreement)
rules.add_perm("agreements.manage_agreement", can_manage_agreement)
rules.add_perm("agreements.browse_requests", can_browse_requests)
rules.add_perm("agreements.view_request", can_view_request)
rules.add_perm("agreements.file_request", can_file_request)
rules.add_perm("agreements.work_request", can_work_request)
rules.add_perm("agreements.refuse_request", can_refuse_request)
rules.add_perm("agreements.view_health", can_browse_requests)
rules.add_perm("agreements.download_document", can_download_document)
rules.add_perm("agreements.attach_document", can_attach_document)
