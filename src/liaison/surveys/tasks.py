"""Background work of the surveys app, run by ``liaison db_worker``: invitation e-mails and
their reminders, in the invitee's language. A reminder is queued for its own time and checks,
when it runs, that it is still due (not answered, not opted out, under the survey's maximum,
at least the survey's gap after the last message)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from liaison.surveys import selectors
from liaison.surveys.tokens import invitation_token


def invitation_links(invitation_id: int) -> dict[str, str]:
    token = invitation_token(invitation_id)
    return {
        "answer_url": settings.BASE_URL + reverse("surveys_public:answer", args=[token]),
        "opt_out_url": settings.BASE_URL + reverse("surveys_public:opt_out", args=[token]),
    }


@task()
def invitation_mail(*, invitation_id: int, reminder: bool) -> int:
    """E-mail the invitation (or a reminder of it) in the invitee's language; returns the
    messages sent (0 when answered, opted out, or the person has no address)."""
    invitation = selectors.invitation_for_mail(pk=invitation_id)
    if invitation is None or invitation.responded_at or invitation.opted_out_at:
        return 0
    address = invitation.person.email
    if not address:
        return 0
    survey = invitation.survey
    context = {
        "invitation": invitation,
        "survey": survey,
        "subject_name": str(survey.subject),
        "reminder": reminder,
        "expires_on": invitation.expires_at.date(),
        **invitation_links(invitation_id),
    }
    with translation.override(invitation.language):
        subject = " ".join(
            render_to_string("surveys/email/invitation_subject.txt", context).split()
        )
        body = render_to_string("surveys/email/invitation.txt", context)
    send_mail(subject, body, None, [address])
    return 1


@task()
def invitation_reminder(*, invitation_id: int) -> int:
    """Send the reminder if it is still due; the next one is queued by the service."""
    from liaison.surveys.services import invitation_remind

    return 1 if invitation_remind(invitation_id=invitation_id) else 0
