"""The invitation's link: a signed, timestamped token (django.core.signing) carrying the
invitation's id. A token altered by one character, or older than SURVEY_LINK_DAYS, is refused;
so is a valid token whose invitation has expired, was answered or opted out."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing

SALT = "liaison.surveys.invitation"


class LinkRefused(Exception):
    """The link cannot be used; ``reason`` is one of ``tampered`` or ``expired``."""

    def __init__(self, reason: str, invitation_id: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        # Known for a genuine but old link, so the refusal speaks the invitee's language.
        self.invitation_id = invitation_id


def invitation_token(invitation_id: int) -> str:
    return signing.dumps({"i": invitation_id}, salt=SALT, compress=True)


def invitation_id_from(token: str) -> int:
    """The invitation a token names; raises :class:`LinkRefused` when it is not ours or too old."""
    try:
        data = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.SURVEY_LINK_DAYS))
    except signing.SignatureExpired as error:
        genuine = signing.loads(token, salt=SALT)  # signed by us, only too old
        raise LinkRefused("expired", _pk(genuine)) from error
    except signing.BadSignature as error:
        raise LinkRefused("tampered") from error
    pk = _pk(data)
    if pk is None:
        raise LinkRefused("tampered")
    return pk


def _pk(data: object) -> int | None:
    if isinstance(data, dict) and isinstance(data.get("i"), int):
        return int(data["i"])
    return None
