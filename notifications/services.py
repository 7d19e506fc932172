"""Queue and send emails: rendered in the recipient's language when queued, sent by a Celery task after
the transaction commits. `email_queue` is idempotent per key; `email_send` sends a row once, and a worker
killed while sending leaves it pending for the retry or the sweep."""
from __future__ import annotations

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from partnercenter.outbox import dispatch

from .models import Email

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def language_of(user) -> str:
    language = (getattr(user, "language", "") or "en").lower()
    return language if language in SUPPORTED else "en"


def render_email(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """notifications/<template>_subject.txt, .txt and .html, rendered in `language`."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return subject, text, html


def email_queue(*, key: str, user, template: str, context: dict) -> Email | None:
    """Queue one email to `user` (None if this key was already queued); it is sent after commit."""
    if not user.email:
        return None
    language = language_of(user)
    subject, text, html = render_email(template, {**context, "recipient": user}, language)
    try:
        with transaction.atomic():
            email = Email.objects.create(key=key[:200], recipient=user, to=user.email, language=language,
                                         subject=subject, body_text=text, body_html=html)
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _dispatch(email.pk))
    return email


def _dispatch(email_id: int) -> None:
    """Hand the email to a worker; if the broker is down the row stays pending and sweep_emails sends it."""
    from .tasks import send_email

    dispatch(send_email, email_id)


def message_id_for(email: Email) -> str:
    """The same Message-ID every time this outbox row is sent, so that a receiving server can tell a resend
    (a worker killed after the SMTP server accepted but before the row was marked sent) from a new email."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<outbox-{email.pk}.{email.created_at:%Y%m%d%H%M%S}@{domain}>"


def email_send(email_id: int) -> bool:
    """Lock the pending row, send, mark it sent, commit — one transaction around the SMTP conversation.

    A worker killed before the commit leaves the row pending (PostgreSQL rolls back when the connection
    dies), so the retry or the sweep sends it; a row already locked by another worker is skipped. The one
    window for a duplicate is a kill after the SMTP server accepted and before the commit: the resend
    carries the same Message-ID. A failed send counts the attempt and re-raises, so the task retries."""
    failure = None
    with transaction.atomic():
        email = Email.objects.select_for_update(skip_locked=True).filter(
            pk=email_id, status=Email.Status.PENDING).first()
        if email is None:
            return False
        message = EmailMultiAlternatives(email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to],
                                         headers={"Message-ID": message_id_for(email)})
        message.attach_alternative(email.body_html, "text/html")
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - re-raised below, after the attempt is counted
            failure = exc
            Email.objects.filter(pk=email_id).update(attempts=F("attempts") + 1)
        else:
            # Once sent, the body is dropped: a "Send to customer" email carries a bearer download link, and
            # the database otherwise keeps only link hashes.
            Email.objects.filter(pk=email_id).update(status=Email.Status.SENT, sent_at=timezone.now(),
                                                     attempts=F("attempts") + 1, body_text="", body_html="")
    if failure is not None:
        raise failure
    return True


def emails_send_pending(*, older_than: dt.timedelta = dt.timedelta(0)) -> int:
    """Send what is still pending (a lost message, or tests that don't run a worker)."""
    cutoff = timezone.now() - older_than
    ids = list(Email.objects.filter(status=Email.Status.PENDING, created_at__lte=cutoff)
               .order_by("created_at").values_list("pk", flat=True)[:500])
    return sum(1 for pk in ids if email_send(pk))
