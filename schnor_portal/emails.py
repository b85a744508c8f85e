"""Send a letter so that it counts as sent exactly when the caller commits: no duplicate after a crash.

An SMTP server delivers a message when it reads the line with a single dot that ends DATA; a
connection that closes before that line leaves nothing behind (RFC 5321 §4.1.1.4, §3.8). So
`letter_prepare` hands the whole letter over except that dot, the caller commits its «sent»
mark, and `PendingLetter.finish` sends the dot:

* killed before the commit — the server drops the letter, the mark was rolled back: sent later, once;
* killed after the dot — the letter is out and marked: never sent again;
* killed between the COMMIT returning and the one write of the dot — the only window left,
  microseconds with nothing to wait for; the letter is then lost, never doubled.

Backends that are not SMTP (console, file, memory in tests) have no such point: the letter goes
whole in `letter_prepare`, before the caller's commit.
"""

import re
import smtplib

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address


class PendingLetter:
    """A letter the SMTP server holds up to the final dot; `finish` sends it, `abort` drops it."""

    def __init__(self, backend: SmtpBackend | None = None):
        self.backend = backend

    def finish(self):
        if self.backend is None:
            return
        smtp = self.backend.connection
        try:
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
        except BaseException:
            self.abort()
            raise
        self.backend.close()  # QUIT, politely: the transaction is over
        self.backend = None

    def abort(self):
        """Close the socket mid-DATA: a QUIT now would be read as part of the letter."""
        if self.backend is None:
            return
        if self.backend.connection is not None:
            self.backend.connection.close()
            self.backend.connection = None
        self.backend = None


def letter_prepare(message) -> PendingLetter:
    """Hand `message` (an EmailMessage) to the mail server up to, not including, its final dot."""
    # RFC 3834: every letter of the portal is made by a program. Vacation auto-replies and mail
    # loops then leave it alone, and school mail servers may sort it as a notification.
    message.extra_headers.setdefault("Auto-Submitted", "auto-generated")
    backend = get_connection()
    if not isinstance(backend, SmtpBackend):
        message.connection = backend
        message.send()
        return PendingLetter()
    encoding = message.encoding or settings.DEFAULT_CHARSET
    from_email = sanitize_address(message.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in message.recipients()]
    data = message.message().as_bytes(linesep="\r\n")
    backend.open()
    letter = PendingLetter(backend)
    try:
        smtp = backend.connection
        smtp.ehlo_or_helo_if_needed()
        options = [f"size={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
        code, reply = smtp.mail(from_email, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, from_email)
        refused = {}
        for recipient in recipients:
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = (code, reply)
        if len(refused) == len(recipients):
            raise smtplib.SMTPRecipientsRefused(refused)
        smtp.putcmd("data")
        code, reply = smtp.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        # Dot-stuffing as smtplib.SMTP.data does; the terminating dot is finish()'s.
        body = re.sub(rb"(?m)^\.", b"..", data)
        smtp.send(body if body.endswith(b"\r\n") else body + b"\r\n")
    except BaseException:
        letter.abort()
        raise
    return letter
