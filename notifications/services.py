"""Queue and send emails: rendered in the recipient's language when queued, sent by a Celery task after
the transaction commits. `email_queue` is idempotent per key; `email_send` never sends a row twice."""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Email

logger = logging.getLogger(__name__)
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
    """Hand the email to a worker. A broker that is down must not fail the order or cancellation that
    already committed: the row stays pending and the sweep_emails beat job sends it."""
    from .tasks import send_email

    try:
        send_email.delay(email_id)
    except Exception:
        logger.warning("email %s not dispatched; the sweep will send it", email_id, exc_info=True)


def email_send(email_id: int) -> bool:
    """Claim the row (pending → sending) with one conditional UPDATE, send, mark sent.
    A failure puts it back to pending and re-raises, so the task retries; a claimed row is never re-sent."""
    claimed = Email.objects.filter(pk=email_id, status=Email.Status.PENDING).update(status=Email.Status.SENDING)
    if not claimed:
        return False
    email = Email.objects.get(pk=email_id)
    message = EmailMultiAlternatives(email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to])
    message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception:
        Email.objects.filter(pk=email_id, status=Email.Status.SENDING).update(
            status=Email.Status.PENDING, attempts=email.attempts + 1)
        raise
    # Once sent, the body is dropped: a "Send to customer" email carries a bearer download link, and the
    # database otherwise keeps only link hashes.
    Email.objects.filter(pk=email_id, status=Email.Status.SENDING).update(
        status=Email.Status.SENT, sent_at=timezone.now(), attempts=email.attempts + 1, body_text="", body_html="")
    return True


def emails_send_pending(*, older_than: dt.timedelta = dt.timedelta(0)) -> int:
    """Send what is still pending (a lost message, or tests that don't run a worker)."""
    cutoff = timezone.now() - older_than
    ids = list(Email.objects.filter(status=Email.Status.PENDING, created_at__lte=cutoff)
               .order_by("created_at").values_list("pk", flat=True)[:500])
    return sum(1 for pk in ids if email_send(pk))
