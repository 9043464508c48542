"""Each list shows exactly the records its detail page opens, for every role (and an attaché
of another region, and one without a region): ``scope_<model>`` and the ``can_<action>``
predicates read one ``Q``."""

from __future__ import annotations

import pytest

from liaison.accounts.roles import Role
from liaison.agreements import services
from liaison.agreements.models import Agreement, AssistanceRequest, Document, DocumentKind
from liaison.agreements.permissions import scope_agreements, scope_documents, scope_requests
from liaison.agreements.tests.conftest import PDF
from liaison.core.tests.test_rules_in_one_place import agree

pytestmark = pytest.mark.django_db


def test_lists_show_exactly_the_records_their_detail_pages_open(
    users, make_user, make_agreement, make_request
):
    manager = users[Role.PROGRAM_MANAGER]
    everyone = {
        **users,
        "attaché of NEA": make_user(Role.ATTACHE, region="NEA"),
        "attaché without region": make_user(Role.ATTACHE, region=None),
    }
    everyone["attaché without region"].region = None
    everyone["attaché without region"].save()
    for n, code in enumerate(("PE", "JO", "KE")):
        agreement = make_agreement(code)
        request = make_request(agreement)
        services.document_attach(
            actor=manager, agreement=agreement, kind=DocumentKind.AGREEMENT_TEXT,
            filename="text.pdf", data=PDF + b" " * n,
        )  # fmt: skip
        services.document_attach(
            actor=manager, request=request, kind=DocumentKind.REQUEST_LETTER,
            filename="letter.pdf", data=PDF + b"\n" * (n + 1),
        )  # fmt: skip
    agree(everyone, scope_agreements, "agreements.view_agreement", Agreement.objects.all())
    agree(everyone, scope_requests, "agreements.view_request", AssistanceRequest.objects.all())
    agree(everyone, scope_documents, "agreements.download_document", Document.objects.all())
    nea = everyone["attaché of NEA"]
    assert [str(a.country.code) for a in scope_agreements(nea, Agreement.objects.all())] == ["JO"]
    assert not scope_requests(everyone[Role.TRAINING_ADVISOR], AssistanceRequest.objects.all())
    assert scope_documents(everyone[Role.TRAINING_ADVISOR], Document.objects.all()).count() == 3
