from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.urls import reverse

from liaison.accounts import services
from liaison.accounts.models import ApiToken
from liaison.accounts.roles import Role
from liaison.catalog.models import FundingSource
from liaison.catalog.services import reference_catalog_load

pytestmark = pytest.mark.django_db


def test_administrator_must_set_up_totp_when_mfa_is_required(client, users, settings):
    settings.LIAISON_REQUIRE_MFA = True
    client.force_login(users[Role.ADMINISTRATOR])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    Authenticator.objects.create(
        user=users[Role.ADMINISTRATOR], type=Authenticator.Type.TOTP, data={}
    )
    assert client.get(reverse("home")).status_code == 200


def test_other_roles_are_not_forced_into_totp(client, users, settings):
    settings.LIAISON_REQUIRE_MFA = True
    client.force_login(users[Role.PROGRAM_MANAGER])
    assert client.get(reverse("home")).status_code == 200


def test_a_user_cannot_revoke_someone_elses_token(client, users):
    token, _ = services.api_token_create(actor=users[Role.PROGRAM_MANAGER], name="mine")
    client.force_login(users[Role.SPONSOR])
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).is_active


def test_profile_shows_a_new_token_once(client, users):
    client.force_login(users[Role.SPONSOR])
    response = client.post(reverse("accounts:profile"), {"name": "report script"})
    raw = response.context["new_token"]
    assert raw.startswith("lsn_")
    assert raw not in client.get(reverse("accounts:profile")).content.decode("utf-8-sig")


def test_attache_account_needs_a_region(users):
    with pytest.raises(ValidationError):
        services.user_create(actor=users[Role.ADMINISTRATOR], username="new", role=Role.ATTACHE)


def test_only_a_sponsor_is_scoped_to_a_funding_source(users):
    reference_catalog_load()
    inl = FundingSource.objects.get(code="INL")
    admin = users[Role.ADMINISTRATOR]
    with pytest.raises(ValidationError, match="Only sponsors"):
        services.user_create(
            actor=admin, username="pm", role=Role.PROGRAM_MANAGER, funding_source=inl
        )
    sponsor = services.user_create(
        actor=admin, username="inl", role=Role.SPONSOR, funding_source=inl
    )
    assert sponsor.funding_source == inl


def test_sign_in_page_is_public_and_self_sign_up_is_closed(client):
    assert client.get(reverse("account_login")).status_code == 200
    response = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in response.content.decode("utf-8-sig")
    assert "password1" not in response.content.decode("utf-8-sig")
