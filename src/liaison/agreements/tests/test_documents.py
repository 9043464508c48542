"""Request letters and responses: checked by content when attached, stored encrypted in the
database (no file under the web root), sent only to those who may read the request, and every
download recorded; the wrong role or region gets 403 and leaves no trace of the bytes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.agreements import services
from liaison.agreements.models import Document, DocumentKind
from liaison.agreements.tests.conftest import PDF
from liaison.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

READERS = {Role.ADMINISTRATOR, Role.PROGRAM_MANAGER, Role.ATTACHE}


@pytest.fixture
def letter(users, peru, make_request):
    request = make_request(peru)
    return services.document_attach(
        actor=users[Role.PROGRAM_MANAGER],
        request=request,
        kind=DocumentKind.REQUEST_LETTER,
        filename="../Oficio 041 señor.PDF",
        data=PDF,
    )


def test_a_letter_is_kept_encrypted_under_a_safe_name(letter):
    stored = Document.objects.get(pk=letter.pk)
    assert stored.filename == "Oficio 041 señor.pdf"
    assert (stored.content_type, stored.size) == ("application/pdf", len(PDF))
    assert b"%PDF" not in bytes(stored.payload) and b"mutual assistance" not in bytes(
        stored.payload
    )
    entry = AuditEntry.objects.get(action="assistance_request.document_attached")
    assert entry.changes["document"] == [None, "Request letter: Oficio 041 señor.pdf"]


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_kept(users, peru, make_request):
    request = make_request(peru)
    with pytest.raises(ValidationError, match="not a file Liaison keeps"):
        services.document_attach(
            actor=users[Role.PROGRAM_MANAGER],
            request=request,
            kind=DocumentKind.RESPONSE,
            filename="response.pdf",
            data=b"MZ\x90\x00 not a pdf",
        )
    assert not Document.objects.exists()


def test_the_same_file_twice_and_the_wrong_kind_are_refused(users, letter):
    manager = users[Role.PROGRAM_MANAGER]
    with pytest.raises(ValidationError, match=r"already attached, as “Oficio 041 señor\.pdf”"):
        services.document_attach(
            actor=manager, request=letter.request, kind="response", filename="x.pdf", data=PDF
        )
    with pytest.raises(ValidationError, match="Attach here: request letter, response"):
        services.document_attach(
            actor=manager,
            request=letter.request,
            kind=DocumentKind.AGREEMENT_TEXT,
            filename="y.pdf",
            data=PDF + b" ",
        )


def test_only_those_who_work_the_request_attach_to_it(users, letter):
    for role in (Role.TRAINING_ADVISOR, Role.VETTING_OFFICER, Role.SPONSOR, Role.IVP_COORDINATOR):
        with pytest.raises(PermissionDenied):
            services.document_attach(
                actor=users[role],
                request=letter.request,
                kind="response",
                filename="r.pdf",
                data=PDF + b"\n",
            )


@pytest.mark.parametrize("role", list(Role))
def test_the_letter_is_served_to_permitted_roles_only_and_each_download_is_logged(
    client, users, letter, role
):
    client.force_login(users[role])
    response = client.get(reverse("agreements:document_download", args=[letter.pk]))
    downloads = AuditEntry.objects.filter(action="assistance_request.document_downloaded")
    if role in READERS:
        assert response.status_code == 200
        assert response.content == PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"
        entry = downloads.get()
        assert (entry.actor, entry.object_id) == (users[role], str(letter.request_id))
        assert entry.changes == {"document": [None, "Request letter: Oficio 041 señor.pdf"]}
    else:
        assert response.status_code == 403
        assert PDF not in response.content
        assert not downloads.exists()


def test_an_attache_of_another_region_is_refused_the_letter(client, make_user, letter):
    client.force_login(make_user(Role.ATTACHE, region="NEA"))
    assert client.get(reverse("agreements:document_download", args=[letter.pk])).status_code == 403
    assert not AuditEntry.objects.filter(action__endswith="document_downloaded").exists()


def test_the_service_refuses_and_logs_nothing_for_the_wrong_role(users, letter):
    with pytest.raises(PermissionDenied):
        services.document_download(actor=users[Role.TRAINING_ADVISOR], document=letter)
    assert not AuditEntry.objects.filter(action__endswith="document_downloaded").exists()


def test_the_agreements_text_is_read_by_whoever_reads_the_agreement(client, users, peru):
    text = services.document_attach(
        actor=users[Role.PROGRAM_MANAGER],
        agreement=peru,
        kind=DocumentKind.AGREEMENT_TEXT,
        filename="cmaa-peru.pdf",
        data=PDF,
    )
    client.force_login(users[Role.TRAINING_ADVISOR])
    response = client.get(reverse("agreements:document_download", args=[text.pk]))
    assert response.status_code == 200 and response.content == PDF
    assert AuditEntry.objects.get(action="agreement.document_downloaded").object_id == str(peru.pk)
    client.force_login(users[Role.SPONSOR])
    assert client.get(reverse("agreements:document_download", args=[text.pk])).status_code == 403


def test_the_api_serves_and_logs_the_same_way(client, users, letter):
    _, token = api_token_create(actor=users[Role.ATTACHE], name="t")
    url = f"/api/v1/agreements/documents/{letter.pk}/content"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.content == PDF
    listed = client.get(
        f"/api/v1/agreements/requests/{letter.request_id}/documents",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    assert [d["filename"] for d in listed] == ["Oficio 041 señor.pdf"]
    assert listed[0]["url"] == url
    _, other = api_token_create(actor=users[Role.VETTING_OFFICER], name="t")
    refused = client.get(url, HTTP_AUTHORIZATION=f"Bearer {other}")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert AuditEntry.objects.filter(action="assistance_request.document_downloaded").count() == 1


def test_the_api_attaches_a_file_checked_by_content(client, users, peru, make_request):
    request = make_request(peru)
    _, token = api_token_create(actor=users[Role.ATTACHE], name="t")
    url = f"/api/v1/agreements/requests/{request.pk}/documents"
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = client.post(
        url,
        {"kind": "response", "file": SimpleUploadedFile("answer.pdf", PDF)},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["filename"] == "answer.pdf"
    bad = client.post(
        url,
        {"kind": "response", "file": SimpleUploadedFile("answer.pdf", b"<html>")},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
