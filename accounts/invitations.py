"""One-time links to set a password: the invitation to a new account and «Забыли пароль?».

Both are Django's password-reset tokens (`default_token_generator`): the token hashes the account's
password, so it stops working once a password is set through it, and it expires after
PASSWORD_RESET_TIMEOUT. Nobody else ever sees or sets the password; the link goes only to the
account's own address. Links are absolute (PORTAL_BASE_URL): letters are read outside the portal.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from schnor_portal.emails import letter_prepare

log = logging.getLogger(__name__)


def password_link(user) -> str:
    """A link that lets the account's owner set a password once, until PASSWORD_RESET_TIMEOUT passes."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.PORTAL_BASE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])


def link_valid_until() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def recipient_time_zone(user) -> str:
    """The zone the letter's times are written in: the recipient's municipality's (UTC+2…UTC+12),
    not the sender's; a region's account reads the server's."""
    return user.municipality.time_zone if user.municipality_id else settings.TIME_ZONE


def render_letter(template_name, context, *, user) -> str:
    with timezone.override(recipient_time_zone(user)):
        return render_to_string(template_name, context)


def letter_send_on_commit(message: EmailMessage):
    """Send `message` once the caller's transaction commits: a rolled-back account gets no letter.

    `robust`: a mail server that refuses the letter must not turn a saved account into an error
    page; the failure is logged and the invitation can be sent again from the accounts page.
    """

    def deliver():
        letter_prepare(message).finish()

    transaction.on_commit(deliver, robust=True)


def invitation_message(user, *, invited_by=None) -> EmailMessage:
    context = {
        "user": user,
        "role": user.get_role_display(),
        "where": user.municipality or user.region or "",
        "school": user.school if user.school_id else None,
        "invited_by": invited_by.display_name if invited_by is not None else "",
        "link": password_link(user),
        "valid_until": link_valid_until(),
        "login_url": settings.PORTAL_BASE_URL + reverse("accounts:login"),
    }
    subject = " ".join(render_letter("accounts/email/invitation_subject.txt", context, user=user).split())
    body = render_letter("accounts/email/invitation.txt", context, user=user)
    return EmailMessage(subject=subject, body=body, to=[user.email])


def invitation_send(*, user, invited_by=None):
    letter_send_on_commit(invitation_message(user, invited_by=invited_by))
