"""Email through an SMTP server, configured from the environment (``forum_app/config.py``).

Mail is on when ``SMTP_HOST`` and ``MAIL_FROM`` are set. ``SMTP_STARTTLS`` (on by default) upgrades
the connection before anything is sent, and a server that cannot is not sent to. ``send`` never
raises and gives up after ``SMTP_TIMEOUT_SECONDS``: whatever asked for the email has already been
saved. Logs say only whether a message went, never to whom or what it said.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    starttls: bool = True
    timeout: float = 5.0


def mail_settings(config: Mapping[str, Any]) -> MailSettings | None:
    """The app's mail settings, or None when mail is not configured."""
    host, sender = str(config.get("SMTP_HOST") or ""), str(config.get("MAIL_FROM") or "")
    if not host or not sender:
        return None
    return MailSettings(
        host=host,
        port=int(config.get("SMTP_PORT") or 587),
        sender=sender,
        username=str(config.get("SMTP_USERNAME") or ""),
        password=str(config.get("SMTP_PASSWORD") or ""),
        starttls=bool(config.get("SMTP_STARTTLS", True)),
        timeout=float(config.get("SMTP_TIMEOUT_SECONDS") or 5),
    )


def send(settings: MailSettings, recipients: Sequence[str], subject: str, body: str) -> bool:
    """Send one plain-text message to ``recipients``. True if the server accepted it."""
    if not recipients:
        return False
    message = EmailMessage()
    try:
        message["From"] = settings.sender
        message["To"] = ", ".join(recipients)
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.send_message(message)
    except (OSError, ValueError) as exc:  # smtplib's and ssl's errors are OSErrors; a bad header a ValueError
        log.warning("An email could not be sent (%s).", type(exc).__name__)
        return False
    log.info("An email was sent to %d recipients.", len(recipients))
    return True
